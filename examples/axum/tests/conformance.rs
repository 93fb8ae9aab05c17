//! The shared conformance suite, in process, through tower's `oneshot`.

use cors_core::conformance::{run_in_process, run_routes_in_process, RawRequest, RawResponse};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn every_conformance_case_passes_in_process() {
    let report = run_in_process(|policy, raw| async move {
        let request = raw.to_http().map(axum::body::Body::from);
        let response = example_axum::app(policy).oneshot(request).await.expect("axum's router is infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
        RawResponse::from_http(&parts, bytes)
    })
    .await;
    report.assert_passed();
}

async fn send(app: axum::Router, raw: RawRequest) -> RawResponse {
    let request = raw.to_http().map(axum::body::Body::from);
    let response = app.oneshot(request).await.expect("axum's router is infallible");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    RawResponse::from_http(&parts, bytes)
}

/// The public + private app: `--route` prefixes as nested routers with their own layer.
#[tokio::test]
async fn every_route_case_passes_in_process() {
    let report = run_routes_in_process(|table, raw| async move {
        send(example_axum::routed_app(&table).expect("the cases' prefixes nest"), raw).await
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}

/// The reload cases: the app is built once with a `ReloadablePolicy`, which the runner reloads.
#[tokio::test]
async fn every_reload_case_passes_in_process() {
    let report = cors_core::conformance::run_reload_in_process(|live| {
        let app = example_axum::app(live);
        move |raw| send(app.clone(), raw)
    })
    .await;
    assert!(!report.results.is_empty());
    report.assert_passed();
}
