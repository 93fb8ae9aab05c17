//! The testing aid through an app with its own request guard and catchers: what a page's fetch()
//! gets, as the browser judges it.

use cors_core::browser::Blocked;
use cors_core::Policy;
use cors_rocket::testing::{fetch, Fetch, Step};
use cors_rocket::Cors;
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{catch, catchers, get, put, routes, Responder};

const APP: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT", "PATCH"])
        .allow_headers(["authorization", "content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .expect("a valid policy")
}

/// An auth guard: 401 without `authorization: Bearer good`.
struct Token;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Token {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match request.headers().get_one("authorization") {
            Some("Bearer good") => Outcome::Success(Token),
            _ => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

#[derive(Responder)]
struct Saved {
    body: &'static str,
    id: Header<'static>,
    internal: Header<'static>,
}

#[get("/items")]
fn list() -> &'static str {
    "[]"
}

#[put("/items")]
fn save() -> Saved {
    Saved { body: "saved", id: Header::new("x-request-id", "7"), internal: Header::new("x-internal", "1") }
}

#[get("/private")]
fn private(_token: Token) -> &'static str {
    "secret"
}

#[get("/error")]
fn error() -> Result<&'static str, Status> {
    Err(Status::InternalServerError)
}

#[catch(401)]
fn unauthorized() -> &'static str {
    "who are you?"
}

#[catch(500)]
fn boom() -> &'static str {
    "boom"
}

async fn client() -> Client {
    let config = rocket::Config { log_level: rocket::config::LogLevel::Off, ..rocket::Config::debug_default() };
    let rocket = rocket::custom(config)
        .mount("/", routes![list, save, private, error])
        .register("/", catchers![unauthorized, boom])
        .attach(Cors::new(policy()));
    Client::untracked(rocket).await.expect("the app ignites")
}

#[rocket::async_test]
async fn an_allowed_credentialed_put_with_authorization() {
    let put = Fetch::new(APP, "put", "/items")
        .credentials(true)
        .header("Authorization", "Bearer good")
        .header("content-type", "application/json")
        .body(r#"{"a":1}"#);
    let outcome = fetch(&client().await, &put).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some("saved"));
    assert_eq!(outcome.header("x-request-id").as_deref(), Some("7"), "exposed");
    assert_eq!(outcome.header("x-internal"), None, "not exposed");
    let preflight = outcome.preflight().expect("PUT is preflighted");
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-request-headers"), Some("authorization,content-type"));
    assert_eq!(outcome.preflights_in(2), 1);
}

#[rocket::async_test]
async fn a_refused_origin_is_blocked_with_chromiums_message() {
    let get = Fetch::new("https://evil.example", "GET", "/items").credentials(true).server("https://api.example.com");
    let outcome = fetch(&client().await, &get).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual));
    assert_eq!(outcome.server_status(), Some(200));
    assert_eq!(
        outcome.console_message().unwrap(),
        "Access to fetch at 'https://api.example.com/items' from origin 'https://evil.example' has been blocked by \
         CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
}

#[rocket::async_test]
async fn patch_is_not_upper_cased_by_fetch() {
    let client = client().await;
    let lower = fetch(&client, &Fetch::new(APP, "patch", "/items")).await.unwrap();
    assert_eq!(lower.blocked_at(), Some(Step::Preflight), "{lower}");
    assert_eq!(lower.blocked(), Some(&Blocked::MethodNotAllowed { method: "patch".into() }));
    assert!(lower.preflights_again());

    let upper = fetch(&client, &Fetch::new(APP, "PATCH", "/items")).await.unwrap();
    assert!(upper.is_allowed(), "{upper}");
    assert_eq!(upper.status(), Some(404), "no PATCH route: script reads Rocket's 404");
}

#[rocket::async_test]
async fn a_lower_case_method_rocket_cannot_read_is_blocked_as_on_the_wire() {
    let any_method = Policy::builder().allow_any_origin().allow_methods(["*"]).build().unwrap();
    let rocket =
        rocket::custom(rocket::Config { log_level: rocket::config::LogLevel::Off, ..rocket::Config::debug_default() })
            .mount("/", routes![list])
            .attach(Cors::new(any_method));
    let client = Client::untracked(rocket).await.unwrap();
    let outcome = fetch(&client, &Fetch::new(APP, "patch", "/items")).await.unwrap();
    assert_eq!(outcome.preflight().map(|p| p.status), Some(204), "the preflight passes");
    assert_eq!(outcome.blocked_at(), Some(Step::Actual), "{outcome}");
    assert_eq!(outcome.server_status(), Some(400));
}

#[rocket::async_test]
async fn a_route_behind_auth_still_passes_its_preflight() {
    let client = client().await;
    let with_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer good");
    let outcome = fetch(&client, &with_token).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.preflight().map(|p| p.status), Some(204), "the preflight never reaches the guard");
    assert_eq!(outcome.text().as_deref(), Some("secret"));

    let bad_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer bad");
    let outcome = fetch(&client, &bad_token).await.unwrap();
    assert!(outcome.is_allowed(), "the catcher's 401 carries CORS headers: {outcome}");
    assert_eq!(outcome.status(), Some(401));
    assert_eq!(outcome.text().as_deref(), Some("who are you?"));
}

#[rocket::async_test]
async fn an_error_route_keeps_its_cors_headers() {
    let outcome = fetch(&client().await, &Fetch::new(APP, "GET", "/error").credentials(true)).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(500));
    assert_eq!(outcome.text().as_deref(), Some("boom"));
}
