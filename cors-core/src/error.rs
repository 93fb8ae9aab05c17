//! Configuration mistakes: every one found by [`PolicyBuilder::build`](crate::PolicyBuilder::build)
//! at once, each naming the input and the fix.

use std::fmt;

/// What kind of configuration mistake a [`Problem`] is. Match on it in tests; show the
/// [`Problem`]'s `Display` to people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// No origin is allowed at all.
    NoOrigins,
    /// `*` (any origin, method, header or exposed header) together with credentials.
    WildcardWithCredentials,
    /// `*` listed together with other entries, which it already covers.
    WildcardWithOthers,
    /// An origin without `scheme://`.
    OriginMissingScheme,
    /// An origin with a path.
    OriginPath,
    /// An origin with a trailing slash.
    OriginTrailingSlash,
    /// An origin with a query.
    OriginQuery,
    /// An origin with a fragment.
    OriginFragment,
    /// An origin with userinfo (`user@`).
    OriginUserinfo,
    /// Uppercase letters in a scheme or host; browsers send them lowercase.
    OriginUppercase,
    /// Surrounding whitespace.
    OriginWhitespace,
    /// A scheme's default port written out (`https://x:443`).
    OriginDefaultPort,
    /// A port that is not a number in 1..=65535 (or has leading zeros).
    OriginPort,
    /// A non-ASCII host; browsers send the Punycode form.
    OriginNonAscii,
    /// A host spelled as no browser serializes it: an IP address such as `127.1`,
    /// `0x7f.0.0.1` or `[0:0:0:0:0:0:0:1]` (browsers write `127.0.0.1` and `[::1]`), or a
    /// percent-encoded domain (URL standard, "host serializing").
    OriginHostNotCanonical,
    /// A host or scheme with characters no origin has.
    OriginInvalid,
    /// A `*` anywhere but as the whole leftmost host label.
    OriginWildcardPosition,
    /// A subdomain pattern over a public suffix (`https://*.com`, `https://*.co.uk`,
    /// `https://*.github.io`), or over a name whose children the Public Suffix List makes public
    /// suffixes by a wildcard rule (`https://*.sch.uk`).
    PatternOverPublicSuffix,
    /// A plain-`http` origin other than loopback together with credentials.
    InsecureOriginWithCredentials,
    /// `null` together with credentials: any page can produce it (a sandboxed iframe, a `data:`
    /// URL), so any site could read the user's data. An error unless
    /// [`allow_null_origin_with_credentials_dangerously`](crate::PolicyBuilder::allow_null_origin_with_credentials_dangerously)
    /// is called.
    NullOriginWithCredentials,
    /// A method that is not a valid token.
    InvalidMethod,
    /// CONNECT, TRACE or TRACK, which Fetch forbids.
    ForbiddenMethod,
    /// A lowercase `get`, `post`, … that browsers always send uppercase.
    LowercaseMethod,
    /// A header name that is not a valid token.
    InvalidHeaderName,
    /// A header a page can never set (Fetch, "forbidden request-header").
    ForbiddenHeaderName,
    /// An `Access-Control-*` name listed as an allowed request header.
    AccessControlHeaderName,
    /// `set-cookie` listed as an exposed header, which browsers never expose.
    ForbiddenExposedHeader,
    /// A max-age over 86400 seconds.
    MaxAgeTooLong,
    /// A max-age with a fraction of a second.
    MaxAgeFraction,
    /// A preflight status other than 200 or 204.
    PreflightStatus,
    /// The same entry listed twice (a warning only).
    Duplicate,
    /// `allow_origin_async` called more than once: a policy has one async origin check.
    SeveralAsyncChecks,
    /// An `origin_check_timeout` of zero or over 30 s (an error), or set without an async
    /// check (a warning).
    OriginCheckTimeout,
}

/// One configuration mistake: which setting, what input, what is wrong, and how to fix it.
///
/// ```
/// use cors_core::{Policy, ProblemKind};
/// let err = Policy::builder().allow_origin("https://example.com/").build().unwrap_err();
/// let problem = &err.problems()[0];
/// assert_eq!(problem.kind(), ProblemKind::OriginTrailingSlash);
/// assert_eq!(
///     problem.to_string(),
///     r#"allow_origins: "https://example.com/" has a trailing slash; an origin is only scheme, host and port; write "https://example.com""#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    kind: ProblemKind,
    setting: &'static str,
    input: String,
    what: String,
    fix: String,
}

impl Problem {
    pub(crate) fn new(
        kind: ProblemKind,
        setting: &'static str,
        input: impl Into<String>,
        what: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Problem { kind, setting, input: input.into(), what: what.into(), fix: fix.into() }
    }

    /// The kind of mistake.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The setting, named as in [`PolicyConfig`](crate::PolicyConfig): `allow_origins`, `max_age`, ….
    pub fn setting(&self) -> &'static str {
        self.setting
    }

    /// The offending input, as written.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The fix, in words.
    pub fn fix(&self) -> &str {
        &self.fix
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.input.is_empty() {
            write!(f, "{}: {}; {}", self.setting, self.what, self.fix)
        } else {
            write!(f, "{}: {:?} {}; {}", self.setting, self.input, self.what, self.fix)
        }
    }
}

/// Every mistake in a policy, found at once by [`PolicyBuilder::build`](crate::PolicyBuilder::build).
///
/// ```
/// use cors_core::Policy;
/// let err = Policy::builder()
///     .allow_origin("https://Example.com")
///     .allow_origin("https://*.com")
///     .allow_methods(["GET", "TRACE"])
///     .build()
///     .unwrap_err();
/// assert_eq!(err.problems().len(), 3);
/// println!("{err}"); // one line per mistake, each with its fix
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

impl ConfigError {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        ConfigError { problems }
    }

    /// Every mistake, in the order the settings were given.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "the CORS policy has {n} mistake{}:", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
