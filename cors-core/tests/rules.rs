//! One test per rule of the policy, through the public API only: `http::Request` in, `http::HeaderMap`
//! out. Each test cites the section of the WHATWG Fetch standard (or the RFC) it follows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cors_core::{Action, MalformedHeaderList, Policy, PreflightStatus, Refusal};
use http::{HeaderMap, HeaderValue, Request, StatusCode};

// ---------------------------------------------------------------------------------------------
// Helpers

fn policy(builder: cors_core::PolicyBuilder) -> Policy {
    builder.build().expect("the test policy is valid")
}

/// A plain request with the given `Origin` headers (none, one, or several).
fn get(origins: &[&'static str]) -> Request<()> {
    let mut b = Request::get("/data");
    for o in origins {
        b = b.header("origin", HeaderValue::from_static(o));
    }
    b.body(()).unwrap()
}

/// A CORS preflight: `OPTIONS` with `Origin`, `Access-Control-Request-Method` and any extra headers.
fn preflight(origin: &'static str, method: &'static str, extra: &[(&'static str, &'static str)]) -> Request<()> {
    let mut b = Request::options("/data").header("origin", origin).header("access-control-request-method", method);
    for (n, v) in extra {
        b = b.header(*n, HeaderValue::from_static(v));
    }
    b.body(()).unwrap()
}

/// Calls the handler (which answers with `handler` headers) and applies the policy's headers.
fn forwarded_with(policy: &Policy, request: &Request<()>, handler: HeaderMap) -> HeaderMap {
    let Action::Forward(forward) = policy.decide(request).into_action() else {
        panic!("expected the request to be forwarded to the handler")
    };
    let mut headers = handler;
    forward.apply(&mut headers);
    headers
}

fn forwarded(policy: &Policy, request: &Request<()>) -> HeaderMap {
    forwarded_with(policy, request, HeaderMap::new())
}

/// Answers a preflight: its status and headers.
fn answered(policy: &Policy, request: &Request<()>) -> (StatusCode, HeaderMap) {
    let Action::Preflight(answer) = policy.decide(request).into_action() else {
        panic!("expected the request to be answered as a preflight")
    };
    let mut headers = HeaderMap::new();
    answer.apply(&mut headers);
    (answer.status(), headers)
}

/// Every value of `name`, as strings.
fn all(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers.get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

/// The single value of `name`, asserting there is exactly one.
fn one(headers: &HeaderMap, name: &str) -> String {
    let values = all(headers, name);
    assert_eq!(values.len(), 1, "{name}: {values:?} in {headers:?}");
    values.into_iter().next().unwrap()
}

/// The `Vary` tokens, lowercase, over all lines.
fn vary(headers: &HeaderMap) -> Vec<String> {
    all(headers, "vary").iter().flat_map(|l| l.split(',')).map(|t| t.trim().to_ascii_lowercase()).collect()
}

/// The names of the headers present, sorted.
fn names(headers: &HeaderMap) -> Vec<&str> {
    let mut n: Vec<&str> = headers.keys().map(|k| k.as_str()).collect();
    n.sort_unstable();
    n
}

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACEH: &str = "access-control-expose-headers";
const ACMA: &str = "access-control-max-age";
const ACAPN: &str = "access-control-allow-private-network";

const PREFLIGHT_VARY: [&str; 3] = ["origin", "access-control-request-method", "access-control-request-headers"];

// ---------------------------------------------------------------------------------------------
// Origins

// Fetch, "CORS check": the answer is the request's serialized origin, byte for byte; and since the
// answer depends on the origin, Fetch, "CORS protocol and HTTP caches": `Vary: Origin`.
#[test]
fn exact_origin_is_echoed_with_vary_origin() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let h = forwarded(&p, &get(&["https://app.example.com"]));
    assert_eq!(one(&h, ACAO), "https://app.example.com");
    assert_eq!(all(&h, "vary"), ["origin"]);
    assert!(h.get(ACAC).is_none());
}

// Fetch, "CORS protocol and HTTP caches": a response to a request without `Origin` may be reused
// for one with it, so it still varies on `Origin`, and carries no CORS header.
#[test]
fn no_origin_gets_only_vary_origin() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_credentials(true));
    let req = get(&[]);
    let decision = p.decide(&req);
    assert!(decision.refusal().is_none());
    let h = forwarded(&p, &req);
    assert_eq!(names(&h), ["vary"]);
    assert_eq!(all(&h, "vary"), ["origin"]);
}

// Fetch, "CORS check": without `Access-Control-Allow-Origin` the check fails; the response still
// varies on `Origin` so a cache never serves it to an allowed origin.
#[test]
fn refused_origin_gets_no_allow_origin_but_vary_origin() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_credentials(true));
    let req = get(&["https://evil.example.com"]);
    assert!(matches!(p.decide(&req).refusal(), Some(Refusal::OriginNotAllowed { .. })));
    let h = forwarded(&p, &req);
    assert_eq!(names(&h), ["vary"]);
    assert_eq!(all(&h, "vary"), ["origin"]);
}

// Fetch, "CORS check": `*` passes for a request without credentials; the answer is the same for
// every origin, so it does not vary on `Origin`.
#[test]
fn wildcard_without_credentials_answers_star_without_vary_origin() {
    let p = policy(Policy::builder().allow_any_origin());
    for req in [get(&["https://anyone.example"]), get(&[]), get(&["not an origin"])] {
        assert!(p.decide(&req).refusal().is_none());
        let h = forwarded(&p, &req);
        assert_eq!(one(&h, ACAO), "*");
        assert!(h.get(ACAC).is_none());
        assert!(!vary(&h).contains(&"origin".to_owned()), "{h:?}");
    }
}

// Fetch, "CORS check" (the answer is the request's origin itself): a subdomain pattern echoes any
// subdomain at any depth, never the apex, another scheme, another port or a look-alike.
#[test]
fn subdomain_pattern_matches_any_depth_never_the_apex() {
    let p = policy(Policy::builder().allow_origin("https://*.example.com"));
    for ok in ["https://app.example.com", "https://a.b.c.example.com"] {
        assert_eq!(one(&forwarded(&p, &get(&[ok])), ACAO), ok);
    }
    for bad in [
        "https://example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://app.example.com.evil.com",
        "https://evilexample.com",
        "https://app.example.com@evil.com",
    ] {
        let req = get(&[bad]);
        assert!(p.decide(&req).refusal().is_some(), "{bad}");
        assert!(forwarded(&p, &req).get(ACAO).is_none(), "{bad}");
    }
}

// Fetch, "CORS check": a port wildcard echoes the origin on any port (or none), same scheme and host.
#[test]
fn port_wildcard_matches_any_port_of_that_host() {
    let p = policy(Policy::builder().allow_origin("http://localhost:*"));
    for ok in ["http://localhost:3000", "http://localhost:8080", "http://localhost"] {
        assert_eq!(one(&forwarded(&p, &get(&[ok])), ACAO), ok);
    }
    for bad in ["https://localhost:3000", "http://localhost.evil.com:3000", "http://app.localhost:3000"] {
        assert!(forwarded(&p, &get(&[bad])).get(ACAO).is_none(), "{bad}");
    }
}

// HTML, "serialization of an origin": opaque origins serialize as `null`, which any sandboxed
// iframe can send; Fetch, "CORS check" accepts `null` only when the server answers `null`.
#[test]
fn null_origin_only_when_listed() {
    let without = policy(Policy::builder().allow_origin("https://app.example.com"));
    let req = get(&["null"]);
    assert!(matches!(without.decide(&req).refusal(), Some(Refusal::OriginNotAllowed { .. })));
    assert!(forwarded(&without, &req).get(ACAO).is_none());

    let with = policy(Policy::builder().allow_origin("https://app.example.com").allow_null_origin());
    assert_eq!(one(&forwarded(&with, &req), ACAO), "null");
    assert_eq!(all(&forwarded(&with, &req), "vary"), ["origin"]);
}

// Fetch, "Origin header": a browser sends exactly one `Origin`; two are refused rather than guessed.
#[test]
fn two_origin_headers_are_refused() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let req = get(&["https://app.example.com", "https://app.example.com"]);
    assert_eq!(p.decide(&req).refusal(), Some(&Refusal::MultipleOrigins));
    let h = forwarded(&p, &req);
    assert!(h.get(ACAO).is_none());
    assert_eq!(all(&h, "vary"), ["origin"]);
}

// HTML, "serialization of an origin"; Fetch, "CORS check" (byte-for-byte): a value a browser never
// sends is refused, even when a lenient reading would match an allowed origin.
#[test]
fn malformed_origins_are_refused() {
    let p = policy(Policy::builder().allow_origins(["https://app.example.com", "https://*.example.org"]));
    for bad in [
        "",
        "app.example.com",
        "https://app.example.com/",
        "https://app.example.com:443",
        "HTTPS://app.example.com",
        "https://APP.example.com",
        "https://app.example.com?x",
        "https://user@app.example.com",
        "https://evil.com/https://app.example.com",
        "https://app.example.com:0",
        "https://app.example.com:65536",
        "https://a.example.org%60.evil.com",
        "https://a..example.org",
    ] {
        let req = get(&[bad]);
        let decision = p.decide(&req);
        assert!(
            matches!(decision.refusal(), Some(Refusal::MalformedOrigin { .. } | Refusal::OriginNotAllowed { .. })),
            "{bad:?}: {:?}",
            decision.refusal()
        );
        let h = forwarded(&p, &req);
        assert!(h.get(ACAO).is_none(), "{bad:?}");
        assert_eq!(all(&h, "vary"), ["origin"], "{bad:?}");
    }
    let req = get(&["https://app.example.com/"]);
    assert!(matches!(p.decide(&req).refusal(), Some(Refusal::MalformedOrigin { .. })));
}

// Fetch, "CORS check": a predicate chooses among well-formed origins; the answer is the origin itself.
#[test]
fn predicate_allows_the_origins_it_accepts() {
    let p = policy(
        Policy::builder()
            .allow_origin_predicate(|o| o.scheme() == "https" && o.host().ends_with(".preview.example.com"))
            .allow_credentials(true),
    );
    let h = forwarded(&p, &get(&["https://pr-42.preview.example.com"]));
    assert_eq!(one(&h, ACAO), "https://pr-42.preview.example.com");
    assert_eq!(one(&h, ACAC), "true");
    for bad in ["http://pr-42.preview.example.com", "https://preview.example.com.evil.com", "null"] {
        assert!(forwarded(&p, &get(&[bad])).get(ACAO).is_none(), "{bad}");
    }
}

// Fetch, "CORS check": echoing every origin passes every check, which is why the builder calls it
// dangerous; it still refuses values that are not origins, and still varies on `Origin`.
#[test]
fn reflect_any_origin_dangerously_echoes_every_origin() {
    let p = policy(Policy::builder().reflect_any_origin_dangerously().allow_credentials(true));
    for o in ["https://anyone.example", "http://evil.example:8080", "null"] {
        let h = forwarded(&p, &get(&[o]));
        assert_eq!(one(&h, ACAO), o);
        assert_eq!(one(&h, ACAC), "true");
        assert_eq!(all(&h, "vary"), ["origin"]);
    }
    assert!(forwarded(&p, &get(&["https://x.example/"])).get(ACAO).is_none());
}

// ---------------------------------------------------------------------------------------------
// Methods

// Fetch, "normalize a method": only DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased, so
// `patch` is sent as written; Fetch, "CORS-preflight fetch": methods compare byte for byte.
#[test]
fn methods_are_case_sensitive() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_methods(["PATCH"]));
    let (_, h) = answered(&p, &preflight("https://app.example.com", "PATCH", &[]));
    assert_eq!(one(&h, ACAM), "PATCH");

    let req = preflight("https://app.example.com", "patch", &[]);
    let decision = p.decide(&req);
    let refusal = decision.refusal().expect("patch is not PATCH");
    assert!(matches!(refusal, Refusal::MethodNotAllowed { other_case: true, .. }));
    assert!(refusal.to_string().contains("methods are case-sensitive"), "{refusal}");
    let (_, h) = answered(&p, &req);
    assert_eq!(one(&h, ACAM), "PATCH"); // the browser then reports "Method patch is not allowed"
}

// Fetch, "CORS-safelisted method": GET, HEAD and POST pass a preflight whatever the answer lists.
#[test]
fn safelisted_methods_always_pass() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_methods(["PUT"]));
    for m in ["GET", "HEAD", "POST"] {
        let req = preflight("https://app.example.com", m, &[]);
        assert!(p.decide(&req).refusal().is_none(), "{m}");
    }
    assert!(p.decide(&preflight("https://app.example.com", "DELETE", &[])).refusal().is_some());
}

// Fetch, "CORS-preflight fetch": `*` in Access-Control-Allow-Methods is a wildcard only for requests
// without credentials; with credentials the requested method itself is named.
#[test]
fn wildcard_methods_with_credentials_echo_the_requested_method() {
    let p =
        policy(Policy::builder().allow_origin("https://app.example.com").allow_any_method().allow_credentials(true));
    let (_, h) = answered(&p, &preflight("https://app.example.com", "PURGE", &[]));
    assert_eq!(one(&h, ACAM), "PURGE");
    assert_eq!(one(&h, ACAC), "true");

    let public = policy(Policy::builder().allow_origin("https://app.example.com").allow_any_method());
    let (_, h) = answered(&public, &preflight("https://app.example.com", "PURGE", &[]));
    assert_eq!(one(&h, ACAM), "*");
}

// ---------------------------------------------------------------------------------------------
// Request headers

// Fetch, "CORS-preflight fetch": requested names match byte-case-insensitively; RFC 9110, section
// 5.6.1: list elements are separated by commas with optional whitespace, and a list may span lines.
#[test]
fn request_headers_are_case_insensitive_with_ows_and_several_lines() {
    let p = policy(
        Policy::builder().allow_origin("https://app.example.com").allow_headers(["content-type", "x-request-id"]),
    );
    for lists in [
        &[("access-control-request-headers", "Content-Type,X-Request-ID")][..],
        &[("access-control-request-headers", " content-type ,\tx-request-id ")],
        &[("access-control-request-headers", ",, CONTENT-TYPE,,")],
        &[("access-control-request-headers", "content-type"), ("access-control-request-headers", "x-request-id")],
    ] {
        let req = preflight("https://app.example.com", "POST", lists);
        assert!(p.decide(&req).refusal().is_none(), "{lists:?}: {:?}", p.decide(&req).refusal());
        let (_, h) = answered(&p, &req);
        assert_eq!(one(&h, ACAH), "content-type, x-request-id");
    }
    let req = preflight(
        "https://app.example.com",
        "POST",
        &[("access-control-request-headers", "content-type"), ("access-control-request-headers", "x-other")],
    );
    assert!(matches!(p.decide(&req).refusal(), Some(Refusal::HeaderNotAllowed { .. })));
}

// Fetch, "CORS non-wildcard request-header name": `*` never covers `authorization`, with or
// without credentials.
#[test]
fn wildcard_headers_never_cover_authorization() {
    for credentials in [false, true] {
        let p = policy(
            Policy::builder().allow_origin("https://app.example.com").allow_any_header().allow_credentials(credentials),
        );
        let req = preflight("https://app.example.com", "GET", &[("access-control-request-headers", "authorization")]);
        let decision = p.decide(&req);
        assert!(
            matches!(decision.refusal(), Some(Refusal::HeaderNotAllowed { header, .. }) if header.0 == b"authorization"),
            "credentials {credentials}: {:?}",
            decision.refusal()
        );
        let (_, h) = answered(&p, &req);
        assert!(h.get(ACMA).is_none());
        assert!(!all(&h, ACAH).iter().any(|v| v.contains("authorization")));
    }
    let listed =
        policy(Policy::builder().allow_origin("https://app.example.com").allow_headers(["*", "authorization"]));
    let req = preflight("https://app.example.com", "GET", &[("access-control-request-headers", "authorization")]);
    assert!(listed.decide(&req).refusal().is_none());
    assert_eq!(one(&answered(&listed, &req).1, ACAH), "*, authorization");
}

// Fetch, "CORS-preflight fetch": with credentials `*` is a header named `*`, so the requested
// headers themselves are named.
#[test]
fn wildcard_headers_with_credentials_reflect_the_requested_headers() {
    let p =
        policy(Policy::builder().allow_origin("https://app.example.com").allow_any_header().allow_credentials(true));
    let req = preflight(
        "https://app.example.com",
        "GET",
        &[("access-control-request-headers", "content-type, x-a"), ("access-control-request-headers", "X-B")],
    );
    assert!(p.decide(&req).refusal().is_none());
    let (_, h) = answered(&p, &req);
    assert_eq!(all(&h, ACAH), ["content-type, x-a", "X-B"]);
    assert_eq!(one(&h, ACAC), "true");

    let public = policy(Policy::builder().allow_origin("https://app.example.com").allow_any_header());
    assert_eq!(one(&answered(&public, &req).1, ACAH), "*");
}

// ---------------------------------------------------------------------------------------------
// Preflight answers

// Fetch, "CORS-preflight fetch": a refused preflight still gets an ok status; the missing headers
// make the browser fail it. Origin refused: nothing but `Vary`.
#[test]
fn refused_origin_preflight_is_ok_with_only_vary() {
    let p = policy(
        Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600)),
    );
    let req = preflight("https://evil.example.com", "PUT", &[("access-control-request-headers", "content-type")]);
    assert!(matches!(p.decide(&req).refusal(), Some(Refusal::OriginNotAllowed { .. })));
    let (status, h) = answered(&p, &req);
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(names(&h), ["vary"]);
    assert_eq!(vary(&h), PREFLIGHT_VARY);
}

// Fetch, "CORS-preflight fetch": method refused: the origin passes, the allowed methods are listed
// so the browser names the method, and nothing is cached (no max-age).
#[test]
fn refused_method_preflight_lists_the_methods_without_max_age() {
    let p = policy(
        Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["PUT", "PATCH"])
            .allow_headers(["content-type"])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600)),
    );
    let req = preflight("https://app.example.com", "DELETE", &[]);
    assert!(matches!(p.decide(&req).refusal(), Some(Refusal::MethodNotAllowed { other_case: false, .. })));
    let (status, h) = answered(&p, &req);
    assert!(status.is_success());
    assert_eq!(one(&h, ACAO), "https://app.example.com");
    assert_eq!(one(&h, ACAC), "true");
    assert_eq!(one(&h, ACAM), "PUT, PATCH");
    assert!(h.get(ACMA).is_none());
    assert!(h.get(ACAH).is_none());
}

// Fetch, "CORS-preflight fetch": header refused: origin and methods pass, the allowed headers are
// listed so the browser names the header, and no max-age.
#[test]
fn refused_header_preflight_lists_the_headers_without_max_age() {
    let p = policy(
        Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["PUT"])
            .allow_headers(["content-type", "x-request-id"])
            .max_age(Duration::from_secs(600)),
    );
    let req = preflight("https://app.example.com", "PUT", &[("access-control-request-headers", "x-evil")]);
    assert!(matches!(p.decide(&req).refusal(), Some(Refusal::HeaderNotAllowed { .. })));
    let (status, h) = answered(&p, &req);
    assert!(status.is_success());
    assert_eq!(one(&h, ACAO), "https://app.example.com");
    assert_eq!(one(&h, ACAM), "PUT");
    assert_eq!(one(&h, ACAH), "content-type, x-request-id");
    assert!(h.get(ACMA).is_none());
}

// Fetch, "CORS-preflight fetch" (CORS-preflight cache): only an allowed answer carries
// Access-Control-Max-Age, so a refusal is never cached longer than the default.
#[test]
fn max_age_only_on_allowed_preflights() {
    let p = policy(
        Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["PUT"])
            .max_age(Duration::from_secs(600)),
    );
    let (_, h) = answered(&p, &preflight("https://app.example.com", "PUT", &[]));
    assert_eq!(one(&h, ACMA), "600");
    for refused in [
        preflight("https://evil.example.com", "PUT", &[]),
        preflight("https://app.example.com", "DELETE", &[]),
        preflight("https://app.example.com", "PUT", &[("access-control-request-headers", "x-evil")]),
    ] {
        assert!(answered(&p, &refused).1.get(ACMA).is_none());
    }
    // An actual request never carries it.
    assert!(forwarded(&p, &get(&["https://app.example.com"])).get(ACMA).is_none());
}

// Private Network Access (WICG draft, extending Fetch's "CORS-preflight fetch"): an opted-in
// policy answers `Access-Control-Allow-Private-Network: true` and varies on the request header.
#[test]
fn private_network_access_allowed() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_private_network(true));
    let req = preflight("https://app.example.com", "GET", &[("access-control-request-private-network", "true")]);
    assert!(p.decide(&req).refusal().is_none());
    let (_, h) = answered(&p, &req);
    assert_eq!(one(&h, ACAPN), "true");
    assert!(vary(&h).contains(&"access-control-request-private-network".to_owned()), "{h:?}");
    assert!(vary(&h).contains(&"origin".to_owned()));
    // A preflight that does not ask gets no such header.
    let (_, h) = answered(&p, &preflight("https://app.example.com", "GET", &[]));
    assert!(h.get(ACAPN).is_none());
}

// Private Network Access: without opting in, a private-network preflight is refused.
#[test]
fn private_network_access_not_enabled_is_refused() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let req = preflight("https://app.example.com", "GET", &[("access-control-request-private-network", "true")]);
    assert_eq!(p.decide(&req).refusal(), Some(&Refusal::PrivateNetworkNotAllowed));
    let (_, h) = answered(&p, &req);
    assert!(h.get(ACAPN).is_none());
    assert!(h.get(ACMA).is_none());
}

// Fetch, "CORS-preflight fetch": any ok status (200–299) passes; 200 for clients that mishandle 204.
#[test]
fn preflight_status_200() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").preflight_status(PreflightStatus::Ok));
    let (status, h) = answered(&p, &preflight("https://app.example.com", "GET", &[]));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one(&h, ACAO), "https://app.example.com");
    let default = policy(Policy::builder().allow_origin("https://app.example.com"));
    assert_eq!(answered(&default, &preflight("https://app.example.com", "GET", &[])).0, StatusCode::NO_CONTENT);
}

// Fetch, "CORS-preflight fetch": the answer's headers are what count, whoever writes the body;
// with passthrough the handler answers and the policy adds the preflight headers.
#[test]
fn preflight_passthrough_forwards_and_adds_preflight_headers() {
    let p = policy(
        Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
            .max_age(Duration::from_secs(60))
            .preflight_passthrough(true),
    );
    let req = preflight("https://app.example.com", "PUT", &[("access-control-request-headers", "content-type")]);
    let decision = p.decide(&req);
    assert!(decision.refusal().is_none());
    let Action::Forward(forward) = decision.into_action() else { panic!("passthrough forwards preflights") };
    assert!(forward.is_allowed());
    let mut h = HeaderMap::new();
    h.insert(ACAO, HeaderValue::from_static("https://handler.example"));
    forward.apply(&mut h);
    assert_eq!(one(&h, ACAO), "https://app.example.com");
    assert_eq!(one(&h, ACAM), "PUT");
    assert_eq!(one(&h, ACAH), "content-type");
    assert_eq!(one(&h, ACMA), "60");
    assert_eq!(vary(&h), PREFLIGHT_VARY);
}

// Fetch, "CORS-preflight request": a preflight has `Access-Control-Request-Method`; an OPTIONS
// without it is an ordinary request for the handler.
#[test]
fn options_without_request_method_is_forwarded() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let req = Request::options("/data").header("origin", "https://app.example.com").body(()).unwrap();
    let Action::Forward(forward) = p.decide(&req).into_action() else { panic!("not a preflight") };
    let mut h = HeaderMap::new();
    forward.apply(&mut h);
    assert_eq!(one(&h, ACAO), "https://app.example.com");
    assert!(h.get(ACAM).is_none());
    assert_eq!(all(&h, "vary"), ["origin"]);
}

// ---------------------------------------------------------------------------------------------
// Merging with the handler's response

// Fetch, "CORS check": several Access-Control-Allow-Origin values fail the check, so the policy's
// value replaces the handler's instead of adding to it.
#[test]
fn handler_allow_origin_is_replaced_never_doubled() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let mut handler = HeaderMap::new();
    handler.insert(ACAO, HeaderValue::from_static("*"));
    handler.append(ACAO, HeaderValue::from_static("https://other.example"));
    handler.insert(ACAC, HeaderValue::from_static("true"));
    let h = forwarded_with(&p, &get(&["https://app.example.com"]), handler.clone());
    assert_eq!(all(&h, ACAO), ["https://app.example.com"]);
    assert!(h.get(ACAC).is_none());
    // Refused: the handler's value is removed too.
    let h = forwarded_with(&p, &get(&["https://evil.example"]), handler);
    assert!(h.get(ACAO).is_none());
}

// RFC 9110, section 12.5.5: `Vary` is a list; the handler's entries stay, `origin` is added once.
#[test]
fn handler_vary_is_merged() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let Action::Forward(forward) = p.decide(&get(&["https://app.example.com"])).into_action() else {
        panic!("forwarded")
    };
    let mut h = HeaderMap::new();
    h.insert("vary", HeaderValue::from_static("accept-encoding"));
    forward.apply(&mut h);
    assert_eq!(vary(&h), ["accept-encoding", "origin"]);
    forward.apply(&mut h);
    assert_eq!(vary(&h), ["accept-encoding", "origin"]);
    assert_eq!(all(&h, ACAO), ["https://app.example.com"]);

    let mut h = HeaderMap::new();
    h.insert("vary", HeaderValue::from_static("Accept-Encoding, Origin"));
    forward.apply(&mut h);
    assert_eq!(all(&h, "vary"), ["Accept-Encoding, Origin"]);
}

// RFC 9110, section 12.5.5: `Vary: *` already covers every header; nothing is added to it.
#[test]
fn vary_star_is_respected() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com"));
    let mut handler = HeaderMap::new();
    handler.insert("vary", HeaderValue::from_static("*"));
    let h = forwarded_with(&p, &get(&["https://app.example.com"]), handler);
    assert_eq!(all(&h, "vary"), ["*"]);
    assert_eq!(one(&h, ACAO), "https://app.example.com");
}

// Fetch, "CORS-safelisted response-header name" and "CORS filtered response": Expose-Headers
// matters on actual responses only; a preflight answer never carries it.
#[test]
fn expose_headers_on_actual_responses_only() {
    let p = policy(
        Policy::builder().allow_origin("https://app.example.com").expose_headers(["X-Total-Count", "x-request-id"]),
    );
    let h = forwarded(&p, &get(&["https://app.example.com"]));
    assert_eq!(one(&h, ACEH), "x-total-count, x-request-id");
    let (_, h) = answered(&p, &preflight("https://app.example.com", "GET", &[]));
    assert!(h.get(ACEH).is_none());
    // Nor a refused response.
    assert!(forwarded(&p, &get(&["https://evil.example"])).get(ACEH).is_none());
}

// Fetch, "CORS-preflight fetch" reads Access-Control-Request-Headers; a browser sends a short list,
// so a huge one is refused before its names are looked at (the class of rs/cors#170).
#[test]
fn megabyte_of_commas_in_request_headers_is_refused() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_headers(["content-type"]));
    let commas = HeaderValue::from_str(&",".repeat(1 << 20)).unwrap();
    let req = Request::options("/data")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", commas)
        .body(())
        .unwrap();
    assert_eq!(p.decide(&req).refusal(), Some(&Refusal::MalformedRequestHeaders(MalformedHeaderList::TooLong)));
    let (_, h) = answered(&p, &req);
    assert!(h.get(ACMA).is_none());
    assert!(h.get(ACAH).is_none());
}

// ---------------------------------------------------------------------------------------------
// Refusal texts

// Fetch, "CORS check": the refusal names the origin, what is allowed, what the browser will say,
// and the fix.
#[test]
fn origin_refusal_text() {
    let p = policy(Policy::builder().allow_origins(["https://app.example.com", "https://*.example.org"]));
    let req = get(&["https://x.com"]);
    let decision = p.decide(&req);
    assert_eq!(
        decision.refusal().unwrap().to_string(),
        "origin \"https://x.com\" is not allowed (allowed: https://app.example.com, https://*.example.org); \
         the browser reports \"No 'Access-Control-Allow-Origin' header is present on the requested resource.\"; \
         if the page is yours, add its origin to allow_origins"
    );
}

// Fetch, "normalize a method" and "CORS-preflight fetch".
#[test]
fn method_refusal_text() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_methods(["PUT", "PATCH"]));
    let req = preflight("https://app.example.com", "DELETE", &[]);
    assert_eq!(
        p.decide(&req).refusal().unwrap().to_string(),
        "method \"DELETE\" is not allowed (allowed: PUT, PATCH); the browser reports \"Method DELETE is not \
         allowed by Access-Control-Allow-Methods in preflight response.\"; if the page should use it, add it to \
         allow_methods"
    );
    let req = preflight("https://app.example.com", "patch", &[]);
    assert_eq!(
        p.decide(&req).refusal().unwrap().to_string(),
        "method \"patch\" is not allowed (allowed: PUT, PATCH); the browser reports \"Method patch is not allowed \
         by Access-Control-Allow-Methods in preflight response.\"; methods are case-sensitive and browsers \
         uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, so have the page send the method in the case \
         the policy lists"
    );
}

// Fetch, "CORS-preflight fetch" and "CORS non-wildcard request-header name".
#[test]
fn header_refusal_text() {
    let p = policy(Policy::builder().allow_origin("https://app.example.com").allow_headers(["content-type"]));
    let req =
        preflight("https://app.example.com", "GET", &[("access-control-request-headers", "content-type, X-Evil")]);
    assert_eq!(
        p.decide(&req).refusal().unwrap().to_string(),
        "request header \"X-Evil\" is not allowed (allowed: content-type); the browser reports \"Request header \
         field X-Evil is not allowed by Access-Control-Allow-Headers in preflight response.\"; if the page should \
         send it, add it to allow_headers"
    );
    let any = policy(Policy::builder().allow_origin("https://app.example.com").allow_any_header());
    let req = preflight("https://app.example.com", "GET", &[("access-control-request-headers", "authorization")]);
    assert_eq!(
        any.decide(&req).refusal().unwrap().to_string(),
        "request header \"authorization\" is not allowed (allowed: *); the browser reports \"Request header field \
         authorization is not allowed by Access-Control-Allow-Headers in preflight response.\"; \"*\" never covers \
         authorization (Fetch, \"CORS non-wildcard request-header name\"): list \"authorization\" in allow_headers. \
         Today's browsers (stock Chromium 156, Firefox, Safari) still let `*` cover it, so the page works there now \
         and breaks when they enforce the standard"
    );
}
