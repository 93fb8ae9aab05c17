//! Per-route policies (the innermost `Cors` answers, preflights included, on a `Scope` or a
//! `Resource`), and where to put the middleware: outside authentication, either side of
//! compression. Each ordering rule is tested in both orders.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::middleware::{from_fn, Compress, Next};
use actix_web::{error, test, web, App, Error, HttpResponse};
use cors_actix::Cors;
use cors_core::Policy;

const APP: &str = "https://app.example.com";
const ANYONE: &str = "https://anyone.example.net";

fn private() -> Policy {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT", "DELETE"])
        .allow_headers(["authorization"])
        .allow_credentials(true)
        .build()
        .expect("a valid policy")
}

fn public() -> Policy {
    Policy::builder().allow_any_origin().allow_methods(["GET", "PUT"]).build().expect("a valid policy")
}

fn get(path: &str, origin: &str) -> test::TestRequest {
    test::TestRequest::get().uri(path).insert_header(("origin", origin))
}

fn preflight(path: &str, origin: &str, method: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", method))
}

fn one(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> = headers.get_all(name).map(|v| v.to_str().expect("ASCII").to_owned()).collect();
    assert!(values.len() <= 1, "{name} sent {} times", values.len());
    values.into_iter().next()
}

async fn boom() -> Result<HttpResponse, Error> {
    Err(error::ErrorInternalServerError("boom"))
}

/// The public + private app (a macro: the `App`'s type cannot be named).
macro_rules! app {
    () => {
        App::new()
            .wrap(Cors::new(private()))
            .service(
                web::scope("/public")
                    .wrap(Cors::new(public()))
                    .route("/data", web::get().to(|| async { HttpResponse::Ok().body("open") }))
                    .route("/error", web::get().to(boom)),
            )
            .service(
                web::resource("/open")
                    .wrap(Cors::new(public()))
                    .route(web::get().to(|| async { HttpResponse::Ok().body("open") })),
            )
            .route("/data", web::get().to(|| async { HttpResponse::Ok().body("private") }))
            .route("/error", web::get().to(boom))
    };
}

#[actix_web::test]
async fn a_scope_and_a_resource_answer_with_their_own_policy() {
    let app = test::init_service(app!()).await;
    for path in ["/public/data", "/public/nowhere", "/open"] {
        let r = test::call_service(&app, preflight(path, ANYONE, "PUT").to_request()).await;
        assert_eq!(r.status(), 204, "{path}");
        assert_eq!(one(r.headers(), "access-control-allow-origin").as_deref(), Some("*"), "{path}");
        assert_eq!(one(r.headers(), "access-control-allow-methods").as_deref(), Some("GET, PUT"), "{path}");
        assert!(test::read_body(r).await.is_empty());
    }
    // DELETE is the private policy's: refused under /public, with the public policy's methods.
    let r = test::call_service(&app, preflight("/public/data", APP, "DELETE").to_request()).await;
    assert_eq!(one(r.headers(), "access-control-allow-methods").as_deref(), Some("GET, PUT"));
    assert_eq!(one(r.headers(), "access-control-allow-credentials"), None);
    for (path, status) in [("/public/data", 200), ("/public/error", 500), ("/public/nowhere", 404), ("/open", 200)] {
        let r = test::call_service(&app, get(path, APP).to_request()).await;
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(one(r.headers(), "access-control-allow-origin").as_deref(), Some("*"), "{path}");
        assert_eq!(one(r.headers(), "access-control-allow-credentials"), None, "{path}");
    }
}

#[actix_web::test]
async fn the_app_policy_keeps_the_rest_including_the_prefix_boundary() {
    let app = test::init_service(app!()).await;
    let r = test::call_service(&app, preflight("/data", APP, "DELETE").to_request()).await;
    assert_eq!(r.status(), 204);
    assert_eq!(one(r.headers(), "access-control-allow-origin").as_deref(), Some(APP));
    assert_eq!(one(r.headers(), "access-control-allow-methods").as_deref(), Some("GET, PUT, DELETE"));
    for (path, status) in [("/data", 200), ("/error", 500), ("/publicity", 404)] {
        let r = test::call_service(&app, get(path, APP).to_request()).await;
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(one(r.headers(), "access-control-allow-origin").as_deref(), Some(APP), "{path}");
        assert_eq!(one(r.headers(), "access-control-allow-credentials").as_deref(), Some("true"), "{path}");
    }
    let r = test::call_service(&app, preflight("/publicity", ANYONE, "PUT").to_request()).await;
    assert_eq!(one(r.headers(), "access-control-allow-origin"), None);
}

/// A bearer-token check: 401 without `authorization: Bearer secret`, as a response or an error.
async fn require_token<B: MessageBody + 'static>(
    as_error: bool,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    match req.headers().get("authorization") {
        Some(v) if v == "Bearer secret" => next.call(req).await.map(ServiceResponse::map_into_left_body),
        _ if as_error => Err(error::ErrorUnauthorized("who are you?")),
        _ => Ok(req.into_response(HttpResponse::Unauthorized().body("who are you?")).map_into_right_body()),
    }
}

/// Status and headers of the answer, as a server sends it: an error through its `error_response`.
macro_rules! answer {
    ($app:expr, $request:expr) => {
        match test::try_call_service($app, $request.to_request()).await {
            Ok(r) => (r.status().as_u16(), r.headers().clone()),
            Err(e) => {
                let r = e.error_response();
                (r.status().as_u16(), r.headers().clone())
            }
        }
    };
}

#[actix_web::test]
async fn cors_outside_authentication() {
    for as_error in [false, true] {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(move |req, next| require_token(as_error, req, next)))
                .wrap(Cors::new(private()))
                .route("/data", web::get().to(|| async { HttpResponse::Ok().body("secret") })),
        )
        .await;
        // The preflight carries no credentials: the policy answers it, not the auth middleware.
        let (status, headers) = answer!(&app, preflight("/data", APP, "PUT"));
        assert_eq!(status, 204, "as_error: {as_error}");
        assert_eq!(one(&headers, "access-control-allow-origin").as_deref(), Some(APP));
        // The 401 of an actual request keeps the CORS headers, so the page can read it.
        let (status, headers) = answer!(&app, get("/data", APP));
        assert_eq!(status, 401, "as_error: {as_error}");
        assert_eq!(one(&headers, "access-control-allow-origin").as_deref(), Some(APP));
        let (status, headers) = answer!(&app, get("/data", APP).insert_header(("authorization", "Bearer secret")));
        assert_eq!(status, 200);
        assert_eq!(one(&headers, "access-control-allow-origin").as_deref(), Some(APP));
    }
}

#[actix_web::test]
async fn cors_inside_authentication_fails_preflights() {
    let app = test::init_service(
        App::new()
            .wrap(Cors::new(private()))
            .wrap(from_fn(move |req, next| require_token(false, req, next)))
            .route("/data", web::get().to(|| async { HttpResponse::Ok().body("secret") })),
    )
    .await;
    let r = test::call_service(&app, preflight("/data", APP, "PUT").to_request()).await;
    assert_eq!(r.status(), 401, "the wrong order: the browser sees a failed preflight");
    assert_eq!(one(r.headers(), "access-control-allow-origin"), None);
}

/// Checks an app serving 4 KiB at `/big` with `Compress` and `Cors` in some order (a macro: the
/// service's request type is actix-http's, not re-exported).
macro_rules! compressed_with_cors {
    ($app:expr) => {{
        let app = $app;
        let r =
            test::call_service(&app, get("/big", APP).insert_header(("accept-encoding", "gzip")).to_request()).await;
        assert_eq!(one(r.headers(), "content-encoding").as_deref(), Some("gzip"));
        assert_eq!(one(r.headers(), "access-control-allow-origin").as_deref(), Some(APP));
        let vary: Vec<String> =
            r.headers().get_all("vary").map(|v| v.to_str().expect("ASCII").to_lowercase()).collect();
        let vary = vary.join(", ");
        assert!(vary.contains("origin") && vary.contains("accept-encoding"), "{vary}");
        assert!(test::read_body(r).await.len() < 4096);
        let r = test::call_service(&app, preflight("/big", APP, "PUT").to_request()).await;
        assert_eq!(r.status(), 204);
        assert_eq!(one(r.headers(), "access-control-allow-origin").as_deref(), Some(APP));
    }};
}

#[actix_web::test]
async fn compression_either_side() {
    let big = || async { HttpResponse::Ok().body("a".repeat(4096)) };
    let inside = App::new().wrap(Compress::default()).wrap(Cors::new(private())).route("/big", web::get().to(big));
    compressed_with_cors!(test::init_service(inside).await);
    let outside = App::new().wrap(Cors::new(private())).wrap(Compress::default()).route("/big", web::get().to(big));
    compressed_with_cors!(test::init_service(outside).await);
}
