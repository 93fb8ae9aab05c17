//! `Access-Control-Request-Headers`: parsing the requested names, and which names a policy allows.
//! Header names are case-insensitive (Fetch, "CORS-preflight fetch": byte-case-insensitive match).

use http::HeaderValue;

use crate::error::{Problem, ProblemKind};
use crate::header_list::{header_list, HeaderList, Rejection};
use crate::header_names::{is_forbidden_request_header, BYTE_CLASS, TCHAR, UPPER};
use crate::name_table::NameTable;

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
    #[cfg(test)]
    pub(crate) fn names(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.lines().iter().flat_map(|l| l.split(|&b| b == b',')).map(trim_ows).filter(|n| !n.is_empty())
    }
}

/// What [`AllowHeaders::check`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeadersVerdict<'a> {
    /// Every requested name is allowed.
    Allowed,
    /// The list is refused for its size, before any name is looked at.
    Malformed(MalformedHeaderList),
    /// The first requested name that is not allowed, or not a token.
    Refused(&'a [u8]),
}

#[cfg(test)]
fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Longest requested name looked up in the allowed set after lowercasing on the stack; a longer one
/// (never a real header name) is compared with each allowed name instead.
const LOWERCASE_BUFFER: usize = 64;

#[derive(Debug)]
pub(crate) struct AllowHeaders {
    pub(crate) any: bool,
    list: Vec<Box<str>>,
    /// The listed names, lowercase: one lookup per requested name.
    table: NameTable,
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
        let table = NameTable::new(list.iter().map(|h| h.as_bytes()));
        AllowHeaders { any, list, table, header, display }
    }

    /// Fetch, "CORS-preflight fetch": each requested name must be listed (case-insensitive) or
    /// covered by `*`, which never covers `authorization` ("CORS non-wildcard request-header name").
    #[cfg(test)]
    pub(crate) fn allows(&self, name: &[u8]) -> bool {
        self.allows_name(name, name.iter().any(u8::is_ascii_uppercase))
    }

    /// [`allows`](Self::allows) for a name already known to be a token; `upper`: whether it has an
    /// uppercase letter (browsers send lowercase names, which are looked up as they are).
    #[inline(always)]
    fn allows_name(&self, name: &[u8], upper: bool) -> bool {
        if self.any && !name.eq_ignore_ascii_case(b"authorization") {
            return true;
        }
        if !upper {
            return self.contains_lowercase(name);
        }
        if name.len() <= LOWERCASE_BUFFER {
            let mut lower = [0u8; LOWERCASE_BUFFER];
            let lower = &mut lower[..name.len()];
            lower.copy_from_slice(name);
            lower.make_ascii_lowercase();
            return self.contains_lowercase(lower);
        }
        self.list.iter().any(|h| h.as_bytes().eq_ignore_ascii_case(name))
    }

    #[inline(always)]
    fn contains_lowercase(&self, name: &[u8]) -> bool {
        self.table.contains(name)
    }

    /// The size limits first ([`MAX_REQUEST_HEADERS_LEN`], [`MAX_REQUEST_HEADER_LINES`],
    /// [`MAX_REQUEST_HEADER_NAMES`]), then each name, in one pass over the list: the first
    /// requested name that is not a token or not allowed is the refusal.
    pub(crate) fn check<'a>(&self, requested: &RequestedHeaders<'a>) -> HeadersVerdict<'a> {
        if requested.total > MAX_REQUEST_HEADERS_LEN {
            return HeadersVerdict::Malformed(MalformedHeaderList::TooLong);
        }
        if requested.overflow {
            return HeadersVerdict::Malformed(MalformedHeaderList::TooMany);
        }
        let mut names = 0usize;
        let mut refused: Option<&'a [u8]> = None;
        for &line in requested.lines() {
            // RFC 9110, section 5.6.1: elements split on commas, the whitespace around each
            // trimmed, empty ones skipped. One pass over the bytes.
            let mut i = 0;
            while let Some(&b) = line.get(i) {
                if b == b',' || b == b' ' || b == b'\t' {
                    i += 1;
                    continue;
                }
                // An element: first a run of tchar (the whole name, as browsers send it), one
                // table lookup per byte, which also says whether it has an uppercase letter.
                let start = i;
                let mut any = 0u8;
                while let Some(&b) = line.get(i) {
                    let class = BYTE_CLASS[usize::from(b)];
                    if class & TCHAR == 0 {
                        break;
                    }
                    any |= class;
                    i += 1;
                }
                // Then up to the next comma: trailing whitespace is trimmed; anything else makes
                // the element no token.
                let mut end = i;
                let mut token = true;
                while let Some(&b) = line.get(i) {
                    if b == b',' {
                        break;
                    }
                    if b != b' ' && b != b'\t' {
                        token = false;
                        end = i + 1;
                    }
                    i += 1;
                }
                names += 1;
                if names > MAX_REQUEST_HEADER_NAMES {
                    return HeadersVerdict::Malformed(MalformedHeaderList::TooMany);
                }
                let name = &line[start..end];
                if refused.is_none() && (!token || !self.allows_name(name, any & UPPER != 0)) {
                    refused = Some(name);
                }
            }
        }
        match refused {
            Some(name) => HeadersVerdict::Refused(name),
            None => HeadersVerdict::Allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(list: &[&str]) -> AllowHeaders {
        let owned: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        AllowHeaders::new(&owned, &mut Vec::new(), &mut Vec::new())
    }

    fn first_refused(a: &AllowHeaders, r: &RequestedHeaders<'static>) -> Option<&'static [u8]> {
        match a.check(r) {
            HeadersVerdict::Refused(name) => Some(name),
            HeadersVerdict::Allowed => None,
            HeadersVerdict::Malformed(e) => panic!("malformed: {e:?}"),
        }
    }

    /// The rule as written: split, trim, skip empty elements, count, first name not a token or
    /// not allowed.
    fn reference<'a>(a: &AllowHeaders, r: &RequestedHeaders<'a>) -> HeadersVerdict<'a> {
        if r.total > MAX_REQUEST_HEADERS_LEN {
            return HeadersVerdict::Malformed(MalformedHeaderList::TooLong);
        }
        if r.overflow || r.names().count() > MAX_REQUEST_HEADER_NAMES {
            return HeadersVerdict::Malformed(MalformedHeaderList::TooMany);
        }
        match r.names().find(|n| !crate::header_names::is_token(n) || !a.allows(n)) {
            Some(name) => HeadersVerdict::Refused(name),
            None => HeadersVerdict::Allowed,
        }
    }

    proptest::proptest! {
        #[test]
        fn the_one_pass_check_is_the_rule(
            lines in proptest::collection::vec("[aAxX\\-, \t@\r\u{e9}]{0,24}", 0..4),
            wildcard in proptest::bool::ANY,
        ) {
            let a = if wildcard { allow(&["*", "authorization"]) } else { allow(&["a", "x-a", "xx", "a-x"]) };
            let lines: Vec<&'static str> = lines.into_iter().map(|l| &*Box::leak(l.into_boxed_str())).collect();
            let r = requested(&lines);
            proptest::prop_assert_eq!(a.check(&r), reference(&a, &r));
        }

        /// Listed names of one to twelve bytes (around the eight a fingerprint word holds), their
        /// prefixes and extensions, uppercase, other tchar, bytes above 0x7f and NUL inside.
        #[test]
        fn names_of_every_length_are_the_rule(
            elements in proptest::collection::vec(
                (proptest::sample::select(&[
                    "a", "x-a", "xx", "x-h1", "x-h12", "abcdefg", "abcdefgh", "abcdefghi", "x-header-10",
                    "x-header-100", "abcdefg0", "abcdefgh-", "x-h", "X-H1", "x-H1", "Abcdefgh", "abcdefgH",
                    "x_h1", "x.h1", "x-h1\u{e9}", "x-h1\0", "x/h1", "9", "-", "", "x-h1 z", "abc\u{7f}",
                ][..]), proptest::sample::select(&[",", ", ", " ,", ",\t", " ", ",,", ", , "][..])),
                0..8,
            ),
            split in 0usize..4,
            wildcard in proptest::bool::ANY,
        ) {
            let a = if wildcard {
                allow(&["*", "authorization"])
            } else {
                allow(&["a", "x-a", "xx", "x-h1", "abcdefgh", "abcdefghi", "x-header-10", "9", "-"])
            };
            let mut lines: Vec<String> = vec![String::new()];
            for (i, (name, sep)) in elements.iter().enumerate() {
                if split > 0 && i % (split + 1) == split {
                    lines.push(String::new());
                }
                let line = lines.last_mut().expect("one line at least");
                line.push_str(name);
                line.push_str(sep);
            }
            // Without the last separator sometimes, so a name ends the line.
            if split == 1 {
                if let Some(line) = lines.last_mut() {
                    while line.ends_with([',', ' ', '\t']) {
                        line.pop();
                    }
                }
            }
            let lines: Vec<&'static str> = lines.into_iter().map(|l| &*Box::leak(l.into_boxed_str())).collect();
            let r = requested(&lines);
            proptest::prop_assert_eq!(a.check(&r), reference(&a, &r));
        }
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
        assert_eq!(first_refused(&a, &requested(&["Content-Type ,\tX-Request-ID"])), None);
        assert_eq!(first_refused(&a, &requested(&["content-type", "x-request-id"])), None);
        assert_eq!(first_refused(&a, &requested(&[",, content-type ,,"])), None);
        assert_eq!(first_refused(&a, &requested(&["content-type, x-evil"])), Some(&b"x-evil"[..]));
        assert_eq!(first_refused(&a, &requested(&["content type"])), Some(&b"content type"[..]));
        assert_eq!(first_refused(&a, &requested(&["x-evil, content type"])), Some(&b"x-evil"[..]));
        // A name longer than the lowercase buffer, in uppercase, is still compared.
        let long = "X-".to_owned() + &"A".repeat(100);
        let b = allow(&["content-type", &long]);
        let long: &'static str = Box::leak(long.into_boxed_str());
        assert_eq!(first_refused(&b, &requested(&[long])), None);
        assert_eq!(first_refused(&b, &requested(&["X-AAAA"])), Some(&b"X-AAAA"[..]));
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
        let a = allow(&["a"]);
        let commas = ",".repeat(1 << 20);
        let mut r = RequestedHeaders::new();
        r.push(commas.as_bytes());
        assert_eq!(a.check(&r), HeadersVerdict::Malformed(MalformedHeaderList::TooLong));
        // Too many names wins over a refused name before them.
        let many = "x-evil,".to_owned() + &"a,".repeat(200);
        let mut r = RequestedHeaders::new();
        r.push(many.as_bytes());
        assert_eq!(a.check(&r), HeadersVerdict::Malformed(MalformedHeaderList::TooMany));
        let exactly = "a,".repeat(MAX_REQUEST_HEADER_NAMES);
        let mut r = RequestedHeaders::new();
        r.push(exactly.as_bytes());
        assert_eq!(r.names().count(), MAX_REQUEST_HEADER_NAMES);
        assert_eq!(a.check(&r), HeadersVerdict::Allowed);
        let mut r = RequestedHeaders::new();
        for _ in 0..=MAX_REQUEST_HEADER_LINES {
            r.push(b"a");
        }
        assert_eq!(a.check(&r), HeadersVerdict::Malformed(MalformedHeaderList::TooMany));
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
