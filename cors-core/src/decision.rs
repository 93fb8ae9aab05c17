//! What the policy decided for one request, and writing it into a response.

use http::{HeaderValue, StatusCode};

use crate::header_names::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
};
use crate::policy::{Inner, Policy};
use crate::refusal::Refusal;
use crate::request_headers::RequestedHeaders;
use crate::response::{merge_vary, remove_cors_headers, ResponseHeaders};

pub(crate) const TRUE: HeaderValue = HeaderValue::from_static("true");
pub(crate) const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("origin");
pub(crate) static ANY: HeaderValue = HeaderValue::from_static("*");

/// An answer's `Access-Control-Allow-Origin`, kept without copying what the policy holds.
#[derive(Clone, Debug)]
pub(crate) enum AllowedOrigin {
    /// `*`.
    Any,
    /// The policy's listed origin number `i`: its value, made when the policy was built.
    Listed(usize),
    /// The request's own origin (a pattern, predicate or `null` allowed it).
    Echo(HeaderValue),
}

impl AllowedOrigin {
    /// The header value, from `inner` for a listed origin.
    pub(crate) fn value<'v>(&'v self, inner: &'v Inner) -> Option<&'v HeaderValue> {
        match self {
            AllowedOrigin::Any => Some(&ANY),
            AllowedOrigin::Listed(i) => inner.origins.listed(*i),
            AllowedOrigin::Echo(value) => Some(value),
        }
    }
}

/// The policy's decision for one request: what to do, and the refusal, if any.
///
/// A refused request is still answered normally: the answer simply lacks the headers that would let
/// the browser hand the response to the page. The refusal is logged by the core at debug level.
#[derive(Debug)]
pub struct Decision<'a> {
    pub(crate) action: Action<'a>,
    pub(crate) refusal: Option<Refusal<'a>>,
}

impl<'a> Decision<'a> {
    /// Why the request was refused, if it was.
    pub fn refusal(&self) -> Option<&Refusal<'a>> {
        self.refusal.as_ref()
    }

    /// What to do.
    pub fn action(&self) -> &Action<'a> {
        &self.action
    }

    /// What to do, by value.
    pub fn into_action(self) -> Action<'a> {
        self.action
    }
}

/// What an adapter does with a request.
#[derive(Debug)]
pub enum Action<'a> {
    /// A preflight: answer it now, without calling the handler, with
    /// [`Preflight::status`] and [`Preflight::apply`] on an empty body.
    Preflight(Preflight<'a>),
    /// Call the handler, then [`Forward::apply`] to its response (error responses included).
    /// Owned, so it can be kept across the handler's `.await`.
    Forward(Forward),
}

/// How far a preflight answer goes: each stage adds the headers that passed, so a refused preflight
/// carries exactly what lets the browser name the precise reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    /// The origin is refused: only `Vary`.
    OriginRefused,
    /// The request method is malformed: origin and credentials only.
    OriginOnly,
    /// The method is refused: origin, credentials and the allowed methods.
    Methods,
    /// A header (or private network access) is refused: also the allowed headers.
    Headers,
    /// Allowed: everything, including max-age.
    All,
}

/// A preflight to answer now.
#[derive(Debug)]
pub struct Preflight<'a> {
    pub(crate) inner: &'a Inner,
    pub(crate) allow_origin: Option<AllowedOrigin>,
    pub(crate) method: &'a [u8],
    pub(crate) requested: RequestedHeaders<'a>,
    pub(crate) private_network: bool,
    pub(crate) stage: Stage,
}

impl Preflight<'_> {
    /// The status of the answer: 204 by default, 200 if the policy says so. A refused preflight
    /// gets the same ok status; its missing headers make the browser report the precise reason.
    pub fn status(&self) -> StatusCode {
        self.inner.preflight_status
    }

    /// Whether the policy allows the preflight.
    pub fn is_allowed(&self) -> bool {
        self.stage == Stage::All
    }

    /// Writes the answer's headers. Any `Access-Control-*` response header already present (say,
    /// from a handler whose response an adapter turns into the preflight answer) is removed first.
    pub fn apply<H: ResponseHeaders + ?Sized>(&self, headers: &mut H) {
        remove_cors_headers(headers);
        let echo = Echo::Request { method: self.method, requested: self.requested.lines() };
        let allow_origin = self.allow_origin.as_ref().and_then(|o| o.value(self.inner));
        write_preflight(self.inner, allow_origin, echo, self.private_network, self.stage, headers);
    }
}

/// A preflight's answer kept past the request (deferred by a nesting-aware adapter, or passed
/// through to the handler). Nothing of the request is copied, except what a policy that echoes
/// (methods or headers `*` with credentials) names in its answer.
#[derive(Debug)]
pub(crate) struct PreflightOwned {
    pub(crate) private_network: bool,
    pub(crate) stage: Stage,
    pub(crate) echoed: Option<Box<Echoed>>,
}

/// The echoed answer values, made once when the decision is kept.
#[derive(Debug)]
pub(crate) struct Echoed {
    /// `Access-Control-Allow-Methods`: the requested method (methods `*` with credentials).
    method: Option<HeaderValue>,
    /// `Access-Control-Allow-Headers`: the requested lines (headers `*` with credentials).
    headers: Vec<HeaderValue>,
}

impl PreflightOwned {
    pub(crate) fn new(
        inner: &Inner,
        method: &[u8],
        requested: &RequestedHeaders<'_>,
        private_network: bool,
        stage: Stage,
    ) -> Self {
        // Only what the answer writes, so only what passed the size checks: the method from
        // Stage::Methods on, the requested headers only when all passed.
        let echo_method = inner.echoes_method() && stage >= Stage::Methods;
        let echo_headers = inner.echoes_headers() && stage == Stage::All;
        let echoed = (echo_method || echo_headers).then(|| {
            Box::new(Echoed {
                method: echo_method.then(|| HeaderValue::from_bytes(method).ok()).flatten(),
                headers: if echo_headers { echoed_lines(requested.lines()).collect() } else { Vec::new() },
            })
        });
        PreflightOwned { private_network, stage, echoed }
    }
}

/// Where an echoing policy takes the values it names: the request, or what was kept of it.
pub(crate) enum Echo<'r> {
    Request { method: &'r [u8], requested: &'r [&'r [u8]] },
    Kept(Option<&'r Echoed>),
}

/// The requested header lines as answer values: trimmed, empty ones skipped.
fn echoed_lines<'r>(lines: &'r [&'r [u8]]) -> impl Iterator<Item = HeaderValue> + 'r {
    lines.iter().map(|l| l.trim_ascii()).filter(|l| !l.is_empty()).filter_map(|l| HeaderValue::from_bytes(l).ok())
}

/// The headers to add to the handler's response.
#[derive(Debug)]
pub struct Forward {
    pub(crate) policy: Policy,
    pub(crate) allow_origin: Option<AllowedOrigin>,
    pub(crate) preflight: Option<PreflightOwned>,
}

impl Forward {
    /// Whether the response will carry `Access-Control-Allow-Origin`.
    pub fn is_allowed(&self) -> bool {
        self.allow_origin.is_some()
    }

    /// Writes the policy's headers into the handler's response. The policy wins: whatever the
    /// handler set under an `Access-Control-Allow-*`, `-Expose-Headers` or `-Max-Age` name is
    /// removed first, so `Access-Control-Allow-Origin` is never sent twice. `Vary` is merged.
    pub fn apply<H: ResponseHeaders + ?Sized>(&self, headers: &mut H) {
        let inner = &*self.policy.inner;
        remove_cors_headers(headers);
        let allow_origin = self.allow_origin.as_ref().and_then(|o| o.value(inner));
        if let Some(p) = &self.preflight {
            let echo = Echo::Kept(p.echoed.as_deref());
            write_preflight(inner, allow_origin, echo, p.private_network, p.stage, headers);
            return;
        }
        // Vary: the answer depends on the origin unless the policy is `*` without credentials;
        // that holds for requests without Origin and refused ones too, so caches keep them apart.
        if inner.origin_dependent {
            merge_vary(headers, &["origin"], &VARY_ORIGIN);
        }
        if let Some(origin) = allow_origin {
            headers.append_value(&ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if inner.credentials {
                headers.append_value(&ACCESS_CONTROL_ALLOW_CREDENTIALS, &TRUE);
            }
            if let Some(expose) = &inner.expose {
                headers.append_value(&ACCESS_CONTROL_EXPOSE_HEADERS, expose);
            }
        }
    }
}

pub(crate) fn write_preflight<H: ResponseHeaders + ?Sized>(
    inner: &Inner,
    allow_origin: Option<&HeaderValue>,
    echo: Echo<'_>,
    private_network: bool,
    stage: Stage,
    headers: &mut H,
) {
    merge_vary(headers, inner.vary_preflight_tokens, &inner.vary_preflight);
    let Some(origin) = allow_origin.filter(|_| stage > Stage::OriginRefused) else { return };
    headers.append_value(&ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if inner.credentials {
        headers.append_value(&ACCESS_CONTROL_ALLOW_CREDENTIALS, &TRUE);
    }
    if stage == Stage::OriginOnly {
        return;
    }
    // Fetch, "CORS-preflight fetch": `*` counts as a wildcard only without credentials; with
    // credentials the requested method itself is named.
    if inner.echoes_method() {
        match &echo {
            Echo::Request { method, .. } => {
                if let Ok(v) = HeaderValue::from_bytes(method) {
                    headers.append_value(&ACCESS_CONTROL_ALLOW_METHODS, &v);
                }
            }
            Echo::Kept(kept) => {
                if let Some(v) = kept.and_then(|k| k.method.as_ref()) {
                    headers.append_value(&ACCESS_CONTROL_ALLOW_METHODS, v);
                }
            }
        }
    } else if !inner.methods.header.is_empty() {
        headers.append_value(&ACCESS_CONTROL_ALLOW_METHODS, &inner.methods.header);
    }
    if stage == Stage::Methods {
        return;
    }
    // Same rule for headers: with credentials, `*` is answered by naming the validated request headers.
    if inner.echoes_headers() {
        if stage == Stage::All {
            match echo {
                Echo::Request { requested, .. } => {
                    for v in echoed_lines(requested) {
                        headers.append_value(&ACCESS_CONTROL_ALLOW_HEADERS, &v);
                    }
                }
                Echo::Kept(kept) => {
                    for v in kept.map_or(&[][..], |k| &k.headers) {
                        headers.append_value(&ACCESS_CONTROL_ALLOW_HEADERS, v);
                    }
                }
            }
        }
    } else if let Some(allowed) = &inner.headers.header {
        headers.append_value(&ACCESS_CONTROL_ALLOW_HEADERS, allowed);
    }
    if stage == Stage::Headers {
        return;
    }
    if let Some(max_age) = &inner.max_age {
        headers.append_value(&ACCESS_CONTROL_MAX_AGE, max_age);
    }
    if private_network {
        headers.append_value(&ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, &TRUE);
    }
}
