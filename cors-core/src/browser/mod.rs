//! The browser's side of the protocol, as the Fetch standard defines it: which requests need a
//! preflight, the CORS check, the CORS-preflight check, and what JavaScript may read.
//!
//! It is the judge of the conformance suite, and a testing aid: check your own server's answers
//! the way a browser would, without a browser. A whole `fetch()` call is a [`Fetch`]; each
//! adapter's `testing` feature plays one through an app in process and returns its
//! [`FetchOutcome`].
//!
//! ```
//! use cors_core::browser::{Blocked, BrowserRequest};
//!
//! let request = BrowserRequest::new("https://app.example.com", "put")
//!     .header("content-type", "application/json")
//!     .credentials(true);
//! assert!(request.needs_preflight());
//! assert_eq!(request.method(), "PUT"); // Fetch normalizes put, not patch
//!
//! let mut answer = http::HeaderMap::new();
//! answer.insert("access-control-allow-origin", "https://app.example.com".parse().unwrap());
//! answer.insert("access-control-allow-credentials", "true".parse().unwrap());
//! answer.insert("access-control-allow-methods", "PUT".parse().unwrap());
//! let blocked = request.check_preflight(204, &answer).unwrap_err();
//! assert_eq!(blocked, Blocked::HeaderNotAllowed { header: "content-type".into() });
//! assert_eq!(
//!     blocked.to_string(),
//!     "Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response."
//! );
//! ```

mod blocked;
mod fetch;
mod max_age;
mod outcome;
mod private_network;
mod rules;
mod safelist;

use std::time::Duration;

use http::HeaderMap;

use crate::allow_methods::{is_forbidden_method, is_safelisted_method, NORMALIZED};
use crate::header_names::{is_forbidden_request_header, is_token};

pub use blocked::Blocked;
pub use fetch::{Fetch, FetchError, Playing, DEFAULT_SERVER};
pub use max_age::{parse_max_age, CHROMIUM_MAX_AGE, DEFAULT_MAX_AGE, FIREFOX_MAX_AGE};
pub use outcome::{FetchOutcome, Preflight, Step};
pub use private_network::AddressSpace;
pub use rules::Rules;
pub use safelist::{is_safelisted_request_header, is_safelisted_response_header, unsafe_request_header_names};

/// A `fetch()` as a page makes it: from an origin, with a method, headers and a credentials mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrowserRequest {
    origin: String,
    method: String,
    headers: Vec<(String, Vec<u8>)>,
    credentials: bool,
    target: Option<AddressSpace>,
}

/// A passed preflight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreflightPassed {
    /// How long Chromium caches the answer.
    pub max_age: Duration,
}

/// A response JavaScript may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readable {
    exposed: Vec<String>,
    all_exposed: bool,
}

impl Readable {
    /// Whether `response.headers.get(name)` returns the header (if the response has it).
    pub fn can_read_header(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        if lower == "set-cookie" || lower == "set-cookie2" {
            return false;
        }
        self.all_exposed || is_safelisted_response_header(&lower) || self.exposed.contains(&lower)
    }
}

/// Fetch, "normalize a method": only these six are uppercased.
fn normalize_method(method: &str) -> String {
    for m in NORMALIZED {
        if m.eq_ignore_ascii_case(method) {
            return m.to_owned();
        }
    }
    method.to_owned()
}

/// Fetch, "forbidden request-header": the name, or a method-override header whose value names a
/// forbidden method.
fn is_forbidden_request_header_pair(name: &str, value: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if is_forbidden_request_header(&lower) {
        return true;
    }
    matches!(lower.as_str(), "x-http-method" | "x-http-method-override" | "x-method-override")
        && value.split(|&b| b == b',').any(|m| std::str::from_utf8(m.trim_ascii()).is_ok_and(is_forbidden_method))
}

/// Fetch, "get, decode, and split" for a list header, reduced to tokens: `None` if an element is
/// not a token (the browser then fails the preflight).
fn parse_list(headers: &HeaderMap, name: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for line in headers.get_all(name) {
        for item in line.as_bytes().split(|&b| b == b',') {
            let item = item.trim_ascii();
            if item.is_empty() {
                continue;
            }
            if !item.iter().all(|&b| crate::header_names::is_tchar(b)) {
                return None;
            }
            out.push(String::from_utf8_lossy(item).into_owned());
        }
    }
    Some(out)
}

/// Fetch, "get a structured field"-style combination: all values joined with ", ".
fn combined(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> =
        headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
    if values.is_empty() {
        None
    } else {
        Some(values.join(", "))
    }
}

/// Whether `value` parses as an absolute URL with a host, as far as the check needs: a scheme,
/// `://`, a non-empty host, and a port (if any) in range.
fn looks_like_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else { return false };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (host_port, None),
    };
    let port_ok = port.is_none_or(|p| p.is_empty() || p.parse::<u16>().is_ok());
    scheme_ok && !host.is_empty() && port_ok
}

impl BrowserRequest {
    /// A request from the page origin `origin` (serialized, such as `https://app.example.com`)
    /// with `method` as the page wrote it in `fetch()`: Fetch, "normalize a method", uppercases
    /// only DELETE, GET, HEAD, OPTIONS, POST and PUT (`put` becomes `PUT`, `patch` stays `patch`).
    pub fn new(origin: impl Into<String>, method: &str) -> Self {
        Self::from_wire(origin, &normalize_method(method))
    }

    /// A request as it was seen on the wire: `method` is the method the browser sent (or the
    /// value of `Access-Control-Request-Method`), taken byte for byte, never normalized. A
    /// preflight that asks for `put` asks for `put`, which `PUT` does not allow.
    ///
    /// ```
    /// use cors_core::browser::BrowserRequest;
    /// assert_eq!(BrowserRequest::new("https://a.example", "put").method(), "PUT");
    /// assert_eq!(BrowserRequest::from_wire("https://a.example", "put").method(), "put");
    /// ```
    pub fn from_wire(origin: impl Into<String>, method: &str) -> Self {
        BrowserRequest {
            origin: origin.into(),
            method: method.to_owned(),
            headers: Vec::new(),
            credentials: false,
            target: None,
        }
    }

    /// Adds a header the page sets. As `fetch()` does (Fetch, "Headers" with guard "request"), a
    /// forbidden request-header (`cookie`, `host`, `sec-*`, `proxy-*`, …, and `x-http-method`,
    /// `x-http-method-override` or `x-method-override` naming a forbidden method) is silently
    /// dropped: the browser never sends it.
    ///
    /// ```
    /// use cors_core::browser::BrowserRequest;
    /// let r = BrowserRequest::new("https://a.example", "GET").header("Cookie", "a=1").header("x-id", "1");
    /// assert_eq!(r.headers().len(), 1);
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl AsRef<[u8]>) -> Self {
        let name = name.into();
        let value = value.as_ref();
        if !is_forbidden_request_header_pair(&name, value) {
            self.headers.push((name, value.to_vec()));
        }
        self
    }

    /// A request to a more private address space than the page's (a public page fetching
    /// `http://192.168.1.1`, or any page fetching loopback). Browsers that implement Private
    /// Network Access (Chromium 104 to 141) preflight it with
    /// `Access-Control-Request-Private-Network: true` and need
    /// `Access-Control-Allow-Private-Network: true` in the answer.
    ///
    /// Chromium 142 and later replaced these preflights with Local Network Access: a
    /// permission prompt shown to the user, which no response header can grant or skip. The
    /// model here is the PNA protocol, for the browsers that still speak it.
    ///
    /// ```
    /// use cors_core::browser::{AddressSpace, BrowserRequest};
    /// let r = BrowserRequest::new("https://a.example", "GET").private_network(AddressSpace::Local);
    /// assert!(r.needs_preflight());
    /// assert!(r.preflight_headers().contains(&("access-control-request-private-network".into(), "true".into())));
    /// ```
    pub fn private_network(mut self, target: AddressSpace) -> Self {
        self.target = Some(target);
        self
    }

    /// `credentials: 'include'` (true) or `'omit'`/`'same-origin'` on a cross-origin request (false).
    pub fn credentials(mut self, include: bool) -> Self {
        self.credentials = include;
        self
    }

    /// The page origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The method as the browser sends it.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The headers the page set.
    pub fn headers(&self) -> &[(String, Vec<u8>)] {
        &self.headers
    }

    /// Whether the request carries credentials.
    pub fn includes_credentials(&self) -> bool {
        self.credentials
    }

    /// Fetch, "CORS-unsafe request-header names".
    pub fn unsafe_header_names(&self) -> Vec<String> {
        unsafe_request_header_names(&self.headers)
    }

    /// Fetch, "main fetch": a preflight is needed for a method that is not CORS-safelisted, or for
    /// a header that is not; Private Network Access preflights every request to a more private
    /// address space.
    pub fn needs_preflight(&self) -> bool {
        !is_safelisted_method(self.method.as_bytes()) || !self.unsafe_header_names().is_empty() || self.target.is_some()
    }

    /// The address space of a Private Network Access request, if it is one.
    pub fn target_address_space(&self) -> Option<AddressSpace> {
        self.target
    }

    /// `fetch()` throws a `TypeError` before sending anything for a method that is not a token
    /// (Fetch, "method") or is forbidden (Fetch, "forbidden method": CONNECT, TRACE, TRACK).
    ///
    /// ```
    /// use cors_core::browser::{Blocked, BrowserRequest};
    /// let r = BrowserRequest::new("https://a.example", "TRACE");
    /// assert_eq!(r.method_error(), Some(Blocked::ForbiddenMethod { method: "TRACE".into() }));
    /// ```
    pub fn method_error(&self) -> Option<Blocked> {
        if !is_token(self.method.as_bytes()) {
            Some(Blocked::InvalidMethod { method: self.method.clone() })
        } else if is_forbidden_method(&self.method) {
            Some(Blocked::ForbiddenMethod { method: self.method.clone() })
        } else {
            None
        }
    }

    /// The headers of the request itself, as the browser sends them: `Origin` (Fetch, "append a
    /// request `Origin` header": every CORS-mode request has one), `Accept: */*` unless the page
    /// set one (Fetch, "fetch", step 12), then the page's headers as it set them.
    ///
    /// ```
    /// use cors_core::browser::BrowserRequest;
    /// let r = BrowserRequest::new("https://a.example", "PUT").header("X-Id", "1");
    /// let names: Vec<String> = r.request_headers().into_iter().map(|(n, _)| n).collect();
    /// assert_eq!(names, ["origin", "accept", "X-Id"]);
    /// ```
    pub fn request_headers(&self) -> Vec<(String, Vec<u8>)> {
        let mut headers = vec![("origin".to_owned(), self.origin.as_bytes().to_vec())];
        if !self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("accept")) {
            headers.push(("accept".to_owned(), b"*/*".to_vec()));
        }
        headers.extend(self.headers.iter().cloned());
        headers
    }

    /// The headers of the preflight the browser sends (Fetch, "CORS-preflight fetch", steps 1–4):
    /// `Origin`, `Access-Control-Request-Method`, and the sorted lowercase unsafe names.
    pub fn preflight_headers(&self) -> Vec<(String, String)> {
        let mut h = vec![
            ("origin".to_owned(), self.origin.clone()),
            ("access-control-request-method".to_owned(), self.method.clone()),
        ];
        let names = self.unsafe_header_names();
        if !names.is_empty() {
            h.push(("access-control-request-headers".to_owned(), names.join(",")));
        }
        if self.target.is_some() {
            h.push(("access-control-request-private-network".to_owned(), "true".to_owned()));
        }
        h
    }

    /// Fetch, "CORS check", on any response (`preflight` selects Chromium's wording).
    fn cors_check(&self, headers: &HeaderMap, preflight: bool) -> Result<(), Blocked> {
        let Some(origin) = combined(headers, "access-control-allow-origin") else {
            return Err(Blocked::NoAllowOrigin { preflight });
        };
        if origin == "*" && !self.credentials {
            return Ok(());
        }
        if origin == "*" {
            return Err(Blocked::WildcardWithCredentials { preflight });
        }
        if origin != self.origin {
            // Chromium's order: several values (comma or space), then a value that is not a URL,
            // then another origin.
            if headers.get_all("access-control-allow-origin").iter().count() > 1 || origin.contains([',', ' ']) {
                return Err(Blocked::MultipleAllowOrigins { value: origin, preflight });
            }
            if origin != "null" && !looks_like_url(&origin) {
                return Err(Blocked::InvalidAllowOrigin { value: origin, preflight });
            }
            return Err(Blocked::OriginMismatch { value: origin, preflight });
        }
        if !self.credentials {
            return Ok(());
        }
        let value = combined(headers, "access-control-allow-credentials").unwrap_or_default();
        if value == "true" {
            Ok(())
        } else {
            Err(Blocked::CredentialsNotTrue { value, preflight })
        }
    }

    /// Fetch, "CORS-preflight fetch", step 7: the checks on the preflight's answer, as the
    /// standard says ([`Rules::Standard`]).
    pub fn check_preflight(&self, status: u16, headers: &HeaderMap) -> Result<PreflightPassed, Blocked> {
        self.check_preflight_under(Rules::Standard, status, headers)
    }

    /// [`check_preflight`](Self::check_preflight) under the given rules: where the standard and
    /// shipping browsers differ, check under both to know what users see today.
    pub fn check_preflight_under(
        &self,
        rules: Rules,
        status: u16,
        headers: &HeaderMap,
    ) -> Result<PreflightPassed, Blocked> {
        if let Some(error) = self.method_error() {
            return Err(error);
        }
        // Fetch, "redirect status": the preflight does not follow it; Chromium reports it first.
        if matches!(status, 301 | 302 | 303 | 307 | 308) {
            return Err(Blocked::PreflightRedirect { status });
        }
        self.cors_check(headers, true)?;
        if !(200..=299).contains(&status) {
            return Err(Blocked::PreflightNotOk { status });
        }
        let methods = parse_list(headers, "access-control-allow-methods")
            .ok_or(Blocked::UnparsableList { header: "Access-Control-Allow-Methods" })?;
        let names = parse_list(headers, "access-control-allow-headers")
            .ok_or(Blocked::UnparsableList { header: "Access-Control-Allow-Headers" })?;
        let wildcard = |list: &[String]| !self.credentials && list.iter().any(|m| m == "*");
        // Methods compare byte for byte; a safelisted method always passes.
        let safelisted = is_safelisted_method(self.method.as_bytes());
        if !safelisted && !methods.contains(&self.method) && !wildcard(&methods) {
            return Err(Blocked::MethodNotAllowed { method: self.method.clone() });
        }
        let listed = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        let unsafe_names = self.unsafe_header_names();
        // Fetch, "CORS non-wildcard request-header name": authorization is never covered by `*`
        // (shipping browsers still let `*` cover it; see `Rules`).
        let covers_authorization = rules.wildcard_covers_authorization() && wildcard(&names);
        if self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            && !listed("authorization")
            && !covers_authorization
        {
            return Err(Blocked::HeaderNotAllowed { header: "authorization".to_owned() });
        }
        for name in &unsafe_names {
            if !listed(name) && !wildcard(&names) {
                return Err(Blocked::HeaderNotAllowed { header: name.clone() });
            }
        }
        // Private Network Access: the answer must opt in with exactly `true`.
        if let Some(target) = self.target {
            let value = combined(headers, "access-control-allow-private-network");
            if value.as_deref() != Some("true") {
                return Err(Blocked::PrivateNetworkNotAllowed { target, value });
            }
        }
        Ok(PreflightPassed { max_age: max_age::chromium_max_age(headers) })
    }

    /// Fetch, "CORS check" on the actual response, and what JavaScript may read of it
    /// (Fetch, "CORS filtered response").
    pub fn check_response(&self, headers: &HeaderMap) -> Result<Readable, Blocked> {
        if let Some(error) = self.method_error() {
            return Err(error);
        }
        self.cors_check(headers, false)?;
        let exposed = parse_list(headers, "access-control-expose-headers").unwrap_or_default();
        let all_exposed = !self.credentials && exposed.iter().any(|h| h == "*");
        Ok(Readable { exposed: exposed.iter().map(|h| h.to_ascii_lowercase()).collect(), all_exposed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(*n, http::HeaderValue::from_static(v));
        }
        h
    }

    // Fetch, "CORS check".
    #[test]
    fn cors_check() {
        let r = BrowserRequest::new("https://a.example", "GET");
        assert!(r.check_response(&map(&[("access-control-allow-origin", "*")])).is_ok());
        assert!(r.check_response(&map(&[("access-control-allow-origin", "https://a.example")])).is_ok());
        assert_eq!(r.check_response(&map(&[])), Err(Blocked::NoAllowOrigin { preflight: false }));
        assert!(matches!(
            r.check_response(&map(&[("access-control-allow-origin", "https://a.example/")])),
            Err(Blocked::OriginMismatch { .. })
        ));
        assert!(matches!(
            r.check_response(&map(&[
                ("access-control-allow-origin", "https://a.example"),
                ("access-control-allow-origin", "https://a.example")
            ])),
            Err(Blocked::MultipleAllowOrigins { .. })
        ));
        let c = r.clone().credentials(true);
        assert_eq!(
            c.check_response(&map(&[("access-control-allow-origin", "*")])),
            Err(Blocked::WildcardWithCredentials { preflight: false })
        );
        assert!(matches!(
            c.check_response(&map(&[("access-control-allow-origin", "https://a.example")])),
            Err(Blocked::CredentialsNotTrue { .. })
        ));
        assert!(c
            .check_response(&map(&[
                ("access-control-allow-origin", "https://a.example"),
                ("access-control-allow-credentials", "true")
            ]))
            .is_ok());
        assert!(matches!(
            c.check_response(&map(&[
                ("access-control-allow-origin", "https://a.example"),
                ("access-control-allow-credentials", "True")
            ])),
            Err(Blocked::CredentialsNotTrue { .. })
        ));
    }

    // Fetch, "CORS-preflight fetch": method byte-exact; `*` only without credentials;
    // authorization never under `*`; non-ok status fails.
    #[test]
    fn preflight_check() {
        let ok = [("access-control-allow-origin", "https://a.example")];
        let r = BrowserRequest::new("https://a.example", "patch");
        assert_eq!(r.method(), "patch");
        let mut h = map(&ok);
        h.insert("access-control-allow-methods", http::HeaderValue::from_static("PATCH"));
        assert_eq!(r.check_preflight(204, &h), Err(Blocked::MethodNotAllowed { method: "patch".into() }));
        h.insert("access-control-allow-methods", http::HeaderValue::from_static("*"));
        assert!(r.check_preflight(204, &h).is_ok());
        assert_eq!(r.check_preflight(404, &h), Err(Blocked::PreflightNotOk { status: 404 }));
        assert_eq!(r.check_preflight(308, &h), Err(Blocked::PreflightRedirect { status: 308 }));
        assert_eq!(
            Blocked::PreflightRedirect { status: 301 }.to_string(),
            "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request."
        );
        let auth = BrowserRequest::new("https://a.example", "GET").header("Authorization", "Bearer x");
        let mut h = map(&ok);
        h.insert("access-control-allow-headers", http::HeaderValue::from_static("*"));
        assert_eq!(auth.check_preflight(204, &h), Err(Blocked::HeaderNotAllowed { header: "authorization".into() }));
        h.insert("access-control-allow-headers", http::HeaderValue::from_static("*, Authorization"));
        assert!(auth.check_preflight(204, &h).is_ok());
    }

    #[test]
    fn max_age_defaults_and_clamps() {
        let r = BrowserRequest::new("https://a.example", "PUT");
        let mut h = map(&[("access-control-allow-origin", "*"), ("access-control-allow-methods", "PUT")]);
        assert_eq!(r.check_preflight(200, &h).unwrap().max_age, DEFAULT_MAX_AGE);
        h.insert("access-control-max-age", http::HeaderValue::from_static("86400"));
        assert_eq!(r.check_preflight(200, &h).unwrap().max_age, CHROMIUM_MAX_AGE);
    }

    #[test]
    fn readable_headers() {
        let r = BrowserRequest::new("https://a.example", "GET");
        let h = map(&[("access-control-allow-origin", "*"), ("access-control-expose-headers", "X-Total-Count")]);
        let readable = r.check_response(&h).unwrap();
        assert!(readable.can_read_header("x-total-count"));
        assert!(readable.can_read_header("content-type"));
        assert!(!readable.can_read_header("x-secret"));
    }
}
