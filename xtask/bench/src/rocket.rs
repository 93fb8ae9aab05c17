//! Rocket 0.5: `rocket::local::asynchronous::Client` (untracked: no cookie jar); `cors-rocket`
//! against `rocket_cors`'s fairing.

use rocket::config::LogLevel;
use rocket::http::{Header, Method};
use rocket::local::asynchronous::Client;
use rocket::{Build, Rocket};
use rocket_cors::{AllowedHeaders, AllowedOrigins, CorsOptions};

use crate::{spec, Case, Framework, Harness, Outcome};

#[rocket::get("/data")]
fn data_get() -> &'static str {
    "ok"
}

#[rocket::post("/data")]
fn data_post() -> &'static str {
    "ok"
}

#[rocket::put("/data")]
fn data_put() -> &'static str {
    "ok"
}

/// The app without fairing, logging off.
fn app() -> Rocket<Build> {
    let figment = rocket::Config::figment().merge(("log_level", LogLevel::Off)).merge(("cli_colors", false));
    rocket::custom(figment).mount("/", rocket::routes![data_get, data_post, data_put])
}

/// rocket_cors with the benchmark policy.
fn rocket_cors() -> rocket_cors::Cors {
    CorsOptions {
        allowed_origins: AllowedOrigins::some_exact(&crate::origins(false)),
        allowed_methods: ["GET", "POST", "PUT"].iter().map(|m| m.parse().expect("a valid method")).collect(),
        allowed_headers: AllowedHeaders::some(&spec::TEN_HEADERS),
        allow_credentials: true,
        expose_headers: ["x-total-count".to_owned()].into(),
        max_age: Some(600),
        ..CorsOptions::default()
    }
    .to_cors()
    .expect("a valid rocket_cors configuration")
}

fn method(case: Case) -> Method {
    match case.method() {
        "OPTIONS" => Method::Options,
        _ => Method::Get,
    }
}

async fn call(client: &Client, case: Case) -> Outcome {
    let mut request = client.req(method(case), "/data");
    for (name, value) in case.headers() {
        request = request.header(Header::new(name, value));
    }
    let response = request.dispatch().await;
    Outcome { status: response.status().code, allow_origin: response.headers().contains("access-control-allow-origin") }
}

/// The Rocket apps: bare, `cors-rocket`, rocket_cors.
pub fn harness() -> impl Framework {
    let runtime = crate::tokio_runtime();
    let (bare, ours, peer) = runtime.block_on(async {
        let client = |rocket| async { Client::untracked(rocket).await.expect("a valid rocket") };
        (
            client(app()).await,
            client(app().attach(cors_rocket::Cors::new(spec::policy(crate::origins(false))))).await,
            client(app().attach(rocket_cors())).await,
        )
    });
    Harness::new(
        "rocket",
        "rocket_cors",
        Case::COMMON,
        runtime,
        async move |case: Case| call(&bare, case).await,
        async move |case: Case| call(&ours, case).await,
        async move |case: Case| call(&peer, case).await,
    )
}
