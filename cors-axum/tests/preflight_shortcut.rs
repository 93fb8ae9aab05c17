//! A layer with no other CORS layer inside answers preflights without running the routes; one
//! that may have another inside runs them, and the innermost policy wins. One test, alone in its
//! process: whether a layer may have another inside is known from the layers alive when it is
//! built (`cors_core::BuildOrder`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{any, get};
use axum::Router;
use cors_axum::CorsLayer;
use cors_core::Policy;
use tower::ServiceExt;

const APP: &str = "https://app.example.com";

fn preflight(path: &str) -> Request<Body> {
    Request::options(path)
        .header("origin", APP)
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .expect("a valid request")
}

fn counting(calls: &Arc<AtomicUsize>) -> axum::routing::MethodRouter {
    let calls = Arc::clone(calls);
    any(move || {
        calls.fetch_add(1, Ordering::SeqCst);
        async { "handler" }
    })
}

#[tokio::test]
async fn preflights_run_the_routes_only_where_a_policy_may_be_further_in() {
    let private = || Policy::builder().allow_origin(APP).allow_methods(["GET", "PUT"]).build().expect("valid");
    let calls = Arc::new(AtomicUsize::new(0));

    // One layer over two routes and the fallback (a service of it each, siblings): nothing inside.
    let app = Router::new()
        .route("/a", counting(&calls))
        .route("/b", counting(&calls))
        .fallback(get(|| async { "fallback" }))
        .layer(CorsLayer::new(private()));
    // Called as it is (axum builds the routes per request), and as `axum::serve` runs it.
    for app in [app.clone(), app.clone().with_state(())] {
        for path in ["/a", "/b", "/missing"] {
            let response = app.clone().oneshot(preflight(path)).await.expect("infallible");
            assert_eq!(response.status(), StatusCode::NO_CONTENT, "{path}");
            assert_eq!(response.headers()["access-control-allow-origin"], APP);
            assert_eq!(response.headers()["access-control-allow-methods"], "GET, PUT");
        }
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0, "no route ran for a preflight");
    // Other requests run them.
    let get = Request::get("/a").header("origin", APP).body(Body::empty()).expect("valid");
    assert_eq!(app.clone().oneshot(get).await.expect("infallible").status(), StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    drop(app);

    // A public router with its own layer, nested in the private one: the outer layer runs the
    // routes for preflights, and the innermost policy answers. (axum builds the inner layer's
    // services when it builds the routes, beside the outer layer's: the inner one cannot tell
    // that nothing is inside it, and runs its handler too.)
    let public = Policy::builder().allow_any_origin().allow_methods(["GET", "PUT"]).build().expect("valid");
    let inner_calls = Arc::new(AtomicUsize::new(0));
    let public_api = Router::new().route("/data", counting(&inner_calls)).layer(CorsLayer::new(public));
    let app =
        Router::new().route("/own", counting(&calls)).nest("/public", public_api).layer(CorsLayer::new(private()));
    let response = app.clone().oneshot(preflight("/public/data")).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["access-control-allow-origin"], "*", "the innermost policy wins");
    // The outer layer's own route: it ran for the preflight (the outer layer cannot tell), and
    // its answer was replaced by the outer policy's.
    let response = app.oneshot(preflight("/own")).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
