//! With credentials, an origin that anyone can produce or forge is never granted without a
//! `_dangerously` opt-in: `null` (a sandboxed iframe, a `data:` URL), and plain `http` origins
//! other than loopback, whether listed or accepted by a predicate. Plus the bounds on the work a
//! request can cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cors_core::{Action, Policy, ProblemKind, Refusal, MAX_REQUEST_METHOD_LEN};
use http::Request;

fn get(origin: &str) -> Request<()> {
    Request::get("/data").header("origin", origin).body(()).unwrap()
}

fn allow_origin_of(policy: &Policy, request: &Request<()>) -> Option<String> {
    let Action::Forward(forward) = policy.decide(request).into_action() else { panic!("not a preflight") };
    let mut headers = http::HeaderMap::new();
    forward.apply(&mut headers);
    headers.get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned())
}

// HTML, "serialization of an origin": any document can have an opaque origin, serialized `null`.
#[test]
fn null_with_credentials_is_an_error_unless_dangerously_allowed() {
    let err = Policy::builder()
        .allow_origin("https://app.example.com")
        .allow_null_origin()
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].kind(), ProblemKind::NullOriginWithCredentials);
    assert!(err.problems()[0].fix().contains("allow_null_origin_with_credentials_dangerously()"));

    let policy = Policy::builder()
        .allow_null_origin()
        .allow_credentials(true)
        .allow_null_origin_with_credentials_dangerously()
        .build()
        .unwrap();
    assert_eq!(policy.warnings()[0].kind(), ProblemKind::NullOriginWithCredentials);
    assert_eq!(allow_origin_of(&policy, &get("null")).as_deref(), Some("null"));

    // Without credentials, `null` is a plain choice.
    assert!(Policy::builder().allow_null_origin().build().unwrap().warnings().is_empty());
}

#[cfg(feature = "serde")]
#[test]
fn null_from_a_file_with_credentials_is_an_error() {
    let config: cors_core::PolicyConfig =
        toml::from_str("allow_origins = [\"null\"]\nallow_credentials = true\n").unwrap();
    let err = config.build().unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::NullOriginWithCredentials);
}

#[test]
fn a_predicate_never_grants_plain_http_with_credentials() {
    let yes = || Policy::builder().allow_origin_predicate(|_| true).allow_credentials(true);
    let policy = yes().build().unwrap();
    for refused in ["http://x.example.com", "http://192.168.1.10:8080", "http://[2001:db8::1]"] {
        let request = get(refused);
        let decision = policy.decide(&request);
        assert!(
            matches!(decision.refusal(), Some(Refusal::InsecureOriginWithCredentials { .. })),
            "{refused}: {:?}",
            decision.refusal()
        );
        let text = decision.refusal().unwrap().to_string();
        assert!(text.contains("allow_insecure_origins_with_credentials_dangerously()"), "{text}");
        assert_eq!(allow_origin_of(&policy, &get(refused)), None, "{refused}");
    }
    for granted in ["https://x.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:3000"] {
        assert_eq!(allow_origin_of(&policy, &get(granted)).as_deref(), Some(granted));
    }
    // The opt-in, and policies without credentials, let the predicate decide.
    let dangerous = yes().allow_insecure_origins_with_credentials_dangerously().build().unwrap();
    assert_eq!(allow_origin_of(&dangerous, &get("http://x.example.com")).as_deref(), Some("http://x.example.com"));
    let public = Policy::builder().allow_origin_predicate(|_| true).build().unwrap();
    assert_eq!(allow_origin_of(&public, &get("http://x.example.com")).as_deref(), Some("http://x.example.com"));
}

fn preflight(method: &[u8], headers: &[u8]) -> Request<()> {
    Request::options("/data")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .body(())
        .unwrap()
}

fn answer(policy: &Policy, request: &Request<()>) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    match policy.decide(request).into_action() {
        Action::Preflight(p) => p.apply(&mut headers),
        Action::Forward(f) => f.apply(&mut headers),
    }
    headers
}

// Bounded work: a method longer than any registered one is refused, never echoed.
#[test]
fn an_overlong_method_is_refused_and_never_echoed() {
    let policy = Policy::builder()
        .allow_origin("https://app.example.com")
        .allow_any_method()
        .allow_credentials(true)
        .build()
        .unwrap();
    let ok = vec![b'M'; MAX_REQUEST_METHOD_LEN];
    let long = vec![b'M'; MAX_REQUEST_METHOD_LEN + 1];
    assert!(policy.decide(&preflight(&ok, b"")).refusal().is_none());
    assert_eq!(answer(&policy, &preflight(&ok, b""))["access-control-allow-methods"].as_bytes(), &ok[..]);
    assert_eq!(policy.decide(&preflight(&long, b"")).refusal(), Some(&Refusal::MalformedRequestMethod));
    assert!(answer(&policy, &preflight(&long, b"")).get("access-control-allow-methods").is_none());
}

// Passthrough copies only what the answer writes, so nothing of a refused oversized list.
#[test]
fn passthrough_copies_only_what_passed_the_size_checks() {
    let policy = Policy::builder()
        .allow_origin("https://app.example.com")
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .preflight_passthrough(true)
        .build()
        .unwrap();
    let huge = vec![b'x'; cors_core::MAX_REQUEST_HEADERS_LEN + 1];
    let headers = answer(&policy, &preflight(b"PUT", &huge));
    assert!(headers.get("access-control-allow-headers").is_none());
    assert_eq!(headers["access-control-allow-methods"], "PUT");
    let long = vec![b'M'; MAX_REQUEST_METHOD_LEN + 1];
    let headers = answer(&policy, &preflight(&long, b"x-a"));
    assert!(headers.get("access-control-allow-methods").is_none());
    assert!(headers.get("access-control-allow-headers").is_none());
}
