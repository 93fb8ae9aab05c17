//! One `fetch()` call, played against a server in process: the requests the browser sends, in
//! order, and what it makes of the answers ([`FetchOutcome`]).
//!
//! Framework-free and synchronous: an adapter's test aid takes the requests from [`Playing`],
//! sends them through the app with its framework's test client, and hands the answers back.

use std::fmt;

use http::{HeaderName, HeaderValue, Method, Request, Response};

use super::outcome::{FetchOutcome, Preflight, ReadableResponse, Step};
use super::{AddressSpace, Blocked, BrowserRequest, Rules};

/// The server a [`Fetch`] goes to when [`Fetch::server`] is not given: a `.test` name (RFC 6761),
/// so never the origin of a real page. It only shows in the `Host` header and in console messages.
pub const DEFAULT_SERVER: &str = "http://server.test";

/// One `fetch()` call a page makes: the page origin, the method as the page wrote it, the URL
/// path, the headers the page sets, the credentials mode and a body.
///
/// ```
/// use cors_core::browser::Fetch;
///
/// // fetch("https://api.example.com/items/1", { method: "put", credentials: "include",
/// //       headers: { "Content-Type": "application/json" }, body: "{}" }) from https://app.example.com
/// let fetch = Fetch::new("https://app.example.com", "put", "/items/1")
///     .server("https://api.example.com")
///     .credentials(true)
///     .header("Content-Type", "application/json")
///     .body("{}");
/// assert_eq!(fetch.request().method(), "PUT"); // fetch() upper-cases put, never patch
/// assert_eq!(fetch.url(), "https://api.example.com/items/1");
/// assert!(fetch.request().needs_preflight());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    request: BrowserRequest,
    server: String,
    path: String,
    body: Vec<u8>,
}

/// Why a [`Fetch`] cannot be played: a mistake in the test, or an app that failed to answer.
/// These are not browser verdicts (a blocked fetch is a [`FetchOutcome`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchError {
    /// The page origin is not a serialized origin (`https://app.example.com`, lowercase, no path,
    /// no default port) nor `null`.
    InvalidOrigin {
        /// The value given.
        origin: String,
        /// The serialized origin it stands for, when it parses as a URL.
        did_you_mean: Option<String>,
    },
    /// The server is not an `http` or `https` origin.
    InvalidServer {
        /// The value given.
        server: String,
    },
    /// The path does not start with `/` or is not a valid URL path and query.
    InvalidPath {
        /// The value given.
        path: String,
    },
    /// The page is on the server's origin: a same-origin fetch is not CORS, nothing to judge.
    SameOrigin {
        /// The origin.
        origin: String,
    },
    /// A header the page sets has a name or value `fetch()` refuses (it throws a `TypeError`).
    InvalidHeader {
        /// The header's name.
        name: String,
    },
    /// The app did not answer: its service returned an error, or the framework cannot send the
    /// request at all.
    App {
        /// What went wrong, in the adapter's words.
        message: String,
    },
}

impl FetchError {
    /// An app or framework failure, from the adapter.
    ///
    /// ```
    /// let e = cors_core::browser::FetchError::app("the service failed");
    /// assert_eq!(e.to_string(), "the app did not answer: the service failed");
    /// ```
    pub fn app(message: impl fmt::Display) -> Self {
        FetchError::App { message: message.to_string() }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::InvalidOrigin { origin, did_you_mean: Some(good) } => {
                write!(f, "the page origin {origin:?} is not a serialized origin; did you mean {good:?}?")
            }
            FetchError::InvalidOrigin { origin, did_you_mean: None } => {
                write!(f, "the page origin {origin:?} is not a serialized origin such as \"https://app.example.com\"")
            }
            FetchError::InvalidServer { server } => {
                write!(f, "the server {server:?} is not an http(s) origin such as \"https://api.example.com\"")
            }
            FetchError::InvalidPath { path } => {
                write!(f, "the path {path:?} is not a URL path starting with / (and an optional ?query)")
            }
            FetchError::SameOrigin { origin } => {
                write!(f, "the page and the server are both {origin}: a same-origin fetch is not CORS")
            }
            FetchError::InvalidHeader { name } => {
                write!(f, "fetch() refuses the header {name:?}: its name or value is not valid in HTTP")
            }
            FetchError::App { message } => write!(f, "the app did not answer: {message}"),
        }
    }
}

impl std::error::Error for FetchError {}

impl Fetch {
    /// `fetch(DEFAULT_SERVER + path, { method })` from the page origin `origin`. The method is
    /// normalized as `fetch()` does (Fetch, "normalize a method"): `put` becomes `PUT`, `patch`
    /// stays `patch`. The credentials mode is `omit` until [`credentials`](Self::credentials).
    pub fn new(origin: impl Into<String>, method: &str, path: impl Into<String>) -> Self {
        Fetch {
            request: BrowserRequest::new(origin, method),
            server: DEFAULT_SERVER.to_owned(),
            path: path.into(),
            body: Vec::new(),
        }
    }

    /// The server's origin (`https://api.example.com`), for the `Host` header and the console
    /// message; [`DEFAULT_SERVER`] otherwise.
    pub fn server(mut self, origin: impl Into<String>) -> Self {
        self.server = origin.into();
        self
    }

    /// A header the page sets; a forbidden request-header is dropped, as `fetch()` does (see
    /// [`BrowserRequest::header`]).
    pub fn header(mut self, name: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    /// `credentials: 'include'` (true) or `'omit'` (false, the default here). The aid sends no
    /// cookies: a page cannot set the `cookie` header, and there is no cookie jar.
    pub fn credentials(mut self, include: bool) -> Self {
        self.request = self.request.credentials(include);
        self
    }

    /// The request body (ignored for `GET` and `HEAD`, as `fetch()` refuses one there).
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// A request to a more private address space (Private Network Access); see
    /// [`BrowserRequest::private_network`].
    pub fn private_network(mut self, target: AddressSpace) -> Self {
        self.request = self.request.private_network(target);
        self
    }

    /// The request as the browser model sees it.
    pub fn request(&self) -> &BrowserRequest {
        &self.request
    }

    /// The path (and query) the request goes to.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The URL, as the console message shows it.
    pub fn url(&self) -> String {
        format!("{}{}", self.server.trim_end_matches('/'), self.path)
    }

    /// Checks the description and starts playing it: the browser's requests come from
    /// [`Playing::next_request`].
    ///
    /// ```
    /// use cors_core::browser::{Fetch, FetchError};
    /// let bad = Fetch::new("https://App.example.com/", "GET", "/data").play().unwrap_err();
    /// assert_eq!(bad, FetchError::InvalidOrigin {
    ///     origin: "https://App.example.com/".into(),
    ///     did_you_mean: Some("https://app.example.com".into()),
    /// });
    /// ```
    pub fn play(&self) -> Result<Playing, FetchError> {
        self.check_origins()?;
        if !self.path.starts_with('/')
            || self.path.contains('#')
            || self.path.parse::<http::uri::PathAndQuery>().is_err()
        {
            return Err(FetchError::InvalidPath { path: self.path.clone() });
        }
        for (name, value) in self.request.headers() {
            if HeaderName::from_bytes(name.as_bytes()).is_err() || HeaderValue::from_bytes(value).is_err() {
                return Err(FetchError::InvalidHeader { name: name.clone() });
            }
        }
        // fetch() throws before sending anything for a forbidden or invalid method.
        if let Some(error) = self.request.method_error() {
            return Ok(Playing::new(self.clone(), None, None, Some(error)));
        }
        let preflight = if self.request.needs_preflight() { Some(self.preflight_request()?) } else { None };
        let actual = self.actual_request()?;
        Ok(Playing::new(self.clone(), preflight, Some(actual), None))
    }

    fn check_origins(&self) -> Result<(), FetchError> {
        let origin = self.request.origin();
        if origin != "null" {
            let parsed = url::Url::parse(origin).ok().map(|u| u.origin().ascii_serialization());
            match parsed {
                Some(good) if good == origin => {}
                Some(good) if good != "null" => {
                    return Err(FetchError::InvalidOrigin { origin: origin.to_owned(), did_you_mean: Some(good) })
                }
                _ => return Err(FetchError::InvalidOrigin { origin: origin.to_owned(), did_you_mean: None }),
            }
        }
        let server = url::Url::parse(&self.server)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.path() == "/" && u.query().is_none());
        let Some(server) = server else { return Err(FetchError::InvalidServer { server: self.server.clone() }) };
        if server.origin().ascii_serialization() == origin {
            return Err(FetchError::SameOrigin { origin: origin.to_owned() });
        }
        Ok(())
    }

    fn host(&self) -> String {
        url::Url::parse(&self.server)
            .ok()
            .and_then(|u| u.host_str().map(|h| u.port().map_or_else(|| h.to_owned(), |p| format!("{h}:{p}"))))
            .unwrap_or_default()
    }

    fn method(&self) -> Result<Method, FetchError> {
        Method::from_bytes(self.request.method().as_bytes())
            .map_err(|_| FetchError::app(format!("{:?} is not an HTTP method", self.request.method())))
    }

    /// Fetch, "CORS-preflight fetch", steps 1–5: `OPTIONS` to the same URL with `Accept: */*`,
    /// `Origin`, `Access-Control-Request-Method` and the sorted lowercase
    /// `Access-Control-Request-Headers`; no page headers, no credentials, no body.
    fn preflight_request(&self) -> Result<Request<Vec<u8>>, FetchError> {
        let mut builder = Request::builder().method(Method::OPTIONS).uri(&self.path).header("host", self.host());
        builder = builder.header("accept", "*/*");
        for (name, value) in self.request.preflight_headers() {
            builder = builder.header(name, value);
        }
        builder.body(Vec::new()).map_err(|e| FetchError::app(format!("the preflight request does not build: {e}")))
    }

    /// The actual request, with the headers of [`BrowserRequest::request_headers`].
    fn actual_request(&self) -> Result<Request<Vec<u8>>, FetchError> {
        let method = self.method()?;
        let mut builder = Request::builder().method(method.clone()).uri(&self.path).header("host", self.host());
        for (name, value) in self.request.request_headers() {
            builder = builder.header(name, value);
        }
        let body = if matches!(method, Method::GET | Method::HEAD) { Vec::new() } else { self.body.clone() };
        builder.body(body).map_err(|e| FetchError::app(format!("the request does not build: {e}")))
    }
}

/// A [`Fetch`] being played: hands out the requests the browser sends, in order, takes the app's
/// answers, and gives the [`FetchOutcome`].
///
/// An adapter's test aid drives it; with a plain function standing in for the app:
///
/// ```
/// use cors_core::browser::Fetch;
///
/// let app = |request: http::Request<Vec<u8>>| {
///     let mut response = http::Response::new(b"ok".to_vec());
///     if let Some(origin) = request.headers().get("origin").cloned() {
///         response.headers_mut().insert("access-control-allow-origin", origin);
///         response.headers_mut().insert("access-control-allow-methods", "PUT".parse().unwrap());
///     }
///     response
/// };
/// let mut playing = Fetch::new("https://app.example.com", "PUT", "/data").play().unwrap();
/// let mut methods = Vec::new();
/// while let Some(request) = playing.next_request() {
///     methods.push(request.method().to_string());
///     playing.answer(app(request));
/// }
/// assert_eq!(methods, ["OPTIONS", "PUT"]);
/// let outcome = playing.outcome().unwrap();
/// assert!(outcome.is_allowed(), "{outcome}");
/// assert_eq!(outcome.text().as_deref(), Some("ok"));
/// ```
#[derive(Debug)]
pub struct Playing {
    fetch: Fetch,
    preflight: Option<Request<Vec<u8>>>,
    actual: Option<Request<Vec<u8>>>,
    type_error: Option<Blocked>,
    preflight_answer: Option<Response<Vec<u8>>>,
    actual_answer: Option<Response<Vec<u8>>>,
}

impl Playing {
    fn new(
        fetch: Fetch,
        preflight: Option<Request<Vec<u8>>>,
        actual: Option<Request<Vec<u8>>>,
        type_error: Option<Blocked>,
    ) -> Self {
        Playing { fetch, preflight, actual, type_error, preflight_answer: None, actual_answer: None }
    }

    /// The next request the browser sends, or `None` when it is done: the preflight first, if
    /// one is needed; then the actual request if the preflight passed (under the standard's
    /// rules or the shipping browsers', so both verdicts are known).
    pub fn next_request(&self) -> Option<Request<Vec<u8>>> {
        if let Some(preflight) = &self.preflight {
            let Some(answer) = &self.preflight_answer else { return Some(clone_request(preflight)) };
            if !Rules::ALL.iter().any(|&rules| self.check_preflight(rules, answer).is_ok()) {
                return None;
            }
        }
        match (&self.actual, &self.actual_answer) {
            (Some(actual), None) => Some(clone_request(actual)),
            _ => None,
        }
    }

    /// The app's answer to the request [`next_request`](Self::next_request) gave last.
    pub fn answer(&mut self, mut response: Response<Vec<u8>>) {
        if self.preflight.is_some() && self.preflight_answer.is_none() {
            self.preflight_answer = Some(response);
        } else if self.actual_answer.is_none() {
            // On the wire a HEAD answer has no body, whatever the handler wrote.
            if self.fetch.request.method() == "HEAD" {
                response.body_mut().clear();
            }
            self.actual_answer = Some(response);
        }
    }

    fn check_preflight(&self, rules: Rules, answer: &Response<Vec<u8>>) -> Result<super::PreflightPassed, Blocked> {
        self.fetch.request.check_preflight_under(rules, answer.status().as_u16(), answer.headers())
    }

    /// What the browser makes of the answers, under the standard's rules, with the shipping
    /// browsers' verdict attached where it differs. An error if a request the browser sends got
    /// no [`answer`](Self::answer).
    pub fn outcome(&self) -> Result<FetchOutcome, FetchError> {
        let standard = self.outcome_under(Rules::Standard)?;
        let shipping = self.outcome_under(Rules::ShippingBrowsers)?;
        Ok(standard.with_shipping(shipping))
    }

    fn outcome_under(&self, rules: Rules) -> Result<FetchOutcome, FetchError> {
        let url = self.fetch.url();
        let origin = self.fetch.request.origin().to_owned();
        let mut outcome = FetchOutcome::new(url, origin);
        if let Some(error) = &self.type_error {
            return Ok(outcome.block(Step::BeforeSending, error.clone()));
        }
        if let (Some(request), Some(answer)) = (&self.preflight, &self.preflight_answer) {
            outcome.preflight = Some(Preflight {
                headers: request
                    .headers()
                    .iter()
                    .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect(),
                status: answer.status().as_u16(),
            });
            match self.check_preflight(rules, answer) {
                Ok(passed) => outcome.cached_for = Some(passed.max_age).filter(|d| !d.is_zero()),
                Err(blocked) => return Ok(outcome.block(Step::Preflight, blocked)),
            }
        } else if self.preflight.is_some() {
            return Err(FetchError::app("the preflight got no answer"));
        }
        let Some(answer) = &self.actual_answer else { return Err(FetchError::app("the request got no answer")) };
        outcome.server_status = Some(answer.status().as_u16());
        match self.fetch.request.check_response(answer.headers()) {
            Err(blocked) => Ok(outcome.block(Step::Actual, blocked)),
            Ok(readable) => {
                let mut headers = http::HeaderMap::new();
                for (name, value) in answer.headers() {
                    if readable.can_read_header(name.as_str()) {
                        headers.append(name, value.clone());
                    }
                }
                outcome.response =
                    Ok(ReadableResponse { status: answer.status().as_u16(), headers, body: answer.body().clone() });
                Ok(outcome)
            }
        }
    }
}

fn clone_request(request: &Request<Vec<u8>>) -> Request<Vec<u8>> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A server that answers every request with the same headers and status.
    fn play(fetch: &Fetch, status: u16, headers: &[(&'static str, &'static str)]) -> (Vec<String>, FetchOutcome) {
        let mut playing = fetch.play().unwrap();
        let mut sent = Vec::new();
        while let Some(request) = playing.next_request() {
            sent.push(request.method().to_string());
            let mut response = Response::new(b"body".to_vec());
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
            for (n, v) in headers {
                response.headers_mut().append(*n, HeaderValue::from_static(v));
            }
            playing.answer(response);
        }
        (sent, playing.outcome().unwrap())
    }

    const ORIGIN: &str = "https://app.example.com";

    #[test]
    fn the_preflight_is_what_the_browser_sends() {
        let fetch = Fetch::new(ORIGIN, "patch", "/items/1?x=1")
            .server("https://api.example.com:8443")
            .header("X-B", "1")
            .header("Content-Type", "application/json")
            .header("cookie", "dropped=1");
        let playing = fetch.play().unwrap();
        let preflight = playing.next_request().unwrap();
        assert_eq!(preflight.method(), "OPTIONS");
        assert_eq!(preflight.uri(), "/items/1?x=1");
        let h = preflight.headers();
        assert_eq!(h["host"], "api.example.com:8443");
        assert_eq!(h["origin"], ORIGIN);
        assert_eq!(h["access-control-request-method"], "patch");
        assert_eq!(h["access-control-request-headers"], "content-type,x-b");
        assert!(h.get("x-b").is_none() && h.get("cookie").is_none());
    }

    #[test]
    fn a_failed_preflight_sends_no_actual_request_and_is_not_cached() {
        let fetch = Fetch::new(ORIGIN, "patch", "/data");
        let (sent, outcome) =
            play(&fetch, 204, &[("access-control-allow-origin", ORIGIN), ("access-control-allow-methods", "PATCH")]);
        assert_eq!(sent, ["OPTIONS"]);
        assert_eq!(outcome.blocked_at(), Some(Step::Preflight));
        assert_eq!(outcome.blocked(), Some(&Blocked::MethodNotAllowed { method: "patch".into() }));
        assert_eq!(outcome.server_status(), None);
        assert!(outcome.preflights_again());
        assert_eq!(outcome.preflights_in(2), 2);
        assert!(outcome.to_string().starts_with("blocked at the preflight (answered 204): Access to fetch at"));
    }

    #[test]
    fn an_allowed_fetch_reads_safelisted_and_exposed_headers_only() {
        let fetch = Fetch::new(ORIGIN, "PUT", "/data").credentials(true).body("{}");
        let (sent, outcome) = play(
            &fetch,
            200,
            &[
                ("access-control-allow-origin", ORIGIN),
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-methods", "PUT"),
                ("access-control-max-age", "600"),
                ("access-control-expose-headers", "x-total-count"),
                ("x-total-count", "42"),
                ("x-secret", "1"),
                ("content-type", "text/plain"),
                ("set-cookie", "a=1"),
            ],
        );
        assert_eq!(sent, ["OPTIONS", "PUT"]);
        assert!(outcome.is_allowed(), "{outcome}");
        assert_eq!(outcome.status(), Some(200));
        assert_eq!(outcome.header("x-total-count").as_deref(), Some("42"));
        assert_eq!(outcome.header("X-Total-Count").as_deref(), Some("42"));
        assert_eq!(outcome.header("x-secret"), None);
        assert_eq!(outcome.header("set-cookie"), None);
        assert_eq!(outcome.readable_headers(), ["content-type", "x-total-count"]);
        assert_eq!(outcome.text().as_deref(), Some("body"));
        assert_eq!(outcome.preflight_cached_for(), Some(Duration::from_secs(600)));
        assert_eq!(outcome.preflights_in(3), 1);
        assert!(!outcome.browsers_differ());
    }

    #[test]
    fn a_simple_request_is_not_preflighted_and_head_has_no_body() {
        let fetch = Fetch::new(ORIGIN, "head", "/data");
        let (sent, outcome) = play(&fetch, 200, &[("access-control-allow-origin", "*")]);
        assert_eq!(sent, ["HEAD"]);
        assert!(outcome.preflight().is_none());
        assert_eq!(outcome.preflights_in(5), 0);
        assert_eq!(outcome.body(), Some(&b""[..]));
    }

    #[test]
    fn shipping_browsers_differ_on_authorization_under_a_wildcard() {
        let fetch = Fetch::new(ORIGIN, "GET", "/data").header("Authorization", "Bearer x");
        let (sent, outcome) =
            play(&fetch, 200, &[("access-control-allow-origin", "*"), ("access-control-allow-headers", "*")]);
        // The actual request is sent: the shipping browsers' preflight passed.
        assert_eq!(sent, ["OPTIONS", "GET"]);
        assert_eq!(outcome.blocked(), Some(&Blocked::HeaderNotAllowed { header: "authorization".into() }));
        assert!(outcome.browsers_differ());
        let shipping = outcome.under(Rules::ShippingBrowsers);
        assert!(shipping.is_allowed());
        assert_eq!(shipping.preflights_in(2), 1);
        assert_eq!(outcome.under(Rules::Standard), &outcome);
        assert!(outcome.to_string().contains("; in shipping browsers: allowed: 200"), "{outcome}");
    }

    #[test]
    fn fetch_throws_for_a_forbidden_method() {
        let (sent, outcome) = play(&Fetch::new(ORIGIN, "trace", "/"), 200, &[]);
        assert!(sent.is_empty());
        assert_eq!(outcome.blocked_at(), Some(Step::BeforeSending));
        assert!(outcome.console_message().unwrap().starts_with("Uncaught (in promise) TypeError"));
    }

    #[test]
    fn mistakes_in_the_test_are_errors() {
        let err = |f: Fetch| f.play().unwrap_err();
        assert!(matches!(
            err(Fetch::new("app.example.com", "GET", "/")),
            FetchError::InvalidOrigin { did_you_mean: None, .. }
        ));
        assert!(matches!(err(Fetch::new(ORIGIN, "GET", "data")), FetchError::InvalidPath { .. }));
        assert!(matches!(err(Fetch::new(ORIGIN, "GET", "/a b")), FetchError::InvalidPath { .. }));
        assert!(matches!(err(Fetch::new(ORIGIN, "GET", "/").server("ftp://x")), FetchError::InvalidServer { .. }));
        assert!(matches!(err(Fetch::new(ORIGIN, "GET", "/").server("https://a/b")), FetchError::InvalidServer { .. }));
        assert_eq!(
            err(Fetch::new(ORIGIN, "GET", "/").server(ORIGIN)),
            FetchError::SameOrigin { origin: ORIGIN.into() }
        );
        assert!(matches!(
            err(Fetch::new(ORIGIN, "GET", "/").header("bad name", "1")),
            FetchError::InvalidHeader { .. }
        ));
        assert!(matches!(err(Fetch::new(ORIGIN, "GET", "/").header("x-a", "a\nb")), FetchError::InvalidHeader { .. }));
        assert!(Fetch::new("null", "GET", "/").play().is_ok());
        let unanswered = Fetch::new(ORIGIN, "GET", "/").play().unwrap();
        assert_eq!(unanswered.outcome().unwrap_err(), FetchError::app("the request got no answer"));
    }
}
