//! The header names of the CORS protocol, and the Fetch standard's lists of names a page can
//! never set or read.

use http::HeaderName;

/// `Origin` (Fetch, "Origin header").
pub static ORIGIN: HeaderName = http::header::ORIGIN;
/// `Vary` (RFC 9110, section 12.5.5).
pub static VARY: HeaderName = http::header::VARY;
/// `host`: what request-aware origin checks see of the target.
pub static HOST: HeaderName = http::header::HOST;
/// `Access-Control-Request-Method` (Fetch, "HTTP requests").
pub static ACCESS_CONTROL_REQUEST_METHOD: HeaderName = http::header::ACCESS_CONTROL_REQUEST_METHOD;
/// `Access-Control-Request-Headers` (Fetch, "HTTP requests").
pub static ACCESS_CONTROL_REQUEST_HEADERS: HeaderName = http::header::ACCESS_CONTROL_REQUEST_HEADERS;
/// `Access-Control-Request-Private-Network` (Private Network Access draft).
pub static ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Origin` (Fetch, "HTTP responses").
pub static ACCESS_CONTROL_ALLOW_ORIGIN: HeaderName = http::header::ACCESS_CONTROL_ALLOW_ORIGIN;
/// `Access-Control-Allow-Credentials` (Fetch, "HTTP responses").
pub static ACCESS_CONTROL_ALLOW_CREDENTIALS: HeaderName = http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS;
/// `Access-Control-Allow-Methods` (Fetch, "HTTP responses").
pub static ACCESS_CONTROL_ALLOW_METHODS: HeaderName = http::header::ACCESS_CONTROL_ALLOW_METHODS;
/// `Access-Control-Allow-Headers` (Fetch, "HTTP responses").
pub static ACCESS_CONTROL_ALLOW_HEADERS: HeaderName = http::header::ACCESS_CONTROL_ALLOW_HEADERS;
/// `Access-Control-Expose-Headers` (Fetch, "HTTP responses").
pub static ACCESS_CONTROL_EXPOSE_HEADERS: HeaderName = http::header::ACCESS_CONTROL_EXPOSE_HEADERS;
/// `Access-Control-Max-Age` (Fetch, "HTTP responses").
pub static ACCESS_CONTROL_MAX_AGE: HeaderName = http::header::ACCESS_CONTROL_MAX_AGE;
/// `Access-Control-Allow-Private-Network` (Private Network Access draft).
pub static ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// The prefix every CORS response header name shares: a response without a name starting with it
/// carries none of [`RESPONSE_HEADERS`].
pub const ACCESS_CONTROL_PREFIX: &str = "access-control-";

/// Every response header this library writes. The policy owns them: whatever a handler set under
/// these names is removed before the policy's answer is added, so a response never carries two
/// `Access-Control-Allow-Origin` values.
pub static RESPONSE_HEADERS: [HeaderName; 7] = [
    http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
    http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    http::header::ACCESS_CONTROL_ALLOW_METHODS,
    http::header::ACCESS_CONTROL_ALLOW_HEADERS,
    http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
    http::header::ACCESS_CONTROL_MAX_AGE,
    HeaderName::from_static("access-control-allow-private-network"),
];

/// Fetch, "forbidden request-header": names a page cannot set, so allowing them is a mistake.
const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Fetch, "forbidden request-header": the listed names and any name starting with `proxy-` or
/// `sec-`. `name` must already be lowercase.
pub fn is_forbidden_request_header(name: &str) -> bool {
    FORBIDDEN_REQUEST_HEADERS.contains(&name) || name.starts_with("proxy-") || name.starts_with("sec-")
}

/// Fetch, "forbidden response-header name": `set-cookie` and `set-cookie2` are never exposed to a
/// page. `name` must already be lowercase.
pub fn is_forbidden_response_header(name: &str) -> bool {
    name == "set-cookie" || name == "set-cookie2"
}

/// [`BYTE_CLASS`] bit: the byte is a `tchar`.
pub(crate) const TCHAR: u8 = 1;
/// [`BYTE_CLASS`] bit: the byte is an ASCII uppercase letter.
pub(crate) const UPPER: u8 = 2;

/// Each byte's class, looked up once per byte of a requested name or method: [`TCHAR`], [`UPPER`].
pub(crate) static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        // RFC 9110, section 5.6.2: tchar.
        let tchar = matches!(c,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
            | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z');
        table[b] = if tchar { TCHAR } else { 0 } | if c.is_ascii_uppercase() { UPPER } else { 0 };
        b += 1;
    }
    table
};

/// RFC 9110, section 5.6.2: `tchar`, the bytes of a token (header names, methods).
pub(crate) fn is_tchar(b: u8) -> bool {
    BYTE_CLASS[usize::from(b)] & TCHAR != 0
}

/// A non-empty run of `tchar`.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fetch, "forbidden request-header".
    #[test]
    fn forbidden_request_headers_include_prefixes() {
        assert!(is_forbidden_request_header("cookie"));
        assert!(is_forbidden_request_header("sec-fetch-mode"));
        assert!(is_forbidden_request_header("proxy-authorization"));
        assert!(!is_forbidden_request_header("authorization"));
        assert!(!is_forbidden_request_header("x-requested-with"));
    }

    #[test]
    fn tokens() {
        assert!(is_token(b"PATCH"));
        assert!(is_token(b"x-custom_1"));
        assert!(!is_token(b""));
        assert!(!is_token(b"x custom"));
        assert!(!is_token(b"x:y"));
        assert!(!is_token("é".as_bytes()));
    }
}
