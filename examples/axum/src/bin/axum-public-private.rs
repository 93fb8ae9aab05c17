//! A public and a private part of one API, each with its own CORS policy, and the bearer-token
//! check inside the private part's CORS layer: copy this.
//!
//! ```text
//! cargo run -p example-axum --bin axum-public-private        # examples/axum/public-private.toml, 127.0.0.1:3000
//! curl -H 'Origin: https://anyone.example' localhost:3000/public/status
//! curl -H 'Origin: https://app.example.com' -H 'Authorization: Bearer demo-token' localhost:3000/private/me
//! kill -HUP <pid>                                            # re-read the policy file
//! ```
//!
//! `CORS_CONFIG`, `PORT`, `BIND` and `RUST_LOG` as in `axum-api`. A file with mistakes is refused
//! on reload, with every mistake logged, and the running policies stay. Ctrl-C or `SIGTERM` stops
//! it gracefully.

use std::net::SocketAddr;

use cors_axum::{Policy, ReloadablePolicy};
use example_axum::public_private::{app, PartsConfig};
use tokio::signal::unix::{signal, SignalKind};
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

/// Reads and builds both policies of the file: every mistake at once, each with its fix.
fn read_policies(path: &str) -> Result<(Policy, Policy), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let parts: PartsConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let public = parts.public.build().map_err(|e| format!("{path} [public]: {e}"))?;
    let private = parts.private.build().map_err(|e| format!("{path} [private]: {e}"))?;
    Ok((public, private))
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

    let path = std::env::var("CORS_CONFIG")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/public-private.toml").to_owned());
    let (public, private) = read_policies(&path)?;
    let (public, private) = (ReloadablePolicy::new(public), ReloadablePolicy::new(private));

    // SIGHUP re-reads the file; both policies are replaced, or neither.
    let mut hangup = signal(SignalKind::hangup())?;
    let (live_public, live_private, file) = (public.clone(), private.clone(), path.clone());
    tokio::spawn(async move {
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

    let app = app(public, private).layer(TraceLayer::new_for_http());

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let addr: SocketAddr = format!("{bind}:{port}").parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr} (policies {path}, pid {})", std::process::id());
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}
