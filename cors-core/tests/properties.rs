//! Properties of `Policy::decide` over generated policies and generated requests: origins drawn
//! from allowed ones, look-alike mutations of them, and random bytes; random methods and
//! `Access-Control-Request-Headers` lists. An independent reference matcher (written here, sharing
//! no code with the core) says which origins each generated policy allows, and the crate's browser
//! model judges every answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cors_core::browser::BrowserRequest;
use cors_core::{Action, Policy, Refusal};
use http::{HeaderMap, HeaderValue, Method, Request};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

// ---------------------------------------------------------------------------------------------
// Policies

/// Which ports a reference rule accepts.
#[derive(Clone, Copy, Debug)]
enum Port {
    /// No port in the origin (the scheme's default).
    Default,
    /// Exactly this port.
    Is(u16),
    /// Any port, or none.
    Any,
}

/// An `allow_origins` entry, with its meaning spelled out for the reference matcher.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Byte-for-byte equality with the origin.
    Exact(&'static str),
    /// `scheme://*.suffix[:port]`: at least one label in front of `suffix`.
    Sub { text: &'static str, scheme: &'static str, suffix: &'static str, port: Port },
    /// `scheme://host:*`: that host, any port.
    AnyPort { text: &'static str, scheme: &'static str, host: &'static str },
}

impl Rule {
    fn text(&self) -> &'static str {
        match self {
            Rule::Exact(t) | Rule::Sub { text: t, .. } | Rule::AnyPort { text: t, .. } => t,
        }
    }

    fn is_insecure(&self) -> bool {
        let t = self.text();
        t.starts_with("http://") && !t.starts_with("http://localhost") && !t.starts_with("http://127.")
    }
}

const RULES: &[Rule] = &[
    Rule::Exact("https://app.example.com"),
    Rule::Exact("https://api.example.com:8443"),
    Rule::Exact("http://localhost:3000"),
    Rule::Exact("https://example.net"),
    Rule::Exact("http://example.net"),
    Rule::Exact("http://127.0.0.1:8080"),
    Rule::Sub { text: "https://*.example.org", scheme: "https", suffix: "example.org", port: Port::Default },
    Rule::Sub { text: "https://*.a.example.com", scheme: "https", suffix: "a.example.com", port: Port::Default },
    Rule::Sub { text: "https://*.example.io:8443", scheme: "https", suffix: "example.io", port: Port::Is(8443) },
    Rule::Sub { text: "http://*.dev.example.net:*", scheme: "http", suffix: "dev.example.net", port: Port::Any },
    Rule::AnyPort { text: "http://localhost:*", scheme: "http", host: "localhost" },
    Rule::AnyPort { text: "https://staging.example.com:*", scheme: "https", host: "staging.example.com" },
];

/// How origins are allowed.
#[derive(Clone, Debug)]
enum Origins {
    /// `*`.
    Any,
    /// `reflect_any_origin_dangerously`.
    Reflect,
    /// Listed rules, and `null` if `null`.
    Listed { rules: Vec<Rule>, null: bool },
}

/// A generated policy, as data the reference matcher can read.
#[derive(Clone, Debug)]
struct Spec {
    origins: Origins,
    credentials: bool,
    insecure_ok: bool,
    methods: Option<Vec<&'static str>>,
    headers: Vec<&'static str>,
    expose: Vec<&'static str>,
    max_age: Option<u64>,
    private_network: bool,
    passthrough: bool,
    status_200: bool,
}

impl Spec {
    fn builder(&self) -> cors_core::PolicyBuilder {
        let mut b = Policy::builder();
        match &self.origins {
            Origins::Any => b = b.allow_any_origin(),
            Origins::Reflect => b = b.reflect_any_origin_dangerously(),
            Origins::Listed { rules, null } => {
                b = b.allow_origins(rules.iter().map(Rule::text));
                if *null {
                    b = b.allow_null_origin();
                }
            }
        }
        if self.insecure_ok {
            b = b.allow_insecure_origins_with_credentials_dangerously();
        }
        if let Some(m) = &self.methods {
            b = b.allow_methods(m.iter().copied());
        }
        if let Some(secs) = self.max_age {
            b = b.max_age(Duration::from_secs(secs));
        }
        if self.status_200 {
            b = b.preflight_status(cors_core::PreflightStatus::Ok);
        }
        b.allow_headers(self.headers.iter().copied())
            .expose_headers(self.expose.iter().copied())
            .allow_credentials(self.credentials)
            .allow_private_network(self.private_network)
            .preflight_passthrough(self.passthrough)
    }

    /// Whether the answer may be `*` for everyone (and so need not vary on `Origin`).
    fn is_public_wildcard(&self) -> bool {
        matches!(self.origins, Origins::Any) && !self.credentials
    }
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    let origins = prop_oneof![
        1 => Just(Origins::Any),
        1 => Just(Origins::Reflect),
        8 => (subsequence(RULES.to_vec(), 0..=RULES.len()), any::<bool>())
            .prop_map(|(rules, null)| Origins::Listed { rules, null }),
    ];
    let methods = prop_oneof![
        2 => Just(None),
        1 => Just(Some(vec!["*"])),
        4 => subsequence(vec!["PUT", "PATCH", "DELETE", "patch", "PURGE", "GET", "POST"], 0..=4).prop_map(Some),
    ];
    let headers = prop_oneof![
        4 => subsequence(vec!["content-type", "x-request-id", "authorization", "X-Custom"], 0..=4),
        1 => Just(vec!["*"]),
        1 => Just(vec!["*", "authorization"]),
    ];
    let expose = prop_oneof![
        3 => subsequence(vec!["x-total-count", "X-Request-ID"], 0..=2),
        1 => Just(vec!["*"]),
    ];
    (
        origins,
        any::<bool>(),
        any::<bool>(),
        methods,
        headers,
        expose,
        proptest::option::of(0u64..=86_400),
        any::<bool>(),
        prop_oneof![4 => Just(false), 1 => Just(true)],
        any::<bool>(),
    )
        .prop_map(
            |(
                origins,
                credentials,
                insecure_ok,
                methods,
                headers,
                mut expose,
                max_age,
                pna,
                passthrough,
                status_200,
            )| {
                // Construct valid combinations rather than filter most of them away.
                let credentials = credentials && !matches!(origins, Origins::Any);
                if credentials && expose == ["*"] {
                    expose.clear();
                }
                Spec {
                    origins,
                    credentials,
                    insecure_ok,
                    methods,
                    headers,
                    expose,
                    max_age,
                    private_network: pna,
                    passthrough,
                    status_200,
                }
            },
        )
}

/// A generated policy that builds, with its spec. What is left to reject is an empty origin list
/// or plain-http origins with credentials and without the dangerous opt-in.
fn policy_strategy() -> impl Strategy<Value = (Spec, Policy)> {
    spec_strategy().prop_filter_map("the policy builds", |spec| {
        if let Origins::Listed { rules, .. } = &spec.origins {
            let insecure = rules.iter().any(Rule::is_insecure);
            if insecure && spec.credentials && !spec.insecure_ok {
                // Double-check the builder refuses it, then reject the case.
                assert!(spec.builder().build().is_err(), "{spec:?}");
                return None;
            }
        }
        spec.builder().build().ok().map(|p| (spec, p))
    })
}

// ---------------------------------------------------------------------------------------------
// The reference matcher

fn default_port(scheme: &str) -> u16 {
    if scheme == "https" {
        443
    } else {
        80
    }
}

/// Parses `scheme://host[:port]` the way a browser serializes an origin, for the schemes the
/// generated rules use: `(scheme, host, port)`.
fn reference_parse(s: &str) -> Option<(&str, &str, Option<u16>)> {
    let (scheme, rest) = s.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let port = match port {
        None => None,
        Some(p) => {
            if p.is_empty() || p.len() > 5 || p.starts_with('0') || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u32 = p.parse().ok()?;
            let n = u16::try_from(n).ok()?;
            if n == default_port(scheme) {
                return None;
            }
            Some(n)
        }
    };
    let label_ok = |l: &str| !l.is_empty() && l.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'));
    if !host.split('.').all(label_ok) {
        return None;
    }
    Some((scheme, host, port))
}

/// Whether the spec's rules allow this `Origin` value.
fn reference_allows(spec: &Spec, origin: &[u8]) -> bool {
    let Origins::Listed { rules, null } = &spec.origins else { unreachable!("only for listed origins") };
    if origin == b"null" {
        return *null;
    }
    let Ok(s) = std::str::from_utf8(origin) else { return false };
    let Some((scheme, host, port)) = reference_parse(s) else { return false };
    rules.iter().any(|rule| match *rule {
        Rule::Exact(text) => text == s,
        Rule::Sub { scheme: sc, suffix, port: p, .. } => {
            sc == scheme
                && host.strip_suffix(suffix).is_some_and(|front| front.len() > 1 && front.ends_with('.'))
                && match p {
                    Port::Default => port.is_none(),
                    Port::Is(n) => port == Some(n),
                    Port::Any => true,
                }
        }
        Rule::AnyPort { scheme: sc, host: h, .. } => sc == scheme && h == host,
    })
}

// ---------------------------------------------------------------------------------------------
// Requests

/// Origins a page may have: allowed by some rule, or close to one.
const SEEDS: &[&str] = &[
    "https://app.example.com",
    "https://api.example.com:8443",
    "http://localhost:3000",
    "http://localhost",
    "http://localhost:5173",
    "https://example.net",
    "http://example.net",
    "http://127.0.0.1:8080",
    "https://x.example.org",
    "https://a.b.example.org",
    "https://example.org",
    "https://a.example.com",
    "https://b.a.example.com",
    "https://w.example.io:8443",
    "https://w.example.io",
    "http://x.dev.example.net:1234",
    "http://dev.example.net",
    "https://staging.example.com:9000",
    "https://staging.example.com",
    "null",
];

const MUTATIONS: u8 = 24;

/// A look-alike of an origin: one small edit of the kind that fools substring, prefix or suffix
/// matching, or that a browser never sends.
fn mutate(s: &str, m: u8) -> String {
    let (scheme, rest) = s.split_once("://").unwrap_or(("", s));
    let with_rest = |r: &str| if scheme.is_empty() { r.to_owned() } else { format!("{scheme}://{r}") };
    let host_only = rest.rsplit_once(':').map_or(rest, |(h, _)| h);
    match m {
        0 => format!("{s}.evil.com"),
        1 => with_rest(&format!("evil{rest}")),
        2 => with_rest(&format!("evil.{rest}")),
        3 => match scheme {
            "https" => format!("http://{rest}"),
            "http" => format!("https://{rest}"),
            _ => format!("https://{s}"),
        },
        4 => with_rest(&format!("{host_only}:8443")),
        5 => format!("{s}:443"),
        6 => format!("{s}:80"),
        7 => with_rest(host_only),
        8 => s.to_ascii_uppercase(),
        9 => {
            let mut r = rest.to_owned();
            if let Some(c) = r.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            with_rest(&r)
        }
        10 => format!("{s}/"),
        11 => format!("{s}_"),
        12 => format!("{s}`"),
        13 => format!("{s}@evil.com"),
        14 => format!("{s}/path"),
        15 => format!("{s}%60.evil.com"),
        16 => format!(" {s}"),
        17 => format!("{s}."),
        18 => format!("{s}:0"),
        19 => with_rest(&format!("user@{rest}")),
        20 => s.replacen('.', "-", 1),
        21 => with_rest(rest.split_once('.').map_or(rest, |(_, r)| r)),
        22 => with_rest(&format!("{host_only}:*")),
        _ => format!("{s}\tx"),
    }
}

/// Bytes a header value may hold (`http` refuses control bytes other than tab, and DEL).
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..40)
        .prop_map(|v| v.into_iter().filter(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f)).collect())
}

/// Origins the spec allows, several per rule: examples to draw requests from and to mutate.
fn allowed_examples(spec: &Spec) -> Vec<String> {
    let Origins::Listed { rules, null } = &spec.origins else { return Vec::new() };
    let mut out = Vec::new();
    if *null {
        out.push("null".to_owned());
    }
    for rule in rules {
        match *rule {
            Rule::Exact(text) => out.push(text.to_owned()),
            Rule::Sub { scheme, suffix, port, .. } => {
                for label in ["a", "x-1", "b.c", "_d"] {
                    let ports: &[String] = &match port {
                        Port::Default => vec![String::new()],
                        Port::Is(n) => vec![format!(":{n}")],
                        Port::Any => vec![String::new(), ":1".to_owned(), ":65535".to_owned()],
                    };
                    for p in ports {
                        out.push(format!("{scheme}://{label}.{suffix}{p}"));
                    }
                }
            }
            Rule::AnyPort { scheme, host, .. } => {
                for p in ["", ":1", ":3000", ":65535"] {
                    out.push(format!("{scheme}://{host}{p}"));
                }
            }
        }
    }
    out
}

/// An `Origin` value: an allowed one, a seed, a look-alike of either, or random bytes.
fn origin_value(examples: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    let mut pool: Vec<String> = SEEDS.iter().map(|s| (*s).to_owned()).collect();
    let allowed = if examples.is_empty() { pool.clone() } else { examples };
    pool.extend(allowed.iter().cloned());
    prop_oneof![
        5 => select(allowed).prop_map(String::into_bytes),
        3 => select(pool.clone()).prop_map(String::into_bytes),
        6 => (select(pool), proptest::collection::vec(0..MUTATIONS, 1..=2)).prop_map(|(s, ms)| {
            let mut o = s;
            for m in ms {
                o = mutate(&o, m);
            }
            o.into_bytes()
        }),
        1 => header_bytes(),
    ]
}

fn origin_headers(examples: Vec<String>) -> impl Strategy<Value = Vec<Vec<u8>>> {
    let v = || origin_value(examples.clone());
    prop_oneof![
        1 => Just(Vec::new()),
        16 => v().prop_map(|o| vec![o]),
        1 => v().prop_map(|o| vec![o.clone(), o]),
        1 => (v(), v()).prop_map(|(a, b)| vec![a, b]),
    ]
}

/// Request header names a page may set, in the case the page wrote them.
const REQUEST_HEADERS: &[&str] = &[
    "content-type",
    "Content-Type",
    "x-request-id",
    "X-Request-ID",
    "authorization",
    "Authorization",
    "x-custom",
    "x-evil",
];

/// A generated request, as the page made it and as the server receives it.
#[derive(Clone, Debug)]
struct Req {
    origins: Vec<Vec<u8>>,
    preflight: bool,
    /// The method as the page wrote it; the browser normalizes it.
    page_method: &'static str,
    /// The requested header names, as the page wrote them.
    headers: Vec<&'static str>,
    /// How the `Access-Control-Request-Headers` list is written: separator, padding, lines.
    separator: &'static str,
    padding: &'static str,
    lines: usize,
    private_network: bool,
}

impl Req {
    fn browser(&self, credentials: bool) -> BrowserRequest {
        let origin = self.origins.first().map(|o| String::from_utf8_lossy(o).into_owned()).unwrap_or_default();
        let mut b = BrowserRequest::new(origin, self.page_method).credentials(credentials);
        for name in &self.headers {
            // Values that are never CORS-safelisted, so every name is in the preflight.
            let value = match name.to_ascii_lowercase().as_str() {
                "content-type" => "application/json",
                "authorization" => "Bearer x",
                _ => "1",
            };
            b = b.header(*name, value);
        }
        b
    }

    /// The `Access-Control-Request-Headers` lines.
    fn acrh_lines(&self) -> Vec<String> {
        if self.headers.is_empty() {
            return Vec::new();
        }
        let per_line = self.headers.len().div_ceil(self.lines.max(1));
        self.headers
            .chunks(per_line.max(1))
            .map(|chunk| format!("{p}{}{p}", chunk.join(self.separator), p = self.padding))
            .collect()
    }

    fn http(&self) -> Request<()> {
        let method = BrowserRequest::new("", self.page_method).method().to_owned();
        let mut b = if self.preflight {
            Request::options("/data").header("access-control-request-method", method.as_str())
        } else {
            Request::builder().method(Method::from_bytes(method.as_bytes()).unwrap()).uri("/data")
        };
        for o in &self.origins {
            b = b.header("origin", HeaderValue::from_bytes(o).unwrap());
        }
        if self.preflight {
            for line in self.acrh_lines() {
                b = b.header("access-control-request-headers", line);
            }
            if self.private_network {
                b = b.header("access-control-request-private-network", "true");
            }
        }
        b.body(()).unwrap()
    }
}

fn request_strategy(examples: Vec<String>) -> impl Strategy<Value = Req> {
    (
        origin_headers(examples),
        any::<bool>(),
        select(&["GET", "POST", "HEAD", "PUT", "put", "PATCH", "patch", "DELETE", "delete", "PURGE", "OPTIONS"][..]),
        proptest::collection::vec(select(REQUEST_HEADERS), 0..=4),
        select(&[",", ", ", " ,\t", ",,"][..]),
        select(&["", " ", "\t", ","][..]),
        1usize..=3,
        prop_oneof![5 => Just(false), 1 => Just(true)],
    )
        .prop_map(|(origins, preflight, page_method, headers, separator, padding, lines, private_network)| Req {
            origins,
            preflight,
            page_method,
            headers,
            separator,
            padding,
            lines,
            private_network,
        })
}

/// A generated policy and a request whose origin is often one that policy allows.
fn case_strategy() -> impl Strategy<Value = ((Spec, Policy), Req)> {
    policy_strategy().prop_flat_map(|(spec, policy)| {
        let examples = allowed_examples(&spec);
        (Just((spec, policy)), request_strategy(examples))
    })
}

// ---------------------------------------------------------------------------------------------
// Running a request through the policy

/// What the server answers: the status (preflights) and the headers, and whether it was answered
/// as a preflight (directly, or passed through to a handler answering 200).
struct Answer {
    status: u16,
    headers: HeaderMap,
    preflight: bool,
}

fn answer(policy: &Policy, req: &Req) -> Answer {
    let request = req.http();
    // Fetch, "CORS-preflight request": OPTIONS with Origin and Access-Control-Request-Method.
    let preflight = req.preflight && !req.origins.is_empty();
    match policy.decide(&request).into_action() {
        Action::Preflight(p) => {
            let mut headers = HeaderMap::new();
            p.apply(&mut headers);
            assert!(preflight, "answered as a preflight: {req:?}");
            Answer { status: p.status().as_u16(), headers, preflight }
        }
        Action::Forward(f) => {
            let mut headers = HeaderMap::new();
            f.apply(&mut headers);
            Answer { status: 200, headers, preflight }
        }
    }
}

fn vary_tokens(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(',').map(|t| t.trim().to_ascii_lowercase()).collect::<Vec<_>>())
        .collect()
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    // Fetch, "CORS check": with credentials `*` never passes, so the two never go together.
    #[test]
    fn never_wildcard_with_credentials(((_spec, policy), req) in case_strategy()) {
        let a = answer(&policy, &req);
        let acao: Vec<_> = a.headers.get_all("access-control-allow-origin").iter().collect();
        prop_assert!(acao.len() <= 1, "{:?}", a.headers);
        if acao.first().is_some_and(|v| *v == "*") {
            prop_assert!(a.headers.get("access-control-allow-credentials").is_none(), "{:?}", a.headers);
        }
    }

    // Fetch, "CORS check": an echoed Access-Control-Allow-Origin is the request's one origin, byte
    // for byte, and one the policy allows according to the reference matcher; a look-alike never is.
    // Conversely every origin the reference allows is echoed.
    #[test]
    fn echoed_origin_is_the_request_origin_and_allowed(((spec, policy), req) in case_strategy()) {
        let request = req.http();
        let a = answer(&policy, &req);
        let acao = a.headers.get("access-control-allow-origin");
        match (&spec.origins, acao) {
            (Origins::Any, acao) => {
                prop_assert_eq!(acao.map(HeaderValue::as_bytes), Some(&b"*"[..]));
            }
            (_, Some(v)) => {
                prop_assert_eq!(req.origins.len(), 1, "echo with {} Origin headers", req.origins.len());
                prop_assert_eq!(v.as_bytes(), &req.origins[0][..]);
                match &spec.origins {
                    Origins::Reflect => {
                        let origin = v.as_bytes();
                        prop_assert!(origin == b"null" || cors_core::Origin::parse(origin).is_ok(),
                            "reflected {:?}", String::from_utf8_lossy(origin));
                    }
                    _ => prop_assert!(reference_allows(&spec, v.as_bytes()),
                        "echoed {:?}, which the reference does not allow", String::from_utf8_lossy(v.as_bytes())),
                }
            }
            (Origins::Listed { .. }, None) => {
                if let [only] = &req.origins[..] {
                    prop_assert!(!reference_allows(&spec, only),
                        "{:?} is allowed by the reference but not echoed: {:?}",
                        String::from_utf8_lossy(only), policy.decide(&request).refusal());
                }
            }
            (Origins::Reflect, None) => {}
        }
    }

    // Fetch, "CORS protocol and HTTP caches": unless the answer is `*` for everyone, every response
    // (preflight or not, allowed or refused, with or without Origin) varies on `Origin`; a preflight
    // answer always does.
    #[test]
    fn varies_on_origin(((spec, policy), req) in case_strategy()) {
        let a = answer(&policy, &req);
        let tokens = vary_tokens(&a.headers);
        if !spec.is_public_wildcard() || a.preflight {
            prop_assert!(tokens.iter().any(|t| t == "origin"), "{:?} for {:?}", a.headers, req);
        }
        let origin_count = tokens.iter().filter(|t| *t == "origin").count();
        prop_assert!(origin_count <= 1, "{:?}", a.headers);
    }

    // Fetch, "CORS-preflight fetch" and "CORS check", as the browser model runs them: what the core
    // allows, the browser accepts; what it refuses, the browser rejects.
    #[test]
    fn browser_agrees(((spec, policy), req) in case_strategy()) {
        prop_assume!(!req.origins.is_empty());
        let request = req.http();
        let decision = policy.decide(&request);
        let refusal = decision.refusal().copied();
        let a = answer(&policy, &req);
        let browser = req.browser(spec.credentials);
        if req.preflight {
            let verdict = browser.check_preflight(a.status, &a.headers);
            match refusal {
                None => prop_assert!(verdict.is_ok(), "allowed by the core, blocked by the browser: {:?}\n{:?}\n{:?}",
                    verdict, a.headers, browser),
                // The browser model does not implement Private Network Access; the answer must just
                // not grant it.
                Some(Refusal::PrivateNetworkNotAllowed) => {
                    prop_assert!(a.headers.get("access-control-allow-private-network").is_none());
                }
                Some(r) => prop_assert!(verdict.is_err(), "refused by the core ({}), passed by the browser: {:?}", r, a.headers),
            }
        } else {
            let verdict = browser.check_response(&a.headers);
            match refusal {
                None => prop_assert!(verdict.is_ok(), "allowed by the core, blocked by the browser: {:?}\n{:?}", verdict, a.headers),
                Some(r) => prop_assert!(verdict.is_err(), "refused by the core ({}), read by the browser: {:?}", r, a.headers),
            }
        }
    }

    // Whatever bytes arrive in whatever header, `decide`, `apply` and the refusal's text never panic.
    #[test]
    fn never_panics_on_arbitrary_bytes(
        (_spec, policy) in policy_strategy(),
        method in prop_oneof![
            3 => Just(Method::OPTIONS),
            1 => Just(Method::GET),
            1 => proptest::collection::vec(any::<u8>(), 1..10)
                .prop_map(|b| Method::from_bytes(&b).unwrap_or(Method::PATCH)),
        ],
        headers in proptest::collection::vec(
            (select(&[
                "origin",
                "access-control-request-method",
                "access-control-request-headers",
                "access-control-request-private-network",
            ][..]), header_bytes()),
            0..8,
        ),
        handler_vary in proptest::option::of(header_bytes()),
    ) {
        let mut b = Request::builder().method(method).uri("/");
        for (name, value) in &headers {
            b = b.header(*name, HeaderValue::from_bytes(value).unwrap());
        }
        let request = b.body(()).unwrap();
        let decision = policy.decide(&request);
        if let Some(r) = decision.refusal() {
            let text = r.to_string();
            prop_assert!(!text.contains('\n') && !text.contains('\r'), "{}", text);
        }
        let _ = format!("{decision:?}");
        let mut response = HeaderMap::new();
        if let Some(v) = handler_vary {
            response.insert("vary", HeaderValue::from_bytes(&v).unwrap());
        }
        match decision.into_action() {
            Action::Preflight(p) => p.apply(&mut response),
            Action::Forward(f) => {
                f.apply(&mut response);
                f.apply(&mut response);
            }
        }
        prop_assert!(response.get_all("access-control-allow-origin").iter().count() <= 1);
    }
}

// The reference matcher itself, on the cases the rules are about.
#[test]
fn reference_matcher_sanity() {
    let spec = Spec {
        origins: Origins::Listed { rules: RULES.to_vec(), null: false },
        credentials: false,
        insecure_ok: false,
        methods: None,
        headers: Vec::new(),
        expose: Vec::new(),
        max_age: None,
        private_network: false,
        passthrough: false,
        status_200: false,
    };
    for ok in [
        "https://app.example.com",
        "https://x.example.org",
        "https://a.b.example.org",
        "http://localhost",
        "http://localhost:1",
        "https://w.example.io:8443",
        "http://x.dev.example.net",
        "http://x.dev.example.net:9",
    ] {
        assert!(reference_allows(&spec, ok.as_bytes()), "{ok}");
    }
    for bad in [
        "null",
        "https://example.org",
        "https://app.example.com.evil.com",
        "https://evilapp.example.com",
        "https://a.example.com",
        "https://w.example.io",
        "https://x.example.org:443",
        "https://x.example.org/",
        "https://X.example.org",
        "http://dev.example.net",
        "https://.example.org",
    ] {
        assert!(!reference_allows(&spec, bad.as_bytes()), "{bad}");
    }
}
