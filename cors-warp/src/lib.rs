//! # cors-warp
//!
//! CORS for [warp](https://docs.rs/warp) 0.4, driven by a [`cors_core::Policy`]. Every decision
//! is made by `cors-core`; this crate only translates warp's requests and responses.
//!
//! ```
//! use cors_warp::CorsExt;
//! use warp::Filter;
//!
//! let policy = cors_core::Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_methods(["GET", "PUT"])
//!     .allow_credentials(true)
//!     .build()
//!     .expect("a valid policy");
//!
//! let routes = warp::path("data").and(warp::get()).map(|| "ok");
//! let app = routes.with_cors(policy);
//! # let _ = app;
//! ```
//!
//! ## What the wrapper does
//!
//! - A preflight (an `OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by
//!   the wrapper, for every path, without running the wrapped filter, unless the policy passes
//!   preflights through.
//! - Every other request runs the wrapped filter; the policy's headers are added to its response.
//! - **Rejections are answered too.** A request no route accepts (404), a method no route allows
//!   (405), an unhandled custom rejection (500) must carry the CORS headers as well, or the
//!   browser hides the error from the page. A rejection only becomes a response at the server, too
//!   late to add headers, so the wrapper turns it into warp's own response for it (see
//!   [`rejection_response`]) and adds the headers. The wrapped filter therefore never rejects:
//!   its error type is [`Infallible`]. Put your own [`recover`](warp::Filter::recover) *inside*,
//!   `routes.recover(handle).with_cors(policy)`; a `recover` after it would never be called.
//!
//! Why a method rather than `.with(...)`: warp seals its `Wrap` trait and `warp::wrap_fn` needs a
//! closure whose output type can be named, so `.with` would force a boxed filter (an allocation
//! per request). `with_cors` sits where `.with(...)` would, at the end of the chain.
#![forbid(unsafe_code)]

#[cfg(feature = "testing")]
pub mod testing;

use std::convert::Infallible;
use std::future::ready;

use cors_core::{Action, Forward, Policy};
use http::{HeaderMap, Method, StatusCode};
use warp::reject::{self, Reject, Rejection};
use warp::reply::{Reply, Response};
use warp::Filter;

/// Adds [`with_cors`](CorsExt::with_cors) to every filter that answers with a [`Reply`].
pub trait CorsExt: Filter + Sized {
    /// Applies `policy` to every request this filter sees, including those it rejects.
    ///
    /// The result extracts a finished [`Response`] and never rejects (see the [crate]
    /// documentation). `self` may fail with [`Rejection`] (the usual case) or [`Infallible`]
    /// (after a `recover` that always answers).
    ///
    /// ```
    /// use cors_warp::CorsExt;
    /// use warp::{Filter, Rejection, Reply};
    ///
    /// #[derive(Debug)]
    /// struct Boom;
    /// impl warp::reject::Reject for Boom {}
    ///
    /// async fn handle(rejection: Rejection) -> Result<impl Reply, Rejection> {
    ///     if rejection.find::<Boom>().is_some() {
    ///         return Ok(warp::reply::with_status("boom", warp::http::StatusCode::INTERNAL_SERVER_ERROR));
    ///     }
    ///     Err(rejection) // the wrapper answers 404, 405, ... as warp would
    /// }
    ///
    /// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
    /// let routes = warp::path("error").and_then(|| async { Err::<&str, _>(warp::reject::custom(Boom)) });
    /// let app = routes.recover(handle).with_cors(policy);
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let response = warp::test::request()
    ///     .path("/missing")
    ///     .header("origin", "https://app.example.com")
    ///     .reply(&app)
    ///     .await;
    /// assert_eq!(response.status(), 404);
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
    /// # });
    /// ```
    fn with_cors(self, policy: Policy) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync;
}

impl<F, R> CorsExt for F
where
    F: Filter<Extract = (R,)> + Clone + Send + Sync + 'static,
    F::Error: InnerError,
    R: Reply,
{
    fn with_cors(self, policy: Policy) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync {
        // A preflight answer travels as a rejection: the one way a warp filter skips what follows.
        let decide = warp::method().and(warp::header::headers_cloned()).and_then(move |method, headers| {
            ready(match decide(&policy, method, headers) {
                Step::Forward(forward) => Ok(forward),
                Step::Answer(answer) => Err(reject::custom(answer)),
            })
        });
        decide
            .and(F::Error::responses(self))
            .map(|forward: Forward, mut response: Response| {
                forward.apply(response.headers_mut());
                response
            })
            .recover(|rejection: Rejection| {
                ready(Ok::<_, Infallible>(match rejection.find::<PreflightAnswer>() {
                    Some(answer) => answer.response(),
                    None => rejection_response(&rejection),
                }))
            })
            .unify()
    }
}

enum Step {
    Answer(PreflightAnswer),
    Forward(Forward),
}

#[derive(Debug)]
struct PreflightAnswer {
    status: StatusCode,
    headers: HeaderMap,
}

impl Reject for PreflightAnswer {}

impl PreflightAnswer {
    fn response(&self) -> Response {
        let mut response = self.status.into_response();
        *response.headers_mut() = self.headers.clone();
        response
    }
}

fn decide(policy: &Policy, method: Method, headers: HeaderMap) -> Step {
    let mut request = http::Request::new(());
    *request.method_mut() = method;
    *request.headers_mut() = headers;
    match policy.decide(&request).into_action() {
        Action::Preflight(preflight) => {
            let mut headers = HeaderMap::new();
            preflight.apply(&mut headers);
            Step::Answer(PreflightAnswer { status: preflight.status(), headers })
        }
        Action::Forward(forward) => Step::Forward(forward),
    }
}

/// The error types a wrapped filter may have: [`Rejection`] and [`Infallible`]. Sealed.
pub trait InnerError: sealed::Sealed + Sized {
    /// `filter`, its rejections turned into responses.
    fn responses<F, R>(filter: F) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply;
}

impl InnerError for Rejection {
    fn responses<F, R>(filter: F) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply,
    {
        filter
            .map(Reply::into_response)
            .recover(|rejection: Rejection| ready(Ok::<_, Infallible>(rejection_response(&rejection))))
            .unify()
    }
}

impl InnerError for Infallible {
    fn responses<F, R>(filter: F) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply,
    {
        filter.map(Reply::into_response)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for warp::Rejection {}
    impl Sealed for std::convert::Infallible {}
}

/// The response warp's server sends for an unrecovered rejection: status, `text/plain` body and
/// all. warp keeps that conversion private; this reproduces it from the public causes:
///
/// - not found: 404, empty; method not allowed: 405; bad header, query, cookie or body: 400;
///   411, 413, 415, 403 and 500 for the other built-in causes, body their `Display`;
/// - an unhandled custom rejection: 500, `Unhandled rejection: <Debug>`, logged at error level.
///
/// Among combined causes, warp's preference holds: 404 loses to everything, then 405, then the
/// higher status wins. Causes warp keeps private (body read, file and upgrade errors) are
/// recognised by their `Debug` name. Two differences, because warp does not expose which causes a
/// rejection holds: a custom rejection combined with a built-in one is answered with the built-in
/// one's status, where warp would send 500; a body read error's text lacks its underlying cause.
/// Recover your custom rejections to choose their response.
///
/// ```
/// use warp::http::StatusCode;
/// let response = cors_warp::rejection_response(&warp::reject::not_found());
/// assert_eq!(response.status(), StatusCode::NOT_FOUND);
/// ```
pub fn rejection_response(rejection: &Rejection) -> Response {
    if rejection.is_not_found() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some((status, body)) = known_cause(rejection) else {
        tracing::error!("unhandled custom rejection, returning 500 response: {rejection:?}");
        let debug = format!("{rejection:?}");
        let cause = debug.strip_prefix("Rejection(").and_then(|d| d.strip_suffix(')')).unwrap_or(&debug);
        return text(StatusCode::INTERNAL_SERVER_ERROR, format!("Unhandled rejection: {cause}"));
    };
    text(status, body)
}

fn text(status: StatusCode, body: String) -> Response {
    let mut response = body.into_response(); // `text/plain; charset=utf-8`, as warp's
    *response.status_mut() = status;
    response
}

/// The built-in cause warp would answer with, by its preference.
fn known_cause(r: &Rejection) -> Option<(StatusCode, String)> {
    fn find<T: std::fmt::Display + 'static>(r: &Rejection, status: StatusCode) -> Option<(StatusCode, String)> {
        r.find::<T>().map(|cause| (status, cause.to_string()))
    }
    let public = [
        find::<reject::MethodNotAllowed>(r, StatusCode::METHOD_NOT_ALLOWED),
        find::<reject::InvalidHeader>(r, StatusCode::BAD_REQUEST),
        find::<reject::MissingHeader>(r, StatusCode::BAD_REQUEST),
        find::<reject::MissingCookie>(r, StatusCode::BAD_REQUEST),
        find::<reject::InvalidQuery>(r, StatusCode::BAD_REQUEST),
        find::<warp::body::BodyDeserializeError>(r, StatusCode::BAD_REQUEST),
        find::<reject::LengthRequired>(r, StatusCode::LENGTH_REQUIRED),
        find::<reject::PayloadTooLarge>(r, StatusCode::PAYLOAD_TOO_LARGE),
        find::<reject::UnsupportedMediaType>(r, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        find::<warp::cors::CorsForbidden>(r, StatusCode::FORBIDDEN),
        find::<warp::ext::MissingExtension>(r, StatusCode::INTERNAL_SERVER_ERROR),
    ];
    // Causes warp keeps private are recognised by their `Debug` name.
    const PRIVATE: [(&str, StatusCode, &str); 5] = [
        ("BodyReadError", StatusCode::BAD_REQUEST, "Request body read error"),
        ("MissingConnectionUpgrade", StatusCode::BAD_REQUEST, "Connection header did not include 'upgrade'"),
        ("FilePermissionError", StatusCode::FORBIDDEN, "file perimission error"),
        ("FileOpenError", StatusCode::INTERNAL_SERVER_ERROR, "file open error"),
        ("BodyConsumedMultipleTimes", StatusCode::INTERNAL_SERVER_ERROR, "Request body consumed multiple times"),
    ];
    let debug = format!("{r:?}");
    let private = PRIVATE.iter().filter(|(name, ..)| debug.contains(name)).map(|&(_, s, b)| (s, b.to_owned()));
    let rank = |s: StatusCode| match s {
        StatusCode::METHOD_NOT_ALLOWED => 1,
        s => s.as_u16(),
    };
    public.into_iter().flatten().chain(private).reduce(|a, b| if rank(b.0) > rank(a.0) { b } else { a })
}
