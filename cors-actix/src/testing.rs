//! "Would this page's `fetch()` work against my app?", answered in your own tests (feature
//! `testing`).
//!
//! [`fetch`] plays one [`Fetch`] through your whole app, initialized with
//! `actix_web::test::init_service`, in process: the preflight first when the browser would send
//! one, then the actual request if the preflight passed, through your routes, your other
//! middleware and your error handlers. It returns what the browser does with the answers, judged
//! by [`cors_core::browser`]: allowed or blocked, at which step, the status and headers script
//! can read, Chromium's console message, the preflight sent and whether a second call would
//! preflight again.
//!
//! ```
//! use actix_web::{test, web, App, HttpResponse};
//! use cors_actix::testing::{fetch, Fetch, Step};
//! use cors_actix::Cors;
//! use cors_core::Policy;
//!
//! # #[actix_web::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_methods(["GET", "PUT"])
//!     .allow_headers(["authorization", "content-type"])
//!     .allow_credentials(true)
//!     .max_age(std::time::Duration::from_secs(600))
//!     .build()?;
//! let app = test::init_service(
//!     App::new()
//!         .wrap(Cors::new(policy))
//!         .route("/items", web::put().to(|| async { HttpResponse::Ok().body("saved") })),
//! )
//! .await;
//!
//! // fetch("/items", { method: "PUT", credentials: "include", headers: { Authorization: "Bearer t" } })
//! let put = Fetch::new("https://app.example.com", "PUT", "/items")
//!     .credentials(true)
//!     .header("Authorization", "Bearer t")
//!     .body("{}");
//! let outcome = fetch(&app, &put).await?;
//! assert!(outcome.is_allowed(), "{outcome}");
//! assert_eq!(outcome.status(), Some(200));
//! assert_eq!(outcome.text().as_deref(), Some("saved"));
//! assert_eq!(outcome.preflights_in(2), 1, "max-age 600: the second PUT is not preflighted");
//!
//! // The same from a page the policy does not allow.
//! let outcome = fetch(&app, &Fetch::new("https://evil.example", "PUT", "/items").credentials(true)).await?;
//! assert_eq!(outcome.blocked_at(), Some(Step::Preflight));
//! assert!(outcome.console_message().unwrap().ends_with(
//!     "Response to preflight request doesn't pass access control check: \
//!      No 'Access-Control-Allow-Origin' header is present on the requested resource."
//! ));
//! # Ok(())
//! # }
//! ```

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::test::TestRequest;
use actix_web::HttpResponse;

pub use cors_core::browser::{Fetch, FetchError, FetchOutcome, Preflight, Rules, Step};

/// Plays `call` through `app` (what `actix_web::test::init_service` returns) as the browser
/// would, and returns what the browser does.
///
/// An error that the app returns instead of a response is answered with its `error_response()`,
/// as actix-web's HTTP server does. A [`FetchError`] is a mistake in the [`Fetch`], or a response
/// body that fails; a blocked fetch is an `Ok` outcome.
pub async fn fetch<S, B>(app: &S, call: &Fetch) -> Result<FetchOutcome, FetchError>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut playing = call.play()?;
    while let Some(request) = playing.next_request() {
        let answer = match app.call(to_actix(request)?).await {
            Ok(response) => {
                let (status, headers) = (response.status().as_u16(), response.headers().clone());
                let bytes = actix_web::body::to_bytes(response.into_body())
                    .await
                    .map_err(|e| FetchError::app(Into::<Box<dyn std::error::Error>>::into(e)))?;
                to_http(status, headers.iter(), bytes.to_vec())?
            }
            Err(error) => {
                let response: HttpResponse = error.error_response();
                let (status, headers) = (response.status().as_u16(), response.headers().clone());
                let bytes = actix_web::body::to_bytes(response.into_body()).await.map_err(FetchError::app)?;
                to_http(status, headers.iter(), bytes.to_vec())?
            }
        };
        playing.answer(answer);
    }
    playing.outcome()
}

/// The browser's request as actix's test request (actix-web 4 has its own `http` types).
fn to_actix(request: http::Request<Vec<u8>>) -> Result<Request, FetchError> {
    let (parts, body) = request.into_parts();
    let method = Method::from_bytes(parts.method.as_str().as_bytes()).map_err(FetchError::app)?;
    let mut test = TestRequest::default().method(method).uri(&parts.uri.to_string());
    for (name, value) in &parts.headers {
        let name = HeaderName::from_bytes(name.as_str().as_bytes()).map_err(FetchError::app)?;
        let value = HeaderValue::from_bytes(value.as_bytes()).map_err(FetchError::app)?;
        test = test.append_header((name, value));
    }
    Ok(test.set_payload(body).to_request())
}

/// An actix answer as an `http` response for the browser model.
fn to_http<'a>(
    status: u16,
    headers: impl Iterator<Item = (&'a HeaderName, &'a HeaderValue)>,
    body: Vec<u8>,
) -> Result<http::Response<Vec<u8>>, FetchError> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    builder.body(body).map_err(FetchError::app)
}
