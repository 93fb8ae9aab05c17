//! The testing aid through an app with its own auth filter and `recover` handler: what a page's
//! fetch() gets, as the browser judges it.

use cors_core::browser::Blocked;
use cors_core::Policy;
use cors_warp::testing::{fetch, Fetch, Step};
use cors_warp::CorsExt;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection, Reply};

const APP: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT", "PATCH"])
        .allow_headers(["authorization", "content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(std::time::Duration::from_secs(600))
        .build()
        .expect("a valid policy")
}

#[derive(Debug)]
struct Unauthorized;
impl warp::reject::Reject for Unauthorized {}

#[derive(Debug)]
struct Boom;
impl warp::reject::Reject for Boom {}

async fn handle(rejection: Rejection) -> Result<Response, Rejection> {
    if rejection.find::<Unauthorized>().is_some() {
        return Ok(warp::reply::with_status("who are you?", StatusCode::UNAUTHORIZED).into_response());
    }
    if rejection.find::<Boom>().is_some() {
        return Ok(warp::reply::with_status("boom", StatusCode::INTERNAL_SERVER_ERROR).into_response());
    }
    Err(rejection)
}

/// An auth filter: rejects without `authorization: Bearer good`.
fn token() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization")
        .and_then(|value: Option<String>| async move {
            match value.as_deref() {
                Some("Bearer good") => Ok(()),
                _ => Err(warp::reject::custom(Unauthorized)),
            }
        })
        .untuple_one()
}

fn app() -> impl Filter<Extract = (Response,), Error = std::convert::Infallible> + Clone + Send + Sync + 'static {
    let items = warp::path("items").and(warp::path::end());
    let list = items.and(warp::get()).map(|| "[]".into_response());
    let save = items.and(warp::put()).map(|| {
        warp::reply::with_header(warp::reply::with_header("saved", "x-request-id", "7"), "x-internal", "1")
            .into_response()
    });
    let private =
        warp::path("private").and(warp::path::end()).and(warp::get()).and(token()).map(|| "secret".into_response());
    let error = warp::path("error")
        .and(warp::path::end())
        .and(warp::get())
        .and_then(|| async { Err::<Response, _>(warp::reject::custom(Boom)) });
    list.or(save).unify().or(private).unify().or(error).unify().recover(handle).unify().with_cors_outermost(policy())
}

#[tokio::test]
async fn an_allowed_credentialed_put_with_authorization() {
    let put = Fetch::new(APP, "put", "/items")
        .credentials(true)
        .header("Authorization", "Bearer good")
        .header("content-type", "application/json")
        .body(r#"{"a":1}"#);
    let outcome = fetch(&app(), &put).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some("saved"));
    assert_eq!(outcome.header("x-request-id").as_deref(), Some("7"), "exposed");
    assert_eq!(outcome.header("x-internal"), None, "not exposed");
    let preflight = outcome.preflight().expect("PUT is preflighted");
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-request-headers"), Some("authorization,content-type"));
    assert_eq!(outcome.preflights_in(2), 1);
}

#[tokio::test]
async fn a_refused_origin_is_blocked_with_chromiums_message() {
    let get = Fetch::new("https://evil.example", "GET", "/items").credentials(true).server("https://api.example.com");
    let outcome = fetch(&app(), &get).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual));
    assert_eq!(outcome.server_status(), Some(200));
    assert_eq!(
        outcome.console_message().unwrap(),
        "Access to fetch at 'https://api.example.com/items' from origin 'https://evil.example' has been blocked by \
         CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
}

#[tokio::test]
async fn patch_is_not_upper_cased_by_fetch() {
    let lower = fetch(&app(), &Fetch::new(APP, "patch", "/items")).await.unwrap();
    assert_eq!(lower.blocked_at(), Some(Step::Preflight), "{lower}");
    assert_eq!(lower.blocked(), Some(&Blocked::MethodNotAllowed { method: "patch".into() }));
    assert!(lower.preflights_again());

    let upper = fetch(&app(), &Fetch::new(APP, "PATCH", "/items")).await.unwrap();
    assert!(upper.is_allowed(), "{upper}");
    assert_eq!(upper.status(), Some(405), "no PATCH route: script reads warp's 405");
}

#[tokio::test]
async fn a_route_behind_auth_still_passes_its_preflight() {
    let with_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer good");
    let outcome = fetch(&app(), &with_token).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.preflight().map(|p| p.status), Some(204), "the preflight never reaches the auth filter");
    assert_eq!(outcome.text().as_deref(), Some("secret"));

    let bad_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer bad");
    let outcome = fetch(&app(), &bad_token).await.unwrap();
    assert!(outcome.is_allowed(), "the recovered 401 carries CORS headers: {outcome}");
    assert_eq!(outcome.status(), Some(401));
    assert_eq!(outcome.text().as_deref(), Some("who are you?"));
}

#[tokio::test]
async fn an_error_route_keeps_its_cors_headers() {
    let outcome = fetch(&app(), &Fetch::new(APP, "GET", "/error").credentials(true)).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(500));
    assert_eq!(outcome.text().as_deref(), Some("boom"));
}

#[tokio::test]
async fn a_filter_that_still_rejects_is_answered_as_warps_server_does() {
    // No with_cors: the rejection becomes warp's 404, and nothing adds CORS headers.
    let bare = warp::path("items").map(|| "[]");
    let outcome = fetch(&bare, &Fetch::new(APP, "GET", "/nothing")).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual));
    assert_eq!(outcome.server_status(), Some(404));
}
