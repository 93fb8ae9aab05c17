//! A small API with a credentialed CORS policy read from a TOML file, reloaded on `SIGHUP`: copy
//! this.
//!
//! ```text
//! cargo run -p example-actix --bin actix-api                 # examples/actix/cors.toml, 127.0.0.1:3000
//! CORS_CONFIG=cors.toml PORT=8080 BIND=0.0.0.0 RUST_LOG=debug cargo run -p example-actix --bin actix-api
//! kill -HUP <pid>                                            # re-read the policy file
//! ```
//!
//! A file with mistakes is refused on reload, with every mistake logged, and the running policy
//! stays. Ctrl-C or `SIGTERM` stops it gracefully (actix-web's `HttpServer` handles both).

use actix_web::middleware::Logger;
use actix_web::rt::signal::unix::{signal, SignalKind};
use actix_web::{web, App, HttpResponse, HttpServer};
use cors_actix::{Cors, PolicyBuilder, PolicyConfig, ReloadablePolicy};
use serde::Serialize;
use tracing_subscriber::EnvFilter;

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

/// Reads and builds the policy file: every mistake at once, each with its fix.
fn read_policy(path: &str) -> Result<PolicyBuilder, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let config: PolicyConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok(config.into_builder())
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // RUST_LOG wins; by default the app, actix-web's request log (middleware::Logger, through
    // tracing-log) and every CORS refusal.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,cors=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let path =
        std::env::var("CORS_CONFIG").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/cors.toml").to_owned());
    let policy = ReloadablePolicy::new(read_policy(&path)?.build()?);

    // SIGHUP re-reads the file; a file with mistakes leaves the running policy in place.
    let mut hangup = signal(SignalKind::hangup())?;
    let live = policy.clone();
    let file = path.clone();
    actix_web::rt::spawn(async move {
        while hangup.recv().await.is_some() {
            match read_policy(&file).and_then(|b| live.reload(b).map_err(|e| format!("{file}: {e}"))) {
                Ok(()) => tracing::info!("CORS policy reloaded from {file}"),
                Err(e) => tracing::error!("CORS policy not reloaded, the running one stays: {e}"),
            }
        }
    });

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let server = HttpServer::new(move || {
        App::new()
            .wrap(Cors::new(policy.clone()))
            // the last `wrap` is the outermost: the request log sees every answer, preflights included
            .wrap(Logger::default())
            .route("/todos", web::get().to(list))
            .route("/todos/{id}", web::get().to(one))
    })
    .bind((bind.as_str(), port))?;
    tracing::info!("listening on http://{bind}:{port} (policy {path}, pid {})", std::process::id());
    // HttpServer stops gracefully on Ctrl-C and SIGTERM by itself.
    server.run().await?;
    Ok(())
}
