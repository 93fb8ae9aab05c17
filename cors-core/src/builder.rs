//! Building a policy: every setting, validated at once by [`PolicyBuilder::build`].

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, StatusCode};

use crate::allow_methods::AllowMethods;
use crate::allow_origin::{AllowOrigin, Predicate};
use crate::error::{ConfigError, Problem, ProblemKind};
use crate::expose_headers::expose_headers;
use crate::origin::Origin;
use crate::origin_check::{self, AsyncCheck, CheckError, OriginRequest, RequestInfo, RequestPredicate};
use crate::origin_rule::{parse_origin_rule, OriginRule};
use crate::policy::{Inner, Policy};
use crate::request_headers::AllowHeaders;

/// The longest max-age accepted: Firefox's cap. Chromium caps at 7200 s; a longer value is
/// honoured only up to each browser's cap.
pub const MAX_AGE_LIMIT: Duration = Duration::from_secs(86_400);

/// How long an async origin check may take unless
/// [`PolicyBuilder::origin_check_timeout`] says otherwise.
pub const DEFAULT_ORIGIN_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest timeout accepted for an async origin check: the browser waits for the answer.
pub const MAX_ORIGIN_CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// The status of a successful preflight answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PreflightStatus {
    /// 204 No Content (the default).
    #[default]
    NoContent,
    /// 200 OK, for old clients and proxies that mishandle 204.
    Ok,
}

/// Builds a [`Policy`]. Nothing is allowed until at least one origin is; every mistake is reported
/// at once by [`build`](Self::build).
///
/// ```
/// use cors_core::Policy;
/// let policy = Policy::builder()
///     .allow_origin("https://app.example.com")
///     .allow_origin("http://localhost:*")
///     .allow_methods(["GET", "POST", "PATCH"])
///     .allow_headers(["content-type"])
///     .build()?;
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[derive(Clone)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct PolicyBuilder {
    origins: Vec<String>,
    predicates: Vec<Predicate>,
    request_predicates: Vec<RequestPredicate>,
    async_checks: Vec<AsyncCheck>,
    origin_check_timeout: Option<Duration>,
    reflect_any: bool,
    insecure_with_credentials: bool,
    null_with_credentials: bool,
    methods: Option<Vec<String>>,
    headers: Vec<String>,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
    private_network: bool,
    preflight_status: Result<PreflightStatus, u16>,
    passthrough: bool,
}

impl Default for PolicyBuilder {
    fn default() -> Self {
        PolicyBuilder {
            origins: Vec::new(),
            predicates: Vec::new(),
            request_predicates: Vec::new(),
            async_checks: Vec::new(),
            origin_check_timeout: None,
            reflect_any: false,
            insecure_with_credentials: false,
            null_with_credentials: false,
            methods: None,
            headers: Vec::new(),
            expose: Vec::new(),
            credentials: false,
            max_age: None,
            private_network: false,
            preflight_status: Ok(PreflightStatus::NoContent),
            passthrough: false,
        }
    }
}

impl PolicyBuilder {
    /// Allows one origin: `https://app.example.com`, a subdomain pattern `https://*.example.com`
    /// (any depth, never the apex), a port wildcard `http://localhost:*`, `null`, or `*`.
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        self.origins.push(origin.into());
        self
    }

    /// Allows several origins; see [`allow_origin`](Self::allow_origin).
    pub fn allow_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// Allows any origin with `*`. Incompatible with credentials (Fetch, "CORS check").
    pub fn allow_any_origin(self) -> Self {
        self.allow_origin("*")
    }

    /// Allows the opaque origin `null` (sandboxed iframes, `file:` pages). Anyone can produce it,
    /// so together with credentials it is an error unless
    /// [`allow_null_origin_with_credentials_dangerously`](Self::allow_null_origin_with_credentials_dangerously)
    /// is called.
    pub fn allow_null_origin(self) -> Self {
        self.allow_origin("null")
    }

    /// Accepts `null` together with credentials. Any page can produce the `null` origin (a
    /// sandboxed iframe, a `data:` URL), so every site on the web can then read responses with
    /// the user's cookies. Only for closed setups where no untrusted page can reach the server.
    ///
    /// ```
    /// use cors_core::{Policy, ProblemKind};
    /// let refused = Policy::builder().allow_null_origin().allow_credentials(true).build().unwrap_err();
    /// assert_eq!(refused.problems()[0].kind(), ProblemKind::NullOriginWithCredentials);
    /// let policy = Policy::builder()
    ///     .allow_null_origin()
    ///     .allow_credentials(true)
    ///     .allow_null_origin_with_credentials_dangerously()
    ///     .build()?;
    /// assert_eq!(policy.warnings()[0].kind(), ProblemKind::NullOriginWithCredentials);
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn allow_null_origin_with_credentials_dangerously(mut self) -> Self {
        self.null_with_credentials = true;
        self
    }

    /// Allows the origins for which `predicate` returns true, in addition to the listed ones. It sees
    /// only origins a browser can send (canonical hosts, never `null`).
    ///
    /// The rules for listed origins hold for what a predicate accepts: with credentials, a plain
    /// `http` origin other than loopback is refused whatever the predicate says, unless
    /// [`allow_insecure_origins_with_credentials_dangerously`](Self::allow_insecure_origins_with_credentials_dangerously)
    /// is called.
    ///
    /// ```
    /// use cors_core::Policy;
    /// let policy = Policy::builder()
    ///     .allow_origin_predicate(|o| o.scheme() == "https" && o.host().ends_with(".preview.example.com"))
    ///     .build()
    ///     .unwrap();
    /// # let _ = policy;
    /// ```
    pub fn allow_origin_predicate<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&Origin<'_>) -> bool + Send + Sync + 'static,
    {
        self.predicates.push(Arc::new(predicate));
        self
    }

    /// Allows the origins for which `predicate` returns true, seeing the request's method, path and
    /// `Host` too ([`RequestInfo`]): a policy per tenant or per host. The same rules as for
    /// [`allow_origin_predicate`](Self::allow_origin_predicate) hold (canonical origins only,
    /// never `null`; no plain `http` with credentials without the opt-in).
    ///
    /// ```
    /// use cors_core::Policy;
    /// // Only the admin API is open to the admin front end.
    /// let policy = Policy::builder()
    ///     .allow_origin("https://app.example.com")
    ///     .allow_origin_request_predicate(|origin, request| {
    ///         origin.as_str() == "https://admin.example.com" && request.path().is_some_and(|p| p.starts_with("/admin/"))
    ///     })
    ///     .build()?;
    /// let at = |path: &str| http::Request::get(path).header("origin", "https://admin.example.com").body(()).unwrap();
    /// assert!(policy.decide(&at("/admin/users")).refusal().is_none());
    /// assert!(policy.decide(&at("/billing")).refusal().is_some());
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn allow_origin_request_predicate<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&Origin<'_>, &RequestInfo<'_>) -> bool + Send + Sync + 'static,
    {
        self.request_predicates.push(Arc::new(predicate));
        self
    }

    /// Allows the origins an async check accepts: a lookup in a database or a cache (each tenant
    /// registers its front-end origins). It runs only for origins nothing else allows, and sees the
    /// origin, method, path and `Host` ([`OriginRequest`]). `Ok(true)` allows, `Ok(false)`
    /// refuses; an error, a panic, or no answer within
    /// [`origin_check_timeout`](Self::origin_check_timeout) refuses and is logged at warn level.
    /// With credentials, a plain-`http` origin other than loopback is refused whatever it says,
    /// unless the dangerous opt-in is called. One async check per policy.
    ///
    /// Cost, only for origins the check decides: a copy of the request's CORS headers, its path
    /// and host, and the boxed future (a few small allocations), plus whatever the check does.
    /// Cache its answers with a bounded cache (the `examples/axum` tenants app uses `moka`).
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::Arc;
    /// use cors_core::Policy;
    /// let registered: Arc<HashSet<String>> = Arc::new(["https://acme.example".to_owned()].into());
    /// let policy = Policy::builder()
    ///     .allow_origin_async(move |request| {
    ///         let registered = Arc::clone(&registered);
    ///         async move { Ok::<_, std::io::Error>(registered.contains(request.origin())) }
    ///     })
    ///     .build()?;
    /// # let _ = policy;
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn allow_origin_async<F, Fut, E>(mut self, check: F) -> Self
    where
        F: Fn(OriginRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<bool, E>> + Send + 'static,
        E: Into<CheckError>,
    {
        self.async_checks.push(origin_check::erase(check));
        self
    }

    /// How long the async origin check may take before the origin is refused (default
    /// [`DEFAULT_ORIGIN_CHECK_TIMEOUT`], at most [`MAX_ORIGIN_CHECK_TIMEOUT`]).
    pub fn origin_check_timeout(mut self, timeout: Duration) -> Self {
        self.origin_check_timeout = Some(timeout);
        self
    }

    /// Echoes every origin, `null` included, even with credentials: any website can then act as
    /// the user on this server. Only for closed test setups.
    pub fn reflect_any_origin_dangerously(mut self) -> Self {
        self.reflect_any = true;
        self
    }

    /// Accepts plain-`http` origins other than loopback together with credentials. A network
    /// attacker can forge such an origin; use only on networks you control.
    pub fn allow_insecure_origins_with_credentials_dangerously(mut self) -> Self {
        self.insecure_with_credentials = true;
        self
    }

    /// The methods a preflight may ask for (case-sensitive). Default: GET, HEAD, POST. Takes
    /// `&str`, `String` or `http::Method` alike.
    ///
    /// ```
    /// use http::Method;
    /// let policy = cors_core::Policy::builder()
    ///     .allow_origin("https://app.example.com")
    ///     .allow_methods([Method::GET, Method::PUT])
    ///     .allow_methods(["PATCH"])
    ///     .build()?;
    /// # let _ = policy;
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn allow_methods<I, S>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.methods.get_or_insert_with(Vec::new).extend(methods.into_iter().map(|m| m.as_ref().to_owned()));
        self
    }

    /// Any method. With credentials, the requested method is named in the answer.
    pub fn allow_any_method(self) -> Self {
        self.allow_methods(["*"])
    }

    /// The request headers a page may send (case-insensitive). Takes `&str`, `String` or
    /// `http::HeaderName` alike.
    ///
    /// ```
    /// use http::header::{AUTHORIZATION, CONTENT_TYPE};
    /// let policy = cors_core::Policy::builder()
    ///     .allow_origin("https://app.example.com")
    ///     .allow_headers([CONTENT_TYPE, AUTHORIZATION])
    ///     .allow_headers(["x-request-id"])
    ///     .build()?;
    /// # let _ = policy;
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn allow_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.headers.extend(headers.into_iter().map(|h| h.as_ref().to_owned()));
        self
    }

    /// Any request header except `authorization`, which `*` never covers (Fetch); list it too if
    /// needed. With credentials, the requested headers are named in the answer.
    pub fn allow_any_header(self) -> Self {
        self.allow_headers(["*"])
    }

    /// Response headers the page's JavaScript may read, beyond the safelisted ones.
    ///
    /// Takes `&str`, `String` or `http::HeaderName` alike.
    pub fn expose_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.expose.extend(headers.into_iter().map(|h| h.as_ref().to_owned()));
        self
    }

    /// Every response header (`*`). Incompatible with credentials.
    pub fn expose_any_header(self) -> Self {
        self.expose_headers(["*"])
    }

    /// Whether pages may send cookies and other credentials (`credentials: 'include'`).
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.credentials = allow;
        self
    }

    /// How long a browser may cache a preflight answer, in whole seconds, at most
    /// [`MAX_AGE_LIMIT`]. Chromium caps it at 7200 s and Firefox at 86400 s; without it browsers
    /// cache for 5 s.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Answers Private Network Access preflights (`Access-Control-Request-Private-Network: true`)
    /// with `Access-Control-Allow-Private-Network: true`.
    ///
    /// Chromium 104 to 141 sent these preflights before a page reached a more private address
    /// space. Chromium 142 and later replaced them with Local Network Access, a permission prompt
    /// the user answers: no response header grants or skips it, so this setting only helps the
    /// browsers that still speak PNA. For current ones, the page must be a secure context and
    /// be granted the `local-network` (or `loopback-network`) permission.
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// The status of a preflight answer: 204 (default) or 200.
    pub fn preflight_status(mut self, status: PreflightStatus) -> Self {
        self.preflight_status = Ok(status);
        self
    }

    #[cfg(feature = "serde")]
    pub(crate) fn preflight_status_code(mut self, code: u16) -> Self {
        self.preflight_status = match code {
            204 => Ok(PreflightStatus::NoContent),
            200 => Ok(PreflightStatus::Ok),
            other => Err(other),
        };
        self
    }

    /// Passes preflights to the handler instead of answering them; the policy's headers are added
    /// to the handler's response.
    pub fn preflight_passthrough(mut self, passthrough: bool) -> Self {
        self.passthrough = passthrough;
        self
    }

    /// Checks everything and builds the policy, or returns every mistake at once.
    pub fn build(self) -> Result<Policy, ConfigError> {
        let mut problems: Vec<Problem> = Vec::new();
        let mut warnings: Vec<Problem> = Vec::new();
        let mut rules: Vec<OriginRule> = Vec::new();
        let mut rule_inputs: Vec<&str> = Vec::new();
        // Duplicates are found through a set: a list of 10,000 origins builds in linear time.
        let mut seen: HashSet<OriginRule> = HashSet::with_capacity(self.origins.len());
        for input in &self.origins {
            match parse_origin_rule(input) {
                Ok(rule) if !seen.insert(rule.clone()) => {
                    warnings.push(Problem::new(
                        ProblemKind::Duplicate,
                        "allow_origins",
                        input,
                        "is listed twice",
                        "remove the duplicate",
                    ));
                }
                Ok(rule) => {
                    rules.push(rule);
                    rule_inputs.push(input);
                }
                Err(problem) => problems.push(problem),
            }
        }
        let any = rules.contains(&OriginRule::Any);
        let dynamic =
            !self.predicates.is_empty() || !self.request_predicates.is_empty() || !self.async_checks.is_empty();
        if self.async_checks.len() > 1 {
            problems.push(Problem::new(
                ProblemKind::SeveralAsyncChecks,
                "allow_origin_async",
                "",
                format!("is called {} times, but a policy has one async origin check", self.async_checks.len()),
                "combine the lookups in one check (try each in turn inside it)",
            ));
        }
        match self.origin_check_timeout {
            Some(t) if t.is_zero() || t > MAX_ORIGIN_CHECK_TIMEOUT => problems.push(Problem::new(
                ProblemKind::OriginCheckTimeout,
                "origin_check_timeout",
                format!("{t:?}"),
                "is not between zero and 30 s: a zero timeout refuses every checked origin, a long one keeps the browser waiting",
                "use a timeout such as Duration::from_millis(500)",
            )),
            Some(_) if self.async_checks.is_empty() => warnings.push(Problem::new(
                ProblemKind::OriginCheckTimeout,
                "origin_check_timeout",
                "",
                "is set, but the policy has no async origin check",
                "remove it, or add the check with allow_origin_async",
            )),
            _ => {}
        }
        if self.origins.is_empty() && !dynamic && !self.reflect_any {
            problems.push(Problem::new(ProblemKind::NoOrigins, "allow_origins", "", "no origin is allowed, so every cross-origin request would be refused", "list the origins of your pages, such as \"https://app.example.com\" (or \"*\" for a public API without credentials)"));
        }
        if any && (rules.len() > 1 || dynamic) {
            problems.push(Problem::new(
                ProblemKind::WildcardWithOthers,
                "allow_origins",
                "*",
                "is listed together with other origins, which it already covers",
                "list either \"*\" or the origins",
            ));
        }
        if self.credentials {
            // Fetch, "CORS check": with credentials, `*` is never accepted as Allow-Origin.
            if any {
                problems.push(Problem::new(ProblemKind::WildcardWithCredentials, "allow_origins", "*", "cannot be used with allow_credentials: browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests", "list the origins allowed to send credentials, or turn allow_credentials off"));
            }
            if self.expose.iter().any(|h| h == "*") {
                problems.push(Problem::new(ProblemKind::WildcardWithCredentials, "expose_headers", "*", "cannot be used with allow_credentials: browsers read `*` as a header named \"*\" on credentialed requests", "list the headers to expose"));
            }
            if !self.insecure_with_credentials {
                for (rule, input) in rules.iter().zip(&rule_inputs) {
                    if rule.is_insecure() {
                        problems.push(Problem::new(ProblemKind::InsecureOriginWithCredentials, "allow_origins", *input, "is plain http (not loopback) together with allow_credentials: anyone on the network path can forge it and act as the user", "use the https origin, or call allow_insecure_origins_with_credentials_dangerously() on a network you control"));
                    }
                }
            }
            if rules.contains(&OriginRule::Null) {
                let problem = Problem::new(
                    ProblemKind::NullOriginWithCredentials,
                    "allow_origins",
                    "null",
                    "is allowed with credentials: any page can produce the null origin (a sandboxed iframe, a data: URL), so any site could read the user's data",
                    "remove \"null\" and list the origins of your pages, or call allow_null_origin_with_credentials_dangerously() if no untrusted page can reach this server",
                );
                if self.null_with_credentials {
                    warnings.push(problem);
                } else {
                    problems.push(problem);
                }
            }
        }
        let methods = AllowMethods::new(self.methods.as_deref(), &mut problems, &mut warnings);
        let headers = AllowHeaders::new(&self.headers, &mut problems, &mut warnings);
        let expose = expose_headers(&self.expose, &mut problems, &mut warnings);
        let max_age = match self.max_age {
            None => None,
            Some(d) if d > MAX_AGE_LIMIT => {
                problems.push(Problem::new(
                    ProblemKind::MaxAgeTooLong,
                    "max_age",
                    format!("{}", d.as_secs()),
                    "is over 86400 seconds; browsers cap it (Chromium at 7200 s, Firefox at 86400 s)",
                    "use at most 86400 (7200 is what Chromium honours)",
                ));
                None
            }
            Some(d) if d.subsec_nanos() != 0 => {
                problems.push(Problem::new(
                    ProblemKind::MaxAgeFraction,
                    "max_age",
                    format!("{d:?}"),
                    "has a fraction of a second; Access-Control-Max-Age is whole seconds",
                    format!("use Duration::from_secs({})", d.as_secs() + 1),
                ));
                None
            }
            Some(d) => Some(HeaderValue::from(d.as_secs())),
        };
        let preflight_status = match self.preflight_status {
            Ok(PreflightStatus::NoContent) => StatusCode::NO_CONTENT,
            Ok(PreflightStatus::Ok) => StatusCode::OK,
            Err(code) => {
                problems.push(Problem::new(
                    ProblemKind::PreflightStatus,
                    "preflight_status",
                    code.to_string(),
                    "is not a status for a successful preflight",
                    "use 204 (the default) or 200",
                ));
                StatusCode::NO_CONTENT
            }
        };
        if !problems.is_empty() {
            return Err(ConfigError::new(problems));
        }
        for w in &warnings {
            tracing::warn!(target: "cors", "CORS policy: {w}");
        }
        let (vary_preflight, vary_preflight_tokens): (HeaderValue, &'static [&'static str]) = if self.private_network {
            (
                HeaderValue::from_static("origin, access-control-request-method, access-control-request-headers, access-control-request-private-network"),
                &["origin", "access-control-request-method", "access-control-request-headers", "access-control-request-private-network"],
            )
        } else {
            (
                HeaderValue::from_static("origin, access-control-request-method, access-control-request-headers"),
                &["origin", "access-control-request-method", "access-control-request-headers"],
            )
        };
        if let Some(m) = &max_age {
            let _shared = m.clone();
        }
        let refuse_insecure = self.credentials && !self.insecure_with_credentials;
        let async_check = self.async_checks.into_iter().next();
        let origins = AllowOrigin::new(
            rules,
            self.predicates,
            (self.request_predicates, async_check),
            self.reflect_any,
            refuse_insecure,
        );
        let origin_dependent = !origins.any;
        let mut inner = Inner {
            origins,
            methods,
            headers,
            expose,
            credentials: self.credentials,
            max_age,
            private_network: self.private_network,
            preflight_status,
            passthrough: self.passthrough,
            origin_check_timeout: self.origin_check_timeout.unwrap_or(DEFAULT_ORIGIN_CHECK_TIMEOUT),
            vary_preflight,
            vary_preflight_tokens,
            origin_dependent,
            preflight_answers: None,
            warnings,
        };
        inner.preflight_answers = crate::preflight_answer::PreflightAnswers::of(&inner);
        Ok(Policy { inner: Arc::new(inner) })
    }
}

impl fmt::Debug for PolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyBuilder")
            .field("allow_origins", &self.origins)
            .field("predicates", &self.predicates.len())
            .field("request_predicates", &self.request_predicates.len())
            .field("async_checks", &self.async_checks.len())
            .field("allow_methods", &self.methods)
            .field("allow_headers", &self.headers)
            .field("expose_headers", &self.expose)
            .field("allow_credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}
