#![doc = include_str!("../README.md")]
//!
//! # The adapter
//!
//! CORS for actix-web 4: a middleware over a [`cors_core::Policy`]. Every decision is the policy
//! core's; this crate only translates actix's requests and responses.
//!
//! ```
//! use actix_web::{web, App, HttpResponse};
//! use cors_actix::Cors;
//! use cors_core::Policy;
//!
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_methods(["GET", "POST", "PUT"])
//!     .allow_headers(["content-type"])
//!     .allow_credentials(true)
//!     .build()
//!     .expect("valid CORS policy");
//!
//! let app = App::new()
//!     .wrap(Cors::new(policy))
//!     .route("/data", web::get().to(|| async { HttpResponse::Ok().body("ok") }));
//! # let _ = app;
//! ```
//!
//! - Preflights are answered from the policy on every path it wraps, including paths with no
//!   route or no `OPTIONS` handler: whatever the inner service makes of the `OPTIONS` (404, 405,
//!   a 401 from an auth middleware, a handler's body, an error) is replaced by the policy's
//!   answer. Wrap the `App` (not a single route) so unmatched paths are covered too.
//! - Every response of the inner service gets the policy's headers: handler errors, the default
//!   404, 405 for a resource without the method, and errors returned by inner middleware (which
//!   stay errors: their `error_response` carries the headers).
//! - Bodies are passed through untouched, so streaming responses keep streaming.
//! - Refusals are logged by the core through `tracing` at debug level (target `cors`).
//!
//! ## Per-route policies: the innermost policy wins
//!
//! `App`, `Scope` and `Resource` can each `.wrap` a [`Cors`]; a request a scope's or resource's
//! policy reaches gets exactly that policy's answer, preflights included, and the `App`'s policy
//! leaves it alone. The rule is the core's ([`cors_core::nesting`]): every `Cors` decides up
//! front, calls the inner service (preflights too, since only routing knows whether a policy
//! further in covers the path), and the innermost one to see the response come back without the
//! [`cors_core::Answered`] response extension (or an error not yet wrapped by a `Cors`) finishes
//! it and marks it. (A `Cors` built after every other one on its worker, the `App`'s, leaves no
//! marker: no `Cors` is further out to read it, and actix allocates a map for each response's
//! first extension. A `Cors` built while no other lives on its worker, a scope's or the only
//! one, answers preflights without calling the service it wraps: no policy is further in.)
//!
//! ```
//! use actix_web::{web, App, HttpResponse};
//! use cors_actix::Cors;
//! use cors_core::Policy;
//!
//! let private = Policy::builder().allow_origin("https://app.example.com").allow_credentials(true).build().unwrap();
//! let public = Policy::builder().allow_any_origin().build().unwrap();
//! let app = App::new()
//!     .wrap(Cors::new(private))
//!     .service(web::scope("/public").wrap(Cors::new(public)).route("/data", web::get().to(HttpResponse::Ok)))
//!     .route("/account", web::get().to(HttpResponse::Ok));
//! # let _ = app;
//! ```
//!
//! A `Scope`'s middleware sees every request under its prefix (its default 404 too); a
//! `Resource`'s sees every method on its path (its 405 too). Preflights now reach the inner
//! service: a handler for every method behind the middleware runs for them (its answer is
//! discarded).
//!
//! ## Reloadable policies and async origin checks
//!
//! [`Cors::new`] takes a [`cors_core::Policy`] or a [`cors_core::ReloadablePolicy`]: reload the
//! latter while the server runs (on `SIGHUP`, say) and the next requests get the new policy, while
//! each request in flight finishes on the one it started with (one atomic load per request; a
//! configuration with mistakes is refused and the running policy stays). A policy with an async
//! origin check ([`cors_core::PolicyBuilder::allow_origin_async`], a lookup in a database) is
//! awaited by the middleware beside the inner service, raced against tokio's timer and the
//! policy's [`origin_check_timeout`](cors_core::PolicyBuilder::origin_check_timeout): a check that
//! fails or does not answer in time refuses the origin. The cost (a copy of the request's CORS
//! headers, the boxed future) is paid only for origins the check decides; listed origins and
//! patterns take the static path, as before. Request-aware checks see the path (without the
//! query) and the `Host`.
//!
//! ```
//! use std::time::Duration;
//! use actix_web::{test, web, App, HttpResponse};
//! use cors_actix::Cors;
//! use cors_core::Policy;
//!
//! # actix_web::rt::System::new().block_on(async {
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     // Each tenant registers its front end: a lookup in the tenants' table, for instance.
//!     .allow_origin_async(|request| async move {
//!         Ok::<_, std::io::Error>(request.origin() == "https://acme.example")
//!     })
//!     .origin_check_timeout(Duration::from_millis(200))
//!     .build()
//!     .unwrap();
//! let app = test::init_service(App::new().wrap(Cors::new(policy)).route("/", web::get().to(HttpResponse::Ok))).await;
//! let request = test::TestRequest::get().uri("/").insert_header(("origin", "https://acme.example")).to_request();
//! let response = test::call_service(&app, request).await;
//! assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://acme.example");
//! # });
//! ```
//!
//! ## Where to put the middleware
//!
//! In actix the middleware registered last with `.wrap` is the outermost. Register `Cors` after
//! everything that can answer on its own:
//!
//! - **Authentication** inside CORS (`.wrap(auth).wrap(cors)`): the auth middleware's 401 to a
//!   preflight (which carries no credentials) is replaced by the policy's answer, and an actual
//!   request's 401 keeps the CORS headers, whether the auth middleware returns a response or an
//!   error. With auth outside, the preflight gets the bare 401 and the browser reports a CORS error.
//! - **Timeout, catch-panic and the like**: actix-web ships neither; a middleware that answers on
//!   its own (a 408, a 500 made of a panic) belongs inside `Cors` for the same reason as auth: its
//!   answer then gets the CORS headers. A handler that returns an error keeps them too.
//! - **Compression** (`middleware::Compress`) either side: it rewrites the body, not the headers.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "testing")]
pub mod testing;

use std::cell::RefCell;
use std::fmt;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::{Error, HttpRequest, HttpResponse, ResponseError};
use cors_core::{Answered, CorsRequest, Deferred, Finish, Forward};

pub use cors_core;
/// A policy read from TOML or JSON (feature `serde`).
#[cfg(feature = "serde")]
pub use cors_core::PolicyConfig;
/// The policy types, re-exported so that this crate is the only dependency.
pub use cors_core::{ConfigError, Policy, PolicyBuilder, PolicySource, ReloadablePolicy};

mod check;
mod enclosing;
mod headers;

use headers::{Converted, Headers};

/// The CORS middleware factory: pass it to `App::wrap`, `Scope::wrap` or `Resource::wrap`.
///
/// ```
/// use actix_web::{web, App, HttpResponse};
/// use cors_actix::Cors;
///
/// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let app = App::new()
///     .service(web::scope("/api").wrap(Cors::new(policy)).route("/data", web::get().to(HttpResponse::Ok)))
///     .route("/internal", web::get().to(HttpResponse::Ok));
/// # let _ = app;
/// ```
#[derive(Clone, Debug)]
pub struct Cors {
    policy: PolicySource,
}

impl Cors {
    /// A middleware applying `policy`: a [`cors_core::Policy`], or a [`cors_core::ReloadablePolicy`] whose
    /// policy can be replaced while the server runs. Each request is decided and answered by the
    /// policy current when it came in, even if a reload happens before its response is written.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build().unwrap();
    /// let cors = cors_actix::Cors::new(policy);
    /// # let _ = cors;
    /// ```
    ///
    /// With a reloadable policy: keep a clone of the handle, and reload it (on `SIGHUP`, from an
    /// admin endpoint, ...); a configuration with mistakes is refused and the running policy stays.
    ///
    /// ```
    /// use actix_web::{test, web, App, HttpResponse};
    /// use cors_core::{Policy, ReloadablePolicy};
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let live = ReloadablePolicy::new(Policy::builder().allow_origin("https://a.example").build().unwrap());
    /// let app = test::init_service(
    ///     App::new().wrap(cors_actix::Cors::new(live.clone())).route("/", web::get().to(HttpResponse::Ok)),
    /// )
    /// .await;
    /// live.reload(Policy::builder().allow_origin("https://b.example")).expect("no mistakes");
    /// assert!(live.reload(Policy::builder().allow_origin("https://b.example/")).is_err());
    /// let request = test::TestRequest::get().uri("/").insert_header(("origin", "https://b.example")).to_request();
    /// let response = test::call_service(&app, request).await;
    /// assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://b.example");
    /// # });
    /// ```
    pub fn new(policy: impl Into<PolicySource>) -> Self {
        Cors { policy: policy.into() }
    }
}

impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<CorsMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let shared = Rc::new(Shared { converted: RefCell::default(), place: enclosing::Place::new() });
        ready(Ok(CorsMiddleware { service, policy: self.policy.clone(), shared }))
    }
}

/// The service made by [`Cors`], wrapping the service `S`; built by actix, not by hand.
///
/// ```
/// use actix_web::{test, web, App, HttpResponse};
///
/// # actix_web::rt::System::new().block_on(async {
/// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// // `init_service` builds the `App`, whose middleware is a `CorsMiddleware`.
/// let app = test::init_service(
///     App::new().wrap(cors_actix::Cors::new(policy)).route("/data", web::get().to(HttpResponse::Ok)),
/// )
/// .await;
/// let request = test::TestRequest::get()
///     .uri("/data")
///     .insert_header(("origin", "https://app.example.com"))
///     .to_request();
/// let response = test::call_service(&app, request).await;
/// assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://app.example.com");
/// assert_eq!(response.headers().get("vary").unwrap(), "origin");
/// # });
/// ```
#[derive(Debug)]
pub struct CorsMiddleware<S> {
    service: S,
    policy: PolicySource,
    shared: Rc<Shared>,
}

/// What the requests of one middleware share: one per actix worker (each builds its own
/// middleware), so no lock.
#[derive(Debug)]
struct Shared {
    /// The policy's values in actix's type, converted when first written.
    converted: RefCell<Converted>,
    /// Whether a `Cors` may be further out (see [`enclosing`]): only then are responses marked
    /// [`Answered`]; and whether one may be inside: only then do preflights reach the service.
    place: enclosing::Place,
}

impl Shared {
    fn headers<'h>(&'h self, map: &'h mut HeaderMap, request: Option<&'h HttpRequest>) -> Headers<'h> {
        Headers::new(map, request, self.converted.try_borrow_mut().ok())
    }
}

/// The future of [`CorsMiddleware`]'s response.
pub type CorsFuture<B> = Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<B>>, Error>>>>;

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<B>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // Decided now, applied to what comes back: a policy further in (a scope's, a resource's)
        // may answer (the core's nesting rule), so even preflights go in, unless no `Cors` is
        // inside. One snapshot of the policy decides the whole request, however long it takes.
        let policy = self.policy.current();
        let view = View(req.request());
        let shared = Rc::clone(&self.shared);
        // The request moves into the inner service, which needs it unshared (routing mutates it),
        // so an error is answered by actix through `error_response`, made to carry the headers.
        match policy.pending_check(&view) {
            None => {
                let deferred = policy.decide_deferred(&view);
                drop(policy);
                // No `Cors` inside: a preflight this policy answers is answered here, and the
                // routes do not run.
                if let Some((status, headers)) = deferred.answer_alone(shared.place.may_enclose) {
                    let answer = preflight_answer(status, headers, Some(req.request()), &shared);
                    return Box::pin(ready(Ok(req.into_response(answer).map_into_right_body())));
                }
                let future = self.service.call(req);
                Box::pin(async move { respond(future.await, deferred, shared) })
            }
            // An origin only the async check can allow: it runs beside the inner service, raced
            // against tokio's timer (actix-web runs on tokio). A future of its own: the static
            // path's stays small.
            Some(check) => {
                let timer = tokio::time::sleep(check.timeout());
                let run = check.run(timer);
                drop(policy);
                let future = self.service.call(req);
                Box::pin(async move {
                    let (result, checked) = check::both(future, run).await;
                    respond(result, checked.decide_deferred(), shared)
                })
            }
        }
    }
}

/// Finishes the inner service's answer by the core's nesting rule.
#[inline(always)]
fn respond<B>(
    result: Result<ServiceResponse<B>, Error>,
    deferred: Deferred,
    shared: Rc<Shared>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    match result {
        Ok(mut response) => {
            let answered = response.response().extensions().contains::<Answered>();
            match deferred.finish(answered) {
                Finish::Keep => Ok(response.map_into_left_body()),
                Finish::Headers(headers) => {
                    // A second handle on the request (a reference count), for its `Origin`.
                    let request = response.request().clone();
                    headers.apply(&mut shared.headers(response.headers_mut(), Some(&request)));
                    if shared.place.enclosed.get() {
                        response.response_mut().extensions_mut().insert(Answered);
                    }
                    Ok(response.map_into_left_body())
                }
                Finish::Preflight { status, headers } => {
                    let (request, _) = response.into_parts();
                    let answer = preflight_answer(status, headers, Some(&request), &shared);
                    Ok(ServiceResponse::new(request, answer).map_into_right_body())
                }
            }
        }
        // An inner `Cors` marks its errors by wrapping them: then its policy answered.
        Err(error) => match deferred.finish(error.as_error::<CorsError>().is_some()) {
            Finish::Keep => Err(error),
            Finish::Headers(_) | Finish::Preflight { .. } => Err(CorsError { error, deferred, shared }.into()),
        },
    }
}

/// The request as the core reads it: borrowed, nothing copied.
struct View<'r>(&'r HttpRequest);

impl CorsRequest for View<'_> {
    fn method(&self) -> &[u8] {
        self.0.method().as_str().as_bytes()
    }

    fn for_each_header<'s>(&'s self, name: &http::HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        headers::each_value(self.0.headers(), name, f);
    }

    // A preflight's four headers in one pass.
    fn for_each_header_of<'s>(&'s self, names: &[&http::HeaderName], f: &mut dyn FnMut(usize, &'s [u8])) {
        headers::each_value_of(self.0.headers(), names, f);
    }

    // The path as sent (percent-encoded), without the query.
    fn path(&self) -> Option<&str> {
        Some(self.0.path())
    }

    // HTTP/2's `:authority`, for a request without `Host`.
    fn authority(&self) -> Option<&[u8]> {
        self.0.uri().authority().map(|a| a.as_str().as_bytes())
    }
}

/// A preflight's answer: the policy's status and headers, no body, marked [`Answered`] if a
/// `Cors` may be further out.
fn preflight_answer(
    status: http::StatusCode,
    headers: &Forward,
    request: Option<&HttpRequest>,
    shared: &Shared,
) -> HttpResponse<BoxBody> {
    let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::NO_CONTENT);
    let mut response = HttpResponse::new(status);
    headers.apply(&mut shared.headers(response.headers_mut(), request));
    if shared.place.enclosed.get() {
        response.extensions_mut().insert(Answered);
    }
    response
}

/// An error of the inner service whose response carries the policy's headers (or, for a
/// preflight, is the policy's answer). Its presence tells an outer `Cors` that a policy answered.
struct CorsError {
    error: Error,
    deferred: Deferred,
    shared: Rc<Shared>,
}

impl ResponseError for CorsError {
    fn status_code(&self) -> StatusCode {
        match self.deferred.finish(false) {
            Finish::Preflight { status, .. } => StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::NO_CONTENT),
            _ => self.error.as_response_error().status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self.deferred.finish(false) {
            Finish::Preflight { status, headers } => preflight_answer(status, headers, None, &self.shared),
            _ => {
                let mut response = self.error.error_response();
                let headers = self.deferred.headers();
                headers.apply(&mut self.shared.headers(response.headers_mut(), None));
                response
            }
        }
    }
}

impl fmt::Debug for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl fmt::Display for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}
