//! The API of `rocket-public-private`: a public part any page may read, and a private part for
//! the app's own front-end behind a bearer token.
//!
//! In Rocket, authentication is a request guard ([`Bearer`]) on the private routes, and CORS a
//! fairing around every request: so CORS is outside authentication, as it must be.
//! - A preflight, which never carries credentials (Fetch, "CORS-preflight fetch"), is answered by
//!   the fairing and never reaches a guarded route, so it never gets a 401.
//! - The 401 of an actual request without a token (the guard's error, through the 401 catcher)
//!   still gets the CORS headers from the fairing, so the page can read it (and ask the user to
//!   log in) instead of seeing a network error.

use cors_rocket::cors_core::PathPrefix;
use cors_rocket::{Cors, PolicyConfig, PolicySource};
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::content::RawJson;
use rocket::{catch, catchers, get, put, routes, Build, Responder, Rocket};
use serde::Deserialize;

/// The one bearer token the private part accepts. A demo: put your own authentication here.
pub const DEMO_TOKEN: &str = "demo-token";

/// The policy file: a `[public]` and a `[private]` table, each a [`PolicyConfig`].
///
/// ```
/// let parts: example_rocket::public_private::PartsConfig =
///     toml::from_str(include_str!("../public-private.toml")).expect("the shipped file is valid");
/// assert!(parts.public.build().is_ok() && parts.private.build().is_ok());
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartsConfig {
    /// The policy of `/public/...`.
    pub public: PolicyConfig,
    /// The policy of `/private/...` (and of anything outside `/public`).
    pub private: PolicyConfig,
}

/// The request guard of the private routes: `Authorization: Bearer DEMO_TOKEN`, or a 401.
#[derive(Debug)]
pub struct Bearer;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Bearer {
    type Error = &'static str;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let expected = format!("Bearer {DEMO_TOKEN}");
        match request.headers().get_one("authorization") {
            Some(value) if value == expected => Outcome::Success(Bearer),
            _ => Outcome::Error((Status::Unauthorized, "missing or wrong bearer token")),
        }
    }
}

/// The 401 with its challenge.
#[derive(Responder)]
#[response(status = 401)]
struct Unauthorized {
    body: &'static str,
    challenge: Header<'static>,
}

#[catch(401)]
fn unauthorized() -> Unauthorized {
    Unauthorized { body: "missing or wrong bearer token", challenge: Header::new("www-authenticate", "Bearer") }
}

#[get("/public/status")]
fn status() -> RawJson<&'static str> {
    RawJson(r#"{"status":"ok"}"#)
}

#[get("/private/me")]
fn me(_auth: Bearer) -> RawJson<&'static str> {
    RawJson(r#"{"user":"demo"}"#)
}

#[put("/private/notes", data = "<body>")]
fn save_note(_auth: Bearer, body: String) -> String {
    format!("saved: {body}")
}

/// Mounts `GET /public/status` under `public`, and `GET /private/me` and `PUT /private/notes`,
/// guarded by [`Bearer`], under `private`: one [`Cors`] fairing with `private` as its default
/// and `public` for the `/public` prefix.
///
/// ```
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let rocket = example_rocket::public_private::install(rocket::build(), public, private);
/// # let _ = rocket;
/// ```
pub fn install(
    rocket: Rocket<Build>,
    public: impl Into<PolicySource>,
    private: impl Into<PolicySource>,
) -> Rocket<Build> {
    let cors = match PathPrefix::new("/public") {
        Ok(prefix) => Cors::new(private).route(prefix, public),
        // unreachable: "/public" is a valid prefix; without it everything stays private
        Err(_) => Cors::new(private),
    };
    rocket.mount("/", routes![status, me, save_note]).register("/", catchers![unauthorized]).attach(cors)
}
