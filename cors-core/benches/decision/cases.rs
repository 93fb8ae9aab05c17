//! The decision benchmark's cases: policies and prebuilt requests. Shared, through `#[path]`, with
//! the allocation counter of `xtask/bench` (package `cors-bench`), so both measure the same thing.

use std::time::Duration;

use cors_core::Policy;
use http::{HeaderValue, Request};

/// The origin every exact-origin policy allows (listed last, after the fillers).
pub const APP: &str = "https://app.example.com";
/// An origin no policy allows.
pub const EVIL: &str = "https://evil.example.net";
/// The ten request headers every policy allows and the ten-header preflight asks for.
pub const TEN_HEADERS: [&str; 10] =
    ["content-type", "x-h1", "x-h2", "x-h3", "x-h4", "x-h5", "x-h6", "x-h7", "x-h8", "x-h9"];

/// One way of listing the allowed origins.
pub struct Origins {
    /// The benchmark's name for it.
    pub name: &'static str,
    /// The policy.
    pub policy: Policy,
    /// An origin it allows (the last one listed, or one matching the last pattern).
    pub allowed: &'static str,
}

/// A policy with `origins` and otherwise the same settings everywhere: methods GET, POST, PUT;
/// the ten headers; credentials; one exposed header; max-age 600 s.
pub fn policy(origins: Vec<String>) -> Policy {
    Policy::builder()
        .allow_origins(origins)
        .allow_methods(["GET", "POST", "PUT"])
        .allow_headers(TEN_HEADERS)
        .expose_headers(["x-total-count"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("a valid benchmark policy")
}

/// `n` exact origins: `n - 1` fillers, then [`APP`].
pub fn exact_origins(n: usize) -> Vec<String> {
    let mut origins: Vec<String> = (1..n).map(|i| format!("https://h{i}.example.com")).collect();
    origins.push(APP.to_owned());
    origins
}

/// The origin configurations: 1, 100 and 10,000 exact origins, and 100 subdomain patterns.
pub fn origin_sets() -> Vec<Origins> {
    let patterns: Vec<String> = (0..100).map(|i| format!("https://*.t{i}.example.com")).collect();
    vec![
        Origins { name: "1 origin", policy: policy(exact_origins(1)), allowed: APP },
        Origins { name: "100 origins", policy: policy(exact_origins(100)), allowed: APP },
        Origins { name: "10000 origins", policy: policy(exact_origins(10_000)), allowed: APP },
        Origins { name: "100 patterns", policy: policy(patterns), allowed: "https://app.t99.example.com" },
    ]
}

/// A request; header values are `from_static` or shared `Bytes`, as a server's parsed ones are
/// already owned by the request.
pub fn request(method: &str, headers: &[(&'static str, HeaderValue)]) -> Request<()> {
    let mut builder = Request::builder().method(method).uri("/data");
    for (name, value) in headers {
        builder = builder.header(*name, value.clone());
    }
    builder.body(()).expect("a valid benchmark request")
}

/// The four requests run against every origin configuration, as (name, request).
pub fn requests(allowed: &'static str) -> Vec<(&'static str, Request<()>)> {
    let origin = HeaderValue::from_static(allowed);
    vec![
        (
            "preflight",
            request(
                "OPTIONS",
                &[
                    ("origin", origin.clone()),
                    ("access-control-request-method", HeaderValue::from_static("PUT")),
                    ("access-control-request-headers", HeaderValue::from_static("content-type")),
                ],
            ),
        ),
        ("actual", request("GET", &[("origin", origin)])),
        ("refused origin", request("GET", &[("origin", HeaderValue::from_static(EVIL))])),
        ("no origin", request("GET", &[])),
    ]
}

/// A preflight asking for the ten allowed headers.
pub fn preflight_ten_headers() -> Request<()> {
    request(
        "OPTIONS",
        &[
            ("origin", HeaderValue::from_static(APP)),
            ("access-control-request-method", HeaderValue::from_static("PUT")),
            (
                "access-control-request-headers",
                HeaderValue::from_static("content-type, x-h1, x-h2, x-h3, x-h4, x-h5, x-h6, x-h7, x-h8, x-h9"),
            ),
        ],
    )
}

/// 1 MiB of commas. Cloning the value copies nothing: it shares the bytes.
pub fn commas() -> HeaderValue {
    HeaderValue::from_bytes(&vec![b','; 1 << 20]).expect("commas are a valid header value")
}

/// A preflight whose `Access-Control-Request-Headers` is 1 MiB of commas.
pub fn preflight_commas() -> Request<()> {
    request(
        "OPTIONS",
        &[
            ("origin", HeaderValue::from_static(APP)),
            ("access-control-request-method", HeaderValue::from_static("PUT")),
            ("access-control-request-headers", commas()),
        ],
    )
}
