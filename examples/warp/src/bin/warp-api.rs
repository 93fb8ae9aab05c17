//! A small API with a credentialed CORS policy read from a TOML file, reloaded on `SIGHUP`: copy
//! this.
//!
//! ```text
//! cargo run -p example-warp --bin warp-api                   # examples/warp/cors.toml, 127.0.0.1:3000
//! CORS_CONFIG=cors.toml PORT=8080 BIND=0.0.0.0 RUST_LOG=debug cargo run -p example-warp --bin warp-api
//! kill -HUP <pid>                                            # re-read the policy file
//! ```
//!
//! A file with mistakes is refused on reload, with every mistake logged, and the running policy
//! stays. Ctrl-C or `SIGTERM` stops it gracefully.

use std::net::SocketAddr;

use cors_warp::{CorsExt, PolicyBuilder, PolicyConfig, ReloadablePolicy};
use tokio::signal::unix::{signal, SignalKind};
use tracing_subscriber::EnvFilter;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

#[derive(Debug)]
struct NoSuchTodo;

impl warp::reject::Reject for NoSuchTodo {}

async fn one(id: u32) -> Result<impl Reply, Rejection> {
    if id == 1 {
        Ok(warp::reply::json(&todo(id)))
    } else {
        Err(warp::reject::custom(NoSuchTodo))
    }
}

fn todo(id: u32) -> std::collections::BTreeMap<&'static str, String> {
    [("id", id.to_string()), ("title", "try cors-warp".to_owned())].into_iter().collect()
}

async fn handle(rejection: Rejection) -> Result<impl Reply, Rejection> {
    if rejection.find::<NoSuchTodo>().is_some() {
        return Ok(warp::reply::with_status("no such todo", StatusCode::NOT_FOUND));
    }
    Err(rejection) // 404, 405, ...: answered as warp would, with the CORS headers
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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // RUST_LOG wins; by default the app, warp's request log (warp::log, through tracing-log) and
    // every CORS refusal.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,cors=debug"));
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

    let list = warp::path!("todos")
        .and(warp::get())
        .map(|| warp::reply::with_header(warp::reply::json(&[todo(1)]), "x-total-count", "1"));
    let todo = warp::path!("todos" / u32).and(warp::get()).and_then(one);
    // warp::log outermost: every answer is logged, preflights included
    let app = list.or(todo).recover(handle).with_cors_outermost(policy).with(warp::log("warp_api"));

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let addr: SocketAddr = format!("{bind}:{port}").parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr} (policy {path}, pid {})", std::process::id());
    warp::serve(app).incoming(listener).graceful(shutdown()).run().await;
    Ok(())
}
