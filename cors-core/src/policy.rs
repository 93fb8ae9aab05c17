//! A built policy: immutable, shared, every response header value precomputed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue, StatusCode};

use crate::allow_methods::{AllowMethods, MAX_REQUEST_METHOD_LEN};
use crate::allow_origin::{AllowOrigin, OriginMatch};
use crate::decision::{Action, AllowedOrigin, Decision, Forward, Preflight, PreflightOwned, Stage, TRUE, VARY_ORIGIN};
use crate::error::Problem;
use crate::header_names::{
    is_token, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    ORIGIN,
};
use crate::origin_check::{CheckOutcome, PendingCheck, RequestInfo};
use crate::refusal::{Refusal, Shown};
use crate::request::CorsRequest;
use crate::request_headers::{AllowHeaders, HeadersVerdict, RequestedHeaders};
use crate::PolicyBuilder;

/// A CORS policy, checked and ready: immutable, `Send + Sync`, and cheap to clone (the
/// configuration is shared). Build one with [`Policy::builder`] or from a
/// [`PolicyConfig`](crate::PolicyConfig).
///
/// ```
/// use std::time::Duration;
/// use cors_core::Policy;
///
/// let policy = Policy::builder()
///     .allow_origins(["https://app.example.com", "https://*.example.org"])
///     .allow_methods(["GET", "POST", "PUT"])
///     .allow_headers(["content-type", "authorization"])
///     .expose_headers(["x-total-count"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Policy {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) origins: AllowOrigin,
    pub(crate) methods: AllowMethods,
    pub(crate) headers: AllowHeaders,
    pub(crate) expose: Option<HeaderValue>,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<HeaderValue>,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: StatusCode,
    pub(crate) passthrough: bool,
    /// How long an async origin check may take.
    pub(crate) origin_check_timeout: Duration,
    /// `Vary` of a preflight answer.
    pub(crate) vary_preflight: HeaderValue,
    pub(crate) vary_preflight_tokens: &'static [&'static str],
    /// Whether answers depend on the origin: false only for `*` without credentials.
    pub(crate) origin_dependent: bool,
    /// An allowed preflight's answers, to copy.
    pub(crate) preflight_answers: Option<crate::preflight_answer::PreflightAnswers>,
    pub(crate) warnings: Vec<Problem>,
}

const WILDCARD: HeaderValue = HeaderValue::from_static("*");

impl Inner {
    /// Fetch, "CORS-preflight fetch": with credentials `*` is no wildcard, so a policy allowing any
    /// method names the requested one in `Access-Control-Allow-Methods`.
    pub(crate) fn echoes_method(&self) -> bool {
        self.methods.any && self.credentials
    }

    /// The same rule for headers: with credentials, `*` is answered by naming the requested ones.
    pub(crate) fn echoes_headers(&self) -> bool {
        self.headers.any && self.credentials
    }
}

/// What a preflight reads, in [`CorsRequest::for_each_header_of`]'s order.
static PREFLIGHT_HEADERS: [&HeaderName; 4] =
    [&ORIGIN, &ACCESS_CONTROL_REQUEST_METHOD, &ACCESS_CONTROL_REQUEST_HEADERS, &ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK];

impl Policy {
    /// Starts a policy. Nothing is allowed until origins are added.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    /// A starting point for developing against front ends on this machine: any port of
    /// `http://localhost`, `http://127.0.0.1` and `http://[::1]`, with credentials; the default
    /// methods (GET, HEAD, POST) and no extra headers until you add them. A named choice, never a
    /// default: a loopback origin is only ever the developer's own machine, but do not ship it to
    /// production, where any local program could then call the API with the user's cookies.
    ///
    /// ```
    /// let policy = cors_core::Policy::local_development()
    ///     .allow_methods(["GET", "POST", "PUT", "DELETE"])
    ///     .allow_headers(["content-type", "authorization"])
    ///     .build()?;
    /// for origin in ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080"] {
    ///     let request = http::Request::get("/").header("origin", origin).body(()).unwrap();
    ///     assert!(policy.decide(&request).refusal().is_none(), "{origin}");
    /// }
    /// let request = http::Request::get("/").header("origin", "https://example.com").body(()).unwrap();
    /// assert!(policy.decide(&request).refusal().is_some());
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn local_development() -> PolicyBuilder {
        PolicyBuilder::default()
            .allow_origins(["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"])
            .allow_credentials(true)
    }

    /// Every header value this policy writes whatever the request: `true`, `*`, `origin`, the
    /// preflight's `Vary`, the lists of methods, headers and exposed headers, the max-age. An
    /// adapter for a framework with its own header value type converts these once, when it is
    /// set up, rather than on every response. Values taken from the request (an echoed origin,
    /// echoed request headers) are not among them.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder()
    ///     .allow_origin("https://app.example.com")
    ///     .allow_methods(["GET", "PUT"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// let values = policy.fixed_header_values();
    /// assert!(values.iter().any(|v| v == "true"));
    /// assert!(values.iter().any(|v| v == "GET, PUT"));
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn fixed_header_values(&self) -> Vec<HeaderValue> {
        let inner = &*self.inner;
        let mut values = vec![TRUE, WILDCARD, VARY_ORIGIN, inner.vary_preflight.clone(), inner.methods.header.clone()];
        values.extend([&inner.headers.header, &inner.expose, &inner.max_age].into_iter().flatten().cloned());
        values
    }

    /// Non-fatal findings of [`PolicyBuilder::build`], such as duplicate entries. They are also
    /// logged through `tracing` at warn level when the policy is built.
    pub fn warnings(&self) -> &[Problem] {
        &self.inner.warnings
    }

    /// Whether the policy allows credentials.
    pub fn allows_credentials(&self) -> bool {
        self.inner.credentials
    }

    /// Decides what to do with a request. Linear in the size of the CORS headers, and allocation
    /// free for `http::Request` with up to ten requested headers.
    ///
    /// Fetch, "CORS-preflight request": a preflight is an `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`; an `OPTIONS` without the latter is an ordinary request.
    ///
    /// ```
    /// use cors_core::{Action, Policy};
    /// let policy = Policy::builder().allow_origin("https://app.example.com").allow_methods(["PUT"]).build().unwrap();
    /// let preflight = http::Request::options("/data")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(())
    ///     .unwrap();
    /// match policy.decide(&preflight).into_action() {
    ///     Action::Preflight(answer) => {
    ///         let mut response = http::Response::new(());
    ///         *response.status_mut() = answer.status();
    ///         answer.apply(response.headers_mut());
    ///         assert_eq!(response.status(), 204);
    ///         assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example.com");
    ///         assert_eq!(response.headers()["access-control-allow-methods"], "PUT");
    ///     }
    ///     Action::Forward(_) => unreachable!("an OPTIONS with Origin and Access-Control-Request-Method is a preflight"),
    /// }
    /// ```
    ///
    /// With an async origin check ([`PolicyBuilder::allow_origin_async`]), call
    /// [`pending_check`](Self::pending_check) first: `decide` alone never waits, so an origin only
    /// the check could allow is refused.
    pub fn decide<'a, R: CorsRequest + ?Sized>(&'a self, request: &'a R) -> Decision<'a> {
        self.decide_inner(request, None)
    }

    /// Whether the policy has an async origin check ([`PolicyBuilder::allow_origin_async`]):
    /// without one, [`pending_check`](Self::pending_check) never returns a check.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build()?;
    /// assert!(!policy.has_async_origin_check());
    /// let tenants = cors_core::Policy::builder()
    ///     .allow_origin_async(|request| async move { Ok::<_, std::io::Error>(request.origin() == "https://acme.example") })
    ///     .build()?;
    /// assert!(tenants.has_async_origin_check());
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn has_async_origin_check(&self) -> bool {
        self.inner.origins.async_check.is_some()
    }

    /// The async origin check this request waits for, if any: only when the policy has one
    /// ([`PolicyBuilder::allow_origin_async`]) and nothing else allows the request's origin.
    /// Without an async check this is one branch, and the static path stays allocation free.
    ///
    /// Adapters run it with their runtime's timer, then answer from
    /// [`Checked::decide`](crate::Checked::decide); see [`PendingCheck`].
    pub fn pending_check<R: CorsRequest + ?Sized>(&self, request: &R) -> Option<PendingCheck> {
        let check = self.inner.origins.async_check.as_ref()?;
        let (origin, more) = request.first_header(&ORIGIN)?;
        if more {
            return None;
        }
        let info = || RequestInfo::of(request);
        let origin = self.inner.origins.needs_async_check(origin, &info)?;
        Some(PendingCheck::new(self, request, origin, check))
    }

    /// The decision once the async check ran: [`Checked::decide`](crate::Checked::decide) calls it.
    pub(crate) fn decide_checked<'a, R: CorsRequest + ?Sized>(
        &'a self,
        request: &'a R,
        outcome: &'a CheckOutcome,
    ) -> Decision<'a> {
        self.decide_inner(request, Some(outcome))
    }

    // Inlined into each caller, so the decision is built where the caller keeps it (a move of the
    // whole `Decision` was a seventh of an actual request's instructions).
    #[inline(always)]
    fn decide_inner<'a, R: CorsRequest + ?Sized>(
        &'a self,
        request: &'a R,
        checked: Option<&'a CheckOutcome>,
    ) -> Decision<'a> {
        if request.method() == b"OPTIONS" {
            return self.decide_options(request, checked);
        }
        let (origin, origins) = match request.first_header(&ORIGIN) {
            Some((value, more)) => (Some(value), 1 + usize::from(more)),
            None => (None, 0),
        };
        let (allow_origin, refusal) = self.answer_origin(request, origin, origins, checked);
        self.forward(request, allow_origin, refusal)
    }

    /// An ordinary request's decision. The refusal is logged before the decision is built, so
    /// that it is built in its caller's place.
    #[inline(always)]
    fn forward<'a, R: CorsRequest + ?Sized>(
        &'a self,
        request: &R,
        allow_origin: Option<AllowedOrigin>,
        refusal: Option<Refusal<'a>>,
    ) -> Decision<'a> {
        if let Some(refusal) = &refusal {
            log_refusal(request.method(), refusal);
        }
        let forward = Forward { policy: self.clone(), allow_origin, preflight: None };
        Decision { action: Action::Forward(forward), refusal }
    }

    /// Fetch, "CORS check": the answer is `*`, or the request's origin byte for byte.
    #[inline(always)]
    fn answer_origin<'a, R: CorsRequest + ?Sized>(
        &'a self,
        request: &'a R,
        origin: Option<&'a [u8]>,
        origins: usize,
        checked: Option<&'a CheckOutcome>,
    ) -> (Option<AllowedOrigin>, Option<Refusal<'a>>) {
        let inner = &*self.inner;
        match origin {
            None => (inner.origins.any.then_some(AllowedOrigin::Any), None),
            Some(_) if inner.origins.any => (Some(AllowedOrigin::Any), None),
            Some(_) if origins > 1 => (None, Some(Refusal::MultipleOrigins)),
            Some(value) => match inner.origins.check(value, &|| RequestInfo::of(request), checked) {
                OriginMatch::Any => (Some(AllowedOrigin::Any), None),
                OriginMatch::Listed(i) => (Some(AllowedOrigin::Listed(i)), None),
                OriginMatch::Echo => (request.origin_value().map(AllowedOrigin::Echo), None),
                OriginMatch::Refused => {
                    (None, Some(Refusal::OriginNotAllowed { origin: Shown(value), allowed: &inner.origins.display }))
                }
                OriginMatch::Insecure => (None, Some(Refusal::InsecureOriginWithCredentials { origin: Shown(value) })),
                OriginMatch::CheckFailed(outcome) => {
                    (None, Some(Refusal::OriginCheckFailed { origin: Shown(value), outcome }))
                }
                OriginMatch::Malformed(why) => (None, Some(Refusal::MalformedOrigin { origin: Shown(value), why })),
            },
        }
    }

    /// An `OPTIONS`: a preflight if it has `Origin` and `Access-Control-Request-Method`, else an
    /// ordinary request. Out of line, so that an actual request's decision stays small.
    #[inline(never)]
    fn decide_options<'a, R: CorsRequest + ?Sized>(
        &'a self,
        request: &'a R,
        checked: Option<&'a CheckOutcome>,
    ) -> Decision<'a> {
        let mut origin: Option<&'a [u8]> = None;
        let mut origins = 0usize;
        let mut acrm: Option<&'a [u8]> = None;
        let mut acrm_count = 0usize;
        let mut requested = RequestedHeaders::new();
        let mut private_network = false;
        // Its four headers in one pass where the request type allows.
        request.for_each_header_of(&PREFLIGHT_HEADERS, &mut |i, v| match i {
            0 => {
                origins += 1;
                origin.get_or_insert(v);
            }
            1 => {
                acrm_count += 1;
                acrm.get_or_insert(v);
            }
            2 => requested.push(v),
            _ => private_network |= v == b"true",
        });
        let (allow_origin, refusal) = self.answer_origin(request, origin, origins, checked);
        // An OPTIONS without Origin is an ordinary request.
        let Some(method) = acrm.filter(|_| origins > 0) else {
            return self.forward(request, allow_origin, refusal);
        };
        let inner = &*self.inner;
        let (stage, refusal) = if refusal.is_some() {
            (Stage::OriginRefused, refusal)
        } else if acrm_count != 1 || method.len() > MAX_REQUEST_METHOD_LEN || !is_token(method) {
            (Stage::OriginOnly, Some(Refusal::MalformedRequestMethod))
        } else if !inner.methods.allows(method) {
            // Fetch, "CORS-preflight fetch": the method must be listed byte for byte.
            let refusal = Refusal::MethodNotAllowed {
                method: Shown(method),
                allowed: &inner.methods.display,
                other_case: inner.methods.lists_in_other_case(method),
            };
            (Stage::Methods, Some(refusal))
        } else {
            // Fetch, "CORS-preflight fetch": every requested name listed, or covered by `*`; the
            // list's size is checked first.
            match inner.headers.check(&requested) {
                HeadersVerdict::Malformed(e) => (Stage::Methods, Some(Refusal::MalformedRequestHeaders(e))),
                HeadersVerdict::Refused(header) => {
                    let browsers_differ = inner.headers.any
                        && !inner.credentials
                        && header.trim_ascii().eq_ignore_ascii_case(b"authorization");
                    let allowed = &inner.headers.display;
                    (
                        Stage::Headers,
                        Some(Refusal::HeaderNotAllowed { header: Shown(header), allowed, browsers_differ }),
                    )
                }
                HeadersVerdict::Allowed if private_network && !inner.private_network => {
                    (Stage::Headers, Some(Refusal::PrivateNetworkNotAllowed))
                }
                HeadersVerdict::Allowed => (Stage::All, None),
            }
        };
        if let Some(refusal) = &refusal {
            log_refusal(b"OPTIONS", refusal);
        }
        let private_network = private_network && inner.private_network;
        if inner.passthrough {
            // Kept past the request: nothing of it is copied unless the answer echoes it.
            let owned = PreflightOwned::new(inner, method, &requested, private_network, stage);
            let forward = Forward { policy: self.clone(), allow_origin, preflight: Some(owned) };
            return Decision { action: Action::Forward(forward), refusal };
        }
        let preflight = Preflight { inner, allow_origin, method, requested, private_network, stage };
        Decision { action: Action::Preflight(preflight), refusal }
    }
}

/// A refusal is logged at debug level, a failed async check at warn level (the check's fault, not
/// the request's). Out of line, so that the decision's own code stays small.
#[cold]
#[inline(never)]
fn log_refusal(method: &[u8], refusal: &Refusal<'_>) {
    if let Refusal::OriginCheckFailed { .. } = refusal {
        tracing::warn!(target: "cors", method = %Shown(method), "CORS request refused: {refusal}");
    } else {
        tracing::debug!(target: "cors", method = %Shown(method), "CORS request refused: {refusal}");
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        f.debug_struct("Policy")
            .field("allow_origins", &i.origins.display)
            .field("allow_methods", &i.methods.display)
            .field("allow_headers", &i.headers.display)
            .field("expose_headers", &i.expose)
            .field("allow_credentials", &i.credentials)
            .field("max_age", &i.max_age)
            .field("allow_private_network", &i.private_network)
            .field("preflight_status", &i.preflight_status)
            .field("preflight_passthrough", &i.passthrough)
            .finish()
    }
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Policy { .. }")
    }
}
