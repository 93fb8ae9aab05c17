//! A small API with a credentialed CORS policy read from a TOML file, reloaded on `SIGHUP`: copy
//! this.
//!
//! ```text
//! cargo run -p example-axum --bin axum-api                 # examples/axum/cors.toml, 127.0.0.1:3000
//! CORS_CONFIG=cors.toml PORT=8080 BIND=0.0.0.0 RUST_LOG=debug cargo run -p example-axum --bin axum-api
//! kill -HUP <pid>                                          # re-read the policy file
//! ```
//!
//! A file with mistakes is refused on reload, with every mistake logged, and the running policy
//! stays. Ctrl-C or `SIGTERM` stops it gracefully.

use std::net::SocketAddr;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use cors_axum::CorsLayer;
use cors_axum::{PolicyBuilder, PolicyConfig, ReloadablePolicy};
use serde::Serialize;
use tokio::signal::unix::{signal, SignalKind};
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

#[derive(Serialize)]
struct Todo {
    id: u32,
    title: &'static str,
}

async fn list() -> ([(&'static str, &'static str); 1], Json<Vec<Todo>>) {
    ([("x-total-count", "1")], Json(vec![Todo { id: 1, title: "try cors-axum" }]))
}

async fn one(Path(id): Path<u32>) -> Result<Json<Todo>, StatusCode> {
    if id == 1 {
        Ok(Json(Todo { id, title: "try cors-axum" }))
    } else {
        Err(StatusCode::NOT_FOUND)
    }
}

/// Reads and builds the policy file: every mistake at once, each with its fix.
fn read_policy(path: &str) -> Result<PolicyBuilder, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let config: PolicyConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok(config.into_builder())
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("cannot listen for SIGTERM: {e}");
            return std::future::pending().await;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // RUST_LOG wins; by default the app, tower-http's request log and every CORS refusal.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=debug,cors=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let path =
        std::env::var("CORS_CONFIG").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/cors.toml").to_owned());
    let policy = ReloadablePolicy::new(read_policy(&path)?.build()?);

    // SIGHUP re-reads the file; a file with mistakes leaves the running policy in place.
    let mut hangup = signal(SignalKind::hangup())?;
    let live = policy.clone();
    let file = path.clone();
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            match read_policy(&file).and_then(|b| live.reload(b).map_err(|e| format!("{file}: {e}"))) {
                Ok(()) => tracing::info!("CORS policy reloaded from {file}"),
                Err(e) => tracing::error!("CORS policy not reloaded, the running one stays: {e}"),
            }
        }
    });

    let app = Router::new()
        .route("/todos", get(list))
        .route("/todos/{id}", get(one))
        .layer(CorsLayer::new(policy))
        .layer(TraceLayer::new_for_http());

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let addr: SocketAddr = format!("{bind}:{port}").parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr} (policy {path}, pid {})", std::process::id());
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}
