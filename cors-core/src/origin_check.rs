//! Origins decided at request time: request-aware predicates (sync) and async origin checks (a
//! lookup in a database), for origins that cannot be listed ahead of time.
//!
//! The static rules (listed origins, patterns, predicates) are tried first and cost nothing more
//! than before. Only when they refuse an origin and the policy has an async check does the adapter
//! get a [`PendingCheck`] from [`Policy::pending_check`](crate::Policy::pending_check): it owns a
//! copy of the request's CORS headers, path and `Host` (a few small allocations), and the user's
//! boxed future (one more). The adapter races it against its runtime's timer with
//! [`PendingCheck::run`], then answers from [`Checked::decide`]. The core starts no task and
//! needs no runtime: it only polls the user's future.
//!
//! A check that fails, panics or runs past [`PolicyBuilder::origin_check_timeout`] refuses the
//! origin, and the refusal (with the reason) is logged at warn level.
//!
//! [`PolicyBuilder::origin_check_timeout`]: crate::PolicyBuilder::origin_check_timeout

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderName, HeaderValue};

use crate::header_names::{
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK, HOST, ORIGIN,
};
use crate::{CorsRequest, Decision, Policy};

/// The error type of an async check.
pub type CheckError = Box<dyn Error + Send + Sync>;

type CheckFuture = Pin<Box<dyn Future<Output = Result<bool, CheckError>> + Send>>;

/// An async origin check, type-erased.
pub(crate) type AsyncCheck = Arc<dyn Fn(OriginRequest) -> CheckFuture + Send + Sync>;

/// A request-aware predicate.
pub(crate) type RequestPredicate = Arc<dyn Fn(&crate::Origin<'_>, &RequestInfo<'_>) -> bool + Send + Sync>;

pub(crate) fn erase<F, Fut, E>(check: F) -> AsyncCheck
where
    F: Fn(OriginRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<bool, E>> + Send + 'static,
    E: Into<CheckError>,
{
    Arc::new(move |request| {
        let future = check(request);
        Box::pin(async move { future.await.map_err(Into::into) })
    })
}

/// What a request-aware predicate sees of the request besides its origin: the method, the path
/// and the `Host`, never the body.
///
/// ```
/// use cors_core::Policy;
/// // Each tenant's front end may call only its own host: https://acme.app.example → acme.api.example.
/// let policy = Policy::builder()
///     .allow_origin_request_predicate(|origin, request| {
///         let tenant = origin.host().strip_suffix(".app.example");
///         let host = request.host().and_then(|h| h.strip_suffix(".api.example"));
///         origin.scheme() == "https" && tenant.is_some() && tenant == host
///     })
///     .build()?;
/// let request = http::Request::get("https://acme.api.example/data")
///     .header("host", "acme.api.example")
///     .header("origin", "https://acme.app.example")
///     .body(())
///     .unwrap();
/// assert!(policy.decide(&request).refusal().is_none());
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RequestInfo<'a> {
    method: &'a [u8],
    path: Option<&'a str>,
    host: Option<&'a [u8]>,
}

impl<'a> RequestInfo<'a> {
    pub(crate) fn of<R: CorsRequest + ?Sized>(request: &'a R) -> Self {
        let mut host = None;
        request.for_each_header(&HOST, &mut |v| {
            host.get_or_insert(v);
        });
        RequestInfo { method: request.method(), path: request.path(), host: host.or_else(|| request.authority()) }
    }

    /// The request's method, as sent (a preflight's is `OPTIONS`).
    pub fn method(&self) -> &'a str {
        std::str::from_utf8(self.method).unwrap_or("")
    }

    /// The path, without the query, when the adapter knows it.
    pub fn path(&self) -> Option<&'a str> {
        self.path
    }

    /// The `Host` header (or the HTTP/2 authority), when it is valid UTF-8.
    pub fn host(&self) -> Option<&'a str> {
        self.host.and_then(|h| std::str::from_utf8(h).ok())
    }
}

/// What an async check receives: the request's origin, method, path and `Host`, owned, so the
/// check's future can keep them across `.await`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginRequest {
    origin: String,
    method: String,
    path: Option<String>,
    host: Option<String>,
}

impl OriginRequest {
    /// The origin as the browser sent it, such as `https://acme.app.example`. Always a
    /// well-formed, canonical origin, never `null`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The origin, parsed.
    pub fn parsed_origin(&self) -> crate::Origin<'_> {
        // Only origins `Origin::parse` accepted are ever put here.
        crate::Origin::parse(self.origin.as_bytes()).unwrap_or_else(|_| unreachable!("checked before"))
    }

    /// The request's method (`OPTIONS` for a preflight).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, without the query, when the adapter knows it.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The `Host` header (or the HTTP/2 authority).
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }
}

/// How an async check ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The check allowed the origin.
    Allowed,
    /// The check refused the origin.
    Refused,
    /// The check returned an error or panicked: the origin is refused.
    Failed(String),
    /// The check did not finish within the timeout: the origin is refused.
    TimedOut(Duration),
}

impl fmt::Display for CheckOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckOutcome::Allowed => f.write_str("allowed"),
            CheckOutcome::Refused => f.write_str("refused"),
            CheckOutcome::Failed(why) => write!(f, "failed: {why}"),
            CheckOutcome::TimedOut(after) => write!(f, "did not answer within {} ms", after.as_millis()),
        }
    }
}

/// The CORS-relevant parts of a request, owned: what the decision reads once the check is done.
#[derive(Clone, Debug)]
pub(crate) struct OwnedRequest {
    method: Vec<u8>,
    path: Option<String>,
    headers: Vec<(HeaderName, Vec<u8>)>,
    origin: Option<HeaderValue>,
}

impl OwnedRequest {
    fn of<R: CorsRequest + ?Sized>(request: &R) -> Self {
        let mut headers = Vec::new();
        for name in [
            &ORIGIN,
            &ACCESS_CONTROL_REQUEST_METHOD,
            &ACCESS_CONTROL_REQUEST_HEADERS,
            &ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
            &HOST,
        ] {
            request.for_each_header(name, &mut |v| headers.push((name.clone(), v.to_vec())));
        }
        OwnedRequest {
            method: request.method().to_vec(),
            path: request.path().map(str::to_owned),
            headers,
            origin: request.origin_value(),
        }
    }
}

impl CorsRequest for OwnedRequest {
    fn method(&self) -> &[u8] {
        &self.method
    }

    fn for_each_header<'s>(&'s self, name: &HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        for (n, v) in &self.headers {
            if n == name {
                f(v);
            }
        }
    }

    fn origin_value(&self) -> Option<HeaderValue> {
        self.origin.clone()
    }

    fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

/// An async origin check to await before answering: from
/// [`Policy::pending_check`](crate::Policy::pending_check).
///
/// ```
/// # use std::time::Duration;
/// use cors_core::{Action, Policy};
/// let policy = Policy::builder()
///     .allow_origin("https://app.example.com")
///     // A lookup in the tenants' table, for instance.
///     .allow_origin_async(|request| async move {
///         Ok::<_, std::io::Error>(request.origin() == "https://acme.example")
///     })
///     .origin_check_timeout(Duration::from_millis(200))
///     .build()?;
/// let request = http::Request::get("/data").header("origin", "https://acme.example").body(()).unwrap();
/// let pending = policy.pending_check(&request).expect("not a listed origin: the check decides");
/// // An adapter passes its runtime's timer: `tokio::time::sleep(pending.timeout())`.
/// let timer = std::future::pending::<()>();
/// let checked = pollster::block_on(pending.run(timer));
/// let Action::Forward(forward) = checked.decide().into_action() else { unreachable!() };
/// let mut headers = http::HeaderMap::new();
/// forward.apply(&mut headers);
/// assert_eq!(headers["access-control-allow-origin"], "https://acme.example");
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[must_use = "a pending check does nothing until it is run and awaited"]
pub struct PendingCheck {
    policy: Policy,
    request: OwnedRequest,
    future: CheckFuture,
}

impl PendingCheck {
    pub(crate) fn new<R: CorsRequest + ?Sized>(policy: &Policy, request: &R, origin: &str, check: &AsyncCheck) -> Self {
        let info = RequestInfo::of(request);
        let asked = OriginRequest {
            origin: origin.to_owned(),
            method: info.method().to_owned(),
            path: info.path().map(str::to_owned),
            host: info.host().map(str::to_owned),
        };
        // The user's closure may panic before it returns a future: that is a failed check too.
        let future = match catch_unwind(AssertUnwindSafe(|| check(asked))) {
            Ok(future) => future,
            Err(_) => Box::pin(std::future::ready(Err::<bool, CheckError>("the origin check panicked".into()))),
        };
        PendingCheck { policy: policy.clone(), request: OwnedRequest::of(request), future }
    }

    /// How long the check may take: [`PolicyBuilder::origin_check_timeout`](crate::PolicyBuilder::origin_check_timeout).
    pub fn timeout(&self) -> Duration {
        self.policy.inner.origin_check_timeout
    }

    /// Runs the check against `timer`, a future that completes after [`timeout`](Self::timeout)
    /// (the framework's own, such as `tokio::time::sleep(pending.timeout())`): whichever finishes
    /// first decides. A check that returns an error or panics refuses the origin.
    pub fn run<T: Future<Output = ()> + Send + 'static>(self, timer: T) -> CheckRun {
        CheckRun { pending: Some(self), timer: Box::pin(timer) }
    }
}

impl fmt::Debug for PendingCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingCheck").field("request", &self.request).field("timeout", &self.timeout()).finish()
    }
}

/// The future of [`PendingCheck::run`].
#[must_use = "futures do nothing unless awaited"]
pub struct CheckRun {
    pending: Option<PendingCheck>,
    timer: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl fmt::Debug for CheckRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckRun").field("pending", &self.pending).finish_non_exhaustive()
    }
}

impl Future for CheckRun {
    type Output = Checked;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Checked> {
        let this = &mut *self;
        let Some(pending) = this.pending.as_mut() else {
            // Polled after completion: a contract violation of the caller, answered safely.
            return Poll::Pending;
        };
        let polled = catch_unwind(AssertUnwindSafe(|| pending.future.as_mut().poll(cx)));
        let outcome = match polled {
            Ok(Poll::Ready(Ok(true))) => CheckOutcome::Allowed,
            Ok(Poll::Ready(Ok(false))) => CheckOutcome::Refused,
            Ok(Poll::Ready(Err(e))) => CheckOutcome::Failed(e.to_string()),
            Err(_) => CheckOutcome::Failed("the origin check panicked".to_owned()),
            Ok(Poll::Pending) => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => CheckOutcome::TimedOut(pending.timeout()),
                Poll::Pending => return Poll::Pending,
            },
        };
        let Some(pending) = this.pending.take() else { return Poll::Pending };
        Poll::Ready(Checked { policy: pending.policy, request: pending.request, outcome })
    }
}

/// A finished check: decide the request with its outcome.
#[derive(Debug)]
pub struct Checked {
    policy: Policy,
    request: OwnedRequest,
    outcome: CheckOutcome,
}

impl Checked {
    /// How the check ended.
    pub fn outcome(&self) -> &CheckOutcome {
        &self.outcome
    }

    /// The policy's decision for the request, with the check's outcome; the same policy as when
    /// the check started, even if a reloadable policy was replaced meanwhile.
    pub fn decide(&self) -> Decision<'_> {
        self.policy.decide_checked(&self.request, &self.outcome)
    }

    /// [`decide`](Self::decide), owned, for a nesting-aware adapter: see
    /// [`Policy::decide_deferred`](crate::Policy::decide_deferred).
    pub fn decide_deferred(&self) -> crate::Deferred {
        self.policy.defer(self.decide())
    }
}
