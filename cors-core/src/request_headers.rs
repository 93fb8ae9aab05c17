//! `Access-Control-Request-Headers`: parsing the requested names, and which names a policy allows.
//! Header names are case-insensitive (Fetch, "CORS-preflight fetch": byte-case-insensitive match).

use http::HeaderValue;

use crate::error::{Problem, ProblemKind};
use crate::header_list::{header_list, HeaderList, Rejection};
use crate::header_names::{is_forbidden_request_header, is_token};

const SETTING: &str = "allow_headers";

/// Longest total `Access-Control-Request-Headers` considered, over all its lines. Browsers send a
/// short list of names; past this the preflight is refused at once, whatever the content, so a
/// megabyte of commas costs nothing (the class of rs/cors#170).
pub const MAX_REQUEST_HEADERS_LEN: usize = 8 * 1024;
/// Most requested names considered in one preflight.
pub const MAX_REQUEST_HEADER_NAMES: usize = 128;
/// Most `Access-Control-Request-Headers` lines kept (gateways may split the list over several).
pub const MAX_REQUEST_HEADER_LINES: usize = 8;

/// Why a requested header list is refused before any name is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedHeaderList {
    /// Longer than [`MAX_REQUEST_HEADERS_LEN`] in total.
    TooLong,
    /// More than [`MAX_REQUEST_HEADER_NAMES`] names, or more than [`MAX_REQUEST_HEADER_LINES`] lines.
    TooMany,
}

/// The `Access-Control-Request-Headers` lines of one request, borrowed, at most
/// [`MAX_REQUEST_HEADER_LINES`] of them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestedHeaders<'a> {
    lines: [&'a [u8]; MAX_REQUEST_HEADER_LINES],
    len: usize,
    total: usize,
    overflow: bool,
}

impl<'a> RequestedHeaders<'a> {
    pub(crate) fn new() -> Self {
        RequestedHeaders { lines: [&[]; MAX_REQUEST_HEADER_LINES], len: 0, total: 0, overflow: false }
    }

    pub(crate) fn push(&mut self, line: &'a [u8]) {
        self.total = self.total.saturating_add(line.len());
        if self.len == MAX_REQUEST_HEADER_LINES {
            self.overflow = true;
        } else {
            self.lines[self.len] = line;
            self.len += 1;
        }
    }

    pub(crate) fn lines(&self) -> &[&'a [u8]] {
        &self.lines[..self.len]
    }

    /// The requested names: split on commas, optional whitespace trimmed, empty elements skipped
    /// (RFC 9110, section 5.6.1). Linear in the input.
    pub(crate) fn names(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.lines().iter().flat_map(|l| l.split(|&b| b == b',')).map(trim_ows).filter(|n| !n.is_empty())
    }

    /// Checks the list's size before anything else.
    pub(crate) fn check_size(&self) -> Result<(), MalformedHeaderList> {
        if self.total > MAX_REQUEST_HEADERS_LEN {
            return Err(MalformedHeaderList::TooLong);
        }
        if self.overflow || self.names().nth(MAX_REQUEST_HEADER_NAMES).is_some() {
            return Err(MalformedHeaderList::TooMany);
        }
        Ok(())
    }
}

fn trim_ows(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b' ' && b != b'\t').unwrap_or(s.len());
    let end = s.iter().rposition(|&b| b != b' ' && b != b'\t').map_or(start, |e| e + 1);
    &s[start..end]
}

#[derive(Debug)]
pub(crate) struct AllowHeaders {
    pub(crate) any: bool,
    list: Vec<Box<str>>,
    /// `Access-Control-Allow-Headers` as sent when not reflecting: the list, `*`, or `*, authorization`.
    pub(crate) header: Option<HeaderValue>,
    pub(crate) display: String,
}

impl AllowHeaders {
    pub(crate) fn new(entries: &[String], problems: &mut Vec<Problem>, warnings: &mut Vec<Problem>) -> Self {
        let reject = |name: &str| -> Option<Rejection> {
            if name.starts_with("access-control-") {
                Some((
                    ProblemKind::AccessControlHeaderName,
                    "is a CORS response header, not a header a page sends",
                    "remove it; the policy sends Access-Control-* headers itself",
                ))
            } else if is_forbidden_request_header(name) {
                Some((
                    ProblemKind::ForbiddenHeaderName,
                    "is a forbidden request header (Fetch): a page can never set it",
                    "remove it",
                ))
            } else {
                None
            }
        };
        let HeaderList { any, names } = header_list(entries, SETTING, "x-request-id", reject, problems, warnings);
        let list: Vec<Box<str>> = names.into_iter().map(String::into_boxed_str).collect();
        // `*` covers everything but `authorization`, so `*` with `authorization` is meaningful.
        if any && list.iter().any(|h| &**h != "authorization") {
            problems.push(Problem::new(ProblemKind::WildcardWithOthers, SETTING, "*", "is listed together with other headers, which it already covers (only \"authorization\" needs listing beside \"*\")", "list either \"*\" (and \"authorization\" if needed) or the headers"));
        }
        let joined = list.join(", ");
        let text = match (any, list.is_empty()) {
            (true, true) => "*".to_owned(),
            (true, false) => format!("*, {joined}"),
            (false, _) => joined,
        };
        let header = if text.is_empty() { None } else { HeaderValue::from_str(&text).ok() };
        if let Some(h) = &header {
            let _shared = h.clone();
        }
        let display = if text.is_empty() { "none".to_owned() } else { text };
        AllowHeaders { any, list, header, display }
    }

    /// Fetch, "CORS-preflight fetch": each requested name must be listed (case-insensitive) or
    /// covered by `*`, which never covers `authorization` ("CORS non-wildcard request-header name").
    pub(crate) fn allows(&self, name: &[u8]) -> bool {
        (self.any && !name.eq_ignore_ascii_case(b"authorization"))
            || self.list.iter().any(|h| h.as_bytes().eq_ignore_ascii_case(name))
    }

    /// The first requested name that is not allowed, or not a token.
    pub(crate) fn first_refused<'a>(&self, requested: &RequestedHeaders<'a>) -> Option<&'a [u8]> {
        requested.names().find(|n| !is_token(n) || !self.allows(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(list: &[&str]) -> AllowHeaders {
        let owned: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        AllowHeaders::new(&owned, &mut Vec::new(), &mut Vec::new())
    }

    fn requested(lines: &[&'static str]) -> RequestedHeaders<'static> {
        let mut r = RequestedHeaders::new();
        for l in lines {
            r.push(l.as_bytes());
        }
        r
    }

    // RFC 9110 section 5.6.1 lists; Fetch: names compared byte-case-insensitively.
    #[test]
    fn parses_lists_with_whitespace_case_and_several_lines() {
        let a = allow(&["content-type", "x-request-id"]);
        assert_eq!(a.first_refused(&requested(&["Content-Type ,\tX-Request-ID"])), None);
        assert_eq!(a.first_refused(&requested(&["content-type", "x-request-id"])), None);
        assert_eq!(a.first_refused(&requested(&[",, content-type ,,"])), None);
        assert_eq!(a.first_refused(&requested(&["content-type, x-evil"])), Some(&b"x-evil"[..]));
        assert_eq!(a.first_refused(&requested(&["content type"])), Some(&b"content type"[..]));
    }

    // Fetch, "CORS non-wildcard request-header name": `*` never covers authorization.
    #[test]
    fn wildcard_never_covers_authorization() {
        let a = allow(&["*"]);
        assert!(a.allows(b"x-anything"));
        assert!(!a.allows(b"Authorization"));
        let b = allow(&["*", "authorization"]);
        assert!(b.allows(b"authorization"));
        assert_eq!(b.header.as_ref().unwrap(), "*, authorization");
    }

    #[test]
    fn size_limits_are_checked_first() {
        let commas = ",".repeat(1 << 20);
        let mut r = RequestedHeaders::new();
        r.push(commas.as_bytes());
        assert_eq!(r.check_size(), Err(MalformedHeaderList::TooLong));
        let many = "a,".repeat(200);
        let mut r = RequestedHeaders::new();
        r.push(many.as_bytes());
        assert_eq!(r.check_size(), Err(MalformedHeaderList::TooMany));
    }

    #[test]
    fn mistakes() {
        let kinds = |l: &[&str]| {
            let owned: Vec<String> = l.iter().map(|s| (*s).to_owned()).collect();
            let mut p = Vec::new();
            AllowHeaders::new(&owned, &mut p, &mut Vec::new());
            p.iter().map(Problem::kind).collect::<Vec<_>>()
        };
        assert_eq!(kinds(&["x y"]), [ProblemKind::InvalidHeaderName]);
        assert_eq!(kinds(&["Access-Control-Allow-Origin"]), [ProblemKind::AccessControlHeaderName]);
        assert_eq!(kinds(&["cookie"]), [ProblemKind::ForbiddenHeaderName]);
        assert_eq!(kinds(&["sec-fetch-site"]), [ProblemKind::ForbiddenHeaderName]);
        assert_eq!(kinds(&["*", "x-a"]), [ProblemKind::WildcardWithOthers]);
    }
}
