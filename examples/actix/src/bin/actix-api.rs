//! A small API with a credentialed CORS policy read from a TOML file: copy this.
//!
//! ```text
//! cargo run -p example-actix --bin actix-api -- examples/actix/cors.toml
//! ```

use actix_web::{web, App, HttpResponse, HttpServer};
use cors_actix::Cors;
use cors_core::PolicyConfig;
use serde::Serialize;

/// Used when no file is given.
const DEFAULT_POLICY: &str = include_str!("../../cors.toml");

#[derive(Serialize)]
struct Todo {
    id: u32,
    title: &'static str,
}

async fn list() -> HttpResponse {
    HttpResponse::Ok().insert_header(("x-total-count", "1")).json([Todo { id: 1, title: "try cors-actix" }])
}

async fn one(id: web::Path<u32>) -> HttpResponse {
    match id.into_inner() {
        1 => HttpResponse::Ok().json(Todo { id: 1, title: "try cors-actix" }),
        _ => HttpResponse::NotFound().finish(),
    }
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("cors=debug").init();
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => DEFAULT_POLICY.to_owned(),
    };
    let config: PolicyConfig = toml::from_str(&text)?;
    // Every mistake in the file is reported at once, each with its fix.
    let policy = config.build()?;

    let server = HttpServer::new(move || {
        App::new()
            .wrap(Cors::new(policy.clone()))
            .route("/todos", web::get().to(list))
            .route("/todos/{id}", web::get().to(one))
    })
    .bind(("127.0.0.1", 8080))?;
    println!("listening on http://127.0.0.1:8080");
    server.run().await?;
    Ok(())
}
