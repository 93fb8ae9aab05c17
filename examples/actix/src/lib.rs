//! The conformance app for actix-web: the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};

/// An application error, answered through actix's own `ResponseError` path: 500 `boom`.
#[derive(Debug)]
pub struct Boom;

impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("boom")
    }
}

impl ResponseError for Boom {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::InternalServerError().body("boom")
    }
}

async fn data() -> HttpResponse {
    HttpResponse::Ok().insert_header(("x-total-count", "42")).body("ok")
}

async fn error() -> Result<HttpResponse, Boom> {
    Err(Boom)
}

/// The conformance routes: `GET`/`HEAD /data` → `ok` with `x-total-count: 42`, `PUT` → `put`,
/// `POST` → `posted`, `DELETE` → `deleted`, `GET /error` → 500 `boom`; anything else → actix's
/// own 404 or 405. Wrap the `App` with [`cors_actix::Cors`] around it.
///
/// ```
/// let policy = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let app = actix_web::App::new().wrap(cors_actix::Cors::new(policy)).configure(example_actix::configure);
/// # let _ = app;
/// ```
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/data")
            .route(web::get().to(data))
            .route(web::head().to(data))
            .route(web::put().to(|| async { HttpResponse::Ok().body("put") }))
            .route(web::post().to(|| async { HttpResponse::Ok().body("posted") }))
            .route(web::delete().to(|| async { HttpResponse::Ok().body("deleted") })),
    )
    .service(web::resource("/error").route(web::get().to(error)));
}
