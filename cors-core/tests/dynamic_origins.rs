//! Origins decided at request time: async checks (allowed, refused, failing, panicking, timing
//! out), request-aware predicates, and the reloadable policy under concurrent traffic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::{pending as never, ready};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cors_core::{Action, CheckOutcome, Policy, PolicyBuilder, ProblemKind, Refusal, ReloadablePolicy};
use http::{HeaderMap, Request};

const TENANT: &str = "https://acme.example";

fn get(origin: &str) -> Request<()> {
    Request::get("https://api.example/data").header("host", "api.example").header("origin", origin).body(()).unwrap()
}

fn preflight(origin: &str, method: &str) -> Request<()> {
    Request::options("/data")
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "content-type")
        .body(())
        .unwrap()
}

fn headers_of(action: Action<'_>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    match action {
        Action::Preflight(p) => p.apply(&mut headers),
        Action::Forward(f) => f.apply(&mut headers),
    }
    headers
}

/// Runs the pending check of `request` with a timer that never fires (or fires at once).
fn run(policy: &Policy, request: &Request<()>, timer_fires: bool) -> (CheckOutcome, HeaderMap, Option<String>) {
    let pending = policy.pending_check(request).expect("the async check decides this origin");
    let checked = if timer_fires {
        pollster::block_on(pending.run(ready(())))
    } else {
        pollster::block_on(pending.run(never::<()>()))
    };
    let decision = checked.decide();
    let refusal = decision.refusal().map(ToString::to_string);
    let outcome = checked.outcome().clone();
    (outcome, headers_of(decision.into_action()), refusal)
}

fn tenants(credentials: bool) -> PolicyBuilder {
    Policy::builder()
        .allow_origin("https://app.example.com")
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .allow_credentials(credentials)
        .allow_origin_async(|request| async move {
            match request.origin() {
                "https://down.example" => Err("connection refused (the tenants database is down)".into()),
                "https://panics.example" => panic!("a bug in the check"),
                origin => Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
                    origin == TENANT || origin == "http://legacy.example",
                ),
            }
        })
}

#[test]
fn an_async_check_allows_and_refuses() {
    let policy = tenants(true).build().unwrap();
    let (outcome, headers, refusal) = run(&policy, &get(TENANT), false);
    assert_eq!(outcome, CheckOutcome::Allowed);
    assert_eq!(headers["access-control-allow-origin"], TENANT);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    assert_eq!(headers["vary"], "origin");
    assert!(refusal.is_none());

    let (outcome, headers, refusal) = run(&policy, &get("https://other.example"), false);
    assert_eq!(outcome, CheckOutcome::Refused);
    assert!(headers.get("access-control-allow-origin").is_none());
    assert_eq!(headers["vary"], "origin");
    assert!(refusal.unwrap().contains("origins accepted by an async check"));

    // Preflights too: the whole answer, once the check allowed the origin.
    let (_, headers, _) = run(&policy, &preflight(TENANT, "PUT"), false);
    assert_eq!(headers["access-control-allow-origin"], TENANT);
    assert_eq!(headers["access-control-allow-methods"], "GET, PUT");
}

#[test]
fn a_failing_panicking_or_slow_check_refuses_and_says_why() {
    let policy = tenants(false).build().unwrap();
    let (outcome, headers, refusal) = run(&policy, &get("https://down.example"), false);
    assert!(matches!(&outcome, CheckOutcome::Failed(why) if why.contains("database is down")), "{outcome:?}");
    assert!(headers.get("access-control-allow-origin").is_none());
    assert!(refusal.unwrap().contains("the async origin check failed: connection refused"));

    let (outcome, headers, _) = run(&policy, &get("https://panics.example"), false);
    assert_eq!(outcome, CheckOutcome::Failed("the origin check panicked".into()));
    assert!(headers.get("access-control-allow-origin").is_none());

    let slow = Policy::builder()
        .allow_origin_async(|_| never::<Result<bool, std::io::Error>>())
        .origin_check_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let (outcome, headers, refusal) = run(&slow, &get(TENANT), true);
    assert_eq!(outcome, CheckOutcome::TimedOut(Duration::from_millis(50)));
    assert!(headers.get("access-control-allow-origin").is_none());
    assert!(refusal.unwrap().contains("did not answer within 50 ms"));
}

#[test]
fn the_check_runs_only_where_the_static_rules_refuse() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let policy = Policy::builder()
        .allow_origin("https://app.example.com")
        .allow_origin_async(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            ready(Ok::<_, std::io::Error>(true))
        })
        .build()
        .unwrap();
    let no_origin = Request::get("/").body(()).unwrap();
    let two = Request::get("/").header("origin", TENANT).header("origin", TENANT).body(()).unwrap();
    for request in [get("https://app.example.com"), get("null"), get("https://Bad.example"), no_origin, two] {
        assert!(policy.pending_check(&request).is_none(), "{request:?}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    // `decide` alone never waits: an origin only the check could allow is refused.
    assert!(policy.decide(&get(TENANT)).refusal().is_some());
    assert!(policy.pending_check(&get(TENANT)).is_some());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

// The rule for listed origins holds for what a check accepts.
#[test]
fn an_async_check_never_grants_plain_http_with_credentials() {
    let policy = tenants(true).build().unwrap();
    let (outcome, headers, refusal) = run(&policy, &get("http://legacy.example"), false);
    assert_eq!(outcome, CheckOutcome::Allowed);
    assert!(headers.get("access-control-allow-origin").is_none());
    assert!(refusal.unwrap().contains("allow_insecure_origins_with_credentials_dangerously()"));
    let dangerous = tenants(true).allow_insecure_origins_with_credentials_dangerously().build().unwrap();
    let (_, headers, _) = run(&dangerous, &get("http://legacy.example"), false);
    assert_eq!(headers["access-control-allow-origin"], "http://legacy.example");
}

#[test]
fn the_check_sees_the_origin_method_path_and_host() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let policy = Policy::builder()
        .allow_origin_async(move |request| {
            log.lock().unwrap().push(format!(
                "{} {} {:?} {:?}",
                request.origin(),
                request.method(),
                request.path(),
                request.host()
            ));
            assert_eq!(request.parsed_origin().host(), "acme.example");
            ready(Ok::<_, std::io::Error>(true))
        })
        .build()
        .unwrap();
    let _ = run(&policy, &get(TENANT), false);
    assert_eq!(seen.lock().unwrap().as_slice(), [r#"https://acme.example GET Some("/data") Some("api.example")"#]);
}

#[test]
fn request_predicates_decide_per_host() {
    let policy = Policy::builder()
        .allow_origin_request_predicate(|origin, request| {
            let tenant = origin.host().strip_suffix(".app.example");
            tenant.is_some() && tenant == request.host().and_then(|h| h.strip_suffix(".api.example"))
        })
        .allow_credentials(true)
        .build()
        .unwrap();
    let to = |host: &str, origin: &str| {
        Request::get("/data").header("host", host).header("origin", origin).body(()).unwrap()
    };
    assert!(policy.decide(&to("acme.api.example", "https://acme.app.example")).refusal().is_none());
    assert!(matches!(
        policy.decide(&to("other.api.example", "https://acme.app.example")).refusal(),
        Some(Refusal::OriginNotAllowed { .. })
    ));
    // Plain http with credentials: refused whatever the predicate says.
    assert!(matches!(
        policy.decide(&to("acme.api.example", "http://acme.app.example")).refusal(),
        Some(Refusal::InsecureOriginWithCredentials { .. })
    ));
}

#[test]
fn dynamic_check_mistakes() {
    let check = |_| ready(Ok::<_, std::io::Error>(true));
    let err = Policy::builder().allow_origin_async(check).allow_origin_async(check).build().unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::SeveralAsyncChecks);
    let err = Policy::builder().allow_origin_async(check).origin_check_timeout(Duration::ZERO).build().unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::OriginCheckTimeout);
    let warned = Policy::builder().allow_any_origin().origin_check_timeout(Duration::from_secs(1)).build().unwrap();
    assert_eq!(warned.warnings()[0].kind(), ProblemKind::OriginCheckTimeout);
    // `*` with a dynamic check is `*` with others.
    let err = Policy::builder().allow_any_origin().allow_origin_async(check).build().unwrap_err();
    assert_eq!(err.problems()[0].kind(), ProblemKind::WildcardWithOthers);
    // A dynamic check alone is a policy.
    assert!(Policy::builder().allow_origin_async(check).build().is_ok());
}

/// Two policies whose answers to the same preflight differ in every header they write.
fn generation(n: u64) -> PolicyBuilder {
    let (method, header) = if n.is_multiple_of(2) { ("PUT", "x-even") } else { ("DELETE", "x-odd") };
    Policy::builder()
        .allow_origin(format!("https://gen{}.example", n % 2))
        .allow_origin("https://both.example")
        .allow_methods([method])
        .allow_headers([header])
        .max_age(Duration::from_secs(100 + n % 2))
}

#[test]
fn reload_under_concurrent_traffic_never_mixes_two_policies() {
    let live = ReloadablePolicy::new(generation(0).build().unwrap());
    let source: cors_core::PolicySource = live.clone().into();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let checked = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let source = source.clone();
            let stop = Arc::clone(&stop);
            let checked = Arc::clone(&checked);
            std::thread::spawn(move || {
                let request = Request::options("/data")
                    .header("origin", "https://both.example")
                    .header("access-control-request-method", "PUT")
                    .body(())
                    .unwrap();
                while !stop.load(Ordering::Relaxed) {
                    let policy = source.current();
                    let headers = headers_of(policy.decide(&request).into_action());
                    let methods = headers.get("access-control-allow-methods").map(|v| v.to_str().unwrap().to_owned());
                    let allowed = headers.get("access-control-allow-headers").map(|v| v.to_str().unwrap().to_owned());
                    let max_age = headers.get("access-control-max-age").map(|v| v.to_str().unwrap().to_owned());
                    let even = (Some("PUT"), Some("x-even"), Some("100"));
                    // PUT is refused by the odd generation: its methods, nothing further.
                    let odd = (Some("DELETE"), None, None);
                    let seen = (methods.as_deref(), allowed.as_deref(), max_age.as_deref());
                    assert!(seen == even || seen == odd, "a response mixing two policies: {seen:?}");
                    assert_eq!(headers["access-control-allow-origin"], "https://both.example");
                    checked.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let mut refused = 0;
    for n in 1..=2_000u64 {
        live.reload(generation(n)).unwrap();
        // A configuration with a mistake never replaces the running policy.
        if n.is_multiple_of(10) {
            assert!(live.reload(generation(n).allow_origin("https://bad.example/")).is_err());
            refused += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("no worker saw a mixed answer");
    }
    assert_eq!(refused, 200);
    assert!(checked.load(Ordering::Relaxed) > 0);
    // The last good generation (2000, even) is the one running.
    assert!(format!("{:?}", live.load()).contains("https://gen0.example"));
}

#[test]
fn a_check_in_flight_finishes_on_the_policy_it_started_with() {
    let live = ReloadablePolicy::new(tenants(false).build().unwrap());
    let source: cors_core::PolicySource = live.clone().into();
    let request = get(TENANT);
    let pending = source.current().pending_check(&request).unwrap();
    // Replaced by a policy without the check, while the check runs.
    live.replace(Policy::builder().allow_origin("https://app.example.com").build().unwrap());
    let checked = pollster::block_on(pending.run(never::<()>()));
    let headers = headers_of(checked.decide().into_action());
    assert_eq!(headers["access-control-allow-origin"], TENANT);
    assert!(source.current().pending_check(&request).is_none());
}

// The async check runs only after every predicate refused; its outcome decides without asking
// the predicates again (which could answer differently the second time).
#[test]
fn predicates_are_asked_once_per_request() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let policy = Policy::builder()
        .allow_origin_request_predicate(move |_, _| {
            counter.fetch_add(1, Ordering::SeqCst);
            false
        })
        .allow_origin_async(|_| ready(Ok::<_, std::io::Error>(true)))
        .build()
        .unwrap();
    let (outcome, headers, _) = run(&policy, &get(TENANT), false);
    assert_eq!(outcome, CheckOutcome::Allowed);
    assert_eq!(headers["access-control-allow-origin"], TENANT);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}
