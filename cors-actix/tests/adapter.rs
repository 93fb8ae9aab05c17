//! Focused tests of cors-actix through its public API and actix's test service.

use std::cell::Cell;
use std::convert::Infallible;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::{self, BodySize, MessageBody};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::web::{self, Bytes};
use actix_web::{error, test, App, HttpResponse};
use cors_actix::Cors;
use cors_core::Policy;

const ORIGIN: &str = "https://app.example.com";

fn policy() -> Policy {
    Policy::builder()
        .allow_origin(ORIGIN)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .allow_credentials(true)
        .build()
        .expect("a valid policy")
}

fn get(path: &str) -> test::TestRequest {
    test::TestRequest::get().uri(path).insert_header(("origin", ORIGIN))
}

fn preflight(path: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("origin", ORIGIN))
        .insert_header(("access-control-request-method", "PUT"))
}

fn values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers.get_all(name).map(|v| v.to_str().expect("visible ASCII").to_owned()).collect()
}

fn assert_cors<B>(response: &ServiceResponse<B>) {
    assert_eq!(values(response.headers(), "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(values(response.headers(), "access-control-allow-credentials"), ["true"]);
    assert_eq!(values(response.headers(), "vary"), ["origin"]);
}

#[actix_web::test]
async fn preflight_without_route_is_answered_by_the_policy() {
    let calls = Rc::new(Cell::new(0));
    let seen = Rc::clone(&calls);
    let app = test::init_service(
        App::new()
            .wrap_fn(move |req, srv| {
                seen.set(seen.get() + 1);
                srv.call(req)
            })
            .wrap(Cors::new(policy())),
    )
    .await;
    let response = test::call_service(&app, preflight("/nowhere").to_request()).await;
    assert_eq!(response.status(), 204);
    assert_eq!(values(response.headers(), "access-control-allow-methods"), ["GET, PUT"]);
    assert_eq!(values(response.headers(), "access-control-allow-headers"), ["content-type"]);
    assert!(test::read_body(response).await.is_empty());
    // No `Cors` is inside this one, so no policy further in could answer: the routes are not run.
    assert_eq!(calls.get(), 0);

    // An ordinary request goes through, and keeps the 404.
    let response = test::call_service(&app, get("/nowhere").to_request()).await;
    assert_eq!(response.status(), 404);
    assert_eq!(calls.get(), 1);
}

#[actix_web::test]
async fn preflight_reaches_the_routes_when_a_scope_has_a_policy() {
    let calls = Rc::new(Cell::new(0));
    let seen = Rc::clone(&calls);
    let open = cors_core::Policy::builder().allow_any_origin().allow_methods(["GET", "PUT"]).build().expect("valid");
    let app = test::init_service(
        App::new()
            .service(web::scope("/open").wrap(Cors::new(open)).route("/data", web::get().to(HttpResponse::Ok)))
            .wrap_fn(move |req, srv| {
                seen.set(seen.get() + 1);
                srv.call(req)
            })
            .wrap(Cors::new(policy())),
    )
    .await;
    // The scope's policy answers its preflights: the outer one asks the routes.
    let response = test::call_service(&app, preflight("/open/data").to_request()).await;
    assert_eq!(response.status(), 204);
    assert_eq!(values(response.headers(), "access-control-allow-origin"), ["*"]);
    assert_eq!(calls.get(), 1);
    // Elsewhere the outer policy answers, the routes asked all the same.
    let response = test::call_service(&app, preflight("/nowhere").to_request()).await;
    assert_eq!(values(response.headers(), "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(calls.get(), 2);
}

#[actix_web::test]
async fn resource_without_options() {
    let app = test::init_service(
        App::new().wrap(Cors::new(policy())).service(web::resource("/data").route(web::get().to(HttpResponse::Ok))),
    )
    .await;
    let response = test::call_service(&app, preflight("/data").to_request()).await;
    assert_eq!(response.status(), 204);
    assert_eq!(values(response.headers(), "access-control-allow-origin"), [ORIGIN]);

    // An OPTIONS that is not a preflight is the resource's own 405, with the headers.
    let plain_options = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/data")
        .insert_header(("origin", ORIGIN));
    let response = test::call_service(&app, plain_options.to_request()).await;
    assert_eq!(response.status(), 405);
    assert_cors(&response);
}

#[actix_web::test]
async fn handler_errors_404_and_405_keep_the_headers() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(policy()))
            .service(web::resource("/data").route(web::get().to(HttpResponse::Ok)))
            .route(
                "/error",
                web::get().to(|| async { Err::<HttpResponse, _>(error::ErrorInternalServerError("boom")) }),
            ),
    )
    .await;
    let response = test::call_service(&app, get("/error").to_request()).await;
    assert_eq!(response.status(), 500);
    assert_cors(&response);
    assert_eq!(test::read_body(response).await, "boom");

    let response = test::call_service(&app, get("/nowhere").to_request()).await;
    assert_eq!(response.status(), 404);
    assert_cors(&response);

    let delete = test::TestRequest::delete().uri("/data").insert_header(("origin", ORIGIN));
    let response = test::call_service(&app, delete.to_request()).await;
    assert_eq!(response.status(), 405);
    assert_cors(&response);
}

#[actix_web::test]
async fn errors_of_inner_middleware_keep_the_headers() {
    let app = test::init_service(
        App::new()
            .wrap_fn(|_req, _srv| async { Err::<ServiceResponse, _>(error::ErrorForbidden("no")) })
            .wrap(Cors::new(policy()))
            .route("/data", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let Err(err) = test::try_call_service(&app, get("/data").to_request()).await else {
        panic!("the inner middleware's error stays an error");
    };
    assert_eq!(err.as_response_error().status_code(), 403);
    let response = err.error_response();
    assert_eq!(response.status(), 403);
    assert_eq!(values(response.headers(), "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(values(response.headers(), "vary"), ["origin"]);
    assert_eq!(body::to_bytes(response.into_body()).await.unwrap(), "no");
}

/// A body of `total` chunks that counts how many were produced.
struct Chunks {
    produced: Rc<Cell<usize>>,
    total: usize,
}

impl MessageBody for Chunks {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Bytes, Infallible>>> {
        let n = self.produced.get();
        if n == self.total {
            return Poll::Ready(None);
        }
        self.produced.set(n + 1);
        Poll::Ready(Some(Ok(Bytes::from(format!("chunk{n};")))))
    }
}

#[actix_web::test]
async fn streaming_bodies_still_stream() {
    let produced = Rc::new(Cell::new(0));
    let counter = Rc::clone(&produced);
    let app = test::init_service(App::new().wrap(Cors::new(policy())).route(
        "/stream",
        web::get().to(move || {
            let produced = Rc::clone(&counter);
            async move { HttpResponse::Ok().body(Chunks { produced, total: 3 }) }
        }),
    ))
    .await;
    let response = test::call_service(&app, get("/stream").to_request()).await;
    assert_cors(&response);
    let body = response.into_body();
    assert_eq!(body.size(), BodySize::Stream);
    let mut body = pin!(body);
    let first = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await;
    assert_eq!(first.unwrap().unwrap(), "chunk0;");
    assert_eq!(produced.get(), 1, "one chunk read, one chunk produced");
    assert_eq!(body::to_bytes(body).await.unwrap(), "chunk1;chunk2;");
}

#[actix_web::test]
async fn wrapping_a_scope_only_affects_that_scope() {
    let app = test::init_service(
        App::new()
            .service(web::scope("/api").wrap(Cors::new(policy())).route("/data", web::get().to(HttpResponse::Ok)))
            .route("/internal", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let response = test::call_service(&app, get("/api/data").to_request()).await;
    assert_eq!(response.status(), 200);
    assert_cors(&response);
    let response = test::call_service(&app, preflight("/api/data").to_request()).await;
    assert_eq!(response.status(), 204);

    let response = test::call_service(&app, get("/internal").to_request()).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("access-control-allow-origin").is_none());
    assert!(response.headers().get("vary").is_none());
    let response = test::call_service(&app, preflight("/internal").to_request()).await;
    assert_ne!(response.status(), 204);
    assert!(response.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn wrapping_a_single_resource() {
    let app = test::init_service(
        App::new()
            .service(web::resource("/data").wrap(Cors::new(policy())).route(web::get().to(HttpResponse::Ok)))
            .route("/other", web::get().to(HttpResponse::Ok)),
    )
    .await;
    let response = test::call_service(&app, get("/data").to_request()).await;
    assert_cors(&response);
    let response = test::call_service(&app, get("/other").to_request()).await;
    assert!(response.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn a_handler_setting_its_own_allow_origin_never_yields_two() {
    let app = test::init_service(App::new().wrap(Cors::new(policy())).route(
        "/data",
        web::get().to(|| async {
            HttpResponse::Ok()
                .insert_header(("access-control-allow-origin", "*"))
                .insert_header(("vary", "accept-encoding"))
                .finish()
        }),
    ))
    .await;
    let response = test::call_service(&app, get("/data").to_request()).await;
    assert_eq!(values(response.headers(), "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(values(response.headers(), "vary"), ["accept-encoding", "origin"]);

    // A refused origin: the handler's header is removed, nothing else added.
    let evil = test::TestRequest::get().uri("/data").insert_header(("origin", "https://evil.example"));
    let response = test::call_service(&app, evil.to_request()).await;
    assert!(response.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn preflight_passthrough_reaches_the_options_handler() {
    let policy =
        Policy::builder().allow_origin(ORIGIN).allow_methods(["PUT"]).preflight_passthrough(true).build().unwrap();
    let app = test::init_service(App::new().wrap(Cors::new(policy)).route(
        "/data",
        web::method(actix_web::http::Method::OPTIONS).to(|| async { HttpResponse::Ok().body("mine") }),
    ))
    .await;
    let response = test::call_service(&app, preflight("/data").to_request()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(values(response.headers(), "access-control-allow-origin"), [ORIGIN]);
    assert_eq!(values(response.headers(), "access-control-allow-methods"), ["PUT"]);
    assert_eq!(test::read_body(response).await, "mine");
}
