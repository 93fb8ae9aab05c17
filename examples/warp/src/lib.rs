//! The testable part of the example apps ([`public_private`]), and the conformance app for
//! warp: the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

pub mod public_private;

use std::convert::Infallible;

use cors_warp::cors_core::{PathPrefix, PolicySource, RoutePolicies};
use cors_warp::CorsExt;
use warp::filters::BoxedFilter;
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
pub fn app(policy: impl Into<PolicySource>) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    routes().with_cors_outermost(policy)
}

/// The conformance routes with a policy per path prefix (`--route PATH=FILE`): for each prefix,
/// longest first, a branch `PATH/...` holding the same routes (and a 404 of its own for the
/// paths below PATH it lacks) wrapped in [`with_cors`](CorsExt::with_cors); then the routes at
/// the root; all inside [`with_cors_outermost`](CorsExt::with_cors_outermost) with the default
/// policy. The innermost wrapper that matches answers. A prefix of `/` replaces the default.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let table = cors_core::RoutePolicies::new(private).route("/public".parse().unwrap(), public);
/// let app = example_warp::routed_app(&table);
/// let response = warp::test::request().path("/public/data").header("origin", "https://x.example").reply(&app).await;
/// assert_eq!(response.headers()["access-control-allow-origin"], "*");
/// # });
/// ```
pub fn routed_app(policies: &RoutePolicies) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let mut default = policies.default_policy().clone();
    let mut app = warp::any().and_then(|| async { Err::<Response, _>(warp::reject::not_found()) }).boxed();
    for (prefix, policy) in policies.routes() {
        if prefix.as_str() == "/" {
            default = policy.clone();
            continue;
        }
        // Below the prefix, a path none of the routes has is this part's 404, under its policy.
        let own_404 = |rejection: Rejection| async move {
            if rejection.is_not_found() {
                Ok(StatusCode::NOT_FOUND)
            } else {
                Err(rejection)
            }
        };
        let part = under(prefix).and(routes().recover(own_404)).with_cors(policy.clone());
        app = app.or(part).unify().boxed();
    }
    app.or(routes().map(Reply::into_response)).unify().with_cors_outermost(default)
}

/// Matches the segments of `prefix` (each compared with the request's, as warp decodes them).
fn under(prefix: &PathPrefix) -> BoxedFilter<()> {
    let mut filter = warp::any().boxed();
    for segment in prefix.as_str()[1..].split('/') {
        let segment = segment.to_owned();
        let one = warp::path::param::<String>()
            .and_then(move |got: String| {
                let matched = got == segment;
                async move {
                    if matched {
                        Ok(())
                    } else {
                        Err(warp::reject::not_found())
                    }
                }
            })
            .untuple_one();
        filter = filter.and(one).boxed();
    }
    filter
}
