//! `Policy::decide` (and `decide_deferred`, for policies that echo nothing) allocates nothing: every answer is a precomputed, shared `HeaderValue` or the
//! request's own `Origin`, and requested header names are borrowed from the request.
//!
//! Counted with `dhat`'s global allocator in testing mode (no `unsafe` of ours). dhat allows one
//! profiler per process, so this binary has a single test running every scenario. Policies and
//! requests are built before counting starts; request header values are `from_static`, whose
//! clones are free, as a server's parsed values are already owned by the request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use cors_core::{Action, Policy};
use http::{HeaderMap, HeaderValue, Request};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Blocks and bytes allocated while `f` runs (including dropping what it returns).
fn count<T>(f: impl FnOnce() -> T) -> (u64, u64) {
    let before = dhat::HeapStats::get();
    drop(black_box(f()));
    let after = dhat::HeapStats::get();
    (after.total_blocks - before.total_blocks, after.total_bytes - before.total_bytes)
}

fn request(method: &str, headers: &[(&'static str, &'static str)]) -> Request<()> {
    let mut b = Request::builder().method(method).uri("/data");
    for (n, v) in headers {
        b = b.header(*n, HeaderValue::from_static(v));
    }
    b.body(()).unwrap()
}

const APP: &str = "https://app.example.com";
const TEN_HEADERS: &str = "content-type, x-h1, x-h2, x-h3, x-h4, x-h5, x-h6, x-h7, x-h8, x-h9";

fn exact_origins(n: usize) -> Policy {
    let mut origins: Vec<String> = (1..n).map(|i| format!("https://h{i}.example.com")).collect();
    origins.push(APP.to_owned());
    Policy::builder().allow_origins(origins).allow_credentials(true).expose_headers(["x-total-count"]).build().unwrap()
}

#[test]
fn decide_allocates_nothing() {
    // --- Everything is built before counting starts. -------------------------------------------
    let ten: Vec<String> = TEN_HEADERS.split(", ").map(str::to_owned).collect();
    let credentialed = Policy::builder()
        .allow_origin(APP)
        .allow_origin("https://*.example.org")
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(ten)
        .expose_headers(["x-total-count"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap();
    let any_header_credentialed = Policy::builder()
        .allow_origin(APP)
        .allow_any_method()
        .allow_any_header()
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap();
    let passthrough = Policy::builder()
        .allow_origin(APP)
        .allow_methods(["PUT"])
        .allow_headers(TEN_HEADERS.split(", "))
        .preflight_passthrough(true)
        .build()
        .unwrap();
    // An async origin check and a request predicate configured: listed origins still cost nothing.
    let dynamic = Policy::builder()
        .allow_origin(APP)
        .allow_origin_async(|_| std::future::ready(Ok::<_, std::io::Error>(false)))
        .allow_credentials(true)
        .build()
        .unwrap();
    let public = Policy::builder().allow_any_origin().allow_headers(["content-type"]).build().unwrap();
    let one = exact_origins(1);
    let hundred = exact_origins(100);
    let ten_thousand = exact_origins(10_000);

    let commas: &'static str = Box::leak(",".repeat(1 << 20).into_boxed_str());

    let preflight_ten = request(
        "OPTIONS",
        &[("origin", APP), ("access-control-request-method", "PUT"), ("access-control-request-headers", TEN_HEADERS)],
    );
    let actual_exact = request("GET", &[("origin", APP)]);
    let actual_pattern = request("POST", &[("origin", "https://a.b.example.org")]);
    let refused_origin = request("GET", &[("origin", "https://evil.example.com")]);
    let malformed_origin = request("GET", &[("origin", "https://app.example.com/")]);
    let refused_origin_preflight =
        request("OPTIONS", &[("origin", "https://evil.example.com"), ("access-control-request-method", "PUT")]);
    let refused_method = request("OPTIONS", &[("origin", APP), ("access-control-request-method", "DELETE")]);
    let refused_header = request(
        "OPTIONS",
        &[("origin", APP), ("access-control-request-method", "PUT"), ("access-control-request-headers", "x-evil")],
    );
    let no_origin = request("GET", &[]);
    let no_origin_options = request("OPTIONS", &[("access-control-request-method", "PUT")]);
    let megabyte = request(
        "OPTIONS",
        &[("origin", APP), ("access-control-request-method", "PUT"), ("access-control-request-headers", commas)],
    );

    let scenarios: Vec<(&str, &Policy, &Request<()>)> = vec![
        ("allowed preflight, 10 requested headers, credentials", &credentialed, &preflight_ten),
        (
            "allowed preflight, 10 headers reflected under `*` with credentials",
            &any_header_credentialed,
            &preflight_ten,
        ),
        ("allowed actual request, exact origin", &credentialed, &actual_exact),
        ("allowed actual request, pattern origin", &credentialed, &actual_pattern),
        ("allowed actual request, 1 exact origin", &one, &actual_exact),
        ("allowed actual request, 100 exact origins", &hundred, &actual_exact),
        ("allowed actual request, 10,000 exact origins", &ten_thousand, &actual_exact),
        ("allowed actual request, `*`", &public, &actual_exact),
        ("refused origin", &credentialed, &refused_origin),
        ("refused origin, 10,000 exact origins", &ten_thousand, &refused_origin),
        ("malformed origin", &credentialed, &malformed_origin),
        ("refused origin, preflight", &credentialed, &refused_origin_preflight),
        ("refused preflight method", &credentialed, &refused_method),
        ("refused preflight header", &credentialed, &refused_header),
        ("request without Origin", &credentialed, &no_origin),
        ("OPTIONS without Origin", &credentialed, &no_origin_options),
        ("1 MiB of commas in Access-Control-Request-Headers", &credentialed, &megabyte),
        ("listed origin, policy with an async check", &dynamic, &actual_exact),
    ];

    // --- Counting. ------------------------------------------------------------------------------
    let _profiler = dhat::Profiler::builder().testing().build();

    // The counter counts: a deliberate allocation shows up.
    let (blocks, bytes) = count(|| vec![0u8; 100]);
    assert_eq!((blocks, bytes), (1, 100), "the counting allocator does not count");

    let mut results = Vec::new();
    for (name, policy, req) in &scenarios {
        // The very first decision may register `tracing` callsites; count the first call and a
        // second one separately, and require both to be free.
        let first = count(|| (policy.pending_check(*req).is_none(), policy.decide(*req)));
        let second = count(|| (policy.pending_check(*req).is_none(), policy.decide(*req)));
        results.push((*name, first, second));
    }

    // What nesting-aware adapters call: the decision owned, to outlive the request. Nothing of the
    // request is copied unless the policy echoes it (`*` with credentials, not counted here).
    let mut deferred = Vec::new();
    for (name, policy, req) in [
        ("decide_deferred, allowed preflight, 10 requested headers", &credentialed, &preflight_ten),
        ("decide_deferred, allowed actual request", &credentialed, &actual_exact),
        ("decide_deferred, refused preflight method", &credentialed, &refused_method),
        ("decide_deferred, 1 MiB of commas", &credentialed, &megabyte),
        ("decide, passed-through preflight", &passthrough, &preflight_ten),
    ] {
        let first = count(|| policy.decide_deferred(req));
        let second = count(|| policy.decide_deferred(req));
        deferred.push((name, first, second));
    }

    // Writing the answer (not asserted): into a map with room reserved, as a response has.
    let mut applies = Vec::new();
    for (name, policy, req) in [
        ("Forward::apply, allowed actual request, credentials + expose", &credentialed, &actual_exact),
        ("Forward::apply, refused origin", &credentialed, &refused_origin),
        ("Forward::apply, `*`", &public, &actual_exact),
        ("Preflight::apply, allowed, 10 headers", &credentialed, &preflight_ten),
        ("Preflight::apply, allowed, 10 headers reflected", &any_header_credentialed, &preflight_ten),
        ("Preflight::apply, refused method", &credentialed, &refused_method),
    ] {
        let decision = policy.decide(req);
        let mut headers = HeaderMap::with_capacity(32);
        let counted = match decision.action() {
            Action::Forward(f) => count(|| f.apply(&mut headers)),
            Action::Preflight(p) => count(|| p.apply(&mut headers)),
        };
        applies.push((name, counted));
        black_box(&headers);
    }
    drop(_profiler);

    for (name, first, second) in &results {
        eprintln!("decide  {name}: first call {first:?}, second call {second:?} (blocks, bytes)");
    }
    for (name, counted) in &applies {
        eprintln!("apply   {name}: {counted:?} (blocks, bytes)");
    }
    for (name, first, second) in &deferred {
        eprintln!("{name}: first call {first:?}, second call {second:?} (blocks, bytes)");
    }
    let allocating: Vec<_> =
        results.iter().filter(|(_, first, second)| *first != (0, 0) || *second != (0, 0)).collect();
    assert!(allocating.is_empty(), "Policy::decide allocated: {allocating:#?}");
    let allocating: Vec<_> =
        deferred.iter().filter(|(_, first, second)| *first != (0, 0) || *second != (0, 0)).collect();
    assert!(allocating.is_empty(), "Policy::decide_deferred allocated: {allocating:#?}");
}
