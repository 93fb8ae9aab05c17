//! What the browser did with one `fetch()`: allowed or blocked, where, what script reads, what
//! it printed, the preflight it sent and whether it caches it.

use std::fmt;
use std::time::Duration;

use http::HeaderMap;

use super::{Blocked, Rules};

/// Where a fetch was blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `fetch()` threw before sending anything (a forbidden or invalid method).
    BeforeSending,
    /// The preflight's answer failed the CORS-preflight check; the actual request was not sent.
    Preflight,
    /// The actual response failed the CORS check: the app ran, and script cannot read its answer.
    Actual,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::BeforeSending => "before sending",
            Step::Preflight => "at the preflight",
            Step::Actual => "at the actual response",
        })
    }
}

/// The preflight the browser sent, and the status it was answered with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Preflight {
    /// The request headers, lowercase names in the order sent: `host`, `accept`, `origin`,
    /// `access-control-request-method`, and `access-control-request-headers` when the page set
    /// unsafe headers.
    pub headers: Vec<(String, String)>,
    /// The answer's status.
    pub status: u16,
}

impl Preflight {
    /// The value of one request header of the preflight.
    ///
    /// ```
    /// # use cors_core::browser::Fetch;
    /// # let mut playing = Fetch::new("https://a.example", "GET", "/").header("X-B", "1").header("x-a", "1").play().unwrap();
    /// # while let Some(_) = playing.next_request() { playing.answer(http::Response::new(Vec::new())); }
    /// # let outcome = playing.outcome().unwrap();
    /// let preflight = outcome.preflight().expect("x-a and x-b are not safelisted");
    /// assert_eq!(preflight.header("access-control-request-headers"), Some("x-a,x-b"));
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The response as script sees it: status, the headers it may read, the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReadableResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// What the browser did with one [`Fetch`](super::Fetch), judged by the Fetch standard's rules.
///
/// Where stock browsers differ from the standard (today: `*` in `Access-Control-Allow-Headers`
/// covering `authorization`, see [`Rules`]), the shipping browsers' outcome is attached:
/// [`under`](Self::under)`(Rules::ShippingBrowsers)` gives it, and `Display` mentions it. So
/// `assert!(outcome.is_allowed())` asks "does this work as the standard says", which is what
/// keeps working when browsers enforce it.
///
/// ```
/// use cors_core::browser::{Fetch, Step};
///
/// // An app that refuses every origin: no CORS headers at all.
/// let mut playing = Fetch::new("https://app.example.com", "GET", "/data").play().unwrap();
/// while let Some(_request) = playing.next_request() {
///     playing.answer(http::Response::new(b"secret".to_vec()));
/// }
/// let outcome = playing.outcome().unwrap();
/// assert!(!outcome.is_allowed());
/// assert_eq!(outcome.blocked_at(), Some(Step::Actual));
/// assert_eq!(outcome.status(), None, "script sees a TypeError, no status");
/// assert_eq!(outcome.server_status(), Some(200), "the app did answer");
/// assert_eq!(
///     outcome.console_message().unwrap(),
///     "Access to fetch at 'http://server.test/data' from origin 'https://app.example.com' has been \
///      blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
/// );
/// assert!(outcome.preflight().is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchOutcome {
    url: String,
    origin: String,
    pub(crate) preflight: Option<Preflight>,
    pub(crate) response: Result<ReadableResponse, (Step, Blocked)>,
    pub(crate) cached_for: Option<Duration>,
    pub(crate) server_status: Option<u16>,
    shipping: Option<Box<FetchOutcome>>,
}

impl FetchOutcome {
    pub(crate) fn new(url: String, origin: String) -> Self {
        FetchOutcome {
            url,
            origin,
            preflight: None,
            response: Err((Step::BeforeSending, Blocked::NoAllowOrigin { preflight: false })),
            cached_for: None,
            server_status: None,
            shipping: None,
        }
    }

    pub(crate) fn block(mut self, step: Step, blocked: Blocked) -> Self {
        self.response = Err((step, blocked));
        self
    }

    pub(crate) fn with_shipping(mut self, shipping: FetchOutcome) -> Self {
        if shipping != self {
            self.shipping = Some(Box::new(shipping));
        }
        self
    }

    /// The outcome under `rules`: this one for [`Rules::Standard`]; for
    /// [`Rules::ShippingBrowsers`], what stock Chromium, Firefox and Safari do today.
    pub fn under(&self, rules: Rules) -> &FetchOutcome {
        match (rules, &self.shipping) {
            (Rules::ShippingBrowsers, Some(shipping)) => shipping,
            _ => self,
        }
    }

    /// Whether stock browsers do something else than the standard with this fetch.
    pub fn browsers_differ(&self) -> bool {
        self.shipping.is_some()
    }

    /// Whether `fetch()` resolves: script gets the response.
    pub fn is_allowed(&self) -> bool {
        self.response.is_ok()
    }

    /// Why the browser blocked it, if it did.
    pub fn blocked(&self) -> Option<&Blocked> {
        self.response.as_ref().err().map(|(_, b)| b)
    }

    /// Where the browser blocked it, if it did.
    pub fn blocked_at(&self) -> Option<Step> {
        self.response.as_ref().err().map(|(step, _)| *step)
    }

    /// Chromium's console message for a block, word for word.
    pub fn console_message(&self) -> Option<String> {
        self.blocked().map(|b| b.console_message(&self.url, &self.origin))
    }

    /// The status script reads (`response.status`), when allowed.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().ok().map(|r| r.status)
    }

    /// What the app answered the actual request with, even when script cannot read it; `None`
    /// when the actual request was not sent.
    pub fn server_status(&self) -> Option<u16> {
        self.server_status
    }

    /// What `response.headers.get(name)` returns: the values joined with `, `, or `None` when the
    /// response lacks the header, script may not read it (not safelisted nor exposed), or the
    /// fetch was blocked.
    pub fn header(&self, name: &str) -> Option<String> {
        let response = self.response.as_ref().ok()?;
        let values: Vec<String> =
            response.headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The names of the response headers script may read, lowercase, sorted, once each.
    pub fn readable_headers(&self) -> Vec<String> {
        let Ok(response) = &self.response else { return Vec::new() };
        let mut names: Vec<String> = response.headers.keys().map(|n| n.as_str().to_owned()).collect();
        names.sort();
        names
    }

    /// The body script reads, when allowed.
    pub fn body(&self) -> Option<&[u8]> {
        self.response.as_ref().ok().map(|r| r.body.as_slice())
    }

    /// The body as text (`response.text()`, lossy UTF-8), when allowed.
    pub fn text(&self) -> Option<String> {
        self.body().map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The preflight the browser sent, if it needed one.
    pub fn preflight(&self) -> Option<&Preflight> {
        self.preflight.as_ref()
    }

    /// How long the browser caches the passed preflight (Fetch, "CORS-preflight cache", keyed by
    /// origin, URL, credentials mode and method / header names; `Access-Control-Max-Age`, 5 s
    /// without it, capped at Chromium's 7200 s). `None` when no preflight passed, or max-age is 0.
    pub fn preflight_cached_for(&self) -> Option<Duration> {
        self.cached_for
    }

    /// Whether a second identical call, within the max-age, sends a preflight again: true when a
    /// preflight was needed and not cached (refused, or max-age 0).
    pub fn preflights_again(&self) -> bool {
        self.preflight.is_some() && self.cached_for.is_none()
    }

    /// How many preflights `calls` identical calls in a row (within the max-age) send.
    ///
    /// ```
    /// # use cors_core::browser::Fetch;
    /// # let mut playing = Fetch::new("https://a.example", "PUT", "/").play().unwrap();
    /// # while let Some(_) = playing.next_request() { playing.answer(http::Response::new(Vec::new())); }
    /// # let outcome = playing.outcome().unwrap();
    /// // A refused preflight is not cached: every call sends one.
    /// assert!(!outcome.is_allowed());
    /// assert_eq!(outcome.preflights_in(3), 3);
    /// ```
    pub fn preflights_in(&self, calls: usize) -> usize {
        match (&self.preflight, self.cached_for) {
            (None, _) => 0,
            (Some(_), Some(_)) => calls.min(1),
            (Some(_), None) => calls,
        }
    }
}

impl fmt::Display for FetchOutcome {
    /// One line for an assertion message: `allowed: 200`, or `blocked at the preflight (answered
    /// 401): <console message>`, and the shipping browsers' outcome where it differs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.response {
            Ok(response) => write!(f, "allowed: {}", response.status)?,
            Err((step, _)) => {
                write!(f, "blocked {step}")?;
                let answered = match step {
                    Step::Preflight => self.preflight.as_ref().map(|p| p.status),
                    Step::Actual => self.server_status,
                    Step::BeforeSending => None,
                };
                if let Some(status) = answered {
                    write!(f, " (answered {status})")?;
                }
                write!(f, ": {}", self.console_message().unwrap_or_default())?;
            }
        }
        if let Some(shipping) = &self.shipping {
            write!(f, "; in shipping browsers: {shipping}")?;
        }
        Ok(())
    }
}
