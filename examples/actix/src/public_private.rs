//! The API of `actix-public-private`: a public part any page may read, and a private part for
//! the app's own front-end behind a bearer token.
//!
//! The order of the middleware is the point. CORS goes outside authentication, so that
//! - a preflight, which never carries credentials (Fetch, "CORS-preflight fetch"), is answered by
//!   the CORS middleware and never reaches the token check, so it never gets a 401;
//! - the 401 of an actual request without a token still carries the CORS headers, so the page can
//!   read it (and ask the user to log in) instead of seeing a network error.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Next};
use actix_web::{error, web, Error, HttpResponse};
use cors_actix::{Cors, PolicyConfig, PolicySource};
use serde::{Deserialize, Serialize};

/// The one bearer token the private part accepts. A demo: put your own authentication here.
pub const DEMO_TOKEN: &str = "demo-token";

/// The policy file: a `[public]` and a `[private]` table, each a [`PolicyConfig`].
///
/// ```
/// let parts: example_actix::public_private::PartsConfig =
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

async fn status() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

async fn me() -> HttpResponse {
    HttpResponse::Ok().json(Me { user: "demo" })
}

async fn save_note(body: String) -> String {
    format!("saved: {body}")
}

/// The authentication middleware: `Authorization: Bearer DEMO_TOKEN`, or a 401 (an error, which
/// the CORS middleware around it answers with its headers).
async fn require_token(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let expected = format!("Bearer {DEMO_TOKEN}");
    let authorized = request.headers().get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes() == expected.as_bytes());
    if !authorized {
        let response = HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .body("missing or wrong bearer token");
        return Err(error::InternalError::from_response("missing or wrong bearer token", response).into());
    }
    next.call(request).await
}

/// `GET /public/status` under `public`; `GET /private/me` and `PUT /private/notes` behind the
/// token check, under `private`: the private part is a [`web::scope`] with its own [`Cors`]
/// (the innermost answers) around the token check. Wrap the whole app in the returned `Cors`:
/// `App::new().wrap(cors).configure(routes)`.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let (cors, routes) = example_actix::public_private::app(public, private);
/// let app = actix_web::test::init_service(actix_web::App::new().wrap(cors).configure(routes)).await;
/// # let _ = app;
/// # });
/// ```
pub fn app(
    public: impl Into<PolicySource>,
    private: impl Into<PolicySource>,
) -> (Cors, impl Fn(&mut web::ServiceConfig) + Clone) {
    let private = Cors::new(private);
    let routes = move |cfg: &mut web::ServiceConfig| {
        cfg.route("/public/status", web::get().to(status)).service(
            web::scope("/private")
                // the last `wrap` is the outermost: CORS around the token check
                .wrap(from_fn(require_token))
                .wrap(private.clone())
                .route("/me", web::get().to(me))
                .route("/notes", web::put().to(save_note)),
        );
    };
    (Cors::new(public), routes)
}
