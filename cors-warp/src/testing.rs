//! "Would this page's `fetch()` work against my app?", answered in your own tests (feature
//! `testing`).
//!
//! [`fetch`] plays one [`Fetch`] through your whole filter with `warp::test::request()`, in
//! process: the preflight first when the browser would send one, then the actual request if the
//! preflight passed, through your routes, your other filters and your `recover` handlers. It
//! returns what the browser does with the answers, judged by [`cors_core::browser`]: allowed or
//! blocked, at which step, the status and headers script can read, Chromium's console message,
//! the preflight sent and whether a second call would preflight again.
//!
//! ```
//! use cors_core::Policy;
//! use cors_warp::testing::{fetch, Fetch, Step};
//! use cors_warp::CorsExt;
//! use warp::Filter;
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
//! let app = warp::path("items").and(warp::put()).map(|| "saved").with_cors_outermost(policy);
//!
//! // fetch("/items", { method: "PUT", credentials: "include", headers: { Authorization: "Bearer t" } })
//! let put = Fetch::new("https://app.example.com", "PUT", "/items")
//!     .credentials(true)
//!     .header("Authorization", "Bearer t")
//!     .body("{}");
//! let outcome = fetch(&app, &put).await?;
//! assert!(outcome.is_allowed(), "{outcome}");
//! assert_eq!(outcome.status(), Some(200));
//! assert_eq!(outcome.text().as_deref(), Some("saved"));
//! assert_eq!(outcome.preflights_in(2), 1, "max-age 600: the second PUT is not preflighted");
//!
//! // The same from a page the policy does not allow.
//! let outcome = fetch(&app, &Fetch::new("https://evil.example", "PUT", "/items").credentials(true)).await?;
//! assert_eq!(outcome.blocked_at(), Some(Step::Preflight));
//! assert!(outcome.console_message().unwrap().ends_with(
//!     "Response to preflight request doesn't pass access control check: \
//!      No 'Access-Control-Allow-Origin' header is present on the requested resource."
//! ));
//! # Ok(())
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;

use bytes::Bytes;
use warp::test::RequestBuilder;
use warp::{Filter, Rejection, Reply};

pub use cors_core::browser::{Fetch, FetchError, FetchOutcome, Preflight, Rules, Step};

/// Plays `call` through `filter` (your routes after [`with_cors_outermost`](crate::CorsExt::with_cors_outermost), or
/// any filter answering with a [`Reply`]) as the browser would, and returns what the browser
/// does. A rejection is answered as warp's server answers it.
///
/// A [`FetchError`] is a mistake in the [`Fetch`]; a blocked fetch is an `Ok` outcome.
pub async fn fetch<F>(filter: &F, call: &Fetch) -> Result<FetchOutcome, FetchError>
where
    F: Filter + 'static,
    F::Extract: Reply + Send,
    F::Error: FilterError,
{
    let mut playing = call.play()?;
    while let Some(request) = playing.next_request() {
        let (parts, body) = request.into_parts();
        let mut builder = warp::test::request().method(parts.method.as_str()).path(&parts.uri.to_string());
        // The test builder replaces earlier values of a name: send each name once, its values
        // combined as the browser combines them.
        for name in parts.headers.keys() {
            let values: Vec<&[u8]> = parts.headers.get_all(name).iter().map(|v| v.as_bytes()).collect();
            let value = http::HeaderValue::from_bytes(&values.join(&b", "[..])).map_err(FetchError::app)?;
            builder = builder.header(name, value);
        }
        if !body.is_empty() {
            builder = builder.body(body);
        }
        let response = F::Error::reply(builder, filter).await;
        playing.answer(response.map(|bytes| bytes.to_vec()));
    }
    playing.outcome()
}

/// The error types of a filter [`fetch`] can play: [`Rejection`] (answered as warp's server
/// answers it) and [`Infallible`] (what [`with_cors_outermost`](crate::CorsExt::with_cors_outermost) returns). Sealed.
pub trait FilterError: sealed::Sealed + Sized {
    /// Sends `request` through `filter` with `warp::test`.
    fn reply<F>(request: RequestBuilder, filter: &F) -> impl Future<Output = http::Response<Bytes>>
    where
        F: Filter<Error = Self> + 'static,
        F::Extract: Reply + Send;
}

impl FilterError for Rejection {
    fn reply<F>(request: RequestBuilder, filter: &F) -> impl Future<Output = http::Response<Bytes>>
    where
        F: Filter<Error = Self> + 'static,
        F::Extract: Reply + Send,
    {
        request.reply(filter)
    }
}

impl FilterError for Infallible {
    fn reply<F>(request: RequestBuilder, filter: &F) -> impl Future<Output = http::Response<Bytes>>
    where
        F: Filter<Error = Self> + 'static,
        F::Extract: Reply + Send,
    {
        request.reply(filter)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for warp::Rejection {}
    impl Sealed for std::convert::Infallible {}
}
