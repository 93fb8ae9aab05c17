//! The API of `axum-public-private`: a public part any page may read, and a private part for the
//! app's own front-end behind a bearer token.
//!
//! The order of the layers is the point. CORS goes outside authentication, so that
//! - a preflight, which never carries credentials (Fetch, "CORS-preflight fetch"), is answered by
//!   the CORS layer and never reaches the token check, so it never gets a 401;
//! - the 401 of an actual request without a token still carries the CORS headers, so the page can
//!   read it (and ask the user to log in) instead of seeing a network error.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use cors_axum::{CorsLayer, PolicyConfig, PolicySource};
use serde::{Deserialize, Serialize};

/// The one bearer token the private part accepts. A demo: put your own authentication here.
pub const DEMO_TOKEN: &str = "demo-token";

/// The policy file: a `[public]` and a `[private]` table, each a [`PolicyConfig`].
///
/// ```
/// let parts: example_axum::public_private::PartsConfig =
///     toml::from_str(include_str!("../public-private.toml")).expect("the shipped file is valid");
/// assert!(parts.public.build().is_ok() && parts.private.build().is_ok());
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsConfig {
    /// The policy of `/public/...`.
    pub public: PolicyConfig,
    /// The policy of `/private/...`.
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

async fn status() -> Json<Status> {
    Json(Status { status: "ok" })
}

async fn me() -> Json<Me> {
    Json(Me { user: "demo" })
}

async fn save_note(body: String) -> String {
    format!("saved: {body}")
}

/// The authentication middleware: `Authorization: Bearer DEMO_TOKEN`, or a 401.
async fn require_token(request: Request, next: Next) -> Response {
    let expected = format!("Bearer {DEMO_TOKEN}");
    let authorized = request.headers().get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes() == expected.as_bytes());
    if authorized {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "missing or wrong bearer token")
            .into_response()
    }
}

/// `GET /public/status` under `public`; `GET /private/me` and `PUT /private/notes` behind the
/// token check, under `private`. Each part has its own [`CorsLayer`] (the innermost layer
/// answers), and the token check sits inside the private one.
///
/// ```
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let app: axum::Router = example_axum::public_private::app(public, private);
/// # let _ = app;
/// ```
pub fn app(public: impl Into<PolicySource>, private: impl Into<PolicySource>) -> Router {
    let private = Router::new()
        .route("/me", get(me))
        .route("/notes", put(save_note))
        // inner: the token check; outer: CORS, which answers preflights before the check runs
        .layer(middleware::from_fn(require_token))
        .layer(CorsLayer::new(private));
    Router::new().route("/public/status", get(status)).nest("/private", private).layer(CorsLayer::new(public))
}
