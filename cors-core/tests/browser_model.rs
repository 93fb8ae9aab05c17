//! The browser model against the Fetch standard and shipping browsers, through the public API:
//! wire methods, max-age parsing, Private Network Access, what `fetch()` drops or refuses, the
//! Range safelist, and the two outcomes where the standard and today's browsers differ.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cors_core::browser::{
    is_safelisted_request_header, parse_max_age, AddressSpace, Blocked, BrowserRequest, Rules, CHROMIUM_MAX_AGE,
    DEFAULT_MAX_AGE,
};
use http::{HeaderMap, HeaderValue};

const PAGE: &str = "https://app.example.com";

fn answer(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in pairs {
        h.append(*n, HeaderValue::from_static(v));
    }
    h
}

// Fetch, "normalize a method" happens in fetch(), before sending: the wire carries what was sent.
#[test]
fn a_wire_method_is_never_normalized() {
    let preflight = answer(&[("access-control-allow-origin", PAGE), ("access-control-allow-methods", "PUT")]);
    assert!(BrowserRequest::new(PAGE, "put").check_preflight(204, &preflight).is_ok());
    assert_eq!(
        BrowserRequest::from_wire(PAGE, "put").check_preflight(204, &preflight),
        Err(Blocked::MethodNotAllowed { method: "put".into() })
    );
}

// Fetch, "CORS-preflight fetch" step 7.8 with "extract header list values".
#[test]
fn max_age_is_one_value_of_digits_or_the_default() {
    let request = BrowserRequest::new(PAGE, "PUT");
    let base = [("access-control-allow-origin", PAGE), ("access-control-allow-methods", "PUT")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = base.to_vec();
        pairs.extend_from_slice(extra);
        request.check_preflight(204, &answer(&pairs)).unwrap().max_age
    };
    assert_eq!(with(&[("access-control-max-age", "600")]), Duration::from_secs(600));
    assert_eq!(with(&[("access-control-max-age", "600"), ("access-control-max-age", "600")]), DEFAULT_MAX_AGE);
    assert_eq!(with(&[("access-control-max-age", "5, 600")]), DEFAULT_MAX_AGE);
    assert_eq!(with(&[("access-control-max-age", "-1")]), DEFAULT_MAX_AGE);
    assert_eq!(with(&[("access-control-max-age", "86400")]), CHROMIUM_MAX_AGE);
    assert_eq!(parse_max_age(&answer(&[("access-control-max-age", " 42 ")])), Some(Duration::from_secs(42)));
}

#[test]
fn private_network_access_needs_the_opt_in() {
    let request = BrowserRequest::new(PAGE, "GET").private_network(AddressSpace::Private);
    assert!(request.needs_preflight());
    let ok = [("access-control-allow-origin", PAGE)];
    let blocked = request.check_preflight(204, &answer(&ok)).unwrap_err();
    assert_eq!(blocked, Blocked::PrivateNetworkNotAllowed { target: AddressSpace::Private, value: None });
    assert_eq!(
        blocked.to_string(),
        "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `private` address space."
    );
    let wrong = answer(&[("access-control-allow-origin", PAGE), ("access-control-allow-private-network", "yes")]);
    assert!(matches!(
        request.check_preflight(204, &wrong),
        Err(Blocked::PrivateNetworkNotAllowed { value: Some(_), .. })
    ));
    let granted = answer(&[("access-control-allow-origin", PAGE), ("access-control-allow-private-network", "true")]);
    assert!(request.check_preflight(204, &granted).is_ok());
}

// Fetch, "forbidden request-header" and "forbidden method", as fetch() applies them.
#[test]
fn fetch_drops_forbidden_headers_and_refuses_forbidden_methods() {
    let request = BrowserRequest::new(PAGE, "GET")
        .header("Cookie", "a=1")
        .header("Sec-Fetch-Mode", "no-cors")
        .header("Proxy-Authorization", "x")
        .header("X-HTTP-Method-Override", "TRACE")
        .header("X-HTTP-Method-Override", "PATCH")
        .header("x-request-id", "1");
    let names: Vec<&str> = request.headers().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X-HTTP-Method-Override", "x-request-id"]);
    for method in ["TRACE", "connect", "Track"] {
        let r = BrowserRequest::new(PAGE, method);
        let blocked = r.check_response(&answer(&[("access-control-allow-origin", "*")])).unwrap_err();
        assert!(matches!(blocked, Blocked::ForbiddenMethod { .. }), "{method}");
        assert!(blocked.is_type_error());
        assert!(blocked.console_message("https://api.example/", PAGE).contains("TypeError"));
    }
    assert!(matches!(BrowserRequest::new(PAGE, "GE T").method_error(), Some(Blocked::InvalidMethod { .. })));
}

// Fetch, "CORS-safelisted request-header" for `range`: a start that overflows is not simple.
#[test]
fn range_is_safelisted_only_when_simple() {
    assert!(is_safelisted_request_header("range", b"bytes=0-"));
    assert!(is_safelisted_request_header("range", b"bytes=5-10"));
    assert!(!is_safelisted_request_header("range", b"bytes=99999999999999999999-"));
    assert!(!is_safelisted_request_header("range", b"bytes=10-5"));
    assert!(!is_safelisted_request_header("range", b"bytes=-5"));
}

// Fetch, "CORS non-wildcard request-header name": the standard's outcome and today's browsers'.
#[test]
fn star_and_authorization_have_two_outcomes() {
    let request = BrowserRequest::new(PAGE, "GET").header("authorization", "Bearer t");
    let star = answer(&[("access-control-allow-origin", "*"), ("access-control-allow-headers", "*")]);
    assert_eq!(
        request.check_preflight_under(Rules::Standard, 204, &star),
        Err(Blocked::HeaderNotAllowed { header: "authorization".into() })
    );
    assert!(request.check_preflight_under(Rules::ShippingBrowsers, 204, &star).is_ok());
    // With credentials `*` is no wildcard in any browser.
    let credentialed = request.clone().credentials(true);
    let echoed = answer(&[
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-headers", "*"),
    ]);
    for rules in Rules::ALL {
        assert!(credentialed.check_preflight_under(rules, 204, &echoed).is_err(), "{rules:?}");
    }
    // Listed by name, it passes under both.
    let listed = answer(&[("access-control-allow-origin", "*"), ("access-control-allow-headers", "*, authorization")]);
    for rules in Rules::ALL {
        assert!(request.check_preflight_under(rules, 204, &listed).is_ok(), "{rules:?}");
    }
}

// The policy's refusal says what today's browsers do.
#[test]
fn the_refusal_log_names_both_outcomes() {
    let policy = cors_core::Policy::builder().allow_any_origin().allow_any_header().build().unwrap();
    let request = http::Request::options("/")
        .header("origin", PAGE)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .body(())
        .unwrap();
    let text = policy.decide(&request).refusal().unwrap().to_string();
    assert!(text.contains("Today's browsers (stock Chromium 156, Firefox, Safari) still let `*` cover it"), "{text}");
}
