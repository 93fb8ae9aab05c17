//! A small API with a credentialed CORS policy read from a TOML file, reloaded on `SIGHUP`: copy
//! this.
//!
//! ```text
//! cargo run -p example-rocket --bin rocket-api                # examples/rocket/cors.toml, 127.0.0.1:3000
//! CORS_CONFIG=cors.toml PORT=8080 BIND=0.0.0.0 RUST_LOG=debug cargo run -p example-rocket --bin rocket-api
//! kill -HUP <pid>                                             # re-read the policy file
//! ```
//!
//! Rocket logs each request itself (`ROCKET_LOG_LEVEL`: `normal` by default, `debug`, `critical`,
//! `off`); `RUST_LOG` filters the app's and the CORS layer's events. `PORT` and `BIND` win over
//! `ROCKET_PORT` and `ROCKET_ADDRESS`; the rest of Rocket's configuration (`Rocket.toml`,
//! `ROCKET_*`) applies. A file with mistakes is refused on reload, with every mistake logged, and
//! the running policy stays. Ctrl-C or `SIGTERM` stops it gracefully.

use std::collections::HashSet;
use std::sync::Mutex;

use cors_rocket::{Cors, PolicyBuilder, PolicyConfig, ReloadablePolicy};
use rocket::config::Sig;
use rocket::http::{Header, Status};
use rocket::tokio::signal::unix::{signal, SignalKind};
use rocket::{get, post, routes, Config, Responder, State};
use tracing_subscriber::EnvFilter;

struct Todos(Mutex<Vec<String>>);

/// The list, one per line, with its length in `x-total-count` (exposed by the policy).
#[derive(Responder)]
struct List {
    body: String,
    total: Header<'static>,
}

#[get("/todos")]
fn list(todos: &State<Todos>) -> Result<List, Status> {
    let todos = todos.0.lock().map_err(|_| Status::InternalServerError)?;
    Ok(List { body: todos.join("\n"), total: Header::new("x-total-count", todos.len().to_string()) })
}

#[get("/todos/<id>")]
fn one(id: usize, todos: &State<Todos>) -> Result<String, Status> {
    let todos = todos.0.lock().map_err(|_| Status::InternalServerError)?;
    todos.get(id).cloned().ok_or(Status::NotFound)
}

#[post("/todos", data = "<title>")]
fn add(title: String, todos: &State<Todos>) -> Result<Status, Status> {
    todos.0.lock().map_err(|_| Status::InternalServerError)?.push(title);
    Ok(Status::Created)
}

/// Reads and builds the policy file: every mistake at once, each with its fix.
fn read_policy(path: &str) -> Result<PolicyBuilder, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let config: PolicyConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    Ok(config.into_builder())
}

/// Rocket's own configuration (`Rocket.toml`, `ROCKET_*`), with `PORT` and `BIND` on top, and
/// graceful shutdown on Ctrl-C and `SIGTERM` only (`SIGHUP` reloads the policy).
fn config() -> Result<Config, Box<dyn std::error::Error + Send + Sync>> {
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let mut config: Config = Config::figment().merge(("port", port)).merge(("address", bind)).extract()?;
    config.shutdown.ctrlc = true;
    config.shutdown.signals = HashSet::from([Sig::Term]);
    Ok(config)
}

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // RUST_LOG wins; by default the app and every CORS refusal. set_global_default, not init():
    // Rocket installs its own logger for the `log` crate, its request log.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,cors=debug"));
    tracing::subscriber::set_global_default(tracing_subscriber::fmt().with_env_filter(filter).finish())?;

    let path =
        std::env::var("CORS_CONFIG").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/cors.toml").to_owned());
    let policy = ReloadablePolicy::new(read_policy(&path)?.build()?);

    // SIGHUP re-reads the file; a file with mistakes leaves the running policy in place.
    let mut hangup = signal(SignalKind::hangup())?;
    let live = policy.clone();
    let file = path.clone();
    rocket::tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            match read_policy(&file).and_then(|b| live.reload(b).map_err(|e| format!("{file}: {e}"))) {
                Ok(()) => tracing::info!("CORS policy reloaded from {file}"),
                Err(e) => tracing::error!("CORS policy not reloaded, the running one stays: {e}"),
            }
        }
    });

    tracing::info!("policy {path}, pid {}", std::process::id());
    let _ = rocket::custom(config()?)
        .manage(Todos(Mutex::new(vec!["try cors-rocket".to_owned()])))
        .mount("/", routes![list, one, add])
        .attach(Cors::new(policy))
        .launch()
        .await?;
    Ok(())
}
