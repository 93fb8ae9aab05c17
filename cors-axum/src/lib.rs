#![doc = include_str!("../README.md")]
//!
//! # The adapter
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
//! - Preflights are answered from the policy on every path, including paths with no route or no
//!   `OPTIONS` handler: whatever the inner service makes of the `OPTIONS` (404, 405, a 401 from an
//!   auth layer, a handler's body, an error) is replaced by the policy's answer. Apply it with
//!   `Router::layer` (not `route_layer`) so unmatched paths are covered too. A layer that can
//!   have no other CORS layer inside (the app's only one) answers without running the routes.
//! - Every response of the inner service gets the policy's headers: handler errors, the router's
//!   404 fallback, 405 for a known path with another method.
//! - Refusals are logged by the core through `tracing` at debug level (target `cors`).
//!
//! ## Per-route policies: the innermost policy wins
//!
//! A nested router, a layer on one `MethodRouter` or a
//! `route_layer` can carry its own [`CorsLayer`]; requests it reaches get exactly its answer,
//! preflights included, and an outer layer leaves them alone. The rule is the core's
//! ([`cors_core::nesting`]): every `Cors` decides up front, calls the inner service (preflights
//! too, since only routing knows whether a policy further in covers the path), and the innermost
//! one to see the response come back without the [`cors_core::Answered`] extension finishes it
//! and marks it, if a `Cors` further out left [`cors_core::OuterLayer`] on the request (the
//! outermost one leaves the mark off, saving an allocation per response). Only a layer built
//! while no other one's services were alive ([`cors_core::BuildOrder`]) skips the routes for a
//! preflight.
//!
//! ```
//! use axum::{routing::get, Router};
//! use cors_axum::CorsLayer;
//! use cors_core::Policy;
//!
//! let private = Policy::builder().allow_origin("https://app.example.com").allow_credentials(true).build().unwrap();
//! let public = Policy::builder().allow_any_origin().build().unwrap();
//! let public_api = Router::new()
//!     .route("/data", get(|| async { "open data" }))
//!     .fallback(|| async { axum::http::StatusCode::NOT_FOUND })
//!     .layer(CorsLayer::new(public));
//! let app: Router = Router::new()
//!     .route("/account", get(|| async { "private" }))
//!     .nest("/public", public_api)
//!     .layer(CorsLayer::new(private));
//! # let _ = app;
//! ```
//!
//! - A nested router: give it its own `fallback`, or axum sends its unmatched paths to the outer
//!   fallback, outside the nested layer.
//! - `MethodRouter::layer` (`get(h).layer(CorsLayer::new(p))`) and `Router::route_layer` (which
//!   layers each route's whole `MethodRouter`) see every method of their routes, preflights too.
//! - `MethodRouter::route_layer` wraps only the methods the route has: axum answers any other
//!   method with 405 outside the layer, so a preflight reaches that policy only if the route has
//!   an `OPTIONS` handler (any: `.options(|| async {})`; the policy replaces its answer). Without
//!   one, the outer policy answers the preflight.
//! - Preflights now reach the inner service: an `any(...)` handler or a proxy behind the layer
//!   runs for them (its answer is discarded).
//!
//! ## Where to put the layer
//!
//! Layers added later with `.layer` are outer. Put `CorsLayer` outside everything that can answer
//! on its own:
//!
//! - **Authentication** inside CORS (`.layer(auth).layer(cors)`): a preflight carries no
//!   credentials; the auth layer's 401 to it is replaced by the policy's answer, and an actual
//!   request's 401 keeps the CORS headers, so the page can read it. With auth outside, the
//!   preflight gets the bare 401 and the browser reports a CORS error.
//! - **Timeout** (`tower_http::timeout`) inside CORS: its 408 gets the CORS headers. Outside, a
//!   timed-out request gets a bare 408 (no CORS headers: the page sees a CORS error).
//! - **Catch-panic** (`tower_http::catch_panic`) inside CORS: the 500 it makes of a panic gets the
//!   CORS headers. Outside, the panic never reaches CORS; the 500 has no CORS headers.
//! - **Compression** either side: it rewrites the body, not the headers (`Vary` is merged).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod future;
#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;
use std::task::{Context, Poll};

use cors_core::{BuildOrder, LayerId, OuterLayer};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

pub use cors_core;
/// A policy read from TOML or JSON (feature `serde`).
#[cfg(feature = "serde")]
pub use cors_core::PolicyConfig;
/// The policy types, re-exported so that this crate is the only dependency.
pub use cors_core::{ConfigError, Policy, PolicyBuilder, PolicySource, ReloadablePolicy};
use future::Decision;
pub use future::ResponseFuture;

/// A tower [`Layer`] that applies a CORS [`Policy`], or a [`cors_core::ReloadablePolicy`]
/// replaced while the server runs (each request keeps the policy it started with).
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
    policy: PolicySource,
    /// Shared by the services it makes (`Router::layer` makes one per route): siblings.
    id: LayerId,
}

impl CorsLayer {
    /// A layer applying `policy`: a [`Policy`] or a [`cors_core::ReloadablePolicy`].
    ///
    /// ```
    /// use cors_core::{Policy, ReloadablePolicy};
    /// let live = ReloadablePolicy::new(Policy::builder().allow_origin("https://app.example.com").build()?);
    /// let layer = cors_axum::CorsLayer::new(live.clone());
    /// // Later, on SIGHUP for instance: the next requests get the new policy.
    /// live.reload(Policy::builder().allow_origin("https://app.example.com").allow_origin("https://beta.example.com"))?;
    /// # let _ = layer;
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn new(policy: impl Into<PolicySource>) -> Self {
        CorsLayer { policy: policy.into(), id: LayerId::new() }
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors::of_layer(inner, self.policy.clone(), self.id)
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
    shared: Arc<Shared>,
}

/// What the clones of one `Cors` share (axum clones a route's service for every request).
#[derive(Debug)]
struct Shared {
    policy: PolicySource,
    /// This service's place among the CORS layers built: whether one may be inside it, and it
    /// tells a warp app inside (`warp::service`) that a layer is around it.
    order: BuildOrder,
}

impl<S> Cors<S> {
    /// Wraps `inner` with `policy`: a [`Policy`] or a [`cors_core::ReloadablePolicy`].
    pub fn new(inner: S, policy: impl Into<PolicySource>) -> Self {
        Cors::of_layer(inner, policy.into(), LayerId::new())
    }

    fn of_layer(inner: S, policy: PolicySource, layer: LayerId) -> Self {
        Cors { inner, shared: Arc::new(Shared { policy, order: BuildOrder::record(layer) }) }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // Decided now, applied to what comes back: a policy further in may answer (the core's
        // nesting rule), so even preflights go in, telling the layers inside that this one will
        // look for their mark. Unless no CORS layer can be inside: then a preflight this policy
        // answers is answered here, and the routes do not run.
        let enclosed = request.extensions().get::<OuterLayer>().is_some();
        let policy = self.shared.policy.current();
        let decision = match policy.pending_check(&request) {
            // An async origin check: it runs beside the inner service, raced against tokio's timer.
            Some(check) => {
                let timer = tokio::time::sleep(check.timeout());
                Decision::Checking(Box::pin(check.run(timer)))
            }
            None => {
                let deferred = policy.decide_deferred(&request);
                if deferred.answer_alone(self.shared.order.may_enclose_layers()).is_some() {
                    return ResponseFuture::answered(deferred, enclosed);
                }
                Decision::Ready(deferred)
            }
        };
        if !enclosed {
            request.extensions_mut().insert(OuterLayer);
        }
        ResponseFuture::new(self.inner.call(request), decision, enclosed)
    }
}
