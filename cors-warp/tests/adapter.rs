//! What the warp wrapper itself must get right, beyond the shared suite.

use cors_core::Policy;
use cors_warp::CorsExt;
use warp::http::StatusCode;
use warp::Filter;

const ORIGIN: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(ORIGIN)
        .allow_methods(["GET", "PUT"])
        .allow_credentials(true)
        .build()
        .expect("a valid policy")
}

#[derive(Debug)]
struct Boom;

impl warp::reject::Reject for Boom {}

async fn handle(rejection: warp::Rejection) -> Result<warp::reply::Response, warp::Rejection> {
    if rejection.find::<Boom>().is_some() {
        use warp::Reply;
        Ok(warp::reply::with_status("boom", StatusCode::INTERNAL_SERVER_ERROR).into_response())
    } else {
        Err(rejection)
    }
}

/// `GET`/`PUT /data`, `GET /error` (a custom rejection recovered as 500 `boom`), under the policy.
fn app() -> impl Filter<Extract = (warp::reply::Response,), Error = std::convert::Infallible> + Clone {
    let get = warp::path!("data").and(warp::get()).map(|| "ok");
    let put = warp::path!("data").and(warp::put()).map(|| "put");
    let error =
        warp::path!("error").and(warp::get()).and_then(|| async { Err::<&'static str, _>(warp::reject::custom(Boom)) });
    get.or(put).or(error).recover(handle).with_cors_outermost(policy())
}

fn values<'a>(response: &'a warp::http::Response<bytes::Bytes>, name: &str) -> Vec<&'a str> {
    response.headers().get_all(name).iter().map(|v| v.to_str().expect("ascii")).collect()
}

fn assert_cors(response: &warp::http::Response<bytes::Bytes>) {
    assert_eq!(values(response, "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(values(response, "access-control-allow-credentials"), ["true"]);
    assert!(values(response, "vary").iter().any(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("origin"))));
}

#[tokio::test]
async fn a_preflight_to_a_path_without_route_is_answered_without_the_filter() {
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = ran.clone();
    let routes = warp::any().map(move || {
        seen.store(true, std::sync::atomic::Ordering::SeqCst);
        "ran"
    });
    let app = warp::path("data").and(routes).with_cors_outermost(policy());
    let response = warp::test::request()
        .method("OPTIONS")
        .path("/no/such/route")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PUT")
        .reply(&app)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.body().is_empty());
    assert_cors(&response);
    assert_eq!(values(&response, "access-control-allow-methods"), ["GET, PUT"]);
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst), "the wrapped filter ran for a preflight");
}

#[tokio::test]
async fn not_found_keeps_the_cors_headers() {
    let response = warp::test::request().path("/nowhere").header("origin", ORIGIN).reply(&app()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_cors(&response);
}

#[tokio::test]
async fn method_not_allowed_keeps_the_cors_headers() {
    let response = warp::test::request().method("PATCH").path("/data").header("origin", ORIGIN).reply(&app()).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.body(), "HTTP method not allowed");
    assert_eq!(values(&response, "content-type"), ["text/plain; charset=utf-8"]);
    assert_cors(&response);
}

#[tokio::test]
async fn a_recovered_custom_rejection_keeps_the_cors_headers() {
    let response = warp::test::request().path("/error").header("origin", ORIGIN).reply(&app()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.body(), "boom");
    assert_cors(&response);
}

#[derive(Debug)]
struct Unhandled;
impl warp::reject::Reject for Unhandled {}

#[tokio::test]
async fn an_unrecovered_custom_rejection_is_answered_as_warp_would() {
    let routes = warp::any().and_then(|| async { Err::<&str, _>(warp::reject::custom(Unhandled)) });
    let response = warp::test::request().header("origin", ORIGIN).reply(&routes.with_cors_outermost(policy())).await;
    let plain = warp::test::request().reply(&routes).await;
    assert_eq!(response.status(), plain.status());
    assert_eq!(response.body(), plain.body());
    assert_eq!(response.body(), "Unhandled rejection: Unhandled");
    assert_cors(&response);
}

#[tokio::test]
async fn rejections_match_warps_own_answers() {
    let routes = warp::path("a")
        .and(warp::get())
        .map(|| "a")
        .or(warp::path("b").and(warp::header::<u32>("x-n")).map(|_| "b"))
        .or(warp::path("c").and(warp::query::<std::collections::HashMap<String, u32>>()).map(|_| "c"))
        .or(warp::path("d").and(warp::body::json::<u32>()).map(|_| "d"))
        // warp keeps this cause private: found by name.
        .or(warp::path("e").and(warp::body::bytes()).and(warp::body::bytes()).map(|_, _| "e"))
        .or(warp::path("f").and(warp::ext::get::<u8>()).map(|_| "f"));
    let cases = [
        ("GET", "/a", 200),
        ("POST", "/a", 405),
        ("GET", "/b", 400),
        ("GET", "/c?x=y", 400),
        ("GET", "/zz", 404),
        ("POST", "/d", 400),
        ("POST", "/e", 500),
        ("GET", "/f", 500),
    ];
    for (method, path, status) in cases {
        let plain = warp::test::request().method(method).path(path).reply(&routes).await;
        let wrapped =
            warp::test::request().method(method).path(path).reply(&routes.with_cors_outermost(policy())).await;
        assert_eq!(plain.status(), status, "{method} {path}");
        assert_eq!(wrapped.status(), plain.status(), "{method} {path}");
        assert_eq!(wrapped.body(), plain.body(), "{method} {path}");
        assert_eq!(values(&wrapped, "content-type"), values(&plain, "content-type"), "{method} {path}");
    }
}

#[tokio::test]
async fn a_handler_set_allow_origin_is_never_sent_twice() {
    let routes = warp::any().map(|| warp::reply::with_header("ok", "access-control-allow-origin", "*"));
    let response = warp::test::request().header("origin", ORIGIN).reply(&routes.with_cors_outermost(policy())).await;
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);

    let refused = warp::test::request()
        .header("origin", "https://evil.example")
        .reply(&routes.with_cors_outermost(policy()))
        .await;
    assert!(values(&refused, "access-control-allow-origin").is_empty());
}

#[tokio::test]
async fn an_infallible_filter_can_be_wrapped() {
    let routes = warp::any()
        .and_then(|| async { Err::<&str, _>(warp::reject::custom(Unhandled)) })
        .recover(|_| async { Ok::<_, std::convert::Infallible>(StatusCode::IM_A_TEAPOT) });
    let response = warp::test::request().header("origin", ORIGIN).reply(&routes.with_cors_outermost(policy())).await;
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
    assert_cors(&response);
}

#[tokio::test]
async fn a_passthrough_policy_lets_the_filter_answer_preflights() {
    let policy = Policy::builder().allow_origin(ORIGIN).preflight_passthrough(true).build().expect("a valid policy");
    let app = warp::options().map(|| "mine").with_cors_outermost(policy);
    let response = warp::test::request()
        .method("OPTIONS")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "GET")
        .reply(&app)
        .await;
    assert_eq!(response.body(), "mine");
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);
}
