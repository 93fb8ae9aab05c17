//! actix-web 4: an initialised `App` called as a service, as `actix_web::test::call_service`
//! does (without its panic on errors: an error is answered with its `error_response`);
//! `cors-actix` against `actix-cors`.

use std::future::Future;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN};
use actix_web::http::Method;
use actix_web::rt::{System, SystemRunner};
use actix_web::test::{self, TestRequest};
use actix_web::{web, App, Error, HttpResponse};

use crate::{spec, Case, Exec, Framework, Harness, Outcome};

impl Exec for SystemRunner {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        SystemRunner::block_on(self, future)
    }
}

async fn ok() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// The app without middleware: GET, POST, PUT on `/data`.
fn app() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .service(web::resource("/data").route(web::get().to(ok)).route(web::post().to(ok)).route(web::put().to(ok)))
}

/// actix-cors with the benchmark policy.
fn actix_cors() -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default();
    for origin in crate::origins(false) {
        cors = cors.allowed_origin(&origin);
    }
    cors.allowed_methods(["GET", "POST", "PUT"])
        .allowed_headers(spec::TEN_HEADERS)
        .expose_headers(["x-total-count"])
        .supports_credentials()
        .max_age(600)
}

/// A request's method and headers, in actix's `http` 0.2 types.
struct Template {
    method: Method,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Template {
    fn new(case: Case) -> Template {
        let headers = case
            .headers()
            .into_iter()
            .map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
            .collect();
        Template { method: Method::from_bytes(case.method().as_bytes()).expect("a valid method"), headers }
    }

    fn request(&self) -> actix_http::Request {
        let mut request = TestRequest::default().method(self.method.clone()).uri("/data");
        for (name, value) in &self.headers {
            request = request.insert_header((name.clone(), value.clone()));
        }
        request.to_request()
    }
}

async fn call<S, B>(app: &S, template: &Template) -> Outcome
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    let response = match app.call(template.request()).await {
        Ok(response) => response.into_parts().1.map_into_boxed_body(),
        Err(error) => error.error_response(),
    };
    Outcome {
        status: response.status().as_u16(),
        allow_origin: response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN),
    }
}

/// The actix-web apps: bare, `cors-actix`, actix-cors.
pub fn harness() -> impl Framework {
    let system = System::new();
    let (bare, ours, peer) = system.block_on(async {
        (
            test::init_service(app()).await,
            test::init_service(app().wrap(cors_actix::Cors::new(spec::policy(crate::origins(false))))).await,
            test::init_service(app().wrap(actix_cors())).await,
        )
    });
    let templates = || crate::Templates::new(Case::COMMON, Template::new);
    let (t1, t2, t3) = (templates(), templates(), templates());
    Harness::new(
        "actix",
        "actix-cors",
        Case::COMMON,
        system,
        async move |case: Case| call(&bare, t1.get(case)).await,
        async move |case: Case| call(&ours, t2.get(case)).await,
        async move |case: Case| call(&peer, t3.get(case)).await,
    )
}
