//! The conformance app for warp: the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

use std::convert::Infallible;

use cors_core::Policy;
use cors_warp::CorsExt;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// An application error, raised as a custom rejection and answered by [`handle`], as warp users
/// write it.
#[derive(Debug)]
pub struct Boom;

impl warp::reject::Reject for Boom {}

/// The app's `recover` handler: [`Boom`] becomes 500 `boom`; every other rejection is passed on
/// (and answered by the CORS wrapper as warp would: 404, 405, ...).
pub async fn handle(rejection: Rejection) -> Result<impl Reply, Rejection> {
    if rejection.find::<Boom>().is_some() {
        return Ok(warp::reply::with_status("boom", StatusCode::INTERNAL_SERVER_ERROR));
    }
    Err(rejection)
}

/// The conformance routes: `GET`/`HEAD /data` → `ok` with `x-total-count: 42`, `PUT` → `put`,
/// `POST` → `posted`, `DELETE` → `deleted`, `GET /error` → 500 `boom` through a custom rejection
/// and [`handle`]; anything else → warp's own 404 or 405.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let response = warp::test::request().path("/data").reply(&example_warp::routes()).await;
/// assert_eq!(response.body(), "ok");
/// # });
/// ```
pub fn routes() -> impl Filter<Extract = (impl Reply,), Error = Rejection> + Clone {
    let data = warp::path("data").and(warp::path::end());
    let get =
        data.and(warp::get().or(warp::head()).unify()).map(|| warp::reply::with_header("ok", "x-total-count", "42"));
    let put = data.and(warp::put()).map(|| "put");
    let post = data.and(warp::post()).map(|| "posted");
    let delete = data.and(warp::delete()).map(|| "deleted");
    let error = warp::path("error")
        .and(warp::path::end())
        .and(warp::get())
        .and_then(|| async { Err::<&'static str, _>(warp::reject::custom(Boom)) });
    get.or(put).or(post).or(delete).or(error).recover(handle)
}

/// [`routes`] behind `policy`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let response = warp::test::request()
///     .path("/data")
///     .header("origin", "https://app.example.com")
///     .reply(&example_warp::app(policy))
///     .await;
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
/// # });
/// ```
pub fn app(policy: Policy) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    routes().with_cors(policy)
}
