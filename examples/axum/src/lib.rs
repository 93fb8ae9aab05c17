//! The testable part of the example apps ([`public_private`]), and the conformance app for axum:
//! the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

pub mod public_private;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cors_axum::cors_core::{PathPrefix, PolicySource, RoutePolicies};
use cors_axum::CorsLayer;

/// An application error, answered through axum's own `IntoResponse` path.
#[derive(Debug)]
pub struct Boom;

impl IntoResponse for Boom {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response()
    }
}

async fn data() -> impl IntoResponse {
    ([("x-total-count", "42")], "ok")
}

async fn error() -> Result<&'static str, Boom> {
    Err(Boom)
}

/// The conformance routes behind `policy`: `GET`/`HEAD /data` → `ok` with `x-total-count: 42`,
/// `PUT` → `put`, `POST` → `posted`, `DELETE` → `deleted`, `GET /error` → 500 `boom`; anything
/// else → axum's own 404 or 405.
pub fn app(policy: impl Into<PolicySource>) -> Router {
    routes().layer(CorsLayer::new(policy))
}

fn routes() -> Router {
    Router::new()
        .route("/data", get(data).put(|| async { "put" }).post(|| async { "posted" }).delete(|| async { "deleted" }))
        .route("/error", get(error))
}

/// The conformance routes with a policy per path prefix (`--route PATH=FILE`): the same routes
/// under each prefix, in a nested router with its own [`CorsLayer`] and its own 404 fallback (so
/// unmatched paths below the prefix stay under its policy), all inside the default policy's
/// layer. The innermost layer answers. A prefix of `/` replaces the default.
///
/// ```
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let table = cors_core::RoutePolicies::new(private).route("/public".parse().unwrap(), public);
/// let app = example_axum::routed_app(&table).expect("prefixes axum can nest");
/// # let _ = app;
/// ```
pub fn routed_app(policies: &RoutePolicies) -> Result<Router, String> {
    let routes = policies.routes().map(|(prefix, policy)| (prefix.clone(), policy.clone()));
    nested(policies.default_policy().clone(), routes)
}

fn nested(
    mut default: PolicySource,
    table: impl Iterator<Item = (PathPrefix, PolicySource)>,
) -> Result<Router, String> {
    let mut router = routes();
    for (prefix, policy) in table {
        if prefix.as_str() == "/" {
            default = policy.clone();
            continue;
        }
        // axum reads `{...}`, `*` and `:` in a path as parameters, and panics on some: refuse them.
        if prefix.as_str().contains(['{', '}', '*', ':']) {
            return Err(format!("--route {prefix}: axum cannot nest a path with {{, }}, * or :"));
        }
        let part = routes().fallback(|| async { StatusCode::NOT_FOUND }).layer(CorsLayer::new(policy.clone()));
        router = router.nest(prefix.as_str(), part);
    }
    Ok(router.layer(CorsLayer::new(default)))
}
