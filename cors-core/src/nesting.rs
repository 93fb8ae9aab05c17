//! Policies inside policies: **the innermost policy wins**, preflights included.
//!
//! A real API has parts with different policies: a public part open to any origin, a private
//! part for the application's own origin, with credentials. Frameworks let a middleware wrap the
//! whole application *and* a nested router, scope or route. The rule, the same in every adapter:
//! a request reached by an inner policy gets exactly that policy's answer; an outer policy answers
//! only what no inner policy answered.
//!
//! It is decided here, by [`Policy::decide_deferred`] and [`Deferred::finish`]:
//!
//! 1. Every nesting-aware layer decides up front (the decision needs the request's headers), then
//!    **calls the inner service, preflights too**: it cannot know ahead of routing whether a
//!    policy further in covers the path. A layer that knows no CORS layer is inside it
//!    ([`may_enclose_layers`](crate::BuildOrder::may_enclose_layers)) answers a preflight itself:
//!    the rule gives the same answer, without running the routes.
//! 2. The innermost layer to see the inner service's answer come back without the [`Answered`]
//!    marker finishes it with its own policy: an actual response gets the policy's headers; a
//!    preflight's answer (whatever the routes made of the `OPTIONS`: 404, 405, 401 from an auth
//!    layer, a handler's body) is replaced by the policy's preflight answer. It then leaves the
//!    marker on the response, if a layer further out will look for it.
//! 3. Every layer further out sees the marker and sends the response as it is.
//!
//! Only a layer further out reads the marker, so the outermost layer leaves it off: in `http`'s
//! extensions it costs two allocations on every response
//! ([`Deferred::finish_response_marking`]). Where the framework lets a layer touch the request
//! (tower, axum), each layer puts [`OuterLayer`] in the request's extensions before calling its
//! inner service, and marks its answer only if it found one there; request extensions are usually
//! allocated already (routers keep the matched path and parameters there). Where it does not,
//! an adapter knows it from how its framework builds the app (warp: only a wrapper built later can
//! enclose one; actix: services are built inside out on each worker), erring towards marking
//! ([`BuildOrder`](crate::BuildOrder): every adapter records the layers it builds, so a warp app
//! inside a tower layer through `warp::service` knows one is there, and the tower layer knows
//! the warp app holds some).
//!
//! Adapters carry the marker where their framework keeps per-response data (`http::Extensions`,
//! actix's response extensions, a marked error). Where a framework allows one middleware for the
//! whole application (Rocket's fairing), the adapter takes a [`RoutePolicies`](crate::RoutePolicies)
//! prefix table instead, whose longest covering prefix picks the policy: the same rule, decided
//! from the path rather than from the routing.
//!
//! ```
//! use cors_core::{Answered, Finish, Policy};
//!
//! let outer = Policy::builder().allow_origin("https://app.example.com").allow_credentials(true).build()?;
//! let inner = Policy::builder().allow_any_origin().allow_methods(["GET", "PUT"]).build()?;
//! let preflight = http::Request::options("/public/data")
//!     .header("origin", "https://anyone.example")
//!     .header("access-control-request-method", "PUT")
//!     .body(())?;
//!
//! // Both layers decide before calling what they wrap.
//! let outer_step = outer.decide_deferred(&preflight);
//! let inner_step = inner.decide_deferred(&preflight);
//! // The routes answer the OPTIONS with 405; the inner layer gets it first, unmarked.
//! let mut response = http::Response::builder().status(405).body(())?;
//! match inner_step.finish(response.extensions().get::<Answered>().is_some()) {
//!     Finish::Preflight { status, headers } => {
//!         response = http::Response::new(());
//!         *response.status_mut() = status;
//!         headers.apply(response.headers_mut());
//!         response.extensions_mut().insert(Answered);
//!     }
//!     _ => unreachable!("a preflight answered by the inner policy"),
//! }
//! // The outer layer sees the marker and leaves the inner policy's answer alone.
//! assert!(matches!(outer_step.finish(response.extensions().get::<Answered>().is_some()), Finish::Keep));
//! assert_eq!(response.status(), 204);
//! assert_eq!(response.headers()["access-control-allow-origin"], "*");
//! assert_eq!(response.headers()["access-control-allow-methods"], "GET, PUT");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use http::StatusCode;

use crate::decision::{Action, Forward, PreflightOwned};
use crate::request::CorsRequest;
use crate::Policy;

/// The marker a nesting-aware adapter leaves on a response its policy has answered, so that
/// layers further out leave it alone. Adapters keep it in the response's extensions.
///
/// ```
/// let mut response = http::Response::new(());
/// response.extensions_mut().insert(cors_core::Answered);
/// assert!(response.extensions().get::<cors_core::Answered>().is_some());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Answered;

/// The request-side half of the nesting rule: a nesting-aware layer puts it in the request's
/// extensions before calling its inner service, so that layers inside know that one further out
/// will look for the [`Answered`] marker on their answer. See the [module](self) documentation.
///
/// ```
/// let mut request = http::Request::get("/").body(())?;
/// // The outermost layer finds none: it will not mark its answer, and tells the inner layers.
/// let enclosed = request.extensions().get::<cors_core::OuterLayer>().is_some();
/// assert!(!enclosed);
/// request.extensions_mut().insert(cors_core::OuterLayer);
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OuterLayer;

/// A policy's decision, owned, to finish the inner service's response with once it comes back.
/// Made by [`Policy::decide_deferred`].
///
/// ```
/// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
/// let request = http::Request::get("/data").header("origin", "https://a.example").body(())?;
/// let deferred = policy.decide_deferred(&request);
/// assert!(!deferred.is_preflight());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Deferred {
    headers: Forward,
    /// Set for a preflight this policy answers (not passed through): the answer's status.
    preflight: Option<StatusCode>,
}

/// What to do with the inner service's response: [`Deferred::finish`]'s answer.
#[derive(Debug)]
pub enum Finish<'d> {
    /// An inner policy answered: send the response as it is.
    Keep,
    /// Write `headers` into the response ([`Forward::apply`]), then mark it [`Answered`].
    Headers(&'d Forward),
    /// Replace the response by the preflight answer: a new response with `status`, no body, the
    /// headers written by `headers.apply`; then mark it [`Answered`]. Nothing of the inner
    /// response is kept: a 401 or 405 the routes made of the `OPTIONS` is not the answer.
    Preflight {
        /// The preflight answer's status (204, or 200 if the policy says so).
        status: StatusCode,
        /// Writes the preflight answer's headers.
        headers: &'d Forward,
    },
}

impl Deferred {
    /// Whether the request is a preflight this policy answers (not one it passes through).
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let request = http::Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(())?;
    /// assert!(policy.decide_deferred(&request).is_preflight());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_preflight(&self) -> bool {
        self.preflight.is_some()
    }

    /// Whether the layer answers without calling the inner service, and with what: a preflight
    /// this policy answers, when no CORS layer can be inside the layer (`may_enclose_layers`:
    /// [`BuildOrder::may_enclose_layers`](crate::BuildOrder::may_enclose_layers), or what the
    /// adapter knows). The nesting rule's answer is then this policy's whatever the inner service
    /// says, so the routes need not run.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let preflight = http::Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "GET")
    ///     .body(())?;
    /// let deferred = policy.decide_deferred(&preflight);
    /// assert!(deferred.answer_alone(false).is_some());
    /// assert!(deferred.answer_alone(true).is_none()); // a policy further in may answer
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn answer_alone(&self, may_enclose_layers: bool) -> Option<(StatusCode, &Forward)> {
        match self.preflight {
            Some(status) if !may_enclose_layers => Some((status, &self.headers)),
            _ => None,
        }
    }

    /// The rule, once for every adapter: `answered_inside` says whether the inner service's
    /// response carries the [`Answered`] marker (an inner policy answered it).
    ///
    /// ```
    /// use cors_core::Finish;
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let request = http::Request::get("/data").header("origin", "https://a.example").body(())?;
    /// let deferred = policy.decide_deferred(&request);
    /// assert!(matches!(deferred.finish(true), Finish::Keep));
    /// assert!(matches!(deferred.finish(false), Finish::Headers(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish(&self, answered_inside: bool) -> Finish<'_> {
        match self.preflight {
            _ if answered_inside => Finish::Keep,
            Some(status) => Finish::Preflight { status, headers: &self.headers },
            None => Finish::Headers(&self.headers),
        }
    }

    /// The headers this policy writes (for an adapter that must answer without the inner
    /// service's response, say when it failed): a preflight's answer headers, or an actual
    /// response's.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let request = http::Request::get("/").header("origin", "https://a.example").body(())?;
    /// let mut headers = http::HeaderMap::new();
    /// policy.decide_deferred(&request).headers().apply(&mut headers);
    /// assert_eq!(headers["access-control-allow-origin"], "*");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn headers(&self) -> &Forward {
        &self.headers
    }

    /// [`finish`](Self::finish) applied to an `http::Response`, for adapters over the `http`
    /// types: kept as it is when an inner policy answered; otherwise given this policy's headers,
    /// or replaced by its preflight answer (the status, no body), then marked [`Answered`].
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().allow_methods(["PUT"]).build()?;
    /// let preflight = http::Request::options("/")
    ///     .header("origin", "https://a.example")
    ///     .header("access-control-request-method", "PUT")
    ///     .body(())?;
    /// // The routes answered the OPTIONS with 405: the policy's answer replaces it.
    /// let routed = http::Response::builder().status(405).body(String::from("no"))?;
    /// let response = policy.decide_deferred(&preflight).finish_response(routed);
    /// assert_eq!(response.status(), 204);
    /// assert!(response.body().is_empty());
    /// assert!(response.extensions().get::<cors_core::Answered>().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish_response<B: Default>(&self, response: http::Response<B>) -> http::Response<B> {
        self.finish_response_marking(response, true)
    }

    /// [`finish_response`](Self::finish_response), leaving the [`Answered`] marker only if `mark`:
    /// a layer further out may read it (the request carried [`OuterLayer`], or the adapter knows
    /// otherwise). The marker costs two allocations per response in `http`'s extensions. An
    /// answer kept as it is keeps the marker an inner layer left.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let request = http::Request::get("/data").header("origin", "https://a.example").body(())?;
    /// let response = policy.decide_deferred(&request).finish_response_marking(http::Response::new(()), false);
    /// assert_eq!(response.headers()["access-control-allow-origin"], "*");
    /// assert!(response.extensions().get::<cors_core::Answered>().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn finish_response_marking<B: Default>(
        &self,
        mut response: http::Response<B>,
        mark: bool,
    ) -> http::Response<B> {
        match self.finish(response.extensions().get::<Answered>().is_some()) {
            Finish::Keep => return response,
            Finish::Headers(headers) => headers.apply(response.headers_mut()),
            Finish::Preflight { status, headers } => {
                // A new response, in the old one's storage: its header map keeps its capacity.
                *response.body_mut() = B::default();
                *response.status_mut() = status;
                *response.version_mut() = http::Version::default();
                response.extensions_mut().clear();
                // An allowed preflight's answer is the policy's, copied; otherwise room for all
                // it writes (`Vary` and the seven CORS response headers): the old map if it has
                // it (cleared), else a new one at once rather than grown twice.
                let map = response.headers_mut();
                if let Some(answer) = headers.preflight_answer_map() {
                    *map = answer;
                } else {
                    if map.capacity() >= 8 {
                        map.clear();
                    } else {
                        *map = http::HeaderMap::with_capacity(8);
                    }
                    headers.apply(map);
                }
            }
        }
        if mark {
            response.extensions_mut().insert(Answered);
        }
        response
    }
}

impl Policy {
    /// Decides for a layer that may have other policies inside it (see the [`nesting`](crate::nesting)
    /// module): the same decision as [`Policy::decide`], owned, to be finished with
    /// [`Deferred::finish`] after the inner service has answered.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build()?;
    /// let request = http::Request::get("/").header("origin", "https://evil.example").body(())?;
    /// let deferred = policy.decide_deferred(&request);
    /// assert!(!deferred.headers().is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_deferred<R: CorsRequest + ?Sized>(&self, request: &R) -> Deferred {
        self.defer(self.decide(request))
    }

    /// A decision, owned.
    pub(crate) fn defer(&self, decision: crate::Decision<'_>) -> Deferred {
        match decision.into_action() {
            Action::Forward(headers) => Deferred { headers, preflight: None },
            Action::Preflight(p) => {
                // Nothing of the request is copied unless the policy echoes it.
                let owned = PreflightOwned::new(p.inner, p.method, &p.requested, p.private_network, p.stage);
                let status = p.status();
                let headers = Forward { policy: self.clone(), allow_origin: p.allow_origin, preflight: Some(owned) };
                Deferred { headers, preflight: Some(status) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preflight() -> http::Request<()> {
        http::Request::options("/data")
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "content-type")
            .body(())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    // The deferred preflight answer is byte for byte the immediate one.
    #[test]
    fn deferred_preflight_answer_equals_the_immediate_one() {
        let policy = Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["GET", "PUT"])
            .allow_headers(["content-type"])
            .allow_credentials(true)
            .max_age(std::time::Duration::from_secs(60))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let request = preflight();
        let mut now = http::HeaderMap::new();
        let Action::Preflight(p) = policy.decide(&request).into_action() else { panic!("a preflight") };
        p.apply(&mut now);
        let deferred = policy.decide_deferred(&request);
        let Finish::Preflight { status, headers } = deferred.finish(false) else { panic!("answered here") };
        assert_eq!(status, p.status());
        let mut later = http::HeaderMap::new();
        headers.apply(&mut later);
        assert_eq!(now, later);
        assert!(matches!(deferred.finish(true), Finish::Keep));
    }

    fn in_order(map: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
        map.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect()
    }

    // The copied answer (the policy's template) is exactly what the policy writes, in the same
    // order, for every kind of policy and preflight, allowed or refused.
    #[test]
    fn a_finished_preflight_is_what_the_policy_writes() {
        let mut checked = 0;
        let many: Vec<String> = (0..20).map(|i| format!("https://h{i}.example.com")).collect();
        for origins in [None, Some(&many[..0]), Some(&many[..])] {
            for credentials in [false, true] {
                for methods in [&["GET", "PUT"][..], &["*"][..]] {
                    for headers in [&[][..], &["x-a"][..], &["*"][..]] {
                        for (max_age, private_network) in [(None, false), (Some(60), false), (Some(60), true)] {
                            let mut builder = Policy::builder()
                                .allow_methods(methods.iter().copied())
                                .allow_headers(headers.iter().copied());
                            builder = match origins {
                                None => builder.allow_any_origin(),
                                Some(others) => builder
                                    .allow_origins(others.iter().cloned())
                                    .allow_origin("https://app.example.com"),
                            };
                            if let Some(secs) = max_age {
                                builder = builder.max_age(std::time::Duration::from_secs(secs));
                            }
                            let Ok(policy) =
                                builder.allow_credentials(credentials).allow_private_network(private_network).build()
                            else {
                                continue; // `*` with credentials and an origin wildcard: refused by build()
                            };
                            for (method, requested, pna, origin) in [
                                ("PUT", None, false, "https://app.example.com"),
                                ("PUT", Some("x-a"), false, "https://app.example.com"),
                                ("PUT", Some("X-A, x-b"), false, "https://app.example.com"),
                                ("DELETE", None, false, "https://app.example.com"),
                                ("PUT", None, true, "https://app.example.com"),
                                ("PUT", None, false, "https://evil.example"),
                            ] {
                                let mut request = http::Request::options("/data")
                                    .header("origin", origin)
                                    .header("access-control-request-method", method);
                                if let Some(requested) = requested {
                                    request = request.header("access-control-request-headers", requested);
                                }
                                if pna {
                                    request = request.header("access-control-request-private-network", "true");
                                }
                                let request = request.body(()).unwrap_or_else(|e| panic!("{e}"));
                                let deferred = policy.decide_deferred(&request);
                                let Finish::Preflight { headers: written, .. } = deferred.finish(false) else {
                                    continue;
                                };
                                let mut expected = http::HeaderMap::new();
                                written.apply(&mut expected);
                                let response = deferred.finish_response(http::Response::new(()));
                                assert_eq!(in_order(response.headers()), in_order(&expected), "{policy:?} {request:?}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 150, "{checked} cases");
    }

    // A policy that echoes (`*` with credentials) keeps what it names, and only that.
    #[test]
    fn deferred_echoed_answer_equals_the_immediate_one() {
        let policy = Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_any_method()
            .allow_any_header()
            .allow_credentials(true)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let request = http::Request::options("/data")
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "PATCH")
            .header("access-control-request-headers", " x-a, x-b ")
            .header("access-control-request-headers", "x-c")
            .body(())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut now = http::HeaderMap::new();
        let Action::Preflight(p) = policy.decide(&request).into_action() else { panic!("a preflight") };
        p.apply(&mut now);
        let deferred = policy.decide_deferred(&request);
        drop(request);
        let Finish::Preflight { headers, .. } = deferred.finish(false) else { panic!("answered here") };
        let mut later = http::HeaderMap::new();
        headers.apply(&mut later);
        assert_eq!(now, later);
        assert_eq!(later["access-control-allow-methods"], "PATCH");
        let echoed: Vec<_> = later.get_all("access-control-allow-headers").iter().collect();
        assert_eq!(echoed, ["x-a, x-b", "x-c"]);
    }

    #[test]
    fn a_passed_through_preflight_gets_headers_on_the_inner_response() {
        let policy = Policy::builder()
            .allow_origin("https://app.example.com")
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
            .preflight_passthrough(true)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let deferred = policy.decide_deferred(&preflight());
        assert!(!deferred.is_preflight());
        let Finish::Headers(headers) = deferred.finish(false) else { panic!("passed through") };
        let mut h = http::HeaderMap::new();
        headers.apply(&mut h);
        assert_eq!(h["access-control-allow-methods"], "PUT");
    }
}
