//! The `cors_core::Answered` marker is left only where a wrapper further out may read it: by a
//! wrapper built before another one. One test, alone in its process, since it counts on which
//! wrapper was built last.

use cors_core::{Answered, Policy};
use cors_warp::CorsExt;
use warp::Filter;

const APP: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder().allow_origin(APP).build().expect("a valid policy")
}

fn marked(response: &warp::http::Response<bytes::Bytes>) -> bool {
    response.extensions().get::<Answered>().is_some()
}

#[tokio::test]
async fn only_a_wrapper_built_before_another_leaves_the_marker() {
    let data = || warp::path("data").map(|| "ok");
    let get = || warp::test::request().path("/data").header("origin", APP);

    // The only wrapper: nothing can be around it, nothing reads a marker.
    let alone = data().with_cors_outermost(policy());
    let response = get().reply(&alone).await;
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert!(!marked(&response));

    // The inner wrapper answers and marks; the outer one keeps its answer, marker and all.
    let nested =
        data().with_cors(policy()).with_cors_outermost(Policy::builder().allow_any_origin().build().expect("valid"));
    let response = get().reply(&nested).await;
    assert_eq!(response.headers()["access-control-allow-origin"], APP);
    assert!(marked(&response));
    // What the outer one answers itself (no inner wrapper matched) is not marked: it was built last.
    let response = warp::test::request().path("/other").header("origin", APP).reply(&nested).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(!marked(&response));
}
