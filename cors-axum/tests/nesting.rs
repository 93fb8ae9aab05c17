//! Per-route policies: the innermost `CorsLayer` answers, preflights included, whether it sits on
//! a nested router, a `MethodRouter` or a `route_layer`; the outer one answers the rest.
#![allow(clippy::unwrap_used)] // test setup: a failure here is a broken test, not input

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::routing::get;
use axum::Router;
use cors_axum::CorsLayer;
use cors_core::Policy;
use tower::ServiceExt;

const APP: &str = "https://app.example.com";
const ANYONE: &str = "https://anyone.example.net";

/// The private policy: the app's origin, credentials, DELETE allowed.
fn private() -> Policy {
    Policy::builder().allow_origin(APP).allow_methods(["GET", "PUT", "DELETE"]).allow_credentials(true).build().unwrap()
}

/// The public policy: any origin, no credentials, no DELETE.
fn public() -> Policy {
    Policy::builder().allow_any_origin().allow_methods(["GET", "PUT"]).build().unwrap()
}

fn preflight(path: &str, origin: &str, method: &str) -> Request<Body> {
    Request::options(path)
        .header("origin", origin)
        .header("access-control-request-method", method)
        .body(Body::empty())
        .unwrap()
}

fn get_from(path: &str, origin: &str) -> Request<Body> {
    Request::get(path).header("origin", origin).body(Body::empty()).unwrap()
}

fn header<'r>(r: &'r Response<Body>, name: &str) -> Option<&'r str> {
    let mut values = r.headers().get_all(name).iter();
    let first = values.next().map(|v| v.to_str().unwrap());
    assert!(values.next().is_none(), "{name} sent twice");
    first
}

fn public_part() -> Router {
    Router::new()
        .route("/data", get(|| async { "open" }).put(|| async { "put" }))
        .route("/error", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(CorsLayer::new(public()))
}

fn app() -> Router {
    Router::new()
        .route("/data", get(|| async { "private" }))
        .route("/error", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }))
        .nest("/public", public_part())
        .layer(CorsLayer::new(private()))
}

#[tokio::test]
async fn a_nested_router_answers_with_its_own_policy() {
    // Preflight under /public: the public policy's answer, never the outer one's.
    let r = app().oneshot(preflight("/public/data", ANYONE, "PUT")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&r, "access-control-allow-methods"), Some("GET, PUT"));
    // DELETE is the private policy's: refused under /public.
    let r = app().oneshot(preflight("/public/data", APP, "DELETE")).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-methods"), Some("GET, PUT"));
    assert_eq!(header(&r, "access-control-allow-credentials"), None);
    // Actual requests, errors and the nested fallback's 404.
    for (path, status) in [("/public/data", 200), ("/public/error", 500), ("/public/nowhere", 404)] {
        let r = app().oneshot(get_from(path, APP)).await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(header(&r, "access-control-allow-origin"), Some("*"), "{path}");
        assert_eq!(header(&r, "access-control-allow-credentials"), None, "{path}");
    }
}

#[tokio::test]
async fn the_outer_policy_keeps_the_rest_including_the_prefix_boundary() {
    let r = app().oneshot(preflight("/data", APP, "DELETE")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "access-control-allow-origin"), Some(APP));
    assert_eq!(header(&r, "access-control-allow-methods"), Some("GET, PUT, DELETE"));
    for (path, status) in [("/data", 200), ("/error", 500), ("/publicity", 404)] {
        let r = app().oneshot(get_from(path, APP)).await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(header(&r, "access-control-allow-origin"), Some(APP), "{path}");
        assert_eq!(header(&r, "access-control-allow-credentials"), Some("true"), "{path}");
        let r = app().oneshot(get_from(path, ANYONE)).await.unwrap();
        assert_eq!(header(&r, "access-control-allow-origin"), None, "{path}");
    }
    let r = app().oneshot(preflight("/publicity", ANYONE, "PUT")).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), None);
}

#[tokio::test]
async fn a_layer_on_one_method_router() {
    let app = Router::new()
        .route("/open", get(|| async { "open" }).layer(CorsLayer::new(public())))
        .route("/data", get(|| async { "private" }))
        .layer(CorsLayer::new(private()));
    // `MethodRouter::layer` sees every method: the preflight (a 405 for the routes) included.
    let r = app.clone().oneshot(preflight("/open", ANYONE, "PUT")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    let r = app.clone().oneshot(get_from("/open", APP)).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    let r = app.oneshot(get_from("/data", APP)).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some(APP));
}

#[tokio::test]
async fn router_route_layer_covers_every_method_of_its_routes() {
    let app = Router::new()
        .route("/open", get(|| async { "open" }))
        .route_layer(CorsLayer::new(public()))
        .route("/data", get(|| async { "private" }))
        .layer(CorsLayer::new(private()));
    let r = app.clone().oneshot(get_from("/open", APP)).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    // `Router::route_layer` wraps each route's whole `MethodRouter`: the 405 for OPTIONS too.
    let r = app.clone().oneshot(preflight("/open", ANYONE, "PUT")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    // Paths added after it, and unmatched paths, are the outer policy's.
    let r = app.clone().oneshot(get_from("/data", APP)).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some(APP));
    let r = app.oneshot(preflight("/nowhere", APP, "PUT")).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some(APP));
}

#[tokio::test]
async fn method_router_route_layer_needs_an_options_handler_for_preflights() {
    let app = |with_options: bool| {
        let route = get(|| async { "open" });
        let route = if with_options { route.options(|| async { "never sent" }) } else { route };
        Router::new().route("/open", route.route_layer(CorsLayer::new(public()))).layer(CorsLayer::new(private()))
    };
    // Actual requests reach the route layer: its policy wins.
    let r = app(false).oneshot(get_from("/open", APP)).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    // With an OPTIONS handler, the preflight reaches it too, and its answer replaces the handler's.
    let r = app(true).oneshot(preflight("/open", ANYONE, "PUT")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "access-control-allow-origin"), Some("*"));
    assert!(http_body_util::BodyExt::collect(r.into_body()).await.unwrap().to_bytes().is_empty());
    // Without one, axum answers OPTIONS with 405 outside the route layer: the outer policy answers.
    let r = app(false).oneshot(preflight("/open", APP, "PUT")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "access-control-allow-origin"), Some(APP));
}

#[tokio::test]
async fn three_levels_the_innermost_wins() {
    let inner = Policy::builder().allow_origin("https://inner.example").build().unwrap();
    let deep = Router::new().route("/data", get(|| async { "deep" })).layer(CorsLayer::new(inner));
    let middle = Router::new().nest("/deep", deep).layer(CorsLayer::new(public()));
    let app = Router::new().nest("/public", middle).layer(CorsLayer::new(private()));
    let r = app.clone().oneshot(get_from("/public/deep/data", "https://inner.example")).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some("https://inner.example"));
    let r = app.clone().oneshot(preflight("/public/deep/data", ANYONE, "GET")).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), None, "the innermost policy refuses this origin");
    let r = app.oneshot(preflight("/public/deep/data", "https://inner.example", "GET")).await.unwrap();
    assert_eq!(header(&r, "access-control-allow-origin"), Some("https://inner.example"));
}
