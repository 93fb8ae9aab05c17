//! `Policy::decide` and the answer it writes, for arbitrary requests against a fixed set of
//! policies, checked against invariants of the CORS protocol and a reference origin matcher
//! written here independently of the core.
//!
//! Input: byte 0 picks the policy (modulo 8: `'0'`..`'7'`), byte 1 the method (modulo 16, see
//! [`METHODS`]: `'0'` is OPTIONS, `'?'` takes the raw `M` line); the rest is split on `\n` into
//! lines, each tagged by its first byte:
//!
//! - `o<value>`: an `Origin` header (at most 3 kept),
//! - `m<value>`: `Access-Control-Request-Method` (at most 2),
//! - `h<value>`: `Access-Control-Request-Headers` (at most 10),
//! - `p<value>`: `Access-Control-Request-Private-Network` (at most 2),
//! - `M<value>`: the raw method for byte 1 = `'?'`.
//!
//! Values `http::HeaderValue` refuses are skipped.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use cors_core::{Action, Policy};
use http::{HeaderMap, HeaderValue, Method};
use libfuzzer_sys::fuzz_target;

const HANDLER_ORIGIN: &str = "https://handler.example";
const RAW_METHOD: usize = 15;
const METHODS: [&str; 16] = [
    "OPTIONS", "GET", "POST", "PUT", "OPTIONS", "HEAD", "DELETE", "PATCH", "patch", "OPTIONS", "put", "options",
    "X-CUSTOM", "OPTIONS", "GET", "<raw>",
];

/// A fixed policy and what the reference knows about it.
struct Fixed {
    policy: Policy,
    /// The reference matcher's rule for this policy.
    rule: Rule,
    credentials: bool,
    passthrough: bool,
    max_age: bool,
}

#[derive(Clone, Copy)]
enum Rule {
    /// These serialized origins, byte for byte.
    Exact(&'static [&'static str]),
    /// `https://*.example.com`: any depth, never the apex, no port.
    SubdomainsOfExampleCom,
    /// `http://localhost:*`: any port, or none.
    LocalhostAnyPort,
    /// `*`: the answer is always `*`, never an origin.
    Any,
    /// The predicate: https, host ending in `.preview.example.net`, any port.
    Preview,
    /// `null` and `https://app.example.com`.
    NullAndApp,
    /// `https://*.example.com` and `http://localhost:*`.
    SubdomainsOrLocalhost,
}

fn policies() -> &'static [Fixed] {
    static POLICIES: OnceLock<Vec<Fixed>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let ok = |b: cors_core::PolicyBuilder| b.build().expect("a fixed policy builds");
        let exact: &'static [&'static str] =
            &["https://app.example.com", "https://admin.example.com:8443", "http://localhost:3000"];
        vec![
            Fixed {
                policy: ok(Policy::builder()
                    .allow_origins(exact.iter().copied())
                    .allow_credentials(true)
                    .allow_methods(["GET", "POST", "PUT", "PATCH"])
                    .allow_headers(["content-type", "x-request-id"])
                    .expose_headers(["x-total-count"])
                    .max_age(Duration::from_secs(600))),
                rule: Rule::Exact(exact),
                credentials: true,
                passthrough: false,
                max_age: true,
            },
            Fixed {
                policy: ok(Policy::builder()
                    .allow_origin("https://*.example.com")
                    .allow_methods(["PUT", "DELETE"])
                    .allow_headers(["content-type"])),
                rule: Rule::SubdomainsOfExampleCom,
                credentials: false,
                passthrough: false,
                max_age: false,
            },
            Fixed {
                policy: ok(Policy::builder()
                    .allow_origin("http://localhost:*")
                    .allow_credentials(true)
                    .allow_private_network(true)
                    .max_age(Duration::from_secs(5))),
                rule: Rule::LocalhostAnyPort,
                credentials: true,
                passthrough: false,
                max_age: true,
            },
            Fixed {
                policy: ok(Policy::builder()
                    .allow_any_origin()
                    .allow_any_method()
                    .allow_any_header()
                    .expose_any_header()
                    .max_age(Duration::from_secs(60))),
                rule: Rule::Any,
                credentials: false,
                passthrough: false,
                max_age: true,
            },
            Fixed {
                policy: ok(Policy::builder()
                    .allow_origin("https://app.example.com")
                    .allow_credentials(true)
                    .allow_any_method()
                    .allow_any_header()
                    .expose_headers(["x-total-count"])),
                rule: Rule::Exact(&["https://app.example.com"]),
                credentials: true,
                passthrough: false,
                max_age: false,
            },
            Fixed {
                policy: ok(Policy::builder()
                    .allow_origin_predicate(|o| o.scheme() == "https" && o.host().ends_with(".preview.example.net"))
                    .allow_credentials(true)
                    .allow_methods(["PUT"])),
                rule: Rule::Preview,
                credentials: true,
                passthrough: false,
                max_age: false,
            },
            Fixed {
                policy: ok(Policy::builder().allow_null_origin().allow_origin("https://app.example.com")),
                rule: Rule::NullAndApp,
                credentials: false,
                passthrough: false,
                max_age: false,
            },
            Fixed {
                policy: ok(Policy::builder()
                    .allow_origins(["https://*.example.com", "http://localhost:*"])
                    .allow_credentials(true)
                    .allow_private_network(true)
                    .allow_methods(["PUT"])
                    .allow_headers(["x-a"])
                    .max_age(Duration::from_secs(30))
                    .preflight_passthrough(true)),
                rule: Rule::SubdomainsOrLocalhost,
                credentials: true,
                passthrough: true,
                max_age: true,
            },
        ]
    })
}

// ---- The reference matcher: written from the rules, sharing no code with the core. ----

/// A host as a browser serializes it: lowercase labels of `a-z 0-9 - _`, none empty.
fn ref_host(host: &[u8]) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .split(|&b| b == b'.')
            .all(|l| !l.is_empty() && l.iter().all(|&b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_')))
}

/// A port as a browser serializes it: 1..=65535, no sign or leading zero, never the default.
fn ref_port(port: &[u8], default: u32) -> bool {
    let digits = !port.is_empty() && port.len() <= 5 && port.iter().all(u8::is_ascii_digit) && port[0] != b'0';
    digits && {
        let n = port.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
        (1..=65535).contains(&n) && n != default
    }
}

/// `host[:port]`, split at the last colon (no IPv6 here: none of the rules allows one).
fn ref_authority(authority: &[u8], default: u32) -> Option<&[u8]> {
    match authority.iter().rposition(|&b| b == b':') {
        Some(i) => ref_port(&authority[i + 1..], default).then_some(&authority[..i]),
        None => Some(authority),
    }
    .filter(|h| ref_host(h))
}

fn sub_example_com(value: &[u8]) -> bool {
    value
        .strip_prefix(b"https://")
        .is_some_and(|host| ref_host(host) && host.strip_suffix(b".example.com").is_some_and(|label| !label.is_empty()))
}

fn localhost_any_port(value: &[u8]) -> bool {
    value
        .strip_prefix(b"http://localhost")
        .is_some_and(|rest| rest.is_empty() || rest.strip_prefix(b":").is_some_and(|p| ref_port(p, 80)))
}

fn preview(value: &[u8]) -> bool {
    value
        .strip_prefix(b"https://")
        .and_then(|a| ref_authority(a, 443))
        .is_some_and(|host| host.ends_with(b".preview.example.net"))
}

fn ref_allows(rule: Rule, value: &[u8]) -> bool {
    match rule {
        Rule::Exact(list) => list.iter().any(|o| o.as_bytes() == value),
        Rule::SubdomainsOfExampleCom => sub_example_com(value),
        Rule::LocalhostAnyPort => localhost_any_port(value),
        Rule::Any => false,
        Rule::Preview => preview(value),
        Rule::NullAndApp => value == b"null" || value == b"https://app.example.com",
        Rule::SubdomainsOrLocalhost => sub_example_com(value) || localhost_any_port(value),
    }
}

// ---- Reading the answer. ----

fn values<'h>(h: &'h HeaderMap, name: &str) -> Vec<&'h [u8]> {
    h.get_all(name).iter().map(HeaderValue::as_bytes).collect()
}

fn items(h: &HeaderMap, name: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for v in h.get_all(name) {
        for i in v.as_bytes().split(|&b| b == b',') {
            let i = i.trim_ascii();
            if !i.is_empty() {
                out.push(i.to_ascii_lowercase());
            }
        }
    }
    out
}

fn show(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

struct Input<'a> {
    fixed: &'static Fixed,
    method: Method,
    origins: Vec<&'a [u8]>,
    acrm: Vec<&'a [u8]>,
    acrh: Vec<&'a [u8]>,
    acrpn: Vec<&'a [u8]>,
}

fn valid(value: &[u8]) -> bool {
    HeaderValue::from_bytes(value).is_ok()
}

fn read(data: &[u8]) -> Option<Input<'_>> {
    let (&p, rest) = data.split_first()?;
    let (&m, rest) = rest.split_first()?;
    let fixed = &policies()[usize::from(p) % policies().len()];
    let mut input = Input {
        fixed,
        method: Method::OPTIONS,
        origins: Vec::new(),
        acrm: Vec::new(),
        acrh: Vec::new(),
        acrpn: Vec::new(),
    };
    let mut raw_method: Option<&[u8]> = None;
    for line in rest.split(|&b| b == b'\n') {
        let Some((&tag, value)) = line.split_first() else { continue };
        let (list, max) = match tag {
            b'o' => (&mut input.origins, 3),
            b'm' => (&mut input.acrm, 2),
            b'h' => (&mut input.acrh, 10),
            b'p' => (&mut input.acrpn, 2),
            b'M' => {
                raw_method = Some(value);
                continue;
            }
            _ => continue,
        };
        if list.len() < max && valid(value) {
            list.push(value);
        }
    }
    let index = usize::from(m) % METHODS.len();
    input.method = if index == RAW_METHOD {
        raw_method.and_then(|r| Method::from_bytes(r).ok()).unwrap_or(Method::OPTIONS)
    } else {
        Method::from_bytes(METHODS[index].as_bytes()).expect("a listed method")
    };
    Some(input)
}

fn request(input: &Input<'_>) -> http::Request<()> {
    let mut b = http::Request::builder().method(input.method.clone()).uri("/data");
    let headers = [
        ("origin", &input.origins),
        ("access-control-request-method", &input.acrm),
        ("access-control-request-headers", &input.acrh),
        ("access-control-request-private-network", &input.acrpn),
    ];
    for (name, list) in headers {
        for v in list.iter() {
            b = b.header(name, HeaderValue::from_bytes(v).expect("checked"));
        }
    }
    b.body(()).expect("a valid request")
}

/// The answer as an adapter builds it: a preflight on an empty response; otherwise the policy's
/// headers applied to a handler's response that already set `Vary` and its own CORS headers.
fn respond(policy: &Policy, request: &http::Request<()>) -> (bool, bool, HeaderMap) {
    let decision = policy.decide(request);
    let refused = decision.refusal().is_some();
    match decision.action() {
        Action::Preflight(p) => {
            let mut h = HeaderMap::new();
            let status = p.status();
            assert!(status == 204 || status == 200, "preflight status {status}");
            assert_eq!(p.is_allowed(), !refused, "Preflight::is_allowed disagrees with the refusal");
            p.apply(&mut h);
            (true, refused, h)
        }
        Action::Forward(f) => {
            let mut h = HeaderMap::new();
            h.append("vary", HeaderValue::from_static("accept-encoding"));
            h.append("access-control-allow-origin", HeaderValue::from_static(HANDLER_ORIGIN));
            h.append("access-control-allow-credentials", HeaderValue::from_static("true"));
            f.apply(&mut h);
            (false, refused, h)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = read(data) else { return };
    let fixed = input.fixed;
    let request = request(&input);
    let (is_preflight, refused, h) = respond(&fixed.policy, &request);

    // Deterministic.
    let (again_preflight, again_refused, again) = respond(&fixed.policy, &request);
    assert_eq!((is_preflight, refused, &h), (again_preflight, again_refused, &again), "decide is not deterministic");

    // Fetch, "CORS-preflight request": OPTIONS with Origin and Access-Control-Request-Method,
    // answered by the policy unless it passes preflights through.
    let expect_preflight =
        input.method == Method::OPTIONS && !input.origins.is_empty() && !input.acrm.is_empty() && !fixed.passthrough;
    assert_eq!(is_preflight, expect_preflight, "wrong action for {} {:?}", input.method, request.headers());

    let acao = values(&h, "access-control-allow-origin");
    let acac = values(&h, "access-control-allow-credentials");
    // (a) At most one Access-Control-Allow-Origin.
    assert!(acao.len() <= 1, "several Access-Control-Allow-Origin: {h:?}");
    // (e) The handler's never survives.
    assert!(!acao.contains(&HANDLER_ORIGIN.as_bytes()), "the handler's Access-Control-Allow-Origin survived: {h:?}");
    // Allow-Credentials: one `true`, only with an Allow-Origin, only when the policy allows credentials.
    assert!(acac.len() <= 1 && acac.iter().all(|v| *v == b"true"), "bad Access-Control-Allow-Credentials: {h:?}");
    assert!(
        acac.is_empty() || (fixed.credentials && !acao.is_empty()),
        "credentials without the policy's consent: {h:?}"
    );
    if let Some(&origin) = acao.first() {
        if origin == b"*" {
            // (b) Never `*` with credentials; only the `*` policy says `*`.
            assert!(acac.is_empty(), "Access-Control-Allow-Origin * with credentials: {h:?}");
            assert!(matches!(fixed.rule, Rule::Any), "`*` from a policy that lists origins: {h:?}");
        } else {
            // (c) The request's single Origin, byte for byte, and allowed by the reference.
            assert_eq!(
                input.origins.len(),
                1,
                "Allow-Origin {:?} for {} Origin headers",
                show(origin),
                input.origins.len()
            );
            assert_eq!(origin, input.origins[0], "Allow-Origin is not the request's Origin byte for byte");
            assert!(
                ref_allows(fixed.rule, origin),
                "Allow-Origin {:?} is not allowed by the reference matcher",
                show(origin)
            );
        }
    }
    // (d) Vary: origin whenever the answer depends on the origin; no token twice.
    let vary = items(&h, "vary");
    if !matches!(fixed.rule, Rule::Any) {
        assert!(vary.iter().any(|t| t == b"origin"), "no Vary: origin: {h:?}");
    }
    for (i, t) in vary.iter().enumerate() {
        assert!(!vary[..i].contains(t), "Vary lists {:?} twice: {h:?}", show(t));
    }

    // A refused request is never cached as allowed nor granted private network access.
    if refused {
        assert!(!h.contains_key("access-control-max-age"), "max-age on a refused request: {h:?}");
        assert!(!h.contains_key("access-control-allow-private-network"), "private network on a refused request: {h:?}");
    }
    if is_preflight && !refused {
        assert_eq!(acao.len(), 1, "an allowed preflight without Allow-Origin: {h:?}");
        assert_eq!(h.contains_key("access-control-max-age"), fixed.max_age, "max-age: {h:?}");
    }
    // With credentials `*` is no wildcard: the answer names what was asked for, and says `*` only
    // when the page literally asked for a method or header named `*`.
    if fixed.credentials {
        let asked_method_star = input.acrm.first() == Some(&&b"*"[..]);
        let asked_header_star = input.acrh.iter().flat_map(|l| l.split(|&b| b == b',')).any(|n| n.trim_ascii() == b"*");
        let star = |name| items(&h, name).iter().any(|i| i == b"*");
        assert!(!star("access-control-allow-methods") || asked_method_star, "Allow-Methods * with credentials: {h:?}");
        assert!(!star("access-control-allow-headers") || asked_header_star, "Allow-Headers * with credentials: {h:?}");
        assert!(!star("access-control-expose-headers"), "Expose-Headers * with credentials: {h:?}");
    }
});
