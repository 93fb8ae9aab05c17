//! "Would this page's `fetch()` work against my app?", answered in your own tests (feature
//! `testing`).
//!
//! [`fetch`] plays one [`Fetch`] through your whole app with Rocket's asynchronous local
//! [`Client`], in process: the preflight first when the browser would send one, then the actual
//! request if the preflight passed, through your routes, your request guards, your other fairings
//! and your catchers. It returns what the browser does with the answers, judged by
//! [`cors_core::browser`]: allowed or blocked, at which step, the status and headers script can
//! read, Chromium's console message, the preflight sent and whether a second call would preflight
//! again.
//!
//! ```
//! use cors_core::Policy;
//! use cors_rocket::testing::{fetch, Fetch, Step};
//! use cors_rocket::Cors;
//! use rocket::local::asynchronous::Client;
//! use rocket::{put, routes};
//!
//! #[put("/items")]
//! fn save() -> &'static str {
//!     "saved"
//! }
//!
//! # #[rocket::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_methods(["GET", "PUT"])
//!     .allow_headers(["authorization", "content-type"])
//!     .allow_credentials(true)
//!     .max_age(std::time::Duration::from_secs(600))
//!     .build()?;
//! let rocket = rocket::build().mount("/", routes![save]).attach(Cors::new(policy));
//! let client = Client::untracked(rocket).await?;
//!
//! // fetch("/items", { method: "PUT", credentials: "include", headers: { Authorization: "Bearer t" } })
//! let put = Fetch::new("https://app.example.com", "PUT", "/items")
//!     .credentials(true)
//!     .header("Authorization", "Bearer t")
//!     .body("{}");
//! let outcome = fetch(&client, &put).await?;
//! assert!(outcome.is_allowed(), "{outcome}");
//! assert_eq!(outcome.status(), Some(200));
//! assert_eq!(outcome.text().as_deref(), Some("saved"));
//! assert_eq!(outcome.preflights_in(2), 1, "max-age 600: the second PUT is not preflighted");
//!
//! // The same from a page the policy does not allow.
//! let outcome = fetch(&client, &Fetch::new("https://evil.example", "PUT", "/items").credentials(true)).await?;
//! assert_eq!(outcome.blocked_at(), Some(Step::Preflight));
//! assert!(outcome.console_message().unwrap().ends_with(
//!     "Response to preflight request doesn't pass access control check: \
//!      No 'Access-Control-Allow-Origin' header is present on the requested resource."
//! ));
//! # Ok(())
//! # }
//! ```

use rocket::http::{Header, Method};
use rocket::local::asynchronous::Client;

pub use cors_core::browser::{Fetch, FetchError, FetchOutcome, Preflight, Rules, Step};

/// Plays `call` through the app behind `client` as the browser would, and returns what the
/// browser does.
///
/// Two things Rocket's HTTP server does before any fairing runs are reproduced, since the local
/// client skips them: header values that are not UTF-8 are dropped, and a method Rocket does not
/// know byte for byte (such as `patch`, which `fetch()` sends as written) is refused with a `400`
/// that carries no CORS headers, so the browser blocks it.
///
/// A [`FetchError`] is a mistake in the [`Fetch`]; a blocked fetch is an `Ok` outcome.
pub async fn fetch(client: &Client, call: &Fetch) -> Result<FetchOutcome, FetchError> {
    let mut playing = call.play()?;
    while let Some(request) = playing.next_request() {
        let answer = match known_method(request.method().as_str()) {
            Some(method) => send(client, method, request).await?,
            None => refused_by_the_server()?,
        };
        playing.answer(answer);
    }
    playing.outcome()
}

/// The method as Rocket's server reads it from hyper: only the upper-case names it knows.
fn known_method(method: &str) -> Option<Method> {
    method.parse::<Method>().ok().filter(|m| m.as_str() == method)
}

/// What Rocket's server answers a request it cannot read: a 400 from the catcher, with no
/// response fairing run, so without CORS headers.
fn refused_by_the_server() -> Result<http::Response<Vec<u8>>, FetchError> {
    http::Response::builder().status(400).body(Vec::new()).map_err(FetchError::app)
}

async fn send(
    client: &Client,
    method: Method,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, FetchError> {
    let (parts, body) = request.into_parts();
    let mut local = client.req(method, parts.uri.to_string());
    for (name, value) in &parts.headers {
        if let Ok(value) = value.to_str() {
            local = local.header(Header::new(name.as_str().to_owned(), value.to_owned()));
        }
    }
    let response = local.body(body).dispatch().await;
    let mut builder = http::Response::builder().status(response.status().code);
    for header in response.headers().iter() {
        builder = builder.header(header.name().as_str(), header.value().as_bytes());
    }
    let bytes = response.into_bytes().await.unwrap_or_default();
    builder.body(bytes).map_err(FetchError::app)
}
