//! The shared conformance suite, in process, through Rocket's local client.
//!
//! Rocket keeps only header values that are UTF-8 (its server drops the others), so values that
//! are not are left out of the request here too: a case with such an `Origin` is judged as the
//! real server would answer it, as a request without that `Origin`.

use cors_core::conformance::{run_in_process, run_routes_in_process, RawRequest, RawResponse};
use rocket::http::{Header, Method};
use rocket::local::asynchronous::Client;

#[rocket::async_test]
async fn every_conformance_case_passes_in_process() {
    let report = run_in_process(|policy, raw| async move {
        let client = Client::untracked(example_rocket::rocket(policy, 0)).await.expect("the app ignites");
        let Ok(method) = raw.method.parse::<Method>() else {
            // Rocket's server refuses methods it does not know before any fairing runs.
            return RawResponse { status: 400, headers: Vec::new(), body: Vec::new() };
        };
        let mut request = client.req(method, raw.path.clone());
        for (name, value) in raw.headers {
            if let Ok(value) = String::from_utf8(value) {
                request = request.header(Header::new(name, value));
            }
        }
        let response = request.dispatch().await;
        let status = response.status().code;
        let headers = response
            .headers()
            .iter()
            .map(|h| (h.name().as_str().to_ascii_lowercase(), h.value().as_bytes().to_vec()))
            .collect();
        let body = response.into_bytes().await.unwrap_or_default();
        RawResponse { status, headers, body }
    })
    .await;
    report.assert_passed();
}

async fn send(rocket: rocket::Rocket<rocket::Build>, raw: RawRequest) -> RawResponse {
    let client = Client::untracked(rocket).await.expect("the app ignites");
    let Ok(method) = raw.method.parse::<Method>() else {
        return RawResponse { status: 400, headers: Vec::new(), body: Vec::new() };
    };
    let mut request = client.req(method, raw.path.clone());
    for (name, value) in raw.headers {
        if let Ok(value) = String::from_utf8(value) {
            request = request.header(Header::new(name, value));
        }
    }
    let response = request.dispatch().await;
    let status = response.status().code;
    let headers = response
        .headers()
        .iter()
        .map(|h| (h.name().as_str().to_ascii_lowercase(), h.value().as_bytes().to_vec()))
        .collect();
    let body = response.into_bytes().await.unwrap_or_default();
    RawResponse { status, headers, body }
}

/// The public + private app: one fairing with a prefix table, the routes mounted under each prefix.
#[rocket::async_test]
async fn every_route_case_passes_in_process() {
    let report = run_routes_in_process(|table, raw| send(example_rocket::routed(table, 0), raw)).await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}

/// The reload cases: the fairing holds a `ReloadablePolicy`, which the runner reloads.
#[rocket::async_test]
async fn every_reload_case_passes_in_process() {
    let report = cors_core::conformance::run_reload_in_process(|live| {
        move |raw: RawRequest| send(example_rocket::rocket(live.clone(), 0), raw)
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}
