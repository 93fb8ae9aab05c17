//! Async origin checks, request-aware predicates and reloadable policies through cors-warp's
//! public API and warp's test requests.

use std::convert::Infallible;
use std::future::{pending, ready};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cors_core::{Policy, PolicyBuilder, PolicySource, ReloadablePolicy};
use cors_warp::CorsExt;
use warp::http::Response;
use warp::test::RequestBuilder;
use warp::{Filter, Rejection, Reply};

const APP: &str = "https://app.example.com";
const TENANT: &str = "https://acme.example";

/// A policy listing `APP`, whose async check allows `TENANT`, fails for `down.example`, never
/// answers for `slow.example` and refuses the rest.
fn tenants() -> PolicyBuilder {
    Policy::builder()
        .allow_origin(APP)
        .allow_methods(["GET", "PUT"])
        .allow_credentials(true)
        .allow_origin_async(|request| async move {
            match request.origin() {
                "https://down.example" => Err(std::io::Error::other("connection refused")),
                "https://slow.example" => pending().await,
                origin => Ok(origin == TENANT),
            }
        })
        .origin_check_timeout(Duration::from_millis(100))
}

/// `/data` and `/slow` (in flight for a while, so that reloads happen meanwhile), wrapped.
fn app(policy: impl Into<PolicySource>) -> impl Filter<Extract = (warp::reply::Response,), Error = Infallible> + Clone {
    let data = warp::path("data").map(|| "data");
    let slow = warp::path("slow").and_then(|| async {
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok::<_, Rejection>("slow")
    });
    data.or(slow).unify().map(Reply::into_response).with_cors_outermost(policy)
}

fn get(path: &str, origin: &str) -> RequestBuilder {
    warp::test::request().path(path).header("origin", origin)
}

fn preflight(path: &str, origin: &str) -> RequestBuilder {
    warp::test::request()
        .method("OPTIONS")
        .path(path)
        .header("origin", origin)
        .header("access-control-request-method", "PUT")
}

fn header<B>(response: &Response<B>, name: &str) -> Option<String> {
    let mut values = response.headers().get_all(name).iter().map(|v| v.to_str().expect("visible ASCII").to_owned());
    let first = values.next();
    assert!(values.next().is_none(), "{name} once");
    first
}

/// The CORS headers of a response, sorted: what two generations of a policy must not mix.
fn cors_headers<B>(response: &Response<B>) -> Vec<(String, String)> {
    let mut headers: Vec<_> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-") || name.as_str() == "vary")
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().expect("visible ASCII").to_owned()))
        .collect();
    headers.sort();
    headers
}

#[tokio::test]
async fn an_async_check_allows_with_credentials() {
    let app = app(tenants().build().expect("valid"));
    let response = get("/data", TENANT).reply(&app).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(header(&response, "vary").as_deref(), Some("origin"));
    assert_eq!(response.body().as_ref(), b"data");
    // A listed origin takes the static path, with the same answer.
    let response = get("/data", APP).reply(&app).await;
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(APP));
    // The rejections the wrapper answers are decided by the check too.
    let response = get("/nowhere", TENANT).reply(&app).await;
    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(TENANT));
}

#[tokio::test]
async fn an_async_check_refuses_and_a_failing_one_refuses() {
    let app = app(tenants().build().expect("valid"));
    for origin in ["https://other.example", "https://down.example"] {
        let response = get("/data", origin).reply(&app).await;
        // The handler still answers; the browser hides it from the page.
        assert_eq!(response.status(), 200, "{origin}");
        assert_eq!(header(&response, "access-control-allow-origin"), None, "{origin}");
        assert_eq!(header(&response, "access-control-allow-credentials"), None, "{origin}");
        assert_eq!(header(&response, "vary").as_deref(), Some("origin"), "{origin}");
        assert_eq!(response.body().as_ref(), b"data");
    }
}

#[tokio::test]
async fn a_check_that_never_answers_is_refused_after_the_timeout() {
    let app = app(tenants().build().expect("valid"));
    let started = Instant::now();
    let response = get("/data", "https://slow.example").reply(&app).await;
    let took = started.elapsed();
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    assert!(took >= Duration::from_millis(100), "answered before the timeout: {took:?}");
    assert!(took < Duration::from_millis(900), "took {took:?}");
}

#[tokio::test]
async fn a_preflight_is_decided_by_the_async_check() {
    let app = app(tenants().build().expect("valid"));
    let response = preflight("/data", TENANT).reply(&app).await;
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(&response, "access-control-allow-methods").as_deref(), Some("GET, PUT"));
    assert_eq!(header(&response, "access-control-allow-credentials").as_deref(), Some("true"));
    assert!(response.body().is_empty());

    for origin in ["https://other.example", "https://down.example", "https://slow.example"] {
        let response = preflight("/nowhere", origin).reply(&app).await;
        assert_eq!(header(&response, "access-control-allow-origin"), None, "{origin}");
        assert_eq!(header(&response, "access-control-allow-methods"), None, "{origin}");
    }
}

#[tokio::test]
async fn a_branch_that_does_not_match_leaves_the_check_to_the_next() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&calls);
    let counting = Policy::builder()
        .allow_origin_async(move |request| {
            let log = Arc::clone(&log);
            // The lookup runs when the future is polled.
            async move {
                log.lock().expect("not poisoned").push(request.path().map(str::to_owned));
                Ok::<_, std::io::Error>(true)
            }
        })
        .build()
        .expect("valid");
    let public = warp::path("public").map(|| "open").with_cors(counting);
    let app = public
        .or(warp::path("data").map(|| "data").map(Reply::into_response))
        .unify()
        .with_cors_outermost(Policy::builder().allow_origin(APP).build().expect("valid"));
    let response = get("/data", TENANT).reply(&app).await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    let response = get("/public", TENANT).reply(&app).await;
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(TENANT));
    // The branch's check ran for its own path only.
    assert_eq!(calls.lock().expect("not poisoned").as_slice(), [Some("/public".to_owned())]);
}

#[tokio::test]
async fn request_aware_checks_see_the_path_and_host() {
    // Each tenant's front end may call only its own host, on /data.
    let policy = Policy::builder()
        .allow_origin_request_predicate(|origin, request| {
            let tenant = origin.host().strip_suffix(".app.example");
            let host = request.host().and_then(|h| h.strip_suffix(".api.example"));
            tenant.is_some() && tenant == host && request.path() == Some("/data")
        })
        .build()
        .expect("valid");
    let by_host = app(policy);
    let to = |path: &str, host: &str, origin: &str| get(path, origin).header("host", host);
    let allowed = to("/data?page=2", "acme.api.example", "https://acme.app.example").reply(&by_host).await;
    assert_eq!(header(&allowed, "access-control-allow-origin").as_deref(), Some("https://acme.app.example"));
    let other_host = to("/data", "other.api.example", "https://acme.app.example").reply(&by_host).await;
    assert_eq!(header(&other_host, "access-control-allow-origin"), None);
    let other_path = to("/slow", "acme.api.example", "https://acme.app.example").reply(&by_host).await;
    assert_eq!(header(&other_path, "access-control-allow-origin"), None);

    // The async check sees them too.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let policy = Policy::builder()
        .allow_origin_async(move |request| {
            let line = format!("{} {} {:?} {:?}", request.origin(), request.method(), request.path(), request.host());
            log.lock().expect("not poisoned").push(line);
            ready(Ok::<_, std::io::Error>(true))
        })
        .build()
        .expect("valid");
    let response = to("/data?page=2", "acme.api.example", TENANT).reply(&app(policy)).await;
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(
        seen.lock().expect("not poisoned").as_slice(),
        [r#"https://acme.example GET Some("/data") Some("acme.api.example")"#]
    );
}

#[tokio::test]
async fn a_reloadable_policy_is_replaced_while_serving() {
    let live = ReloadablePolicy::new(Policy::builder().allow_origin(APP).build().expect("valid"));
    let app = app(live.clone());
    let before = get("/data", TENANT).reply(&app).await;
    assert_eq!(header(&before, "access-control-allow-origin"), None);

    live.reload(Policy::builder().allow_origin(APP).allow_origin(TENANT).expose_headers(["x-total"]))
        .expect("no mistakes");
    let after = get("/data", TENANT).reply(&app).await;
    assert_eq!(header(&after, "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(&after, "access-control-expose-headers").as_deref(), Some("x-total"));

    // A configuration with mistakes is refused with them; the running policy keeps serving.
    let error = live.reload(Policy::builder().allow_origin("https://acme.example/")).expect_err("a mistake");
    assert_eq!(error.problems().len(), 1);
    let still = get("/data", TENANT).reply(&app).await;
    assert_eq!(header(&still, "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(&still, "access-control-expose-headers").as_deref(), Some("x-total"));
}

/// Two policies whose answers differ in every CORS header: `*` without credentials, and an
/// echoed origin with credentials, allowed by an async check that takes a while (and with
/// private network access, so that even the preflight's `Vary` differs).
fn generation(n: u64) -> PolicyBuilder {
    if n.is_multiple_of(2) {
        Policy::builder()
            .allow_any_origin()
            .allow_methods(["PUT"])
            .expose_headers(["x-even"])
            .max_age(Duration::from_secs(100))
    } else {
        Policy::builder()
            .allow_origin_async(|_| async {
                tokio::time::sleep(Duration::from_millis(1)).await;
                Ok::<_, std::io::Error>(true)
            })
            .allow_credentials(true)
            .allow_methods(["PUT", "DELETE"])
            .expose_headers(["x-odd"])
            .max_age(Duration::from_secs(101))
            .allow_private_network(true)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reload_under_concurrent_traffic_never_mixes_two_policies() {
    const ORIGIN: &str = "https://both.example";
    let requests = || [get("/slow", ORIGIN), preflight("/slow", ORIGIN)];
    // What each generation answers on its own, through the same adapter.
    let mut expected = Vec::new();
    for n in 0..2 {
        let app = app(generation(n).build().expect("valid"));
        let mut answers = Vec::new();
        for request in requests() {
            answers.push(cors_headers(&request.reply(&app).await));
        }
        expected.push(answers);
    }
    for (even, odd) in expected[0].iter().zip(&expected[1]) {
        assert!(!even.is_empty() && !odd.is_empty());
        // Every header one generation writes has another value, or is absent, in the other.
        for pair in even {
            assert!(!odd.contains(pair), "{pair:?} in both");
        }
    }
    // Each generation's own answer, known independently of the adapter.
    let value = |g: usize, kind: usize, name: &str| {
        expected[g][kind].iter().find(|(n, _)| n == name).map(|(_, v): &(String, String)| v.clone())
    };
    for kind in 0..2 {
        assert_eq!(value(0, kind, "access-control-allow-origin").as_deref(), Some("*"));
        assert_eq!(value(1, kind, "access-control-allow-origin").as_deref(), Some(ORIGIN));
        assert_eq!(value(1, kind, "access-control-allow-credentials").as_deref(), Some("true"));
    }
    assert_eq!(value(0, 0, "access-control-expose-headers").as_deref(), Some("x-even"));
    assert_eq!(value(1, 0, "access-control-expose-headers").as_deref(), Some("x-odd"));
    assert_eq!(value(0, 1, "access-control-allow-methods").as_deref(), Some("PUT"));
    assert_eq!(value(1, 1, "access-control-allow-methods").as_deref(), Some("PUT, DELETE"));
    let expected = Arc::new(expected);

    let live = ReloadablePolicy::new(generation(0).build().expect("valid"));
    let app = app(live.clone());
    let clients: Vec<_> = (0..8)
        .map(|client| {
            let app = app.clone();
            let expected = Arc::clone(&expected);
            tokio::spawn(async move {
                let mut seen = [0usize; 2];
                for round in 0..40 {
                    // Requests start at every phase of the reloads, not in lockstep with them.
                    let pause = (round + client) % 3;
                    tokio::time::sleep(Duration::from_micros(300 * pause as u64)).await;
                    let kind = round % 2;
                    let request = requests().into_iter().nth(kind).expect("two kinds");
                    let response = request.reply(&app).await;
                    assert!(response.status().is_success(), "no request fails: {}", response.status());
                    let got = cors_headers(&response);
                    let generation = (0..2).find(|&g| expected[g][kind] == got);
                    let Some(generation) = generation else { panic!("a response mixing two policies: {got:?}") };
                    seen[generation] += 1;
                }
                seen
            })
        })
        .collect();
    let done = Arc::new(AtomicBool::new(false));
    let reloader = {
        let live = live.clone();
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut n = 0u64;
            let mut refused = 0;
            while !done.load(Ordering::Relaxed) {
                n += 1;
                live.reload(generation(n)).expect("no mistakes");
                // A configuration with a mistake never replaces the running policy.
                if n.is_multiple_of(10) {
                    assert!(live.reload(generation(n).allow_origin("https://bad.example/")).is_err());
                    refused += 1;
                }
                tokio::time::sleep(Duration::from_micros(700)).await;
            }
            refused
        })
    };
    let mut seen = [0usize; 2];
    for client in clients {
        let counts = client.await.expect("no client saw a mixed answer");
        seen[0] += counts[0];
        seen[1] += counts[1];
    }
    done.store(true, Ordering::Relaxed);
    assert!(reloader.await.expect("the reloader ran") > 0);
    assert_eq!(seen[0] + seen[1], 8 * 40);
    assert!(seen[0] > 0 && seen[1] > 0, "both generations answered: {seen:?}");
}
