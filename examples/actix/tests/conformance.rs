//! The shared conformance suite, in process, through actix-web's test service.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::{test, App};
use cors_actix::Cors;
use cors_core::conformance::{run_in_process, run_routes_in_process, RawRequest, RawResponse};

fn to_actix(raw: &RawRequest) -> test::TestRequest {
    let method = Method::from_bytes(raw.method.as_bytes()).expect("the case's method is a token");
    let mut request = test::TestRequest::default().method(method).uri(&raw.path);
    for (name, value) in &raw.headers {
        // Skip what actix's own header types refuse, as a server would never see it.
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value)) {
            request = request.append_header((name, value));
        }
    }
    request
}

/// Sends `raw` through an initialized app and returns the answer as the suite reads it.
async fn answer<S, B>(app: &S, raw: &RawRequest) -> RawResponse
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    let response = test::call_service(app, to_actix(raw).to_request()).await;
    let status = response.status().as_u16();
    let headers =
        response.headers().iter().map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec())).collect();
    let body = test::read_body(response).await.to_vec();
    RawResponse { status, headers, body }
}

#[actix_web::test]
async fn every_conformance_case_passes_in_process() {
    let report = run_in_process(|policy, raw| async move {
        let app = test::init_service(App::new().wrap(Cors::new(policy)).configure(example_actix::configure)).await;
        answer(&app, &raw).await
    })
    .await;
    report.assert_passed();
}

/// The public + private app: `--route` prefixes as scopes wrapped in their own `Cors`.
#[actix_web::test]
async fn every_route_case_passes_in_process() {
    let report = run_routes_in_process(|table, raw| async move {
        let (cors, configure) = example_actix::routed(&table).expect("the cases' prefixes scope");
        let app = test::init_service(App::new().wrap(cors).configure(configure)).await;
        answer(&app, &raw).await
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}

/// The reload cases: `Cors` holds a `ReloadablePolicy`, which the runner reloads.
#[actix_web::test]
async fn every_reload_case_passes_in_process() {
    let report = cors_core::conformance::run_reload_in_process(|live| {
        move |raw: RawRequest| {
            let cors = Cors::new(live.clone());
            async move {
                let app = test::init_service(App::new().wrap(cors).configure(example_actix::configure)).await;
                answer(&app, &raw).await
            }
        }
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}
