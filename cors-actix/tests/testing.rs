//! The testing aid through an app with its own middleware and error handling: what a page's
//! fetch() gets, as the browser judges it.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{error, test, web, App, HttpResponse, ResponseError};
use cors_actix::testing::{fetch, Fetch, Step};
use cors_actix::Cors;
use cors_core::browser::Blocked;
use cors_core::Policy;

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
struct Boom;

impl std::fmt::Display for Boom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("boom")
    }
}

impl ResponseError for Boom {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

async fn app(
) -> impl Service<actix_http::Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error> {
    test::init_service(
        App::new()
            .wrap(Cors::new(policy()))
            .service(web::resource("/items").route(web::get().to(|| async { HttpResponse::Ok().body("[]") })).route(
                web::put().to(|| async {
                    HttpResponse::Ok()
                        .insert_header(("x-request-id", "7"))
                        .insert_header(("x-internal", "1"))
                        .body("saved")
                }),
            ))
            .route("/error", web::get().to(|| async { Err::<HttpResponse, _>(Boom) }))
            .service(
                web::scope("/private")
                    // An auth middleware: an error without `authorization: Bearer good`.
                    .wrap_fn(|request, service| {
                        let ok = request.headers().get("authorization").is_some_and(|v| v == "Bearer good");
                        let call = ok.then(|| service.call(request));
                        async move {
                            match call {
                                Some(call) => call.await,
                                None => Err(error::ErrorUnauthorized("who are you?")),
                            }
                        }
                    })
                    .route("", web::get().to(|| async { HttpResponse::Ok().body("secret") })),
            ),
    )
    .await
}

#[actix_web::test]
async fn an_allowed_credentialed_put_with_authorization() {
    let put = Fetch::new(APP, "put", "/items")
        .credentials(true)
        .header("Authorization", "Bearer good")
        .header("content-type", "application/json")
        .body(r#"{"a":1}"#);
    let outcome = fetch(&app().await, &put).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some("saved"));
    assert_eq!(outcome.header("x-request-id").as_deref(), Some("7"), "exposed");
    assert_eq!(outcome.header("x-internal"), None, "not exposed");
    let preflight = outcome.preflight().expect("PUT is preflighted");
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-request-method"), Some("PUT"));
    assert_eq!(preflight.header("access-control-request-headers"), Some("authorization,content-type"));
    assert_eq!(outcome.preflights_in(2), 1);
}

#[actix_web::test]
async fn a_refused_origin_is_blocked_with_chromiums_message() {
    let get = Fetch::new("https://evil.example", "GET", "/items").credentials(true).server("https://api.example.com");
    let outcome = fetch(&app().await, &get).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual));
    assert_eq!(outcome.server_status(), Some(200));
    assert_eq!(
        outcome.console_message().unwrap(),
        "Access to fetch at 'https://api.example.com/items' from origin 'https://evil.example' has been blocked by \
         CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
}

#[actix_web::test]
async fn patch_is_not_upper_cased_by_fetch() {
    let app = app().await;
    let lower = fetch(&app, &Fetch::new(APP, "patch", "/items")).await.unwrap();
    assert_eq!(lower.blocked_at(), Some(Step::Preflight), "{lower}");
    assert_eq!(lower.blocked(), Some(&Blocked::MethodNotAllowed { method: "patch".into() }));
    assert!(lower.preflights_again());

    let upper = fetch(&app, &Fetch::new(APP, "PATCH", "/items")).await.unwrap();
    assert!(upper.is_allowed(), "{upper}");
    assert_eq!(upper.status(), Some(405), "no PATCH route: script reads actix's 405");
}

#[actix_web::test]
async fn a_route_behind_auth_still_passes_its_preflight() {
    let app = app().await;
    let with_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer good");
    let outcome = fetch(&app, &with_token).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.preflight().map(|p| p.status), Some(204), "the preflight never reaches the auth check");
    assert_eq!(outcome.text().as_deref(), Some("secret"));

    let bad_token = Fetch::new(APP, "GET", "/private").credentials(true).header("authorization", "Bearer bad");
    let outcome = fetch(&app, &bad_token).await.unwrap();
    assert!(outcome.is_allowed(), "the middleware's error carries CORS headers: {outcome}");
    assert_eq!(outcome.status(), Some(401));
    assert_eq!(outcome.text().as_deref(), Some("who are you?"));
}

#[actix_web::test]
async fn an_error_route_keeps_its_cors_headers() {
    let outcome = fetch(&app().await, &Fetch::new(APP, "GET", "/error").credentials(true)).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(500));
    assert_eq!(outcome.text().as_deref(), Some("boom"));
}
