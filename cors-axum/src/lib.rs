//! # cors-axum
//!
//! CORS for axum 0.8 and any tower / hyper 1 service (tonic included): a tower [`Layer`] over a
//! [`cors_core::Policy`]. Every decision is the policy core's; this crate only translates.
//!
//! ```
//! use axum::{routing::get, Router};
//! use cors_axum::CorsLayer;
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
//! let app: Router = Router::new()
//!     .route("/data", get(|| async { "ok" }))
//!     .layer(CorsLayer::new(policy));
//! # let _ = app;
//! ```
//!
//! - Preflights are answered by the layer without calling the inner service (unless the policy
//!   passes them through), on every path, including paths with no route or no `OPTIONS` handler.
//!   Apply it with `Router::layer` (not `route_layer`) so unmatched paths are covered too.
//! - Every response of the inner service gets the policy's headers: handler errors, the router's
//!   404 fallback, 405 for a known path with another method.
//! - Refusals are logged by the core through `tracing` at debug level (target `cors`).
#![forbid(unsafe_code)]

mod future;
#[cfg(feature = "testing")]
pub mod testing;

use std::task::{Context, Poll};

use cors_core::{Action, Policy};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

pub use cors_core;
pub use future::ResponseFuture;

/// A tower [`Layer`] that applies a CORS [`Policy`].
///
/// ```
/// # let policy = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let service = tower::ServiceBuilder::new()
///     .layer(cors_axum::CorsLayer::new(policy))
///     .service(tower::service_fn(|_req: http::Request<String>| async {
///         Ok::<_, std::convert::Infallible>(http::Response::new(String::from("ok")))
///     }));
/// # let _ = service;
/// ```
#[derive(Clone, Debug)]
pub struct CorsLayer {
    policy: Policy,
}

impl CorsLayer {
    /// A layer applying `policy`.
    pub fn new(policy: Policy) -> Self {
        CorsLayer { policy }
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors { inner, policy: self.policy.clone() }
    }
}

/// The service produced by [`CorsLayer`], wrapping `S`.
///
/// ```
/// # let policy = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let inner = tower::service_fn(|_req: http::Request<String>| async {
///     Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
/// });
/// let service = cors_axum::Cors::new(inner, policy);
/// # let _ = service;
/// ```
#[derive(Clone, Debug)]
pub struct Cors<S> {
    inner: S,
    policy: Policy,
}

impl<S> Cors<S> {
    /// Wraps `inner` with `policy`.
    pub fn new(inner: S, policy: Policy) -> Self {
        Cors { inner, policy }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        match self.policy.decide(&request).into_action() {
            Action::Preflight(preflight) => {
                let mut response = Response::new(ResBody::default());
                *response.status_mut() = preflight.status();
                preflight.apply(response.headers_mut());
                ResponseFuture::ready(response)
            }
            Action::Forward(forward) => ResponseFuture::forward(self.inner.call(request), forward),
        }
    }
}
