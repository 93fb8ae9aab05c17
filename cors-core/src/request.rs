//! The request as the core sees it: a method and header values as bytes, borrowed from whatever
//! type the framework uses.

use http::{HeaderName, HeaderValue};

/// A borrowed view of a request: what [`Policy::decide`](crate::Policy::decide) reads.
///
/// Implemented here for `http::Request<B>` and `http::request::Parts`; adapters for frameworks
/// with their own types implement it in a few lines.
///
/// ```
/// use cors_core::CorsRequest;
/// struct Raw { method: String, headers: Vec<(String, Vec<u8>)> }
/// impl CorsRequest for Raw {
///     fn method(&self) -> &[u8] { self.method.as_bytes() }
///     fn for_each_header<'s>(&'s self, name: &http::HeaderName, f: &mut dyn FnMut(&'s [u8])) {
///         for (n, v) in &self.headers {
///             if n.eq_ignore_ascii_case(name.as_str()) { f(v) }
///         }
///     }
/// }
/// ```
pub trait CorsRequest {
    /// The method, as sent.
    fn method(&self) -> &[u8];

    /// Calls `f` with each value of the header `name` (given in lowercase), in order.
    fn for_each_header<'s>(&'s self, name: &HeaderName, f: &mut dyn FnMut(&'s [u8]));

    /// The request's path, without the query, for request-aware origin checks
    /// ([`RequestInfo::path`](crate::RequestInfo::path)). The default is `None`.
    fn path(&self) -> Option<&str> {
        None
    }

    /// The target's authority when there is no `Host` header (HTTP/2's `:authority`). The default
    /// is `None`.
    fn authority(&self) -> Option<&[u8]> {
        None
    }

    /// The `Origin` header as an owned value, when the framework can hand it over without copying
    /// (used to echo an allowed origin). The default copies the bytes.
    fn origin_value(&self) -> Option<HeaderValue> {
        let mut value = None;
        self.for_each_header(&crate::header_names::ORIGIN, &mut |v| {
            if value.is_none() {
                value = HeaderValue::from_bytes(v).ok();
            }
        });
        value
    }
}

fn each<'s>(headers: &'s http::HeaderMap, name: &HeaderName, f: &mut dyn FnMut(&'s [u8])) {
    for v in headers.get_all(name) {
        f(v.as_bytes());
    }
}

impl<B> CorsRequest for http::Request<B> {
    fn method(&self) -> &[u8] {
        self.method().as_str().as_bytes()
    }

    fn for_each_header<'s>(&'s self, name: &HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        each(self.headers(), name, f);
    }

    fn origin_value(&self) -> Option<HeaderValue> {
        self.headers().get(http::header::ORIGIN).cloned()
    }

    fn path(&self) -> Option<&str> {
        Some(self.uri().path())
    }

    fn authority(&self) -> Option<&[u8]> {
        self.uri().authority().map(|a| a.as_str().as_bytes())
    }
}

impl CorsRequest for http::request::Parts {
    fn method(&self) -> &[u8] {
        self.method.as_str().as_bytes()
    }

    fn for_each_header<'s>(&'s self, name: &HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        each(&self.headers, name, f);
    }

    fn origin_value(&self) -> Option<HeaderValue> {
        self.headers.get(http::header::ORIGIN).cloned()
    }

    fn path(&self) -> Option<&str> {
        Some(self.uri.path())
    }

    fn authority(&self) -> Option<&[u8]> {
        self.uri.authority().map(|a| a.as_str().as_bytes())
    }
}
