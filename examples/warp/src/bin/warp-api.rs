//! A small API with a credentialed CORS policy read from a TOML file: copy this.
//!
//! ```text
//! cargo run -p example-warp --bin warp-api -- examples/warp/cors.toml
//! ```

use cors_core::PolicyConfig;
use cors_warp::CorsExt;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

/// The policy used when no file is given.
const DEFAULT_POLICY: &str = include_str!("../../cors.toml");

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

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("cors=debug").init();
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => DEFAULT_POLICY.to_owned(),
    };
    let config: PolicyConfig = toml::from_str(&text)?;
    // Every mistake in the file is reported at once, each with its fix.
    let policy = config.build()?;

    let list = warp::path!("todos")
        .and(warp::get())
        .map(|| warp::reply::with_header(warp::reply::json(&[todo(1)]), "x-total-count", "1"));
    let todo = warp::path!("todos" / u32).and(warp::get()).and_then(one);
    let app = list.or(todo).recover(handle).with_cors_outermost(policy);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://127.0.0.1:3000");
    warp::serve(app).incoming(listener).run().await;
    Ok(())
}
