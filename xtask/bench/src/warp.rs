//! warp 0.4: `warp::test::request().reply(&filter)`; `cors-warp`'s `with_cors_outermost` against
//! `warp::cors()`.

use std::time::Duration;

use cors_warp::CorsExt;
use http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
use http::{HeaderName, HeaderValue};
use warp::{Filter, Rejection, Reply};

use crate::{spec, Case, Framework, Harness, Outcome};

/// The routes without CORS: GET, POST, PUT on `/data`.
fn routes() -> impl Filter<Extract = (impl Reply,), Error = Rejection> + Clone + Send + Sync + 'static {
    let method = warp::get().or(warp::post()).unify().or(warp::put()).unify();
    warp::path!("data").and(method).map(|| "ok")
}

/// `warp::cors()` with the benchmark policy.
fn warp_cors() -> warp::filters::cors::Builder {
    warp::cors()
        .allow_origins(crate::origins(false).iter().map(String::as_str))
        .allow_methods(["GET", "POST", "PUT"])
        .allow_headers(spec::TEN_HEADERS)
        .expose_headers(["x-total-count"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// A request's method and headers; header values are shared, so building a request copies none.
struct Template {
    method: &'static str,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Template {
    fn new(case: Case) -> Template {
        let headers = case
            .headers()
            .into_iter()
            .map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
            .collect();
        Template { method: case.method(), headers }
    }

    fn request(&self) -> warp::test::RequestBuilder {
        let mut request = warp::test::request().method(self.method).path("/data");
        for (name, value) in &self.headers {
            request = request.header(name.clone(), value.clone());
        }
        request
    }
}

fn outcome(response: &http::Response<impl Sized>) -> Outcome {
    Outcome {
        status: response.status().as_u16(),
        allow_origin: response.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN),
    }
}

/// The warp filters: bare, `cors-warp`, `warp::cors()`.
pub fn harness() -> impl Framework {
    let bare = routes();
    let ours = routes().with_cors_outermost(spec::policy(crate::origins(false)));
    let peer = routes().with(warp_cors());
    let templates = || crate::Templates::new(Case::COMMON, Template::new);
    let (t1, t2, t3) = (templates(), templates(), templates());
    Harness::new(
        "warp",
        "warp::cors",
        Case::COMMON,
        crate::tokio_runtime(),
        async move |case: Case| outcome(&t1.get(case).request().reply(&bare).await),
        async move |case: Case| outcome(&t2.get(case).request().reply(&ours).await),
        async move |case: Case| outcome(&t3.get(case).request().reply(&peer).await),
    )
}
