//! A multi-tenant API: each customer registers its front-end origins, which the CORS policy looks
//! up asynchronously (here an in-memory table standing in for Postgres or Redis), behind a
//! bounded cache with expiry (`moka`), so a page's requests cost one lookup per origin and TTL.
//!
//! ```text
//! cargo run -p example-axum --bin axum-tenants
//! curl -si localhost:3000/data -H 'origin: https://acme.example'      # registered: echoed
//! curl -si localhost:3000/data -H 'origin: https://evil.example'      # refused: no CORS headers
//! ```
//!
//! A lookup that fails (the database is down) or takes longer than the timeout refuses the
//! origin and is logged; it is not cached, so the next request asks again.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use cors_axum::CorsLayer;
use cors_axum::Policy;
use moka::sync::Cache;
use tokio::sync::RwLock;
use tower_http::trace::TraceLayer;
use tracing_subscriber::EnvFilter;

/// The tenants' registered origins: a table in a database, in a real app.
#[derive(Clone, Default)]
struct Tenants(Arc<RwLock<HashSet<String>>>);

impl Tenants {
    async fn has_origin(&self, origin: &str) -> Result<bool, std::io::Error> {
        // A network round trip to the database.
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(self.0.read().await.contains(origin))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=debug,cors=debug"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let tenants = Tenants::default();
    tenants.0.write().await.extend(["https://acme.example".to_owned(), "https://globex.example".to_owned()]);

    // Bounded, with expiry: an origin removed from the table stops working within the TTL.
    let cache: Cache<String, bool> =
        Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(60)).build();

    let lookup = tenants.clone();
    let policy = Policy::builder()
        .allow_origin("https://app.example.com") // the app's own front end: no lookup
        .allow_origin_async(move |request| {
            let (tenants, cache) = (lookup.clone(), cache.clone());
            async move {
                let origin = request.origin().to_owned();
                if let Some(known) = cache.get(&origin) {
                    return Ok::<_, std::io::Error>(known);
                }
                let known = tenants.has_origin(&origin).await?;
                cache.insert(origin, known);
                Ok(known)
            }
        })
        .origin_check_timeout(Duration::from_millis(500))
        .allow_methods(["GET", "POST", "PUT", "DELETE"])
        .allow_headers(["content-type", "authorization"])
        .allow_credentials(true)
        .build()?;

    let app = Router::new()
        .route("/data", get(|| async { "ok" }))
        .layer(CorsLayer::new(policy))
        .layer(TraceLayer::new_for_http());
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
