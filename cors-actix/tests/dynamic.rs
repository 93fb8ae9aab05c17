//! Async origin checks, request-aware predicates and reloadable policies through cors-actix's
//! public API and actix's test service.

use std::future::{pending, ready};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::dev::ServiceResponse;
use actix_web::http::header::HeaderMap;
use actix_web::{test, web, App, HttpResponse};
use cors_actix::Cors;
use cors_core::{Policy, PolicyBuilder, ReloadablePolicy};

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

fn get(path: &str, origin: &str) -> test::TestRequest {
    test::TestRequest::get().uri(path).insert_header(("origin", origin))
}

fn preflight(path: &str, origin: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", "PUT"))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = headers.get_all(name).map(|v| v.to_str().expect("visible ASCII").to_owned());
    let first = values.next();
    assert!(values.next().is_none(), "{name} once");
    first
}

/// The CORS headers of a response, sorted: what two generations of a policy must not mix.
fn cors_headers<B>(response: &ServiceResponse<B>) -> Vec<(String, String)> {
    let mut headers: Vec<_> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-") || name.as_str() == "vary")
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().expect("visible ASCII").to_owned()))
        .collect();
    headers.sort();
    headers
}

macro_rules! app {
    ($cors:expr) => {
        test::init_service(
            App::new()
                .wrap($cors)
                .route("/data", web::get().to(|| async { HttpResponse::Ok().body("data") }))
                .route("/slow", web::get().to(slow_handler)),
        )
    };
}

async fn slow_handler() -> HttpResponse {
    // In flight for a while, so that reloads happen meanwhile.
    actix_web::rt::time::sleep(Duration::from_millis(2)).await;
    HttpResponse::Ok().body("slow")
}

#[actix_web::test]
async fn an_async_check_allows_with_credentials() {
    let app = app!(Cors::new(tenants().build().expect("valid"))).await;
    let response = test::call_service(&app, get("/data", TENANT).to_request()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(response.headers(), "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(response.headers(), "access-control-allow-credentials").as_deref(), Some("true"));
    assert_eq!(header(response.headers(), "vary").as_deref(), Some("origin"));
    assert_eq!(test::read_body(response).await, "data");
    // A listed origin takes the static path, with the same answer.
    let response = test::call_service(&app, get("/data", APP).to_request()).await;
    assert_eq!(header(response.headers(), "access-control-allow-origin").as_deref(), Some(APP));
}

#[actix_web::test]
async fn an_async_check_refuses_and_a_failing_one_refuses() {
    let app = app!(Cors::new(tenants().build().expect("valid"))).await;
    for origin in ["https://other.example", "https://down.example"] {
        let response = test::call_service(&app, get("/data", origin).to_request()).await;
        // The handler still answers; the browser hides it from the page.
        assert_eq!(response.status(), 200, "{origin}");
        assert_eq!(header(response.headers(), "access-control-allow-origin"), None, "{origin}");
        assert_eq!(header(response.headers(), "access-control-allow-credentials"), None, "{origin}");
        assert_eq!(header(response.headers(), "vary").as_deref(), Some("origin"), "{origin}");
        assert_eq!(test::read_body(response).await, "data");
    }
}

#[actix_web::test]
async fn a_check_that_never_answers_is_refused_after_the_timeout() {
    let app = app!(Cors::new(tenants().build().expect("valid"))).await;
    let started = Instant::now();
    let response = test::call_service(&app, get("/data", "https://slow.example").to_request()).await;
    let took = started.elapsed();
    assert_eq!(response.status(), 200);
    assert_eq!(header(response.headers(), "access-control-allow-origin"), None);
    assert!(took >= Duration::from_millis(100), "answered before the timeout: {took:?}");
    assert!(took < Duration::from_millis(900), "took {took:?}");
}

#[actix_web::test]
async fn a_preflight_is_decided_by_the_async_check() {
    let app = app!(Cors::new(tenants().build().expect("valid"))).await;
    let response = test::call_service(&app, preflight("/data", TENANT).to_request()).await;
    assert_eq!(response.status(), 204);
    assert_eq!(header(response.headers(), "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(response.headers(), "access-control-allow-methods").as_deref(), Some("GET, PUT"));
    assert_eq!(header(response.headers(), "access-control-allow-credentials").as_deref(), Some("true"));
    assert!(test::read_body(response).await.is_empty());

    for origin in ["https://other.example", "https://down.example", "https://slow.example"] {
        let response = test::call_service(&app, preflight("/nowhere", origin).to_request()).await;
        assert_eq!(header(response.headers(), "access-control-allow-origin"), None, "{origin}");
        assert_eq!(header(response.headers(), "access-control-allow-methods"), None, "{origin}");
    }
}

#[actix_web::test]
async fn request_aware_checks_see_the_path_and_host() {
    // Each tenant's front end may call only its own host, under /api.
    let policy = Policy::builder()
        .allow_origin_request_predicate(|origin, request| {
            let tenant = origin.host().strip_suffix(".app.example");
            let host = request.host().and_then(|h| h.strip_suffix(".api.example"));
            tenant.is_some() && tenant == host && request.path() == Some("/data")
        })
        .build()
        .expect("valid");
    let app = app!(Cors::new(policy)).await;
    let to = |uri: &str, host: &str, origin: &str| get(uri, origin).insert_header(("host", host)).to_request();
    let allowed = test::call_service(&app, to("/data?page=2", "acme.api.example", "https://acme.app.example")).await;
    assert_eq!(header(allowed.headers(), "access-control-allow-origin").as_deref(), Some("https://acme.app.example"));
    let other_host = test::call_service(&app, to("/data", "other.api.example", "https://acme.app.example")).await;
    assert_eq!(header(other_host.headers(), "access-control-allow-origin"), None);
    let other_path = test::call_service(&app, to("/slow", "acme.api.example", "https://acme.app.example")).await;
    assert_eq!(header(other_path.headers(), "access-control-allow-origin"), None);

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
    let app = app!(Cors::new(policy)).await;
    let response = test::call_service(&app, to("/data?page=2", "acme.api.example", TENANT)).await;
    assert_eq!(header(response.headers(), "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(
        seen.lock().expect("not poisoned").as_slice(),
        [r#"https://acme.example GET Some("/data") Some("acme.api.example")"#]
    );
}

#[actix_web::test]
async fn a_reloadable_policy_is_replaced_while_serving() {
    let live = ReloadablePolicy::new(Policy::builder().allow_origin(APP).build().expect("valid"));
    let app = app!(Cors::new(live.clone())).await;
    let before = test::call_service(&app, get("/data", TENANT).to_request()).await;
    assert_eq!(header(before.headers(), "access-control-allow-origin"), None);

    live.reload(Policy::builder().allow_origin(APP).allow_origin(TENANT).expose_headers(["x-total"]))
        .expect("no mistakes");
    let after = test::call_service(&app, get("/data", TENANT).to_request()).await;
    assert_eq!(header(after.headers(), "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(after.headers(), "access-control-expose-headers").as_deref(), Some("x-total"));

    // A configuration with mistakes is refused with them; the running policy keeps serving.
    let error = live.reload(Policy::builder().allow_origin("https://acme.example/")).expect_err("a mistake");
    assert_eq!(error.problems().len(), 1);
    let still = test::call_service(&app, get("/data", TENANT).to_request()).await;
    assert_eq!(header(still.headers(), "access-control-allow-origin").as_deref(), Some(TENANT));
    assert_eq!(header(still.headers(), "access-control-expose-headers").as_deref(), Some("x-total"));
}

/// Two policies whose answers differ in every CORS header: `*` without credentials, and an
/// echoed origin with credentials, allowed by an async check that takes a few turns (and with
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
                actix_web::rt::task::yield_now().await;
                Ok::<_, std::io::Error>(true)
            })
            .allow_credentials(true)
            .allow_methods(["PUT", "DELETE"])
            .expose_headers(["x-odd"])
            .max_age(Duration::from_secs(101))
            .allow_private_network(true)
    }
}

#[actix_web::test]
async fn reload_under_concurrent_traffic_never_mixes_two_policies() {
    const ORIGIN: &str = "https://both.example";
    let requests = || [get("/slow", ORIGIN), preflight("/slow", ORIGIN)];
    // What each generation answers on its own, through the same adapter.
    let mut expected = Vec::new();
    for n in 0..2 {
        let app = app!(Cors::new(generation(n).build().expect("valid"))).await;
        let mut answers = Vec::new();
        for request in requests() {
            answers.push(cors_headers(&test::call_service(&app, request.to_request()).await));
        }
        expected.push(answers);
    }
    assert_ne!(expected[0], expected[1]);
    for (even, odd) in expected[0].iter().zip(&expected[1]) {
        let names = |h: &Vec<(String, String)>| h.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        // Every header either generation writes has a different value (or is absent) in the other.
        for (name, value) in even {
            assert!(!odd.contains(&(name.clone(), value.clone())), "{name}: {value} in both");
        }
        assert!(!names(even).is_empty() && !names(odd).is_empty());
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
    let expected = Rc::new(expected);

    let live = ReloadablePolicy::new(generation(0).build().expect("valid"));
    let app = Rc::new(app!(Cors::new(live.clone())).await);
    let clients: Vec<_> = (0..8)
        .map(|client| {
            let app = Rc::clone(&app);
            let expected = Rc::clone(&expected);
            actix_web::rt::spawn(async move {
                let mut seen = [0usize; 2];
                for round in 0..40 {
                    // Requests start at every phase of the reloads, not in lockstep with them.
                    let pause = (round + client) % 3;
                    actix_web::rt::time::sleep(Duration::from_micros(300 * pause as u64)).await;
                    let kind = round % 2;
                    let request = requests().into_iter().nth(kind).expect("two kinds");
                    let response = test::call_service(&*app, request.to_request()).await;
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
    let done = Rc::new(std::cell::Cell::new(false));
    let reloader = {
        let live = live.clone();
        let done = Rc::clone(&done);
        actix_web::rt::spawn(async move {
            let mut n = 0u64;
            let mut refused = 0;
            while !done.get() {
                n += 1;
                live.reload(generation(n)).expect("no mistakes");
                // A configuration with a mistake never replaces the running policy.
                if n.is_multiple_of(10) {
                    assert!(live.reload(generation(n).allow_origin("https://bad.example/")).is_err());
                    refused += 1;
                }
                actix_web::rt::time::sleep(Duration::from_micros(700)).await;
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
    done.set(true);
    assert!(reloader.await.expect("the reloader ran") > 0);
    assert_eq!(seen[0] + seen[1], 8 * 40);
    assert!(seen[0] > 0 && seen[1] > 0, "both generations answered: {seen:?}");
}
