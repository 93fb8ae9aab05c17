//! Requests and responses as bytes, so cases can hold what frameworks would refuse to build:
//! duplicate headers, bytes that are not UTF-8, huge values.

use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::refusal::Shown;

/// A request as sent on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Headers in order; names may repeat; values are bytes.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// A response as received.
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// Headers in order, names lowercase.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The plain request sent after a `follow_up` case: `GET /data` without `Origin`.
    pub fn follow_up() -> Self {
        RawRequest { method: "GET".to_owned(), path: "/data".to_owned(), headers: Vec::new() }
    }

    /// Builds an `http::Request` (for in-process runs through tower, hyper, warp). Headers whose
    /// name or value `http` refuses are skipped.
    pub fn to_http(&self) -> http::Request<Vec<u8>> {
        let mut builder = http::Request::builder().method(self.method.as_bytes()).uri(&self.path);
        if let Some(headers) = builder.headers_mut() {
            *headers = self.header_map();
        }
        builder.body(Vec::new()).unwrap_or_else(|_| http::Request::new(Vec::new()))
    }

    /// The headers as an `http::HeaderMap`, duplicates kept.
    pub fn header_map(&self) -> HeaderMap {
        to_map(&self.headers)
    }
}

impl RawResponse {
    /// Converts an `http::Response` whose body has been collected.
    pub fn from_http(parts: &http::response::Parts, body: Vec<u8>) -> Self {
        let headers = parts.headers.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
        RawResponse { status: parts.status.as_u16(), headers, body }
    }

    /// The headers as an `http::HeaderMap`.
    pub fn header_map(&self) -> HeaderMap {
        to_map(&self.headers)
    }

    /// Every value of a header (case-insensitive name).
    pub fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s [u8]> + 's {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_slice())
    }
}

fn to_map(headers: &[(String, Vec<u8>)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value)) {
            map.append(n, v);
        }
    }
    map
}

fn write_headers(f: &mut fmt::Formatter<'_>, headers: &[(String, Vec<u8>)]) -> fmt::Result {
    for (n, v) in headers {
        writeln!(f, "    {n}: {}", Shown(v))?;
    }
    Ok(())
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "    {} {}", self.method, self.path)?;
        write_headers(f, &self.headers)
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "    {}", self.status)?;
        write_headers(f, &self.headers)?;
        writeln!(f, "    body: {}", Shown(&self.body))
    }
}
