//! The shared conformance suite, in process.
//!
//! Requests go through `warp::service`, warp's own `Filter` → `Service` conversion, rather than
//! `warp::test::request()`: the test builder's `header` replaces earlier values of a name, and the
//! suite sends repeated headers (two `Origin`s, split `Access-Control-Request-Headers`).

use bytes::Bytes;
use cors_core::conformance::{run_in_process, run_routes_in_process, RawResponse};
use http_body_util::{BodyExt, Full};
use tower_service::Service;

/// The response as it goes on the wire: hyper's server drops the body of an answer to `HEAD`
/// (warp's handlers answer `HEAD` like `GET`), which nothing does in process.
fn on_the_wire(method: &str, parts: &http::response::Parts, body: Vec<u8>) -> RawResponse {
    RawResponse::from_http(parts, if method == "HEAD" { Vec::new() } else { body })
}

#[tokio::test]
async fn every_conformance_case_passes_in_process() {
    let report = run_in_process(|policy, raw| async move {
        let request = raw.to_http().map(|body| Full::new(Bytes::from(body)));
        let mut service = warp::service(example_warp::app(policy));
        let response = match service.call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
        on_the_wire(&raw.method, &parts, bytes)
    })
    .await;
    report.assert_passed();
}

/// `warp::test::request()`, the way warp users test, agrees on cases without repeated headers.
#[tokio::test]
async fn the_warp_test_client_agrees() {
    let report = run_in_process(|policy, raw| async move {
        let mut builder = warp::test::request().method(&raw.method).path(&raw.path);
        for (name, value) in &raw.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes());
            if let (Ok(name), Ok(value)) = (name, http::HeaderValue::from_bytes(value)) {
                builder = builder.header(name, value);
            }
        }
        let response = builder.reply(&example_warp::app(policy)).await;
        let (parts, body) = response.into_parts();
        on_the_wire(&raw.method, &parts, body.to_vec())
    })
    .await;
    let repeated = |r: &cors_core::conformance::RawRequest| {
        r.headers.iter().enumerate().any(|(i, (n, _))| r.headers[..i].iter().any(|(m, _)| m.eq_ignore_ascii_case(n)))
    };
    let failed: Vec<_> = report.failed().filter(|r| !repeated(&r.request)).map(|r| r.name.as_str()).collect();
    assert!(failed.is_empty(), "{report}\nfailed without repeated headers: {failed:?}");
}

/// The public + private app: a `with_cors` branch per `--route` prefix, inside the outermost wrapper.
#[tokio::test]
async fn every_route_case_passes_in_process() {
    let report = run_routes_in_process(|table, raw| async move {
        let request = raw.to_http().map(|body| Full::new(Bytes::from(body)));
        let mut service = warp::service(example_warp::routed_app(&table));
        let response = match service.call(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
        on_the_wire(&raw.method, &parts, bytes)
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}

/// The reload cases: `with_cors_outermost` holds a `ReloadablePolicy`, which the runner reloads.
#[tokio::test]
async fn every_reload_case_passes_in_process() {
    let report = cors_core::conformance::run_reload_in_process(|live| {
        move |raw: cors_core::conformance::RawRequest| {
            let app = example_warp::app(live.clone());
            async move {
                let request = raw.to_http().map(|body| Full::new(Bytes::from(body)));
                let mut service = warp::service(app);
                let response = match service.call(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                let (parts, body) = response.into_parts();
                let bytes = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                on_the_wire(&raw.method, &parts, bytes)
            }
        }
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}
