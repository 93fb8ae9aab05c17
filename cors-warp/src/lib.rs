#![doc = include_str!("../README.md")]
//!
//! # The adapter
//!
//! CORS for [warp](https://docs.rs/warp) 0.4, driven by a [`cors_core::Policy`] (or a
//! [`cors_core::ReloadablePolicy`], replaced while the server runs). Every decision
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
//! let app = routes.with_cors_outermost(policy);
//! # let _ = app;
//! ```
//!
//! ## What the wrappers do
//!
//! - [`with_cors_outermost`](CorsExt::with_cors_outermost), around the whole app: every request
//!   gets the policy's answer. A preflight (an `OPTIONS` with `Origin` and
//!   `Access-Control-Request-Method`) is answered by the policy for every path, whatever the
//!   wrapped filter makes of it (unless the policy passes preflights through); every other
//!   request runs the wrapped filter and its response gets the policy's headers.
//! - **Rejections are answered too.** A request no route accepts (404), a method no route allows
//!   (405), an unhandled custom rejection (500) must carry the CORS headers as well, or the
//!   browser hides the error from the page. A rejection only becomes a response at the server, too
//!   late to add headers, so the wrapper turns it into warp's own response for it (see
//!   [`rejection_response`]) and adds the headers. The outermost wrapper therefore never rejects:
//!   its error type is [`Infallible`]. Put your own [`recover`](warp::Filter::recover) *inside*,
//!   `routes.recover(handle).with_cors_outermost(policy)`; a `recover` after it would never be called.
//! - [`with_cors`](CorsExt::with_cors), on a part of the app: the same for every request its
//!   filter matches (does not reject as not found); the others are rejected as not found,
//!   untouched, for the next [`or`](warp::Filter::or) branch or the outermost wrapper.
//!
//! ## Per-route policies: the innermost policy wins
//!
//! `public.with_cors(p1).or(private.with_cors(p2)).with_cors_outermost(p0)`: a request the
//! public branch matches gets exactly `p1`'s answer, preflights and errors included; one it does
//! not match goes on to the private branch; the outermost policy answers what neither matches.
//! The rule is the core's ([`cors_core::nesting`]): each wrapper decides up front, runs its filter
//! (preflights too, since only the filters know which part covers the path), and the innermost
//! wrapper that matched finishes the response and leaves the [`cors_core::Answered`] extension on
//! it, which wrappers further out respect. Only a wrapper built later can be further out (a
//! wrapper takes what it wraps by value), so the last wrapper built, usually the outermost one,
//! leaves no extension: nothing would read it, and it is an allocation per response. A cors-axum
//! layer around the whole app (`CorsLayer::layer(warp::service(routes))`) counts as built later
//! ([`cors_core::BuildOrder`]): the wrappers inside then mark their answers for it.
//!
//! - A branch *matches* a request unless its filter rejects it as not found. Put the path filters
//!   first in a branch (`warp::path("public").and(warp::get())`, not the other way round): a
//!   method filter that comes first rejects other paths with 405, and the branch would claim them.
//! - Give one path to one branch: if a branch matches a path but not the method (405), it
//!   answers; a later branch for the same path with another method is not tried.
//! - An `OPTIONS` now runs the wrapped filter: a handler for every method runs for a preflight
//!   (its answer is discarded).
//!
//! ## Reloadable policies and async origin checks
//!
//! Both wrappers take a [`cors_core::Policy`] or a [`cors_core::ReloadablePolicy`]: reload the
//! latter while the server runs (on `SIGHUP`, say) and the next requests get the new policy, while
//! each request in flight finishes on the one it started with (one atomic load per request; a
//! configuration with mistakes is refused and the running policy stays). A policy with an async
//! origin check ([`cors_core::PolicyBuilder::allow_origin_async`], a lookup in a database) is
//! awaited once the wrapped filter has answered (and only by the wrapper that answers: a branch
//! that does not match drops its check's future unpolled), raced against tokio's timer and the policy's
//! [`origin_check_timeout`](cors_core::PolicyBuilder::origin_check_timeout): a check that fails or
//! does not answer in time refuses the origin. The cost (a copy of the request's CORS headers, a few
//! boxed futures) is paid only for origins the check decides; listed origins and patterns take the
//! static path, as before. Request-aware checks see the path (without the query) and the `Host`
//! header. The runtime needs tokio's timer (`#[tokio::main]` and `warp::serve` have it).
//!
//! ```
//! use std::time::Duration;
//! use cors_core::{Policy, ReloadablePolicy};
//! use cors_warp::CorsExt;
//! use warp::Filter;
//!
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     // Each tenant registers its front end: a lookup in the tenants' table, for instance.
//!     .allow_origin_async(|request| async move {
//!         Ok::<_, std::io::Error>(request.origin() == "https://acme.example")
//!     })
//!     .origin_check_timeout(Duration::from_millis(200))
//!     .build()
//!     .expect("a valid policy");
//! let live = ReloadablePolicy::new(policy);
//! let app = warp::path("data").map(|| "ok").with_cors_outermost(live.clone());
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let response = warp::test::request().path("/data").header("origin", "https://acme.example").reply(&app).await;
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://acme.example");
//!
//! // Later, on SIGHUP for instance: the next requests get the new policy.
//! live.reload(Policy::builder().allow_origin("https://beta.example")).expect("no mistakes");
//! let response = warp::test::request().path("/data").header("origin", "https://beta.example").reply(&app).await;
//! assert_eq!(response.headers()["access-control-allow-origin"], "https://beta.example");
//! # });
//! ```
//!
//! ## Where to put the wrapper
//!
//! - **Authentication** inside CORS (a filter that rejects, `routes.and(auth)` or a `recover`
//!   that answers 401, then `.with_cors_outermost(policy)`): a preflight carries no credentials;
//!   the 401 warp makes of it is replaced by the policy's answer, and an actual request's 401 keeps
//!   the CORS headers.
//! - **Timeout, catch-panic**: warp has neither built in; one you write as a filter (say,
//!   `tokio::time::timeout` in an `and_then`) belongs inside, so its answer gets the headers.
//! - **Compression** or any wrapper that rewrites only the body: either side; the CORS wrappers
//!   touch only headers, and `Vary` is merged.
//!
//! Why methods rather than `.with(...)`: warp seals its `Wrap` trait and `warp::wrap_fn` needs a
//! closure whose output type can be named, so `.with` would force a boxed filter (an allocation
//! per request). `with_cors_outermost` sits where `.with(...)` would, at the end of the chain.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "testing")]
pub mod testing;

pub use cors_core;
/// A policy read from TOML or JSON (feature `serde`).
#[cfg(feature = "serde")]
pub use cors_core::PolicyConfig;
/// The policy types, re-exported so that this crate is the only dependency.
pub use cors_core::{ConfigError, Policy, PolicyBuilder, PolicySource, ReloadablePolicy};

use std::convert::Infallible;
use std::future::{ready, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use cors_core::{BuildOrder, CorsRequest, Deferred, LayerId, PendingCheck};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use warp::path::FullPath;
use warp::reject::{self, Rejection};
use warp::reply::{Reply, Response};
use warp::Filter;

/// Adds [`with_cors`](CorsExt::with_cors) and [`with_cors_outermost`](CorsExt::with_cors_outermost)
/// to every filter that answers with a [`Reply`].
pub trait CorsExt: Filter + Sized {
    /// Applies `policy` to every request this filter *matches*: every request it does not reject
    /// as not found. Those get the policy's answer: the filter's reply with the policy's headers,
    /// its other rejections (405, 400, a custom one) answered as warp would and with the headers,
    /// and preflights (an `OPTIONS` the filter does not reject as not found) answered by the
    /// policy. A request the filter rejects as not found is rejected as not found, untouched, so
    /// on one branch of [`or`](warp::Filter::or) the next branch gets it. See the [crate]
    /// documentation; wrap the whole app in [`with_cors_outermost`](CorsExt::with_cors_outermost).
    ///
    /// `policy` is a [`cors_core::Policy`] or a [`cors_core::ReloadablePolicy`] (each request is
    /// answered by the policy current when it came in). An async origin check is awaited only for
    /// requests this branch matches.
    ///
    /// ```
    /// use cors_warp::CorsExt;
    /// use warp::Filter;
    ///
    /// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
    /// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
    /// let open = warp::path!("public" / "data").map(|| "open").with_cors(public);
    /// let account = warp::path!("account").map(|| "private").with_cors(private.clone());
    /// let app = open.or(account).with_cors_outermost(private);
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let response = warp::test::request()
    ///     .path("/public/data")
    ///     .header("origin", "https://anyone.example")
    ///     .reply(&app)
    ///     .await;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// let response = warp::test::request()
    ///     .path("/account")
    ///     .header("origin", "https://app.example.com")
    ///     .reply(&app)
    ///     .await;
    /// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
    /// # });
    /// ```
    fn with_cors(
        self,
        policy: impl Into<PolicySource>,
    ) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + Send + Sync;

    /// Applies `policy` to every request, including those this filter rejects as not found, and
    /// never rejects: the wrapper for the whole app, where `.with(...)` would go. Policies further
    /// in ([`with_cors`](CorsExt::with_cors) on a branch) answer what they match; this one
    /// answers the rest, preflights to any path and every rejection included.
    ///
    /// `self` may fail with [`Rejection`] (the usual case) or [`Infallible`] (after a `recover`
    /// that always answers). `policy` is a [`cors_core::Policy`] or a
    /// [`cors_core::ReloadablePolicy`] (each request is answered by the policy current when it
    /// came in; see the [crate] documentation).
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
    /// let app = routes.recover(handle).with_cors_outermost(policy);
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
    fn with_cors_outermost(
        self,
        policy: impl Into<PolicySource>,
    ) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync;
}

impl<F, R> CorsExt for F
where
    F: Filter<Extract = (R,)> + Clone + Send + Sync + 'static,
    F::Error: InnerError,
    R: Reply,
{
    fn with_cors(
        self,
        policy: impl Into<PolicySource>,
    ) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone + Send + Sync {
        let order = recorded();
        decide(policy.into()).and(F::Error::results(self)).and_then(
            move |decision: Decision, result: Result<Response, Rejection>| match result {
                // Another branch's, or the outermost wrapper's: the check (if any) is not run.
                Err(rejection) if rejection.is_not_found() => Answer::Ready(ready(Err(rejection))),
                result => finish(decision, !order.is_latest(), result),
            },
        )
    }

    fn with_cors_outermost(
        self,
        policy: impl Into<PolicySource>,
    ) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync {
        let order = recorded();
        decide(policy.into())
            .and(F::Error::results(self))
            .and_then(move |decision, result| finish::<Infallible>(decision, !order.is_latest(), result))
    }
}

/// A new wrapper's place among the CORS layers built, kept while the filter (and its clones)
/// lives: counted among the live layers, for a tower layer around a `warp::service` of it.
fn recorded() -> Arc<BuildOrder> {
    Arc::new(BuildOrder::record(LayerId::new()))
}

/// What the policy knows of a request when it comes in.
enum Decision {
    /// Decided by the static rules.
    Ready(Deferred),
    /// An origin only the async check can allow: the check, not yet started (boxed: it is rare
    /// and large, and the decision is moved through warp's combinators on every request).
    Pending(Box<PendingCheck>),
}

/// The wrapped filter's response (or its rejection's, this policy answering it), finished with the
/// decision: at once when the static rules decided, else once the async check has answered or
/// timed out. The check's timer starts here, once the wrapped filter has answered, so a slow
/// handler does not eat into it. `mark`: whether a wrapper or layer built later (the only kind that
/// can be around this one, since a wrapper takes what it wraps by value) may read the
/// [`cors_core::Answered`] marker; it is an allocation per response, left off otherwise.
fn finish<E>(decision: Decision, mark: bool, result: Result<Response, Rejection>) -> Answer<E> {
    let response = match result {
        Ok(response) => response,
        // The filter did not match (only the outermost wrapper gets here with not found), matched
        // the path but not the method (a preflight's OPTIONS, usually), or failed otherwise: this
        // policy answers.
        Err(rejection) => rejected(&decision, &rejection),
    };
    match decision {
        Decision::Ready(deferred) => Answer::Ready(ready(Ok(deferred.finish_response_marking(response, mark)))),
        Decision::Pending(check) => Answer::Checking(Box::pin(async move {
            // warp runs on tokio: its timer bounds the check.
            let timer = tokio::time::sleep(check.timeout());
            Ok((*check).run(timer).await.decide_deferred().finish_response_marking(response, mark))
        })),
    }
}

/// The future of a finished response: ready, unless an async origin check decides (boxed, so the
/// common case moves only a response through warp's combinators).
enum Answer<E> {
    /// Decided by the static rules.
    Ready(std::future::Ready<Result<Response, E>>),
    /// Waiting for the async origin check.
    Checking(Pin<Box<dyn Future<Output = Result<Response, E>> + Send>>),
}

impl<E> Future for Answer<E> {
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Answer::Ready(ready) => Pin::new(ready).poll(cx),
            Answer::Checking(check) => check.as_mut().poll(cx),
        }
    }
}

/// Up to this many header names, [`View::for_each_header_of`] compares names rather than looking
/// each one up (as the core does for `http::Request`).
const SCAN_LIMIT: usize = 16;

/// The request as the core reads it: its method, path (without the query) and headers.
struct View {
    method: Method,
    path: FullPath,
    headers: HeaderMap,
}

impl CorsRequest for View {
    fn method(&self) -> &[u8] {
        self.method.as_str().as_bytes()
    }

    fn for_each_header<'s>(&'s self, name: &http::HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        for value in self.headers.get_all(name) {
            f(value.as_bytes());
        }
    }

    /// One pass comparing names when the map is small: a lookup hashes the name, and
    /// `Access-Control-Request-Private-Network`, a name `http` does not know, a byte at a time.
    fn for_each_header_of<'s>(&'s self, names: &[&http::HeaderName], f: &mut dyn FnMut(usize, &'s [u8])) {
        if self.headers.keys_len() > SCAN_LIMIT {
            for (i, name) in names.iter().enumerate() {
                self.for_each_header(name, &mut |v| f(i, v));
            }
            return;
        }
        for (name, value) in &self.headers {
            if let Some(i) = names.iter().position(|n| *n == name) {
                f(i, value.as_bytes());
            }
        }
    }

    fn origin_value(&self) -> Option<HeaderValue> {
        self.headers.get(http::header::ORIGIN).cloned()
    }

    fn path(&self) -> Option<&str> {
        Some(self.path.as_str())
    }
}

/// The decision, made up front from one snapshot of the policy.
fn decide(policy: PolicySource) -> impl Filter<Extract = (Decision,), Error = Infallible> + Clone + Send + Sync {
    warp::method().and(warp::path::full()).and(warp::header::headers_cloned()).map(move |method, path, headers| {
        let view = View { method, path, headers };
        let policy = policy.current();
        match policy.pending_check(&view) {
            Some(check) => Decision::Pending(Box::new(check)),
            None => Decision::Ready(policy.decide_deferred(&view)),
        }
    })
}

/// The response to a rejection, unless the policy replaces it anyway: a preflight it answers
/// gets the policy's answer, whatever the routes made of the `OPTIONS` (building warp's
/// rejection reply there cost more than the rest of the preflight).
fn rejected(decision: &Decision, rejection: &Rejection) -> Response {
    match decision {
        Decision::Ready(deferred) if deferred.is_preflight() => Response::default(),
        _ => rejection_response(rejection),
    }
}

/// The error types a wrapped filter may have: [`Rejection`] and [`Infallible`]. Sealed.
pub trait InnerError: sealed::Sealed + Sized {
    /// `filter`'s reply as a response, or its rejection, as a value.
    fn results<F, R>(
        filter: F,
    ) -> impl Filter<Extract = (Result<Response, Rejection>,), Error = Infallible> + Clone + Send + Sync
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply;
}

impl InnerError for Rejection {
    fn results<F, R>(
        filter: F,
    ) -> impl Filter<Extract = (Result<Response, Rejection>,), Error = Infallible> + Clone + Send + Sync
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply,
    {
        filter
            .map(|reply: R| Ok(reply.into_response()))
            .or_else(|rejection: Rejection| ready(Ok::<_, Infallible>((Err(rejection),))))
    }
}

impl InnerError for Infallible {
    fn results<F, R>(
        filter: F,
    ) -> impl Filter<Extract = (Result<Response, Rejection>,), Error = Infallible> + Clone + Send + Sync
    where
        F: Filter<Extract = (R,), Error = Self> + Clone + Send + Sync + 'static,
        R: Reply,
    {
        filter.map(|reply: R| Ok(reply.into_response()))
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn view(extra: usize) -> View {
        let path = warp::test::request().path("/data").filter(&warp::path::full()).await.expect("a path");
        let mut headers = HeaderMap::new();
        for i in 0..extra {
            headers.append(
                http::HeaderName::from_bytes(format!("x-{i}").as_bytes()).expect("a name"),
                HeaderValue::from_static("v"),
            );
        }
        headers.append("access-control-request-headers", HeaderValue::from_static("a"));
        headers.append("origin", HeaderValue::from_static("https://a.example"));
        headers.append("access-control-request-headers", HeaderValue::from_static("b"));
        headers.append("access-control-request-private-network", HeaderValue::from_static("true"));
        View { method: Method::OPTIONS, path, headers }
    }

    // One pass or a lookup per name, every value of every name, each name's values in order.
    #[tokio::test]
    async fn for_each_header_of_sees_what_for_each_header_sees() {
        let names = [
            &http::header::ORIGIN,
            &http::header::ACCESS_CONTROL_REQUEST_METHOD,
            &http::header::ACCESS_CONTROL_REQUEST_HEADERS,
            &cors_core::header_names::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
        ];
        for extra in [0, SCAN_LIMIT] {
            let view = view(extra).await;
            let mut one_pass = Vec::new();
            view.for_each_header_of(&names, &mut |i, v| one_pass.push((i, v.to_vec())));
            one_pass.sort_by_key(|&(i, _)| i); // stable: each name's values stay in order
            let mut by_name = Vec::new();
            for (i, name) in names.iter().enumerate() {
                view.for_each_header(name, &mut |v| by_name.push((i, v.to_vec())));
            }
            assert_eq!(one_pass, by_name, "{extra} other headers");
            assert_eq!(by_name.iter().filter(|(i, _)| *i == 2).count(), 2);
        }
    }
}
