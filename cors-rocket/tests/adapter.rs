//! What the Rocket adapter adds to the shared suite: Rocket's own routes, catchers and ranks.

use cors_core::Policy;
use cors_rocket::Cors;
use rocket::http::{Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use rocket::{catch, catchers, get, options, routes};

const ORIGIN: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(ORIGIN)
        .allow_methods(["GET", "PUT"])
        .allow_credentials(true)
        .build()
        .expect("a valid policy")
}

#[get("/data")]
fn data() -> &'static str {
    "ok"
}

#[get("/error")]
fn error() -> Result<&'static str, Status> {
    Err(Status::InternalServerError)
}

#[catch(500)]
fn boom() -> &'static str {
    "boom"
}

/// `GET /data`, `GET /error` (500 `boom` through the catcher), under the policy.
fn app() -> rocket::Rocket<rocket::Build> {
    rocket::build().mount("/", routes![data, error]).register("/", catchers![boom]).attach(Cors::new(policy()))
}

async fn client(rocket: rocket::Rocket<rocket::Build>) -> Client {
    Client::untracked(rocket).await.expect("the app ignites")
}

fn values<'a>(response: &'a LocalResponse<'_>, name: &str) -> Vec<&'a str> {
    response.headers().get(name).collect()
}

#[options("/data")]
fn own_options() -> (Status, &'static str) {
    (Status::Ok, "own options")
}

/// A handler that sets CORS headers of its own.
#[derive(rocket::Responder)]
struct OwnCors {
    body: &'static str,
    allow_origin: Header<'static>,
}

#[get("/custom")]
fn sets_its_own_cors() -> OwnCors {
    OwnCors { body: "custom", allow_origin: Header::new("Access-Control-Allow-Origin", "*") }
}

#[rocket::async_test]
async fn a_preflight_to_a_path_without_routes_is_answered_not_404() {
    let client = client(app()).await;
    let response = client
        .req(Method::Options, "/no/such/route")
        .header(Header::new("Origin", ORIGIN))
        .header(Header::new("Access-Control-Request-Method", "PUT"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NoContent);
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(values(&response, "access-control-allow-methods"), ["GET, PUT"]);
    assert!(response.into_bytes().await.unwrap_or_default().is_empty());
}

#[rocket::async_test]
async fn an_options_that_is_not_a_preflight_is_not_answered_by_the_fairing() {
    let client = client(app()).await;
    let response = client.req(Method::Options, "/data").header(Header::new("Origin", ORIGIN)).dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);
}

#[rocket::async_test]
async fn the_applications_own_options_route_runs_for_a_non_preflight_options() {
    let rocket = rocket::build().mount("/", routes![own_options]).attach(Cors::new(policy()));
    let client = client(rocket).await;
    let response = client.req(Method::Options, "/data").header(Header::new("Origin", ORIGIN)).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(response.into_string().await.as_deref(), Some("own options"));

    // A real preflight to the same path is answered from the policy instead.
    let response = client
        .req(Method::Options, "/data")
        .header(Header::new("Origin", ORIGIN))
        .header(Header::new("Access-Control-Request-Method", "PUT"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NoContent);
    assert_eq!(values(&response, "access-control-allow-methods"), ["GET, PUT"]);
    assert_eq!(values(&response, "content-type"), Vec::<&str>::new());
    assert!(response.into_bytes().await.unwrap_or_default().is_empty());
}

#[rocket::async_test]
async fn with_passthrough_the_applications_options_route_answers_the_preflight() {
    let policy = Policy::builder()
        .allow_origin(ORIGIN)
        .allow_methods(["GET", "PUT"])
        .preflight_passthrough(true)
        .build()
        .expect("a valid policy");
    let rocket = rocket::build().mount("/", routes![own_options]).attach(Cors::new(policy));
    let client = client(rocket).await;
    let preflight = |path: &'static str| {
        client
            .req(Method::Options, path)
            .header(Header::new("Origin", ORIGIN))
            .header(Header::new("Access-Control-Request-Method", "PUT"))
    };
    let response = preflight("/data").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(values(&response, "access-control-allow-methods"), ["GET, PUT"]);
    assert_eq!(response.into_string().await.as_deref(), Some("own options"));
    // Without a route of the application's, Rocket's 404, with the preflight headers.
    let response = preflight("/elsewhere").dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);
}

#[rocket::async_test]
async fn catcher_404_and_500_keep_the_cors_headers() {
    let client = client(app()).await;
    for (path, status) in [("/nowhere", Status::NotFound), ("/error", Status::InternalServerError)] {
        let response = client.get(path).header(Header::new("Origin", ORIGIN)).dispatch().await;
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN], "{path}");
        assert_eq!(values(&response, "access-control-allow-credentials"), ["true"], "{path}");
        assert_eq!(values(&response, "vary"), ["origin"], "{path}");
    }
    let response = client.get("/error").header(Header::new("Origin", ORIGIN)).dispatch().await;
    assert_eq!(response.into_string().await.as_deref(), Some("boom"));
}

#[rocket::async_test]
async fn a_handler_set_allow_origin_never_appears_twice() {
    let rocket = rocket::build().mount("/", routes![sets_its_own_cors]).attach(Cors::new(policy()));
    let client = client(rocket).await;
    let response = client.get("/custom").header(Header::new("Origin", ORIGIN)).dispatch().await;
    assert_eq!(values(&response, "access-control-allow-origin"), [ORIGIN]);
    let response = client.get("/custom").header(Header::new("Origin", "https://evil.example")).dispatch().await;
    assert_eq!(values(&response, "access-control-allow-origin"), Vec::<&str>::new());
    assert_eq!(values(&response, "vary"), ["origin"]);
}

#[rocket::async_test]
async fn a_user_catch_all_options_route_with_a_high_rank_does_not_collide() {
    #[options("/<_path..>", rank = 1_000)]
    fn catch_all(_path: std::path::PathBuf) -> &'static str {
        "mine"
    }
    let rocket = rocket::build().mount("/", routes![catch_all]).attach(Cors::new(policy()));
    let client = client(rocket).await;
    let response = client.req(Method::Options, "/x/y").dispatch().await;
    assert_eq!(response.into_string().await.as_deref(), Some("mine"));
}

#[rocket::async_test]
async fn attaching_twice_mounts_one_route() {
    let rocket = rocket::build().attach(Cors::new(policy())).attach(Cors::new(policy()));
    let client = client(rocket).await;
    let preflights = client.rocket().routes().filter(|r| r.name.as_deref() == Some("cors-rocket preflight")).count();
    assert_eq!(preflights, 1);
}

/// A bearer-token request guard: 401 without `authorization: Bearer secret`.
struct Token;

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for Token {
    type Error = ();

    async fn from_request(request: &'r rocket::Request<'_>) -> rocket::request::Outcome<Self, ()> {
        match request.headers().get_one("authorization") {
            Some("Bearer secret") => rocket::request::Outcome::Success(Token),
            _ => rocket::request::Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

#[get("/secret")]
fn secret(_token: Token) -> &'static str {
    "secret"
}

#[options("/guarded")]
fn guarded_options(_token: Token) -> &'static str {
    "never a preflight answer"
}

#[get("/panics")]
fn panics() -> &'static str {
    panic!("handler bug")
}

#[rocket::async_test]
async fn authentication_guards_and_panics_keep_the_headers() {
    let client =
        client(rocket::build().mount("/", routes![secret, guarded_options, panics]).attach(Cors::new(policy()))).await;
    // A preflight carries no credentials: it never meets the guard, or its 401 is replaced.
    for path in ["/secret", "/guarded"] {
        let r = client
            .req(Method::Options, path)
            .header(Header::new("Origin", ORIGIN))
            .header(Header::new("Access-Control-Request-Method", "PUT"))
            .dispatch()
            .await;
        assert_eq!(r.status(), Status::NoContent, "{path}");
        assert_eq!(values(&r, "access-control-allow-origin"), [ORIGIN], "{path}");
    }
    // The guard's 401 keeps the CORS headers, so the page can read it.
    let r = client.get("/secret").header(Header::new("Origin", ORIGIN)).dispatch().await;
    assert_eq!(r.status(), Status::Unauthorized);
    assert_eq!(values(&r, "access-control-allow-origin"), [ORIGIN]);
    let r = client
        .get("/secret")
        .header(Header::new("Origin", ORIGIN))
        .header(Header::new("Authorization", "Bearer secret"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    // Rocket catches a panicking handler: its 500 gets the headers too.
    let r = client.get("/panics").header(Header::new("Origin", ORIGIN)).dispatch().await;
    assert_eq!(r.status(), Status::InternalServerError);
    assert_eq!(values(&r, "access-control-allow-origin"), [ORIGIN]);
}

#[rocket::async_test]
async fn a_prefix_table_gives_each_part_its_policy() {
    let public = Policy::builder().allow_any_origin().allow_methods(["GET"]).build().expect("a valid policy");
    let deeper = Policy::builder().allow_origin("https://inner.example").build().expect("a valid policy");
    let cors = Cors::new(policy())
        .route("/public".parse().expect("a prefix"), public)
        .route("/public/inner".parse().expect("a prefix"), deeper);
    let client = client(rocket::build().mount("/", routes![secret]).attach(cors)).await;
    let preflight = |path: &'static str, origin: &'static str| {
        client
            .req(Method::Options, path)
            .header(Header::new("Origin", origin))
            .header(Header::new("Access-Control-Request-Method", "PUT"))
    };
    let r = preflight("/public/data", "https://anyone.example").dispatch().await;
    assert_eq!(values(&r, "access-control-allow-origin"), ["*"]);
    assert_eq!(values(&r, "access-control-allow-methods"), ["GET"]);
    let r = preflight("/publicity", ORIGIN).dispatch().await;
    assert_eq!(values(&r, "access-control-allow-methods"), ["GET, PUT"]);
    assert_eq!(values(&r, "access-control-allow-credentials"), ["true"]);
    // The longest prefix wins.
    let r = preflight("/public/inner/x", "https://inner.example").dispatch().await;
    assert_eq!(values(&r, "access-control-allow-origin"), ["https://inner.example"]);
    let r = client.get("/public/inner/x").header(Header::new("Origin", "https://anyone.example")).dispatch().await;
    assert_eq!(r.status(), Status::NotFound);
    assert!(values(&r, "access-control-allow-origin").is_empty());
    let r = client.get("/public/nowhere").header(Header::new("Origin", "https://anyone.example")).dispatch().await;
    assert_eq!(values(&r, "access-control-allow-origin"), ["*"]);
}

/// A handler that varies on something already, its header name in capitals.
#[derive(rocket::Responder)]
struct Varies {
    body: &'static str,
    vary: Header<'static>,
}

#[get("/varies/<on>")]
fn varies(on: &str) -> Varies {
    let on = if on == "origin" { "Origin" } else { "Accept-Encoding" };
    Varies { body: "ok", vary: Header::new("VARY", on) }
}

// The response's `Vary` is found whatever the case of its name: merged, never duplicated.
#[rocket::async_test]
async fn the_handler_vary_is_merged_whatever_its_case() {
    let client = client(rocket::build().mount("/", routes![varies]).attach(Cors::new(policy()))).await;
    for origin in [Some(ORIGIN), Some("https://evil.example"), None] {
        let request = |path: &'static str| {
            let request = client.get(path);
            match origin {
                Some(origin) => request.header(Header::new("Origin", origin)),
                None => request,
            }
        };
        let response = request("/varies/origin").dispatch().await;
        assert_eq!(values(&response, "vary"), ["Origin"], "{origin:?}");
        let response = request("/varies/encoding").dispatch().await;
        assert_eq!(values(&response, "vary"), ["Accept-Encoding", "origin"], "{origin:?}");
    }
}
