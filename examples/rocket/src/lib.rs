//! The testable part of the example apps ([`public_private`]), and the conformance app for
//! Rocket: the routes every adapter's conformance server serves.
#![forbid(unsafe_code)]

pub mod public_private;

use std::net::Ipv4Addr;

use cors_rocket::cors_core::{PolicySource, RoutePolicies};
use cors_rocket::Cors;
use rocket::config::LogLevel;
use rocket::http::{Header, Status};
use rocket::{catch, catchers, delete, get, post, put, routes, Build, Config, Responder, Rocket};

/// `ok` with `x-total-count: 42`.
#[derive(Responder)]
struct Counted {
    body: &'static str,
    total: Header<'static>,
}

#[get("/data")]
fn data() -> Counted {
    Counted { body: "ok", total: Header::new("x-total-count", "42") }
}

#[put("/data")]
fn put_data() -> &'static str {
    "put"
}

#[post("/data")]
fn post_data() -> &'static str {
    "posted"
}

#[delete("/data")]
fn delete_data() -> &'static str {
    "deleted"
}

/// An error status: Rocket hands it to the 500 catcher.
#[get("/error")]
fn error() -> Result<&'static str, Status> {
    Err(Status::InternalServerError)
}

#[catch(500)]
fn boom() -> &'static str {
    "boom"
}

/// Rocket's configuration for the conformance server: 127.0.0.1:`port`, one worker, no logging,
/// nothing read from `Rocket.toml` or the environment.
pub fn config(port: u16) -> Config {
    Config {
        address: Ipv4Addr::LOCALHOST.into(),
        port,
        workers: 1,
        log_level: LogLevel::Off,
        cli_colors: false,
        ..Config::default()
    }
}

/// The conformance routes behind `policy`: `GET`/`HEAD /data` → `ok` with `x-total-count: 42`,
/// `PUT` → `put`, `POST` → `posted`, `DELETE` → `deleted`, `GET /error` → 500 `boom` (through
/// Rocket's catcher); anything else → Rocket's own 404.
pub fn rocket(policy: impl Into<PolicySource>, port: u16) -> Rocket<Build> {
    routed(RoutePolicies::new(policy), port)
}

/// The conformance routes with a policy per path prefix (`--route PATH=FILE`): the same routes
/// mounted under each prefix too, one fairing holding the table (Rocket allows one fairing of a
/// type), each request under the policy of the longest prefix covering its path.
///
/// ```
/// let private = cors_core::Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let public = cors_core::Policy::builder().allow_any_origin().build().unwrap();
/// let table = cors_core::RoutePolicies::new(private).route("/public".parse().unwrap(), public);
/// let rocket = example_rocket::routed(table, 8000);
/// # let _ = rocket;
/// ```
pub fn routed(policies: RoutePolicies, port: u16) -> Rocket<Build> {
    let mut rocket = rocket::custom(config(port))
        .mount("/", routes![data, put_data, post_data, delete_data, error])
        .register("/", catchers![boom]);
    for (prefix, _) in policies.routes() {
        if prefix.as_str() != "/" {
            rocket = rocket.mount(prefix.as_str(), routes![data, put_data, post_data, delete_data, error]);
        }
    }
    rocket.attach(Cors::with_routes(policies))
}
