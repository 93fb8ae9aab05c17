//! A preflight whose `Access-Control-Request-Headers` lines come from the input, against a fixed
//! set of policies. The verdict is checked against the allowed lists reimplemented here.
//!
//! Input: byte 0 picks the policy (low 3 bits) and how many times each line is repeated, joined
//! by commas (high 5 bits: 1 to 32, to reach the size limits cheaply); the rest is split on `\n`
//! into at most 10 header lines. Bytes `http::HeaderValue` refuses are dropped from each line.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use cors_core::{Action, Policy, MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADER_NAMES};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "https://app.example.com";
const MAX_LINES: usize = 10;

/// A policy and its allowed request headers as a reference: `*` (never covering
/// `authorization`) and the listed names, compared case-insensitively.
struct Fixed {
    policy: Policy,
    any: bool,
    list: &'static [&'static str],
    credentials: bool,
}

fn fixed(any: bool, list: &'static [&'static str], credentials: bool, passthrough: bool) -> Fixed {
    let mut headers: Vec<&str> = list.to_vec();
    if any {
        headers.insert(0, "*");
    }
    let policy = Policy::builder()
        .allow_origin(ORIGIN)
        .allow_methods(["PUT"])
        .allow_headers(headers)
        .allow_credentials(credentials)
        .max_age(Duration::from_secs(600))
        .preflight_passthrough(passthrough)
        .build()
        .expect("a fixed policy builds");
    Fixed { policy, any, list, credentials }
}

fn policies() -> &'static [Fixed] {
    static POLICIES: OnceLock<Vec<Fixed>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        vec![
            fixed(false, &["content-type", "x-request-id"], false, false),
            fixed(true, &[], false, false),
            fixed(true, &["authorization"], false, false),
            fixed(true, &[], true, false),
            fixed(false, &[], false, false),
            fixed(false, &["authorization", "x-a_b", "X-Upper"], true, false),
            fixed(true, &["authorization"], true, false),
            fixed(false, &["x-a", "content-type"], true, true),
        ]
    })
}

impl Fixed {
    fn allows(&self, name: &[u8]) -> bool {
        (self.any && !name.eq_ignore_ascii_case(b"authorization"))
            || self.list.iter().any(|h| h.as_bytes().eq_ignore_ascii_case(name))
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim_ows(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |e| e + 1);
    &s[start..end]
}

/// RFC 9110 list elements: split on commas, OWS trimmed, empty elements skipped.
fn names(lines: &[Vec<u8>]) -> Vec<&[u8]> {
    lines.iter().flat_map(|l| l.split(|&b| b == b',')).map(trim_ows).filter(|n| !n.is_empty()).collect()
}

/// The elements of every line of a response header, trimmed.
fn answer_items(headers: &HeaderMap, name: &str) -> Vec<Vec<u8>> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b',').map(|i| i.trim_ascii().to_vec()).collect::<Vec<_>>())
        .filter(|i| !i.is_empty())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else { return };
    let fixed = &policies()[usize::from(control & 7) % policies().len()];
    let repeat = 1 + usize::from(control >> 3);

    let mut lines: Vec<Vec<u8>> = Vec::new();
    for raw in rest.split(|&b| b == b'\n').take(MAX_LINES) {
        let clean: Vec<u8> = raw.iter().copied().filter(|&b| is_header_value_byte(b)).collect();
        let line = vec![clean; repeat].join(&b","[..]);
        lines.push(line);
    }
    let mut builder =
        http::Request::options("/data").header("origin", ORIGIN).header("access-control-request-method", "PUT");
    for line in &lines {
        let value = HeaderValue::from_bytes(line).expect("refused bytes were dropped");
        builder = builder.header("access-control-request-headers", value);
    }
    let request = builder.body(()).expect("a valid request");

    let decision = fixed.policy.decide(&request);
    let refused = decision.refusal().is_some();
    let requested = names(&lines);

    // Soundness: an allowed preflight requested only tokens the policy allows.
    if !refused {
        for name in &requested {
            assert!(is_token(name), "allowed a preflight requesting the non-token {:?}", show(name));
            assert!(
                fixed.allows(name),
                "allowed a preflight requesting {:?}, which the policy does not allow",
                show(name)
            );
        }
    }
    // Completeness: within the size limits, a list of allowed tokens is never refused.
    let total: usize = lines.iter().map(Vec::len).sum();
    let within_limits = total <= MAX_REQUEST_HEADERS_LEN
        && lines.len() <= MAX_REQUEST_HEADER_LINES
        && requested.len() <= MAX_REQUEST_HEADER_NAMES;
    if within_limits && requested.iter().all(|n| is_token(n) && fixed.allows(n)) {
        assert!(!refused, "refused a preflight of allowed headers: {:?}", decision.refusal());
    }

    let mut answer = HeaderMap::new();
    match decision.action() {
        Action::Preflight(p) => {
            assert_eq!(p.is_allowed(), !refused, "Preflight::is_allowed disagrees with the refusal");
            p.apply(&mut answer);
        }
        Action::Forward(f) => f.apply(&mut answer),
    }

    // A refused preflight is never cached; an allowed one carries the policy's max-age.
    if refused {
        assert!(!answer.contains_key("access-control-max-age"), "max-age on a refused preflight");
    } else {
        assert_eq!(answer.get_all("access-control-max-age").iter().count(), 1, "allowed preflight without one max-age");
        assert_eq!(
            answer.get_all("access-control-allow-origin").iter().count(),
            1,
            "allowed preflight without one ACAO"
        );
        // The browser's check: every requested name is in Access-Control-Allow-Headers, or covered
        // by a `*` that counts as a wildcard (never with credentials, never for authorization).
        let allowed = answer_items(&answer, "access-control-allow-headers");
        let star = !fixed.credentials && allowed.iter().any(|i| i == b"*");
        for name in &requested {
            let listed = allowed.iter().any(|i| i.eq_ignore_ascii_case(name));
            let covered = star && !name.eq_ignore_ascii_case(b"authorization");
            assert!(listed || covered, "the answer does not allow the requested {:?}: {answer:?}", show(name));
        }
    }
    // With credentials `*` is not a wildcard: the answer names the headers, and says `*` only
    // when the page literally asked for a header named `*`.
    if fixed.credentials {
        let asked_star = requested.iter().any(|n| *n == b"*");
        for item in answer_items(&answer, "access-control-allow-headers") {
            assert!(item != b"*" || asked_star, "Access-Control-Allow-Headers `*` with credentials: {answer:?}");
        }
    }
});

/// What `http::HeaderValue::from_bytes` accepts: visible bytes, space, tab and obs-text.
fn is_header_value_byte(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

fn show(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}
