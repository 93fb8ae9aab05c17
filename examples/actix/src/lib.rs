//! The testable part of the example apps ([`public_private`]), and the conformance app for
//! actix-web: the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

pub mod public_private;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use cors_actix::cors_core::RoutePolicies;
use cors_actix::Cors;

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

/// The conformance routes with a policy per path prefix (`--route PATH=FILE`): for each prefix,
/// longest first, a `web::scope` wrapped in its own [`Cors`] holding the same routes; the `App`
/// wrapped in the default policy's. The innermost middleware answers. A prefix of `/` replaces
/// the default.
///
/// ```
/// use actix_web::App;
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let table = cors_core::RoutePolicies::new(private).route("/public".parse().unwrap(), public);
/// let (default, scoped) = example_actix::routed(&table).expect("prefixes actix can scope");
/// let app = App::new().wrap(default).configure(scoped);
/// # let _ = app;
/// ```
pub fn routed(policies: &RoutePolicies) -> Result<(Cors, impl Fn(&mut web::ServiceConfig) + Clone), String> {
    let mut default = policies.default_policy().clone();
    let mut scopes = Vec::new();
    for (prefix, policy) in policies.routes() {
        if prefix.as_str() == "/" {
            default = policy.clone();
            continue;
        }
        // actix reads `{...}` in a path as a parameter: refuse it.
        if prefix.as_str().contains(['{', '}']) {
            return Err(format!("--route {prefix}: actix cannot scope a path with {{ or }}"));
        }
        scopes.push((prefix.as_str().to_owned(), Cors::new(policy.clone())));
    }
    let configure = move |cfg: &mut web::ServiceConfig| {
        for (prefix, cors) in &scopes {
            cfg.service(web::scope(prefix).wrap(cors.clone()).configure(configure));
        }
        configure(cfg);
    };
    Ok((Cors::new(default), configure))
}
