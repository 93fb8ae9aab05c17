//! A tower layer around the whole warp app (cors-axum's `Cors` around `warp::service(routes)`):
//! the warp wrapper inside answers what it matches and marks its answer, so the layer keeps it (the
//! innermost policy wins); the layer answers the rest. Alone in its process: the wrapper here is
//! the only one, so only the layer, recorded after it (`cors_core::BuildOrder`), tells it to mark.

use cors_axum::CorsLayer;
use cors_core::Policy;
use cors_warp::CorsExt;
use tower::{Layer, ServiceExt};
use warp::Filter;

const APP: &str = "https://app.example.com";
const OTHER: &str = "https://other.example";

#[tokio::test]
async fn the_warp_wrapper_inside_a_tower_layer_wins_on_its_routes() {
    let public = Policy::builder().allow_any_origin().build().expect("a valid policy");
    let private = Policy::builder().allow_origin(APP).allow_credentials(true).build().expect("a valid policy");
    let routes = warp::path("public").map(|| "open data").with_cors(public);
    let app = CorsLayer::new(private).layer(warp::service(routes));

    let get = |path: &str, origin: &str| {
        http::Request::get(path).header("origin", origin).body(String::new()).expect("a valid request")
    };

    // The public route: the warp wrapper's answer, which the private layer outside leaves alone.
    let response = app.clone().oneshot(get("/public", OTHER)).await.expect("infallible");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(response.headers().get("access-control-allow-credentials").is_none());

    // Its preflights too: the layer outside runs the warp app for them (its wrappers count among
    // the layers that may be inside), and keeps the wrapper's answer.
    let preflight = http::Request::options("/public")
        .header("origin", OTHER)
        .header("access-control-request-method", "GET")
        .body(String::new())
        .expect("a valid request");
    let response = app.clone().oneshot(preflight).await.expect("infallible");
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");

    // Everything else: the layer's own policy, on warp's 404.
    let response = app.clone().oneshot(get("/missing", APP)).await.expect("infallible");
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert_eq!(response.headers()["access-control-allow-credentials"], "true");
    let response = app.oneshot(get("/missing", OTHER)).await.expect("infallible");
    assert!(response.headers().get("access-control-allow-origin").is_none());
}
