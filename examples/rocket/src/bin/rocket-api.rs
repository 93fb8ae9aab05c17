//! A small API with a credentialed CORS policy read from a TOML file: copy this.
//!
//! ```text
//! cargo run -p example-rocket --bin rocket-api -- examples/rocket/cors.toml
//! ```
//! Without an argument, the policy embedded from `examples/rocket/cors.toml` is used.

use std::sync::Mutex;

use cors_core::PolicyConfig;
use cors_rocket::Cors;
use rocket::http::{Header, Status};
use rocket::{get, post, routes, Responder, State};

const EXAMPLE_POLICY: &str = include_str!("../../cors.toml");

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

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_env_filter("cors=debug").init();
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => EXAMPLE_POLICY.to_owned(),
    };
    let config: PolicyConfig = toml::from_str(&text)?;
    // Every mistake in the file is reported at once, each with its fix.
    let policy = config.build()?;

    let _ = rocket::build()
        .manage(Todos(Mutex::new(vec!["try cors-rocket".to_owned()])))
        .mount("/", routes![list, one, add])
        .attach(Cors::new(policy))
        .launch()
        .await?;
    Ok(())
}
