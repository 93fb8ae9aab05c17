//! What the Rocket adapter adds to the shared suite: Rocket's own routes, catchers and ranks.

use cors_core::Policy;
use cors_rocket::Cors;
use rocket::http::{Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use rocket::{get, options, routes};

const ORIGIN: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(ORIGIN)
        .allow_methods(["GET", "PUT"])
        .allow_credentials(true)
        .build()
        .expect("a valid policy")
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
    let client = client(example_rocket::rocket(policy(), 0)).await;
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
    let client = client(example_rocket::rocket(policy(), 0)).await;
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
    let client = client(example_rocket::rocket(policy(), 0)).await;
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
