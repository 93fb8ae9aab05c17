//! Regression tests for what the fuzz targets in `cors-core/fuzz` found (`cargo xtask fuzz`). Each
//! test names the target and the minimized input that found it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cors_core::{Action, MalformedHeaderList, Policy, Refusal};
use http::{HeaderMap, Request};

/// Target `decide`, input `40ohttps://app.example.com\nh\nmp\nh\nh\nh\nh\nh\nh\nh\nh` (policy 4:
/// credentials with `*` methods and headers; nine empty `Access-Control-Request-Headers` lines).
///
/// A preflight refused for the size of its header list was answered with
/// `Access-Control-Allow-Methods: *` together with `Access-Control-Allow-Credentials: true`. With
/// credentials a browser reads `*` as a method named `*` (Fetch, "CORS-preflight fetch"), so it
/// blamed the method, which the policy allows, instead of the header list. With credentials the
/// requested method itself is named, whatever the stage.
#[test]
fn credentialed_any_method_is_named_when_the_header_list_is_refused() {
    let policy = Policy::builder()
        .allow_origin("https://app.example.com")
        .allow_credentials(true)
        .allow_any_method()
        .allow_any_header()
        .build()
        .unwrap();
    let mut b = Request::options("/data")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "p");
    for _ in 0..9 {
        b = b.header("access-control-request-headers", "");
    }
    let request = b.body(()).unwrap();
    let decision = policy.decide(&request);
    assert_eq!(decision.refusal(), Some(&Refusal::MalformedRequestHeaders(MalformedHeaderList::TooMany)));
    let Action::Preflight(answer) = decision.into_action() else { panic!("expected a preflight") };
    let mut headers = HeaderMap::new();
    answer.apply(&mut headers);
    let methods: Vec<_> = headers.get_all("access-control-allow-methods").iter().collect();
    assert_eq!(methods, ["p"], "{headers:?}");
    assert_eq!(headers["access-control-allow-credentials"], "true");
    assert!(!headers.contains_key("access-control-max-age"));
}
