//! Refusals are logged through `tracing` at debug level with the core's reason.
#![allow(clippy::unwrap_used)] // test setup: a failure here is a broken test, not input

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use cors_axum::CorsLayer;
use cors_core::Policy;
use tower::ServiceExt;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_refused_origin_is_logged_with_the_reason() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("cors=debug")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let policy = Policy::builder().allow_origin("https://app.example.com").build().unwrap();
    let app = Router::new().route("/data", get(|| async { "ok" })).layer(CorsLayer::new(policy));
    let request = Request::get("/data").header("origin", "https://evil.example").body(Body::empty()).unwrap();
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(app.oneshot(request)).unwrap();
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("DEBUG"), "{log}");
    assert!(
        log.contains(r#"origin "https://evil.example" is not allowed (allowed: https://app.example.com)"#),
        "{log}"
    );
}
