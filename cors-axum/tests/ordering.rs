//! Where to put the CORS layer: outside authentication, timeout and catch-panic (their answers
//! keep the CORS headers, preflights never get a 401), either side of compression. Each rule is
//! tested in both orders, so the wrong order's failure is shown too.
#![allow(clippy::unwrap_used)] // test setup: a failure here is a broken test, not input

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Response, StatusCode};
use axum::middleware::{self, Next};
use axum::routing::get;
use axum::Router;
use cors_axum::CorsLayer;
use cors_core::Policy;
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

const APP: &str = "https://app.example.com";

fn cors() -> CorsLayer {
    let policy = Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["authorization"])
        .allow_credentials(true)
        .build()
        .unwrap();
    CorsLayer::new(policy)
}

fn preflight(path: &str) -> Request {
    Request::options(path)
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "authorization")
        .body(Body::empty())
        .unwrap()
}

fn get_from(path: &str) -> Request {
    Request::get(path).header("origin", APP).body(Body::empty()).unwrap()
}

fn acao(r: &Response<Body>) -> Option<&str> {
    r.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap())
}

/// A bearer-token check: 401 without `authorization: Bearer secret`.
async fn require_token(request: Request, next: Next) -> Response<Body> {
    match request.headers().get("authorization") {
        Some(v) if v == "Bearer secret" => next.run(request).await,
        _ => Response::builder().status(StatusCode::UNAUTHORIZED).body(Body::from("who are you?")).unwrap(),
    }
}

#[tokio::test]
async fn cors_outside_authentication() {
    let app = Router::new()
        .route("/data", get(|| async { "secret data" }))
        .layer(middleware::from_fn(require_token))
        .layer(cors());
    // The preflight carries no credentials; the auth layer's 401 is replaced by the policy's answer.
    let r = app.clone().oneshot(preflight("/data")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(acao(&r), Some(APP));
    // An actual request without the token: the 401 keeps the CORS headers, so the page can read it.
    let r = app.clone().oneshot(get_from("/data")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(acao(&r), Some(APP));
    let mut with_token = get_from("/data");
    with_token.headers_mut().insert("authorization", "Bearer secret".parse().unwrap());
    let r = app.oneshot(with_token).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(acao(&r), Some(APP));
}

#[tokio::test]
async fn cors_inside_authentication_fails_preflights() {
    let app = Router::new()
        .route("/data", get(|| async { "secret data" }))
        .layer(cors())
        .layer(middleware::from_fn(require_token));
    let r = app.clone().oneshot(preflight("/data")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the wrong order: the browser sees a failed preflight");
    assert_eq!(acao(&r), None);
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "late"
}

#[tokio::test]
async fn timeout_inside_cors_keeps_the_headers() {
    let timeout = || TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(20));
    let inside = Router::new().route("/slow", get(slow)).layer(timeout()).layer(cors());
    let r = inside.oneshot(get_from("/slow")).await.unwrap();
    assert_eq!(r.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(acao(&r), Some(APP));

    let outside = Router::new().route("/slow", get(slow)).layer(cors()).layer(timeout());
    let r = outside.clone().oneshot(get_from("/slow")).await.unwrap();
    assert_eq!(r.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(acao(&r), None, "the timeout's own answer never passes through CORS");
    // Preflights do not wait for the handler either way.
    let r = outside.oneshot(preflight("/slow")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

async fn panics() -> &'static str {
    panic!("handler bug")
}

#[tokio::test]
async fn catch_panic_inside_cors_keeps_the_headers() {
    let inside = Router::new().route("/panic", get(panics)).layer(CatchPanicLayer::new()).layer(cors());
    let r = inside.oneshot(get_from("/panic")).await.unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(acao(&r), Some(APP));

    let outside = Router::new().route("/panic", get(panics)).layer(cors()).layer(CatchPanicLayer::new());
    let r = outside.oneshot(get_from("/panic")).await.unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(acao(&r), None, "the panic unwinds through CORS; the 500 is made outside it");
}

#[tokio::test]
async fn compression_either_side() {
    let big = || async { "a".repeat(4096) };
    let inside = Router::new().route("/big", get(big)).layer(CompressionLayer::new()).layer(cors());
    let outside = Router::new().route("/big", get(big)).layer(cors()).layer(CompressionLayer::new());
    for app in [inside, outside] {
        let mut request = get_from("/big");
        request.headers_mut().insert("accept-encoding", "gzip".parse().unwrap());
        let r = app.clone().oneshot(request).await.unwrap();
        assert_eq!(r.headers()["content-encoding"], "gzip");
        assert_eq!(acao(&r), Some(APP));
        let vary: Vec<String> =
            r.headers().get_all("vary").iter().map(|v| v.to_str().unwrap().to_lowercase()).collect();
        let vary = vary.join(", ");
        assert!(vary.contains("origin") && vary.contains("accept-encoding"), "{vary}");
        assert!(r.into_body().collect().await.unwrap().to_bytes().len() < 4096);

        let r = app.oneshot(preflight("/big")).await.unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(acao(&r), Some(APP));
    }
}
