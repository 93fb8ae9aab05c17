//! The API of `warp-public-private`: a public part any page may read, and a private part for the
//! app's own front-end behind a bearer token.
//!
//! The order of the filters is the point. CORS goes outside authentication, so that
//! - a preflight, which never carries credentials (Fetch, "CORS-preflight fetch"), is answered by
//!   the private branch's policy, whatever the token check made of it, so it never gets a 401;
//! - the 401 of an actual request without a token still carries the CORS headers, so the page can
//!   read it (and ask the user to log in) instead of seeing a network error.

use std::convert::Infallible;

use cors_warp::{CorsExt, PolicyConfig, PolicySource};
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

/// The one bearer token the private part accepts. A demo: put your own authentication here.
pub const DEMO_TOKEN: &str = "demo-token";

/// The policy file: a `[public]` and a `[private]` table, each a [`PolicyConfig`].
///
/// ```
/// let parts: example_warp::public_private::PartsConfig =
///     toml::from_str(include_str!("../public-private.toml")).expect("the shipped file is valid");
/// assert!(parts.public.build().is_ok() && parts.private.build().is_ok());
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsConfig {
    /// The policy of `/public/...`.
    pub public: PolicyConfig,
    /// The policy of `/private/...` (and of anything neither part has).
    pub private: PolicyConfig,
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

#[derive(Serialize)]
struct Me {
    user: &'static str,
}

/// The token check's rejection, answered with a 401 by [`unauthorized`].
#[derive(Debug)]
struct Unauthorized;

impl warp::reject::Reject for Unauthorized {}

/// The authentication filter: `Authorization: Bearer DEMO_TOKEN`, or the [`Unauthorized`]
/// rejection.
fn require_token() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization")
        .and_then(|value: Option<String>| async move {
            if value.is_some_and(|v| v == format!("Bearer {DEMO_TOKEN}")) {
                Ok(())
            } else {
                Err(warp::reject::custom(Unauthorized))
            }
        })
        .untuple_one()
}

async fn unauthorized(rejection: Rejection) -> Result<Response, Rejection> {
    if rejection.find::<Unauthorized>().is_some() {
        let reply = warp::reply::with_status("missing or wrong bearer token", StatusCode::UNAUTHORIZED);
        return Ok(warp::reply::with_header(reply, "www-authenticate", "Bearer").into_response());
    }
    Err(rejection)
}

/// `GET /public/status` in a branch under `public`; `GET /private/me` and `PUT /private/notes`
/// behind the token check in a branch under `private`; both inside
/// [`with_cors_outermost`](CorsExt::with_cors_outermost) with `private` for what neither has.
///
/// ```
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let app = example_warp::public_private::app(public, private);
/// # let _ = app;
/// ```
pub fn app(
    public: impl Into<PolicySource> + 'static,
    private: impl Into<PolicySource> + 'static,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone {
    let private: PolicySource = private.into();
    let status = warp::path!("public" / "status").and(warp::get()).map(|| warp::reply::json(&Status { status: "ok" }));
    let me = warp::path!("me").and(warp::get()).map(|| warp::reply::json(&Me { user: "demo" }).into_response());
    let notes = warp::path!("notes")
        .and(warp::put())
        .and(warp::body::bytes())
        .map(|body: warp::hyper::body::Bytes| format!("saved: {}", String::from_utf8_lossy(&body)).into_response());
    // path first (see cors_warp::CorsExt::with_cors), then the token check, then the routes
    let private_part = warp::path("private")
        .and(require_token())
        .and(me.or(notes).unify())
        .recover(unauthorized)
        .unify()
        .with_cors(private.clone());
    status.with_cors(public).or(private_part).unify().with_cors_outermost(private)
}
