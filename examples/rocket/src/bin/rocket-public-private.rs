//! A public and a private part of one API, each with its own CORS policy, and the bearer-token
//! guard on the private routes: copy this.
//!
//! ```text
//! cargo run -p example-rocket --bin rocket-public-private    # examples/rocket/public-private.toml, 127.0.0.1:3000
//! curl -H 'Origin: https://anyone.example' localhost:3000/public/status
//! curl -H 'Origin: https://app.example.com' -H 'Authorization: Bearer demo-token' localhost:3000/private/me
//! kill -HUP <pid>                                            # re-read the policy file
//! ```
//!
//! `CORS_CONFIG`, `PORT`, `BIND`, `RUST_LOG` and `ROCKET_LOG_LEVEL` as in `rocket-api`. A file
//! with mistakes is refused on reload, with every mistake logged, and the running policies stay.
//! Ctrl-C or `SIGTERM` stops it gracefully.

use std::collections::HashSet;

use cors_rocket::{Policy, ReloadablePolicy};
use example_rocket::public_private::{install, PartsConfig};
use rocket::config::Sig;
use rocket::tokio::signal::unix::{signal, SignalKind};
use rocket::Config;
use tracing_subscriber::EnvFilter;

/// Reads and builds both policies of the file: every mistake at once, each with its fix.
fn read_policies(path: &str) -> Result<(Policy, Policy), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let parts: PartsConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let public = parts.public.build().map_err(|e| format!("{path} [public]: {e}"))?;
    let private = parts.private.build().map_err(|e| format!("{path} [private]: {e}"))?;
    Ok((public, private))
}

/// Rocket's own configuration (`Rocket.toml`, `ROCKET_*`), with `PORT` and `BIND` on top, and
/// graceful shutdown on Ctrl-C and `SIGTERM` only (`SIGHUP` reloads the policies).
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
    // RUST_LOG wins for the app and every CORS refusal; Rocket logs each request itself
    // (ROCKET_LOG_LEVEL: normal by default, debug, critical, off).
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,cors=debug"));
    // set_global_default, not init(): Rocket installs its own logger for the `log` crate.
    tracing::subscriber::set_global_default(tracing_subscriber::fmt().with_env_filter(filter).finish())?;

    let path = std::env::var("CORS_CONFIG")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/public-private.toml").to_owned());
    let (public, private) = read_policies(&path)?;
    let (public, private) = (ReloadablePolicy::new(public), ReloadablePolicy::new(private));

    // SIGHUP re-reads the file; both policies are replaced, or neither.
    let mut hangup = signal(SignalKind::hangup())?;
    let (live_public, live_private, file) = (public.clone(), private.clone(), path.clone());
    rocket::tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            match read_policies(&file) {
                Ok((public, private)) => {
                    live_public.replace(public);
                    live_private.replace(private);
                    tracing::info!("CORS policies reloaded from {file}");
                }
                Err(e) => tracing::error!("CORS policies not reloaded, the running ones stay: {e}"),
            }
        }
    });

    tracing::info!("policies {path}, pid {}", std::process::id());
    let _ = install(rocket::custom(config()?), public, private).launch().await?;
    Ok(())
}
