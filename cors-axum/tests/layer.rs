//! The layer through axum's public API: preflights without the inner service, headers on every
//! inner response, nesting, and plain tower services.
#![allow(clippy::unwrap_used)] // test setup: a failure here is a broken test, not input

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use cors_axum::{Cors, CorsLayer};
use cors_core::Policy;
use http_body_util::BodyExt;
use tower::{service_fn, ServiceExt};

const APP: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

fn get_from(path: &str, origin: &str) -> Request<Body> {
    Request::get(path).header("origin", origin).body(Body::empty()).unwrap()
}

fn preflight(path: &str) -> Request<Body> {
    Request::options(path)
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_preflight_gets_the_policy_answer_whatever_the_inner_service_says() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let inner = service_fn(move |_req: Request<Body>| {
        seen.fetch_add(1, Ordering::SeqCst);
        async {
            let mut response = axum::http::Response::new(Body::from("handler"));
            response.headers_mut().insert("content-type", "text/plain".parse().unwrap());
            Ok::<_, Infallible>(response)
        }
    });
    let response = Cors::new(inner, policy()).oneshot(preflight("/anything")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert_eq!(response.headers()["access-control-allow-methods"], "GET, PUT");
    assert!(response.headers().get("content-type").is_none(), "nothing of the handler's answer is kept");
    assert!(response.into_body().collect().await.unwrap().to_bytes().is_empty());
    // The inner service is asked only if a policy may be further in (another CORS layer was
    // alive when this one was built: here, other tests' layers, so either way); its answer is
    // discarded. tests/preflight_shortcut.rs pins down which, alone in its process.
    assert!(calls.load(Ordering::SeqCst) <= 1);

    // An inner service that fails does not fail the preflight.
    let failing = service_fn(|_req: Request<Body>| async { Err::<axum::http::Response<Body>, _>("down") });
    let response = Cors::new(failing, policy()).oneshot(preflight("/anything")).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let failing = service_fn(|_req: Request<Body>| async { Err::<axum::http::Response<Body>, _>("down") });
    assert_eq!(Cors::new(failing, policy()).oneshot(get_from("/data", APP)).await.unwrap_err(), "down");
}

#[tokio::test]
async fn router_fallback_404_and_405_keep_the_headers() {
    let app = Router::new().route("/data", get(|| async { "ok" })).layer(CorsLayer::new(policy()));
    let r = app.clone().oneshot(get_from("/missing", APP)).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["access-control-allow-origin"], APP);
    assert_eq!(r.headers()["vary"], "origin");
    let put = Request::put("/data").header("origin", APP).body(Body::empty()).unwrap();
    let r = app.clone().oneshot(put).await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["access-control-allow-origin"], APP);
    // A preflight to a path that has no PUT is answered anyway.
    let r = app.oneshot(preflight("/data")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn nested_routers_and_route_layer() {
    let api = Router::new().route("/items", get(|| async { "items" })).layer(CorsLayer::new(policy()));
    let app = Router::new().nest("/api", api).route("/public", get(|| async { "public" }));
    let r = app.clone().oneshot(get_from("/api/items", APP)).await.unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], APP);
    // Outside the nested router, no CORS.
    let r = app.oneshot(get_from("/public", APP)).await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // route_layer covers matched routes only.
    let app = Router::new().route("/data", get(|| async { "ok" })).route_layer(CorsLayer::new(policy()));
    let r = app.clone().oneshot(get_from("/data", APP)).await.unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], APP);
}

#[tokio::test]
async fn the_policy_wins_over_a_handler_header() {
    let app = Router::new()
        .route("/data", get(|| async { ([("access-control-allow-origin", "*"), ("vary", "accept-encoding")], "ok") }))
        .layer(CorsLayer::new(policy()));
    let r = app.oneshot(get_from("/data", APP)).await.unwrap();
    let acao: Vec<_> = r.headers().get_all("access-control-allow-origin").iter().collect();
    assert_eq!(acao, [APP]);
    let vary: Vec<_> = r.headers().get_all("vary").iter().collect();
    assert_eq!(vary, ["accept-encoding", "origin"]);
}

#[tokio::test]
async fn refused_origin_gets_the_handler_answer_without_cors() {
    let app = Router::new().route("/data", get(|| async { "ok" })).layer(CorsLayer::new(policy()));
    let r = app.oneshot(get_from("/data", "https://evil.example")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert_eq!(r.headers()["vary"], "origin");
}

#[tokio::test]
async fn any_tower_service_with_any_body() {
    // A plain tower service with a String body: the body type stays generic.
    let inner =
        service_fn(|_req: Request<String>| async { Ok::<_, Infallible>(axum::http::Response::new(String::from("x"))) });
    let service = tower::ServiceBuilder::new().layer(CorsLayer::new(policy())).service(inner);
    let request = Request::get("/").header("origin", APP).body(String::new()).unwrap();
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.body(), "x");
    assert_eq!(response.headers()["access-control-allow-credentials"], "true");
}
