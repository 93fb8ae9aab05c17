//! axum 0.8: a `Router` called with tower's `oneshot`; `cors-axum` against tower-http's
//! `CorsLayer`, both with 1 and with 10,000 origins.

use std::time::Duration;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, Uri};
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{spec, Case, Framework, Harness, Outcome};

async fn ok() -> &'static str {
    "ok"
}

fn router() -> Router {
    Router::new().route("/data", get(ok).post(ok).put(ok))
}

/// `with_state` turns every handler into a route once, as `axum::serve` does through
/// `into_make_service`; a router called without it rebuilds its routes, layers included, per request.
fn finish(router: Router) -> Router {
    router.with_state(())
}

/// tower-http's layer with the benchmark policy.
fn tower_http(large: bool) -> CorsLayer {
    let origins =
        crate::origins(large).iter().map(|o| HeaderValue::from_str(o).expect("a valid origin")).collect::<Vec<_>>();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers(spec::TEN_HEADERS.map(HeaderName::from_static))
        .expose_headers([HeaderName::from_static("x-total-count")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// A request's method and headers, cloned for each request (as the other frameworks' test
/// clients build theirs).
struct Template {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
}

impl Template {
    fn new(case: Case) -> Template {
        let mut headers = HeaderMap::new();
        for (name, value) in case.headers() {
            headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        let method = Method::from_bytes(case.method().as_bytes()).expect("a valid method");
        Template { method, uri: Uri::from_static(case.path()), headers }
    }

    fn request(&self) -> Request<Body> {
        let mut request = Request::new(Body::empty());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

async fn call(app: &Router, template: &Template) -> Outcome {
    let response: Response<Body> = match app.clone().oneshot(template.request()).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    Outcome {
        status: response.status().as_u16(),
        allow_origin: response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN),
    }
}

/// The axum apps: bare, `cors-axum`, tower-http.
pub fn harness() -> impl Framework {
    // Every variant through a `OneAtATime`, so that each request pays for the same lookup.
    let bare = crate::OneAtATime::new(|()| finish(router()));
    let ours = crate::OneAtATime::new(|large| {
        finish(router().layer(cors_axum::CorsLayer::new(spec::policy(crate::origins(large)))))
    });
    let peer = crate::OneAtATime::new(|large| finish(router().layer(tower_http(large))));
    let templates = || crate::Templates::new(Case::WITH_LARGE, Template::new);
    let (t1, t2, t3) = (templates(), templates(), templates());
    Harness::new(
        "axum",
        "tower-http",
        Case::WITH_LARGE,
        crate::tokio_runtime(),
        async move |case: Case| call(&bare.get(()), t1.get(case)).await,
        async move |case: Case| call(&ours.get(case.large()), t2.get(case)).await,
        async move |case: Case| call(&peer.get(case.large()), t3.get(case)).await,
    )
}

/// The routes under `/api`, the way a per-route policy is given to part of an app.
fn nested(inner: Router) -> Router {
    Router::new().nest("/api", inner)
}

/// A `ReloadablePolicy` and a per-route layer, each against `cors-axum` with one plain `Policy`
/// (the `peer` of this comparison): bare is the same routes without CORS.
pub fn policies_harness() -> impl Framework {
    let policy = || spec::policy(crate::origins(false));
    let layer = move || cors_axum::CorsLayer::new(policy());
    let bare =
        crate::OneAtATime::new(|nested_routes| if nested_routes { finish(nested(router())) } else { finish(router()) });
    // Ours and the peer are both cors-axum: one app alive at a time, keyed by (ours, nested).
    let apps =
        std::rc::Rc::new(crate::OneAtATime::new(move |(ours, per_route): (bool, bool)| match (ours, per_route) {
            (true, false) => {
                finish(router().layer(cors_axum::CorsLayer::new(cors_core::ReloadablePolicy::new(policy()))))
            }
            // The outer policy allows another origin: the inner, per-route one answers.
            (true, true) => {
                let outer = cors_axum::CorsLayer::new(spec::policy(vec!["https://other.example.com".to_owned()]));
                finish(nested(router().layer(layer())).layer(outer))
            }
            (false, false) => finish(router().layer(layer())),
            (false, true) => finish(nested(router()).layer(layer())),
        }));
    let (ours, peer) = (std::rc::Rc::clone(&apps), apps);
    let templates = || crate::Templates::new(Case::POLICIES, Template::new);
    let (t1, t2, t3) = (templates(), templates(), templates());
    Harness::new(
        "axum-policies",
        "cors-axum with a plain Policy",
        Case::POLICIES,
        crate::tokio_runtime(),
        async move |case: Case| call(&bare.get(case.nested()), t1.get(case)).await,
        async move |case: Case| call(&ours.get((true, case.nested())), t2.get(case)).await,
        async move |case: Case| call(&peer.get((false, case.nested())), t3.get(case)).await,
    )
}
