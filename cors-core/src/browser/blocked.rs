//! Why a browser blocks a response, worded as Chromium's console message.

use std::fmt;

use super::AddressSpace;

/// Why the browser does not let JavaScript read a response. `Display` gives the reason as Chromium
/// 156 prints it after "has been blocked by CORS policy: ".
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Blocked {
    /// No `Access-Control-Allow-Origin`.
    NoAllowOrigin {
        /// Whether this was the preflight's answer.
        preflight: bool,
    },
    /// `Access-Control-Allow-Origin: *` on a credentialed request.
    WildcardWithCredentials {
        /// Whether this was the preflight's answer.
        preflight: bool,
    },
    /// Several values in `Access-Control-Allow-Origin`.
    MultipleAllowOrigins {
        /// The combined value.
        value: String,
        /// Whether this was the preflight's answer.
        preflight: bool,
    },
    /// `Access-Control-Allow-Origin` is not `*`, `null` or a URL.
    InvalidAllowOrigin {
        /// The value sent.
        value: String,
        /// Whether this was the preflight's answer.
        preflight: bool,
    },
    /// `Access-Control-Allow-Origin` names another origin.
    OriginMismatch {
        /// The value sent.
        value: String,
        /// Whether this was the preflight's answer.
        preflight: bool,
    },
    /// Credentials, and `Access-Control-Allow-Credentials` is not exactly `true`.
    CredentialsNotTrue {
        /// The value sent, empty when absent.
        value: String,
        /// Whether this was the preflight's answer.
        preflight: bool,
    },
    /// The preflight was answered with a redirect, which the browser does not follow (Fetch,
    /// "CORS-preflight fetch": the preflight is not an "HTTP fetch", so a redirect is a network
    /// error; Chromium says so in its own words).
    PreflightRedirect {
        /// The redirect status (301, 302, 303, 307 or 308).
        status: u16,
    },
    /// The preflight's answer has no ok status.
    PreflightNotOk {
        /// The status.
        status: u16,
    },
    /// The method is not in `Access-Control-Allow-Methods`.
    MethodNotAllowed {
        /// The method.
        method: String,
    },
    /// A request header is not in `Access-Control-Allow-Headers`.
    HeaderNotAllowed {
        /// The header name, lowercase.
        header: String,
    },
    /// `Access-Control-Allow-Methods` or `-Headers` does not parse as a list of tokens.
    UnparsableList {
        /// Which header.
        header: &'static str,
    },
    /// A Private Network Access preflight answered without `Access-Control-Allow-Private-Network: true`.
    PrivateNetworkNotAllowed {
        /// The address space the request targets.
        target: AddressSpace,
        /// The header's value, when present but not `true`.
        value: Option<String>,
    },
    /// `fetch()` throws: the method is forbidden (CONNECT, TRACE, TRACK). Nothing is sent.
    ForbiddenMethod {
        /// The method.
        method: String,
    },
    /// `fetch()` throws: the method is not a token. Nothing is sent.
    InvalidMethod {
        /// The method.
        method: String,
    },
}

impl Blocked {
    /// Chromium's full console message for a fetch from `origin` to `url`.
    pub fn console_message(&self, url: &str, origin: &str) -> String {
        if self.is_type_error() {
            // Not a CORS error: fetch() rejects with a TypeError, which a page sees as is.
            return format!("Uncaught (in promise) TypeError: {self}");
        }
        format!("Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: {self}")
    }

    /// Whether `fetch()` throws before sending anything (a forbidden or invalid method), rather
    /// than the browser blocking a response.
    pub fn is_type_error(&self) -> bool {
        matches!(self, Blocked::ForbiddenMethod { .. } | Blocked::InvalidMethod { .. })
    }

    /// Whether the preflight's answer, rather than the actual response, was blocked.
    pub fn at_preflight(&self) -> bool {
        match self {
            Blocked::NoAllowOrigin { preflight }
            | Blocked::WildcardWithCredentials { preflight }
            | Blocked::MultipleAllowOrigins { preflight, .. }
            | Blocked::InvalidAllowOrigin { preflight, .. }
            | Blocked::OriginMismatch { preflight, .. }
            | Blocked::CredentialsNotTrue { preflight, .. } => *preflight,
            Blocked::PreflightNotOk { .. }
            | Blocked::PreflightRedirect { .. }
            | Blocked::MethodNotAllowed { .. }
            | Blocked::HeaderNotAllowed { .. }
            | Blocked::UnparsableList { .. }
            | Blocked::PrivateNetworkNotAllowed { .. } => true,
            Blocked::ForbiddenMethod { .. } | Blocked::InvalidMethod { .. } => false,
        }
    }
}

const PREFLIGHT: &str = "Response to preflight request doesn't pass access control check: ";

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix =
            |f: &mut fmt::Formatter<'_>, preflight: bool| if preflight { f.write_str(PREFLIGHT) } else { Ok(()) };
        match self {
            Blocked::NoAllowOrigin { preflight } => {
                prefix(f, *preflight)?;
                f.write_str("No 'Access-Control-Allow-Origin' header is present on the requested resource.")
            }
            Blocked::WildcardWithCredentials { preflight } => {
                prefix(f, *preflight)?;
                f.write_str("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.")
            }
            Blocked::MultipleAllowOrigins { value, preflight } => {
                prefix(f, *preflight)?;
                write!(f, "The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only one is allowed. Have the server send the header with a valid value.")
            }
            Blocked::InvalidAllowOrigin { value, preflight } => {
                prefix(f, *preflight)?;
                write!(f, "The 'Access-Control-Allow-Origin' header contains the invalid value '{value}'. Have the server send the header with a valid value.")
            }
            Blocked::OriginMismatch { value, preflight } => {
                prefix(f, *preflight)?;
                write!(f, "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to the supplied origin. Have the server send the header with a valid value.")
            }
            Blocked::CredentialsNotTrue { value, preflight } => {
                prefix(f, *preflight)?;
                write!(f, "The value of the 'Access-Control-Allow-Credentials' header in the response is '{value}' which must be 'true' when the request's credentials mode is 'include'.")
            }
            Blocked::PreflightRedirect { .. } => {
                write!(f, "{PREFLIGHT}Redirect is not allowed for a preflight request.")
            }
            Blocked::PreflightNotOk { .. } => write!(f, "{PREFLIGHT}It does not have HTTP ok status."),
            Blocked::MethodNotAllowed { method } => {
                write!(f, "Method {method} is not allowed by Access-Control-Allow-Methods in preflight response.")
            }
            Blocked::HeaderNotAllowed { header } => write!(
                f,
                "Request header field {header} is not allowed by Access-Control-Allow-Headers in preflight response."
            ),
            Blocked::UnparsableList { header } => {
                write!(f, "Cannot parse {header} response header field in preflight response.")
            }
            Blocked::PrivateNetworkNotAllowed { target, value: None } => write!(
                f,
                "{PREFLIGHT}No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `{target}` address space."
            ),
            Blocked::PrivateNetworkNotAllowed { target, value: Some(value) } => write!(
                f,
                "{PREFLIGHT}The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `{target}` address space has a value of '{value}' which must be 'true'."
            ),
            Blocked::ForbiddenMethod { method } => {
                write!(f, "Failed to execute 'fetch' on 'Window': '{method}' HTTP method is unsupported.")
            }
            Blocked::InvalidMethod { method } => {
                write!(f, "Failed to execute 'fetch' on 'Window': '{method}' is not a valid HTTP method.")
            }
        }
    }
}

impl std::error::Error for Blocked {}
