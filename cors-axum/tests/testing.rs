//! The testing aid through an app with its own middleware and error handling: what a page's
//! fetch() gets, as the browser judges it.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cors_axum::testing::{fetch, Fetch, Step};
use cors_axum::CorsLayer;
use cors_core::browser::Blocked;
use cors_core::Policy;

const APP: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT", "PATCH"])
        .allow_headers(["authorization", "content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .expect("a valid policy")
}

/// 401 without `authorization: Bearer good`; the CORS layer is outside it, as it must be.
async fn require_token(request: Request, next: Next) -> Response {
    match request.headers().get("authorization") {
        Some(v) if v == "Bearer good" => next.run(request).await,
        _ => (StatusCode::UNAUTHORIZED, "who are you?").into_response(),
    }
}

async fn failing() -> Result<&'static str, (StatusCode, &'static str)> {
    Err((StatusCode::INTERNAL_SERVER_ERROR, "boom"))
}

fn app() -> Router {
    let private =
        Router::new().route("/private", get(|| async { "secret" })).route_layer(middleware::from_fn(require_token));
    Router::new()
        .route(
            "/items",
            get(|| async { "[]" }).put(|| async { ([("x-request-id", "7"), ("x-internal", "1")], "saved") }),
        )
        .route("/error", get(failing))
        .merge(private)
        .layer(CorsLayer::new(policy()))
}

#[tokio::test]
async fn an_allowed_credentialed_put_with_authorization() {
    let put = Fetch::new(APP, "put", "/items")
        .credentials(true)
        .header("Authorization", "Bearer good")
        .header("content-type", "application/json")
        .body(r#"{"a":1}"#);
    let outcome = fetch(app(), &put).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some("saved"));
    assert_eq!(outcome.header("x-request-id").as_deref(), Some("7"), "exposed");
    assert_eq!(outcome.header("x-internal"), None, "not exposed");
    let preflight = outcome.preflight().expect("PUT is preflighted");
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-request-method"), Some("PUT"));
    assert_eq!(preflight.header("access-control-request-headers"), Some("authorization,content-type"));
    assert_eq!(outcome.preflight_cached_for(), Some(std::time::Duration::from_secs(600)));
    assert!(!outcome.preflights_again());
}

#[tokio::test]
async fn a_refused_origin_is_blocked_with_chromiums_message() {
    let get = Fetch::new("https://evil.example", "GET", "/items").credentials(true).server("https://api.example.com");
    let outcome = fetch(app(), &get).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual));
    assert_eq!(outcome.server_status(), Some(200), "the handler ran; only script is kept out");
    assert_eq!(outcome.status(), None);
    assert_eq!(
        outcome.console_message().unwrap(),
        "Access to fetch at 'https://api.example.com/items' from origin 'https://evil.example' has been blocked by \
         CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
}

#[tokio::test]
async fn patch_is_not_upper_cased_by_fetch() {
    let lower = fetch(app(), &Fetch::new(APP, "patch", "/items")).await.unwrap();
    assert_eq!(lower.blocked_at(), Some(Step::Preflight), "{lower}");
    assert_eq!(lower.blocked(), Some(&Blocked::MethodNotAllowed { method: "patch".into() }));
    assert!(lower
        .console_message()
        .unwrap()
        .ends_with("Method patch is not allowed by Access-Control-Allow-Methods in preflight response."));
    assert!(lower.preflights_again(), "a failed preflight is not cached");

    let upper = fetch(app(), &Fetch::new(APP, "PATCH", "/items")).await.unwrap();
    assert!(upper.is_allowed(), "{upper}");
    assert_eq!(upper.status(), Some(405), "no PATCH handler: script reads axum's 405");
}

#[tokio::test]
async fn a_route_behind_auth_still_passes_its_preflight() {
    let with_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer good");
    let outcome = fetch(app(), &with_token).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.preflight().map(|p| p.status), Some(204), "the preflight never reaches the auth check");
    assert_eq!(outcome.text().as_deref(), Some("secret"));

    let bad_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer bad");
    let outcome = fetch(app(), &bad_token).await.unwrap();
    assert!(outcome.is_allowed(), "the 401 carries CORS headers, so script can read it: {outcome}");
    assert_eq!(outcome.status(), Some(401));
    assert_eq!(outcome.text().as_deref(), Some("who are you?"));
}

#[tokio::test]
async fn an_error_route_keeps_its_cors_headers() {
    let outcome = fetch(app(), &Fetch::new(APP, "GET", "/error").credentials(true)).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(500));
    assert_eq!(outcome.text().as_deref(), Some("boom"));
    assert!(outcome.preflight().is_none());
}

#[tokio::test]
async fn a_mistake_in_the_test_is_an_error_not_a_verdict() {
    let err = fetch(app(), &Fetch::new("https://APP.example.com", "GET", "/items")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the page origin \"https://APP.example.com\" is not a serialized origin; did you mean \"https://app.example.com\"?"
    );
}
