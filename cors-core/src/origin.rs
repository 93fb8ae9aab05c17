//! The request's `Origin`, parsed as a serialized origin (HTML, "serialization of an origin";
//! Fetch, "Origin header"): `scheme "://" host [ ":" port ]`, lowercase, no path, default port
//! omitted, or the opaque origin `null`.

use std::fmt;

use crate::host::is_canonical_request_host;

/// Longest `Origin` value considered. A host is at most 253 bytes; anything much longer is not an
/// origin a browser would send, and is refused without further work.
pub const MAX_ORIGIN_LEN: usize = 512;

/// A tuple origin as a browser serializes it: scheme, host and an optional non-default port.
///
/// Obtained from [`Origin::parse`]; predicates given to
/// [`PolicyBuilder::allow_origin_predicate`](crate::PolicyBuilder::allow_origin_predicate) receive one.
///
/// ```
/// use cors_core::Origin;
/// let origin = Origin::parse(b"https://app.example.com:8443").unwrap();
/// assert_eq!(origin.scheme(), "https");
/// assert_eq!(origin.host(), "app.example.com");
/// assert_eq!(origin.port(), Some(8443));
/// assert_eq!(origin.as_str(), "https://app.example.com:8443");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin<'a> {
    serialized: &'a str,
    scheme_len: usize,
    host_start: usize,
    host_end: usize,
    port: Option<u16>,
}

/// Why an `Origin` value is not a serialized origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedOrigin {
    /// The value is empty.
    Empty,
    /// Longer than [`MAX_ORIGIN_LEN`].
    TooLong,
    /// No `scheme://`, or the scheme has characters a browser never sends.
    Scheme,
    /// The host is empty, has an empty label, or has characters a browser never sends.
    Host,
    /// The host is an IP address not written as a browser serializes it (`127.1`,
    /// `[0:0:0:0:0:0:0:1]`; URL standard, "host serializing"), or a domain the URL parser would
    /// read as a number (`example.0x10`).
    NonCanonicalHost,
    /// The port is not a decimal number in 1..=65535 without leading zeros.
    Port,
    /// The default port of the scheme is written out; a browser omits it.
    DefaultPort,
    /// Something follows the authority: a path, query, fragment or userinfo.
    TrailingData,
}

impl fmt::Display for MalformedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty",
            Self::TooLong => "it is longer than any origin a browser sends",
            Self::Scheme => "it has no valid lowercase scheme followed by \"://\"",
            Self::Host => "its host is empty or has characters a browser never sends",
            Self::NonCanonicalHost => {
                "its host is an IP address written as no browser writes it (browsers send 127.0.0.1, [::1])"
            }
            Self::Port => "its port is not a number between 1 and 65535",
            Self::DefaultPort => "it writes out the scheme's default port, which a browser omits",
            Self::TrailingData => "it has a path, query, fragment or userinfo, which an origin never has",
        })
    }
}

/// The default port of a scheme, which a serialized origin omits (URL standard, "default port").
pub(crate) fn default_port(scheme: &str) -> Option<u16> {
    default_port_of(scheme.as_bytes())
}

fn default_port_of(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        b"ftp" => Some(21),
        _ => None,
    }
}

/// A host byte as it appears in a serialized origin: lowercase ASCII letters, digits, `-`, `.`,
/// and `_` (Chromium and Firefox accept underscores in hosts).
fn is_host_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_')
}

fn valid_host(host: &[u8]) -> bool {
    if let Some(inner) = host.strip_prefix(b"[") {
        // An IPv6 address, serialized in brackets (URL standard, "host serializing").
        return match inner.strip_suffix(b"]") {
            Some(addr) => {
                !addr.is_empty() && addr.iter().all(|&b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b':' | b'.'))
            }
            None => false,
        };
    }
    if host.is_empty() || host.len() > 253 || host[0] == b'.' {
        return false;
    }
    // One pass: every byte a host byte, no empty label.
    let mut previous = 0u8;
    for &b in host {
        if !is_host_byte(b) || (b == b'.' && previous == b'.') {
            return false;
        }
        previous = b;
    }
    true
}

/// Where a well-formed origin's parts are.
struct Parts {
    sep: usize,
    host_start: usize,
    host_end: usize,
    port: Option<u16>,
}

/// The grammar on the path of a well-formed origin: the scheme up to the first `:`, then the host
/// and port, each byte looked at about twice. Accepts exactly what [`why_malformed`] finds nothing
/// wrong with: a path, query, fragment or userinfo fails the host or port rule.
#[inline]
fn scan(value: &[u8]) -> Option<Parts> {
    if value.is_empty() || value.len() > MAX_ORIGIN_LEN {
        return None;
    }
    // A scheme has no ':', so the first one starts "://".
    let sep = value.iter().position(|&b| b == b':')?;
    if value.get(sep + 1..sep + 3) != Some(b"//".as_slice()) || !valid_scheme(&value[..sep]) {
        return None;
    }
    let host_start = sep + 3;
    let (host, port) = split_port(&value[host_start..]);
    if !valid_host(host) || !is_canonical_request_host(host) {
        return None;
    }
    let port = match port {
        None => None,
        Some(digits) => {
            let n = parse_port(digits)?;
            if default_port_of(&value[..sep]) == Some(n) {
                return None;
            }
            Some(n)
        }
    };
    Some(Parts { sep, host_start, host_end: host_start + host.len(), port })
}

/// Fetch's "scheme": a lowercase letter, then lowercase letters, digits, `+`, `-` and `.`.
fn valid_scheme(scheme: &[u8]) -> bool {
    scheme.first().is_some_and(u8::is_ascii_lowercase)
        && scheme.iter().all(|&b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'+' | b'-' | b'.'))
}

/// Host and port: the port separator is the last ':' outside IPv6 brackets.
fn split_port(authority: &[u8]) -> (&[u8], Option<&[u8]>) {
    match authority.iter().rposition(|&b| b == b':') {
        Some(i) if !authority[i..].contains(&b']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    }
}

/// Why `value` is not a serialized origin: the first rule it breaks, in the order a reader checks
/// them. Only for values [`Origin::accept`] refused, to name the reason.
#[cold]
pub(crate) fn why_malformed(value: &[u8]) -> MalformedOrigin {
    if value.is_empty() {
        return MalformedOrigin::Empty;
    }
    if value.len() > MAX_ORIGIN_LEN {
        return MalformedOrigin::TooLong;
    }
    let Some(sep) = value.windows(3).position(|w| w == b"://") else { return MalformedOrigin::Scheme };
    if !valid_scheme(&value[..sep]) {
        return MalformedOrigin::Scheme;
    }
    let authority = &value[sep + 3..];
    if authority.iter().any(|&b| matches!(b, b'/' | b'?' | b'#' | b'@' | b'\\')) {
        return MalformedOrigin::TrailingData;
    }
    let (host, port) = split_port(authority);
    if !valid_host(host) {
        return MalformedOrigin::Host;
    }
    if !is_canonical_request_host(host) {
        return MalformedOrigin::NonCanonicalHost;
    }
    match port.map(parse_port) {
        Some(None) => MalformedOrigin::Port,
        // What is left: the scheme's default port written out.
        _ => MalformedOrigin::DefaultPort,
    }
}

impl<'a> Origin<'a> {
    /// Parses a request's `Origin` value strictly, as a browser serializes it. `null` is not a tuple
    /// origin and is refused here; the policy handles it separately.
    ///
    /// ```
    /// use cors_core::{MalformedOrigin, Origin};
    /// assert!(Origin::parse(b"https://example.com").is_ok());
    /// assert_eq!(Origin::parse(b"https://example.com/").unwrap_err(), MalformedOrigin::TrailingData);
    /// assert_eq!(Origin::parse(b"https://example.com:443").unwrap_err(), MalformedOrigin::DefaultPort);
    /// assert_eq!(Origin::parse(b"HTTPS://example.com").unwrap_err(), MalformedOrigin::Scheme);
    /// ```
    pub fn parse(value: &'a [u8]) -> Result<Self, MalformedOrigin> {
        Self::accept(value).ok_or_else(|| why_malformed(value))
    }

    /// The grammar on the path of a well-formed origin, then the `&str` it is.
    #[inline]
    fn accept(value: &'a [u8]) -> Option<Self> {
        let Parts { sep, host_start, host_end, port } = scan(value)?;
        // Only ASCII was accepted, so this cannot fail; no unwrap on user input regardless.
        let serialized = std::str::from_utf8(value).ok()?;
        Some(Origin { serialized, scheme_len: sep, host_start, host_end, port })
    }

    /// Whether `value` is a serialized origin, without making an [`Origin`] of it: all a refusal
    /// needs to say whether the origin is malformed or only not listed.
    pub(crate) fn is_well_formed(value: &[u8]) -> bool {
        scan(value).is_some()
    }

    /// The scheme, lowercase, without `://`.
    pub fn scheme(&self) -> &'a str {
        &self.serialized[..self.scheme_len]
    }

    /// The host: a lowercase domain, an IPv4 address, or an IPv6 address in brackets.
    pub fn host(&self) -> &'a str {
        &self.serialized[self.host_start..self.host_end]
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The origin exactly as the browser sent it.
    pub fn as_str(&self) -> &'a str {
        self.serialized
    }

    /// Whether the host is a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`),
    /// which a network attacker cannot impersonate.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(self.host())
    }
}

/// RFC 6761 and RFC 5735: names and addresses that always resolve to this machine.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// A decimal port in 1..=65535, without sign or leading zeros.
pub(crate) fn parse_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || digits[0] == b'0' || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &d| Some(n * 10 + u32::from(d - b'0'))).and_then(|n| u16::try_from(n).ok())
}

impl fmt::Debug for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Origin({:?})", self.serialized)
    }
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.serialized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // HTML, "serialization of an origin": lowercase scheme and host, default port omitted.
    #[test]
    fn parses_serialized_origins() {
        let o = Origin::parse(b"http://localhost:3000").unwrap();
        assert_eq!((o.scheme(), o.host(), o.port()), ("http", "localhost", Some(3000)));
        let o = Origin::parse(b"http://[::1]:8080").unwrap();
        assert_eq!((o.host(), o.port()), ("[::1]", Some(8080)));
        assert!(o.is_loopback());
        assert!(Origin::parse(b"https://xn--bcher-kva.example").is_ok());
        assert!(Origin::parse(b"https://a_b.example.com").is_ok());
    }

    #[test]
    fn refuses_what_a_browser_never_sends() {
        use MalformedOrigin::*;
        for (input, why) in [
            (&b""[..], Empty),
            (b"example.com", Scheme),
            (b"https://", Host),
            (b"https://Example.com", Host),
            (b"https://exa`mple.com", Host),
            (b"https://example.com%60.evil.com", Host),
            (b"https://a..b", Host),
            (b"https://example.com:0", Port),
            (b"https://example.com:080", Port),
            (b"https://example.com:65536", Port),
            (b"https://example.com:", Port),
            (b"http://example.com:80", DefaultPort),
            (b"https://example.com/", TrailingData),
            (b"https://evil.com/https://app.example.com", TrailingData),
            (b"https://app.example.com@evil.com", TrailingData),
            (b"https://example.com?x", TrailingData),
            (b"http://127.1:8080", NonCanonicalHost),
            (b"http://0x7f.0.0.1", NonCanonicalHost),
            (b"http://[0:0:0:0:0:0:0:1]:3000", NonCanonicalHost),
            (b"http://[::FFFF:7f00:1]", Host),
            (b"http://[0::1]", NonCanonicalHost),
        ] {
            assert_eq!(Origin::parse(input), Err(why), "{:?}", String::from_utf8_lossy(input));
        }
        assert_eq!(Origin::parse(&[b'a'; 600]), Err(TooLong));
        assert_eq!(Origin::parse(b"null"), Err(Scheme));
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback_host("localhost"));
        assert!(is_loopback_host("app.localhost"));
        assert!(is_loopback_host("127.0.0.1"));
        assert!(!is_loopback_host("127.0.0.1.evil.com"));
        assert!(!is_loopback_host("localhost.evil.com"));
    }
}
