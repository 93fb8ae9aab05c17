//! Per-route policies: `a.with_cors(p1).or(b.with_cors(p2))` reaches `b` for what `a` does not
//! match, the innermost wrapper answers (preflights and errors included), the outermost answers the
//! rest; and where to put the wrapper relative to authentication.

use cors_core::Policy;
use cors_warp::CorsExt;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

const APP: &str = "https://app.example.com";
const ANYONE: &str = "https://anyone.example.net";

fn private() -> Policy {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["authorization"])
        .allow_credentials(true)
        .build()
        .expect("a valid policy")
}

fn public() -> Policy {
    Policy::builder().allow_any_origin().allow_methods(["GET", "PUT"]).build().expect("a valid policy")
}

#[derive(Debug)]
struct Boom;
impl warp::reject::Reject for Boom {}

/// `/<part>/data` (GET, PUT) and `/<part>/error` (an unrecovered custom rejection).
fn part(name: &'static str) -> impl Filter<Extract = (impl Reply,), Error = Rejection> + Clone {
    let data = warp::path(name).and(warp::path("data")).and(warp::path::end());
    let get = data.and(warp::get()).map(move || name);
    let put = data.and(warp::put()).map(|| "put");
    let error = warp::path(name)
        .and(warp::path("error"))
        .and(warp::path::end())
        .and_then(|| async { Err::<&'static str, _>(warp::reject::custom(Boom)) });
    get.or(put).or(error)
}

fn one<'r>(r: &'r warp::http::Response<bytes::Bytes>, name: &str) -> Option<&'r str> {
    let mut values = r.headers().get_all(name).iter();
    let first = values.next().map(|v| v.to_str().expect("ASCII"));
    assert!(values.next().is_none(), "{name} sent twice");
    first
}

fn preflight(path: &str, origin: &str, method: &str) -> warp::test::RequestBuilder {
    warp::test::request()
        .method("OPTIONS")
        .path(path)
        .header("origin", origin)
        .header("access-control-request-method", method)
}

fn get(path: &str, origin: &str) -> warp::test::RequestBuilder {
    warp::test::request().path(path).header("origin", origin)
}

#[tokio::test]
async fn a_branch_leaves_what_it_does_not_match_to_the_next() {
    let app = part("public").with_cors(public()).or(part("private").with_cors(private()));
    let r = get("/private/data", APP).reply(&app).await;
    assert_eq!(r.body(), "private");
    assert_eq!(one(&r, "access-control-allow-origin"), Some(APP));
    assert_eq!(one(&r, "access-control-allow-credentials"), Some("true"));
    let r = preflight("/private/data", APP, "DELETE").reply(&app).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(&r, "access-control-allow-methods"), Some("GET, PUT, DELETE"));
    let r = preflight("/public/data", ANYONE, "PUT").reply(&app).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(&r, "access-control-allow-origin"), Some("*"));
    // Without an outermost wrapper, what no branch matches is warp's plain 404.
    let r = get("/nowhere", APP).reply(&app).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(one(&r, "access-control-allow-origin"), None);
}

#[tokio::test]
async fn the_innermost_wrapper_answers_errors_and_the_outermost_the_rest() {
    let app = part("public").with_cors(public()).or(part("app")).with_cors_outermost(private());
    for (path, status, origin) in [
        ("/public/data", 200, Some("*")),
        ("/public/error", 500, Some("*")),
        ("/app/data", 200, Some(APP)),
        ("/app/error", 500, Some(APP)),
        ("/publicity", 404, Some(APP)),
    ] {
        let r = get(path, APP).reply(&app).await;
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(one(&r, "access-control-allow-origin"), origin, "{path}");
        let credentials = (origin == Some(APP)).then_some("true");
        assert_eq!(one(&r, "access-control-allow-credentials"), credentials, "{path}");
    }
    // A method the branch lacks on its path: the branch answers the 405, under its policy.
    let r = warp::test::request().method("DELETE").path("/public/data").header("origin", ANYONE).reply(&app).await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(one(&r, "access-control-allow-origin"), Some("*"));
    // Preflights: the public branch's DELETE is refused with its own methods; the boundary is the outer's.
    let r = preflight("/public/data", APP, "DELETE").reply(&app).await;
    assert_eq!(one(&r, "access-control-allow-methods"), Some("GET, PUT"));
    assert!(r.body().is_empty());
    let r = preflight("/publicity", ANYONE, "PUT").reply(&app).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(&r, "access-control-allow-origin"), None);
    let r = preflight("/app/data", APP, "DELETE").reply(&app).await;
    assert_eq!(one(&r, "access-control-allow-methods"), Some("GET, PUT, DELETE"));
}

#[derive(Debug)]
struct Unauthorized;
impl warp::reject::Reject for Unauthorized {}

/// A bearer-token check: rejects without `authorization: Bearer secret`.
fn auth() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization")
        .and_then(|token: Option<String>| async move {
            match token.as_deref() {
                Some("Bearer secret") => Ok(()),
                _ => Err(warp::reject::custom(Unauthorized)),
            }
        })
        .untuple_one()
}

async fn to_401(rejection: Rejection) -> Result<impl Reply, Rejection> {
    match rejection.find::<Unauthorized>() {
        Some(_) => Ok(warp::reply::with_status("who are you?", StatusCode::UNAUTHORIZED)),
        None => Err(rejection),
    }
}

#[tokio::test]
async fn cors_outside_authentication() {
    let routes = warp::path("data").and(auth()).map(|| "secret");
    let app = routes.recover(to_401).with_cors_outermost(private());
    // The preflight carries no credentials: the 401 it meets is replaced by the policy's answer.
    let r = preflight("/data", APP, "PUT").reply(&app).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(one(&r, "access-control-allow-origin"), Some(APP));
    // An actual request's 401 keeps the CORS headers, so the page can read it.
    let r = get("/data", APP).reply(&app).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(one(&r, "access-control-allow-origin"), Some(APP));
    let r = get("/data", APP).header("authorization", "Bearer secret").reply(&app).await;
    assert_eq!(r.body(), "secret");
    assert_eq!(one(&r, "access-control-allow-origin"), Some(APP));

    // The wrong order: authentication before CORS answers the preflight with a bare 401.
    let wrong = auth().and(warp::path("data").map(|| "secret").with_cors_outermost(private())).recover(to_401);
    let r = preflight("/data", APP, "PUT").reply(&wrong).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(one(&r, "access-control-allow-origin"), None);
}
