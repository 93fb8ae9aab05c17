//! "Would this page's `fetch()` work against my app?", answered in your own tests (feature
//! `testing`).
//!
//! [`fetch`] plays one [`Fetch`] through your whole app with tower's `oneshot`, in process: the
//! preflight first when the browser would send one, then the actual request if the preflight
//! passed, through your routes, your other middleware and your error handlers. It returns what
//! the browser does with the answers, judged by [`cors_core::browser`]: allowed or blocked, at
//! which step, the status and headers script can read, Chromium's console message, the preflight
//! sent and whether a second call would preflight again.
//!
//! ```
//! use axum::{routing::get, Router};
//! use cors_axum::testing::{fetch, Fetch, Step};
//! use cors_axum::CorsLayer;
//! use cors_core::Policy;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_methods(["GET", "PUT"])
//!     .allow_headers(["authorization", "content-type"])
//!     .allow_credentials(true)
//!     .max_age(std::time::Duration::from_secs(600))
//!     .build()?;
//! let app = Router::new().route("/items", get(|| async { "[]" }).put(|| async { "saved" })).layer(CorsLayer::new(policy));
//!
//! // fetch("/items", { method: "PUT", credentials: "include", headers: { Authorization: "Bearer t" } })
//! let put = Fetch::new("https://app.example.com", "PUT", "/items")
//!     .credentials(true)
//!     .header("Authorization", "Bearer t")
//!     .body("{}");
//! let outcome = fetch(app.clone(), &put).await?;
//! assert!(outcome.is_allowed(), "{outcome}");
//! assert_eq!(outcome.status(), Some(200));
//! assert_eq!(outcome.text().as_deref(), Some("saved"));
//! assert_eq!(outcome.preflight().unwrap().header("access-control-request-headers"), Some("authorization"));
//! assert_eq!(outcome.preflights_in(2), 1, "max-age 600: the second PUT is not preflighted");
//!
//! // The same from a page the policy does not allow.
//! let evil = Fetch::new("https://evil.example", "PUT", "/items").credentials(true);
//! let outcome = fetch(app, &evil).await?;
//! assert_eq!(outcome.blocked_at(), Some(Step::Preflight));
//! assert!(outcome.console_message().unwrap().ends_with(
//!     "Response to preflight request doesn't pass access control check: \
//!      No 'Access-Control-Allow-Origin' header is present on the requested resource."
//! ));
//! # Ok(())
//! # }
//! ```

use std::fmt::Display;

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::{BodyExt, Full};
use tower::{Service, ServiceExt};

pub use cors_core::browser::{Fetch, FetchError, FetchOutcome, Preflight, Rules, Step};

/// Plays `call` through `app` (an axum `Router`, or any tower service generic over the request
/// body, such as [`Cors`](crate::Cors) around one) as the browser would, and returns what the
/// browser does. Requests carry an [`http_body_util::Full`] body; for a service that takes one
/// body type only, use [`fetch_with`]. `app` is cloned for each request the browser sends.
///
/// An error is a mistake in the [`Fetch`] (see [`FetchError`]), or an app that fails to answer
/// (its service returns an error, or a response body fails); a blocked fetch is an `Ok` outcome.
pub async fn fetch<S, ResBody>(app: S, call: &Fetch) -> Result<FetchOutcome, FetchError>
where
    S: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone,
    S::Error: Display,
    ResBody: Body,
    ResBody::Error: Display,
{
    fetch_with::<Full<Bytes>, S, ResBody>(app, call).await
}

/// [`fetch`] with the request body type the service takes, such as `axum::body::Body` for a
/// boxed service.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use axum::{body::Body, routing::get, Router};
/// use cors_axum::testing::{fetch_with, Fetch};
/// use tower::util::BoxCloneSyncService;
///
/// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
/// let app = Router::new().route("/", get(|| async { "ok" })).layer(cors_axum::CorsLayer::new(policy));
/// let boxed = BoxCloneSyncService::new(app);
/// let outcome = fetch_with::<Body, _, _>(boxed, &Fetch::new("https://a.example", "GET", "/")).await?;
/// assert_eq!(outcome.text().as_deref(), Some("ok"));
/// # Ok(())
/// # }
/// ```
pub async fn fetch_with<ReqBody, S, ResBody>(app: S, call: &Fetch) -> Result<FetchOutcome, FetchError>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    S::Error: Display,
    ReqBody: From<Vec<u8>>,
    ResBody: Body,
    ResBody::Error: Display,
{
    let mut playing = call.play()?;
    while let Some(request) = playing.next_request() {
        let response = app.clone().oneshot(request.map(ReqBody::from)).await.map_err(FetchError::app)?;
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.map_err(FetchError::app)?.to_bytes();
        playing.answer(Response::from_parts(parts, bytes.to_vec()));
    }
    playing.outcome()
}
