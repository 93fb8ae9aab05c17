//! The requests a browser sends for a `fetch()`, sent for real, and the verdict of cors-core's
//! browser model on the answers.

use cors_core::browser::{Blocked, BrowserRequest, Rules};
use cors_core::conformance::{RawRequest, RawResponse};
use url::{Position, Url};

use super::cli::Plan;
use crate::transport::Endpoint;

/// The made-up origin the first request is repeated from: no server should grant it.
pub const MADE_UP_ORIGIN: &str = "https://made-up-origin.invalid";

const USER_AGENT: &str = "cargo-xtask-doctor (a CORS probe)";

/// Which request of the fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The CORS-preflight request (`OPTIONS`).
    Preflight,
    /// The request itself.
    Request,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Preflight => "preflight",
            Step::Request => "request",
        }
    }
}

/// One request sent and its answer.
#[derive(Debug)]
pub struct Exchange {
    pub step: Step,
    pub request: RawRequest,
    pub response: RawResponse,
}

/// The browser model's verdict.
#[derive(Debug)]
pub enum Verdict {
    Allowed,
    Blocked { at: Step, blocked: Blocked },
}

/// The same first request from [`MADE_UP_ORIGIN`].
#[derive(Debug)]
pub struct MadeUp {
    pub exchange: Exchange,
    /// Whether the browser model lets a page at the made-up origin through.
    pub granted: bool,
    /// Whether the answer passes the model's CORS check for the made-up origin (Allow-Origin and,
    /// with credentials, Allow-Credentials), whatever else blocks it: the origin is granted.
    pub origin_granted: bool,
}

/// Everything the probe saw.
#[derive(Debug)]
pub struct Findings {
    pub exchanges: Vec<Exchange>,
    /// What today's browsers do ([`Rules::ShippingBrowsers`]): what the user sees.
    pub verdict: Verdict,
    /// Where the Fetch standard blocks what today's browsers allow (`*` in Allow-Headers does
    /// not cover `authorization`): the block browsers will make once they enforce it.
    pub standard: Option<Blocked>,
    /// The error when it could not be sent, after the main exchanges succeeded.
    pub made_up: Result<MadeUp, String>,
}

/// The path and query, as the request line carries them.
fn target(url: &Url) -> String {
    url[Position::BeforePath..Position::AfterQuery].to_owned()
}

/// Fetch, "CORS-preflight fetch", steps 1–4: `OPTIONS` with `Accept: */*`, `Origin`,
/// `Access-Control-Request-Method` and the sorted, lowercased, comma-joined unsafe header names
/// (all from the model), plus the fetch metadata Chromium adds.
pub fn preflight_request(url: &Url, request: &BrowserRequest) -> RawRequest {
    let mut headers: Vec<(String, Vec<u8>)> = vec![("accept".to_owned(), b"*/*".to_vec())];
    headers.extend(request.preflight_headers().into_iter().map(|(n, v)| (n, v.into_bytes())));
    headers.extend(fetch_metadata());
    RawRequest { method: "OPTIONS".to_owned(), path: target(url), headers }
}

/// The request itself: the method as the browser sends it, and the model's headers (`Origin`,
/// `Accept: */*` unless the page set one, the page's headers), plus the fetch metadata.
pub fn actual_request(url: &Url, request: &BrowserRequest) -> RawRequest {
    let mut headers = request.request_headers();
    headers.extend(fetch_metadata());
    RawRequest { method: request.method().to_owned(), path: target(url), headers }
}

fn fetch_metadata() -> [(String, Vec<u8>); 3] {
    [
        ("sec-fetch-mode".to_owned(), b"cors".to_vec()),
        ("sec-fetch-dest".to_owned(), b"empty".to_vec()),
        ("user-agent".to_owned(), USER_AGENT.as_bytes().to_vec()),
    ]
}

/// The same fetch from another origin: the page's method, headers and credentials mode.
fn from_origin(request: &BrowserRequest, origin: &str) -> BrowserRequest {
    let mut other = BrowserRequest::new(origin, request.method()).credentials(request.includes_credentials());
    for (name, value) in request.headers() {
        other = other.header(name.clone(), value);
    }
    other
}

/// Runs the fetch: the preflight if needed (stopping there when it fails, as the browser does),
/// then the request; then the first request again from [`MADE_UP_ORIGIN`]. An error means no
/// answer could be had (connection, TLS, timeout, or not HTTP).
pub fn run(plan: &Plan, endpoint: &Endpoint) -> Result<Findings, String> {
    let request = &plan.request;
    let mut exchanges = Vec::new();
    let mut verdict = Verdict::Allowed;
    let mut standard = None;
    if request.needs_preflight() {
        let sent = preflight_request(&plan.url, request);
        let response = endpoint.send(&sent)?;
        let map = response.header_map();
        let checked = request.check_preflight_under(Rules::ShippingBrowsers, response.status, &map);
        if checked.is_ok() {
            standard = request.check_preflight_under(Rules::Standard, response.status, &map).err();
        }
        exchanges.push(Exchange { step: Step::Preflight, request: sent, response });
        if let Err(blocked) = checked {
            verdict = Verdict::Blocked { at: Step::Preflight, blocked };
        }
    }
    if matches!(verdict, Verdict::Allowed) {
        let sent = actual_request(&plan.url, request);
        let response = endpoint.send(&sent)?;
        let checked = request.check_response(&response.header_map());
        exchanges.push(Exchange { step: Step::Request, request: sent, response });
        if let Err(blocked) = checked {
            verdict = Verdict::Blocked { at: Step::Request, blocked };
        }
    }
    let made_up = made_up_origin(plan, endpoint);
    Ok(Findings { exchanges, verdict, standard, made_up })
}

/// The first request again from [`MADE_UP_ORIGIN`], judged by the model. A request that has no
/// preflight and may change something (a POST) is probed with a preflight instead, which has
/// no effect: servers decide the origin the same way for both.
fn made_up_origin(plan: &Plan, endpoint: &Endpoint) -> Result<MadeUp, String> {
    let other = from_origin(&plan.request, MADE_UP_ORIGIN);
    let preflight = other.needs_preflight() || !matches!(other.method(), "GET" | "HEAD");
    let (step, sent) = if preflight {
        (Step::Preflight, preflight_request(&plan.url, &other))
    } else {
        (Step::Request, actual_request(&plan.url, &other))
    };
    let response = endpoint.send(&sent)?;
    let map = response.header_map();
    let origin_granted = other.check_response(&map).is_ok();
    let granted = match step {
        Step::Preflight => other.check_preflight_under(Rules::ShippingBrowsers, response.status, &map).is_ok(),
        Step::Request => origin_granted,
    };
    Ok(MadeUp { exchange: Exchange { step, request: sent, response }, granted, origin_granted })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'r>(r: &'r RawRequest, name: &str) -> Option<&'r [u8]> {
        r.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }

    #[test]
    fn the_preflight_carries_what_the_browser_sends() {
        let url = Url::parse("https://api.example/v1/items?x=1").unwrap();
        let request = BrowserRequest::new("https://app.example", "patch")
            .header("X-Request-ID", "1")
            .header("Content-Type", "application/json")
            .header("Accept-Language", "en");
        let p = preflight_request(&url, &request);
        assert_eq!((p.method.as_str(), p.path.as_str()), ("OPTIONS", "/v1/items?x=1"));
        assert_eq!(value(&p, "origin"), Some(&b"https://app.example"[..]));
        assert_eq!(value(&p, "access-control-request-method"), Some(&b"patch"[..]));
        assert_eq!(value(&p, "access-control-request-headers"), Some(&b"content-type,x-request-id"[..]));
        assert_eq!(value(&p, "accept"), Some(&b"*/*"[..]));
        let a = actual_request(&url, &request);
        assert_eq!(a.method, "patch");
        assert_eq!(value(&a, "X-Request-ID"), Some(&b"1"[..]));
        assert!(value(&a, "access-control-request-method").is_none());
    }

    #[test]
    fn the_made_up_origin_keeps_the_fetch_but_not_the_origin() {
        let request = BrowserRequest::new("https://app.example", "PUT").header("x-a", "1").credentials(true);
        let other = from_origin(&request, MADE_UP_ORIGIN);
        assert_eq!((other.origin(), other.method()), (MADE_UP_ORIGIN, "PUT"));
        assert!(other.includes_credentials());
        assert_eq!(other.headers(), request.headers());
    }
}
