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

    /// Calls `f(i, value)` with each value of each header named `names[i]`: in one pass over the
    /// headers where the framework can, since a preflight reads four. Values of one name come in
    /// order. The default looks each name up with [`for_each_header`](Self::for_each_header).
    ///
    /// ```
    /// use cors_core::CorsRequest;
    /// use http::header::{ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
    /// let request = http::Request::options("/")
    ///     .header("access-control-request-method", "PUT")
    ///     .header("origin", "https://a.example")
    ///     .body(())?;
    /// let mut seen = Vec::new();
    /// request.for_each_header_of(&[&ORIGIN, &ACCESS_CONTROL_REQUEST_METHOD], &mut |i, v| seen.push((i, v.to_vec())));
    /// seen.sort();
    /// assert_eq!(seen, [(0, b"https://a.example".to_vec()), (1, b"PUT".to_vec())]);
    /// # Ok::<(), http::Error>(())
    /// ```
    fn for_each_header_of<'s>(&'s self, names: &[&HeaderName], f: &mut dyn FnMut(usize, &'s [u8])) {
        for (i, name) in names.iter().enumerate() {
            self.for_each_header(name, &mut |v| f(i, v));
        }
    }

    /// The first value of the header `name` (given in lowercase), and whether another line of it
    /// follows: what a header that may appear only once needs (`Origin`, on every request). The
    /// default goes through [`for_each_header`](Self::for_each_header).
    ///
    /// ```
    /// use cors_core::CorsRequest;
    /// use http::header::ORIGIN;
    /// let request = http::Request::get("/").header("origin", "https://a.example").body(())?;
    /// assert_eq!(request.first_header(&ORIGIN), Some((&b"https://a.example"[..], false)));
    /// let twice = http::Request::get("/").header("origin", "https://a.example").header("origin", "https://b.example").body(())?;
    /// assert_eq!(twice.first_header(&ORIGIN), Some((&b"https://a.example"[..], true)));
    /// # Ok::<(), http::Error>(())
    /// ```
    fn first_header<'s>(&'s self, name: &HeaderName) -> Option<(&'s [u8], bool)> {
        let mut first: Option<(&'s [u8], bool)> = None;
        self.for_each_header(name, &mut |v| match &mut first {
            None => first = Some((v, false)),
            Some((_, more)) => *more = true,
        });
        first
    }

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

/// Up to this many header names, a name `http` does not know is found by comparing names rather
/// than hashing it (a byte at a time): `Access-Control-Request-Private-Network` on every preflight.
const SCAN_LIMIT: usize = 16;

fn each<'s>(headers: &'s http::HeaderMap, name: &HeaderName, f: &mut dyn FnMut(&'s [u8])) {
    if *name == crate::header_names::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK && headers.keys_len() <= SCAN_LIMIT {
        for (n, v) in headers {
            if n == name {
                f(v.as_bytes());
            }
        }
        return;
    }
    for v in headers.get_all(name) {
        f(v.as_bytes());
    }
}

fn first<'s>(headers: &'s http::HeaderMap, name: &HeaderName) -> Option<(&'s [u8], bool)> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    Some((first.as_bytes(), values.next().is_some()))
}

/// Several names: one pass comparing names when the map is small (a lookup hashes the name), else
/// a lookup per name.
fn each_of<'s>(headers: &'s http::HeaderMap, names: &[&HeaderName], f: &mut dyn FnMut(usize, &'s [u8])) {
    if headers.keys_len() > SCAN_LIMIT {
        for (i, name) in names.iter().enumerate() {
            for v in headers.get_all(*name) {
                f(i, v.as_bytes());
            }
        }
        return;
    }
    for (n, v) in headers {
        if let Some(i) = names.iter().position(|name| *name == n) {
            f(i, v.as_bytes());
        }
    }
}

impl<B> CorsRequest for http::Request<B> {
    fn method(&self) -> &[u8] {
        self.method().as_str().as_bytes()
    }

    fn for_each_header<'s>(&'s self, name: &HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        each(self.headers(), name, f);
    }

    fn for_each_header_of<'s>(&'s self, names: &[&HeaderName], f: &mut dyn FnMut(usize, &'s [u8])) {
        each_of(self.headers(), names, f);
    }

    fn first_header<'s>(&'s self, name: &HeaderName) -> Option<(&'s [u8], bool)> {
        first(self.headers(), name)
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

    fn for_each_header_of<'s>(&'s self, names: &[&HeaderName], f: &mut dyn FnMut(usize, &'s [u8])) {
        each_of(&self.headers, names, f);
    }

    fn first_header<'s>(&'s self, name: &HeaderName) -> Option<(&'s [u8], bool)> {
        first(&self.headers, name)
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
