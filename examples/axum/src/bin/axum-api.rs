//! A small API with a credentialed CORS policy read from a TOML file: copy this.
//!
//! ```text
//! cargo run -p example-axum --bin axum-api -- examples/axum/cors.toml
//! ```

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use cors_axum::CorsLayer;
use cors_core::PolicyConfig;
use serde::Serialize;

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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("cors=debug").init();
    let path = std::env::args().nth(1).unwrap_or_else(|| "examples/axum/cors.toml".to_owned());
    let config: PolicyConfig = toml::from_str(&std::fs::read_to_string(&path)?)?;
    // Every mistake in the file is reported at once, each with its fix.
    let policy = config.build()?;

    let app = Router::new().route("/todos", get(list)).route("/todos/{id}", get(one)).layer(CorsLayer::new(policy));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    axum::serve(listener, app).await?;
    Ok(())
}
