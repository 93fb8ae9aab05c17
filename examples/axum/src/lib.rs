//! The conformance app for axum: the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cors_axum::CorsLayer;
use cors_core::Policy;

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
pub fn app(policy: Policy) -> Router {
    Router::new()
        .route("/data", get(data).put(|| async { "put" }).post(|| async { "posted" }).delete(|| async { "deleted" }))
        .route("/error", get(error))
        .layer(CorsLayer::new(policy))
}
