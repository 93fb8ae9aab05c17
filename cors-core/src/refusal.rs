//! Why a policy refused a request, in words a developer can act on: what the browser will say,
//! what the policy allows, and how to change it.

use std::fmt;

use crate::origin::MalformedOrigin;
use crate::origin_check::CheckOutcome;
use crate::request_headers::{MalformedHeaderList, MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_NAMES};

/// Bytes from a request, shown safely: printable ASCII as is, anything else escaped, long values
/// cut, so a hostile header can neither forge log lines nor flood them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Shown<'a>(pub &'a [u8]);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const LIMIT: usize = 200;
        for &b in self.0.iter().take(LIMIT) {
            match b {
                b'"' | b'\\' => write!(f, "\\{}", char::from(b))?,
                0x20..=0x7e => write!(f, "{}", char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        if self.0.len() > LIMIT {
            write!(f, "… ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Why a request was refused. The browser blocks the page from reading the response; `Display`
/// says what Chrome will print and what to change in the policy.
///
/// ```
/// use cors_core::{Policy, Refusal};
/// let policy = Policy::builder().allow_origin("https://app.example.com").build().unwrap();
/// let request = http::Request::get("/").header("origin", "https://x.com").body(()).unwrap();
/// let decision = policy.decide(&request);
/// let refusal = decision.refusal().unwrap();
/// assert!(matches!(refusal, Refusal::OriginNotAllowed { .. }));
/// assert!(refusal.to_string().starts_with(
///     r#"origin "https://x.com" is not allowed (allowed: https://app.example.com)"#));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal<'a> {
    /// The origin is well-formed but not allowed.
    OriginNotAllowed {
        /// The request's `Origin`.
        origin: Shown<'a>,
        /// What the policy allows.
        allowed: &'a str,
    },
    /// `Origin` is not a serialized origin (HTML, "serialization of an origin").
    MalformedOrigin {
        /// The request's `Origin`.
        origin: Shown<'a>,
        /// What is wrong with it.
        why: MalformedOrigin,
    },
    /// More than one `Origin` header; a browser sends exactly one.
    MultipleOrigins,
    /// The async origin check failed, panicked or timed out, so the origin is refused.
    OriginCheckFailed {
        /// The request's `Origin`.
        origin: Shown<'a>,
        /// How the check ended.
        outcome: &'a CheckOutcome,
    },
    /// A predicate accepted a plain-`http` origin (not loopback), and the policy allows
    /// credentials without `allow_insecure_origins_with_credentials_dangerously()`.
    InsecureOriginWithCredentials {
        /// The request's `Origin`.
        origin: Shown<'a>,
    },
    /// A preflight asks for a method the policy does not allow.
    MethodNotAllowed {
        /// The requested method.
        method: Shown<'a>,
        /// What the policy allows.
        allowed: &'a str,
        /// The policy lists the method in another case (`PATCH` for `patch`).
        other_case: bool,
    },
    /// `Access-Control-Request-Method` is missing a token, or repeated.
    MalformedRequestMethod,
    /// A preflight asks for a request header the policy does not allow.
    HeaderNotAllowed {
        /// The first refused name, as requested.
        header: Shown<'a>,
        /// What the policy allows.
        allowed: &'a str,
        /// `authorization` refused under `*` without credentials, as the standard says, where
        /// today's browsers still let it through (see [`browser::Rules`](crate::browser::Rules)).
        browsers_differ: bool,
    },
    /// `Access-Control-Request-Headers` is too long or has too many names.
    MalformedRequestHeaders(MalformedHeaderList),
    /// A Private Network Access preflight, and the policy does not opt in.
    PrivateNetworkNotAllowed,
}

const NO_ACAO: &str =
    "the browser reports \"No 'Access-Control-Allow-Origin' header is present on the requested resource.\"";

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OriginNotAllowed { origin, allowed } => {
                write!(f, "origin \"{origin}\" is not allowed (allowed: {allowed}); {NO_ACAO}")?;
                if origin.0 == b"null" {
                    f.write_str("; `null` is the origin of sandboxed iframes, file: pages and some redirects; allow it only by listing \"null\", and never with credentials")
                } else {
                    f.write_str("; if the page is yours, add its origin to allow_origins")
                }
            }
            Refusal::MalformedOrigin { origin, why } => write!(
                f,
                "origin \"{origin}\" is refused because {why}; browsers send \"scheme://host[:port]\"; {NO_ACAO}"
            ),
            Refusal::InsecureOriginWithCredentials { origin } => write!(
                f,
                "origin \"{origin}\" is plain http (not loopback) and the policy allows credentials, so it is refused although a predicate accepted it: anyone on the network path can forge it and act as the user; {NO_ACAO}; serve the page over https, or call allow_insecure_origins_with_credentials_dangerously() on a network you control"
            ),
            Refusal::OriginCheckFailed { origin, outcome } => write!(
                f,
                "origin \"{origin}\" is refused because the async origin check {outcome}; {NO_ACAO}; make the check answer (its database or service reachable), or raise origin_check_timeout"
            ),
            Refusal::MultipleOrigins => write!(f, "the request has several Origin headers, which no browser sends; refused; {NO_ACAO}"),
            Refusal::MethodNotAllowed { method, allowed, other_case } => {
                write!(f, "method \"{method}\" is not allowed (allowed: {allowed}); the browser reports \"Method {method} is not allowed by Access-Control-Allow-Methods in preflight response.\"")?;
                if *other_case {
                    f.write_str("; methods are case-sensitive and browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, so have the page send the method in the case the policy lists")
                } else {
                    f.write_str("; if the page should use it, add it to allow_methods")
                }
            }
            Refusal::MalformedRequestMethod => write!(f, "Access-Control-Request-Method is not a single method token; refused"),
            Refusal::HeaderNotAllowed { header, allowed, browsers_differ } => {
                write!(f, "request header \"{header}\" is not allowed (allowed: {allowed}); the browser reports \"Request header field {header} is not allowed by Access-Control-Allow-Headers in preflight response.\"")?;
                if *browsers_differ {
                    f.write_str("; \"*\" never covers authorization (Fetch, \"CORS non-wildcard request-header name\"): list \"authorization\" in allow_headers. Today's browsers (stock Chromium 156, Firefox, Safari) still let `*` cover it, so the page works there now and breaks when they enforce the standard")
                } else if header.0.eq_ignore_ascii_case(b"authorization") {
                    f.write_str("; if the page should send it, add \"authorization\" to allow_headers (\"*\" never covers it)")
                } else {
                    f.write_str("; if the page should send it, add it to allow_headers")
                }
            }
            Refusal::MalformedRequestHeaders(MalformedHeaderList::TooLong) => write!(
                f,
                "Access-Control-Request-Headers is longer than {MAX_REQUEST_HEADERS_LEN} bytes; refused without reading it"
            ),
            Refusal::MalformedRequestHeaders(MalformedHeaderList::TooMany) => write!(
                f,
                "Access-Control-Request-Headers names more than {MAX_REQUEST_HEADER_NAMES} headers or spans too many lines; refused"
            ),
            Refusal::PrivateNetworkNotAllowed => f.write_str(
                "a Private Network Access preflight (Access-Control-Request-Private-Network: true) and the policy does not allow it; set allow_private_network if public pages may reach this server",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_bytes_are_escaped_and_cut() {
        assert_eq!(Shown(b"a\r\nb\"\xff").to_string(), "a\\x0d\\x0ab\\\"\\xff");
        let long = vec![b'a'; 1000];
        assert!(Shown(&long).to_string().ends_with("… (1000 bytes)"));
    }
}
