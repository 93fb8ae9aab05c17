//! Hosts as a browser serializes them (URL standard, "host parsing" and "host serializing").
//!
//! A browser writes the host of `Origin` through the WHATWG URL host parser: domains lowercase and
//! in their UTS 46 ASCII form (`xn--…`), IPv4 addresses in four decimal parts (`127.1` and
//! `0x7f.0.0.1` become `127.0.0.1`), IPv6 addresses compressed, in lowercase hexadecimal and in
//! brackets (`[0:0:0:0:0:0:0:1]` becomes `[::1]`). A policy entry spelled otherwise could never
//! match, so the builder canonicalizes it with the `url` crate (at build time, never per request)
//! and the request side accepts only the canonical spellings, with checks that do not allocate.

use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

/// What the WHATWG host parser makes of a host written in a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ParsedHost {
    /// A domain, in its ASCII serialization.
    Domain(String),
    /// An IP address, serialized as a browser writes it (`127.0.0.1`, `[::1]`).
    Ip(String),
}

impl ParsedHost {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            ParsedHost::Domain(s) | ParsedHost::Ip(s) => s,
        }
    }
}

/// URL standard, "host parser" (not special-cased for opaque hosts: origins that matter to CORS
/// have special schemes). `None` when the host is not valid at all.
pub(crate) fn parse_host(input: &str) -> Option<ParsedHost> {
    match url::Host::parse(input).ok()? {
        url::Host::Domain(d) => Some(ParsedHost::Domain(d)),
        ip @ (url::Host::Ipv4(_) | url::Host::Ipv6(_)) => Some(ParsedHost::Ip(ip.to_string())),
    }
}

/// URL standard, "ends in a number checker": whether the host parser reads this host as IPv4.
fn ends_in_a_number(host: &[u8]) -> bool {
    let host = host.strip_suffix(b".").unwrap_or(host);
    let last = host.rsplit(|&b| b == b'.').next().unwrap_or(host);
    if !last.is_empty() && last.iter().all(u8::is_ascii_digit) {
        return true;
    }
    matches!(last, [b'0', b'x' | b'X', rest @ ..] if rest.iter().all(u8::is_ascii_hexdigit))
}

/// Whether `host` (from a request's `Origin`, without brackets for IPv6) is a host a browser can
/// send: a domain that the URL parser does not read as a number, or an IP address written in its
/// canonical form. Allocation free.
pub(crate) fn is_canonical_request_host(host: &[u8]) -> bool {
    if let Some(inner) = host.strip_prefix(b"[") {
        let Some(addr) = inner.strip_suffix(b"]") else { return false };
        let Some(parsed) = std::str::from_utf8(addr).ok().and_then(|a| a.parse::<Ipv6Addr>().ok()) else {
            return false;
        };
        // URL standard, "IPv6 serializer", as the `url` crate writes it (no allocation).
        return writes_as(host, |w| write!(w, "{}", url::Host::<&str>::Ipv6(parsed)));
    }
    if ends_in_a_number(host) {
        // URL standard, "IPv4 serializer": four decimal parts without leading zeros, which is
        // exactly what `Ipv4Addr` parses.
        return std::str::from_utf8(host).ok().and_then(|h| h.parse::<Ipv4Addr>().ok()).is_some();
    }
    true
}

/// Whether `write` produces exactly `expected`, compared as it writes: no buffer.
fn writes_as(expected: &[u8], write: impl FnOnce(&mut Compare<'_>) -> fmt::Result) -> bool {
    let mut cmp = Compare { rest: expected, equal: true };
    write(&mut cmp).is_ok() && cmp.equal && cmp.rest.is_empty()
}

struct Compare<'a> {
    rest: &'a [u8],
    equal: bool,
}

impl fmt::Write for Compare<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.rest.strip_prefix(s.as_bytes()) {
            Some(rest) => self.rest = rest,
            None => {
                self.equal = false;
                return Err(fmt::Error);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_hosts_are_parsed_as_browsers_do() {
        let ip = |s: &str| ParsedHost::Ip(s.to_owned());
        assert_eq!(parse_host("127.1"), Some(ip("127.0.0.1")));
        assert_eq!(parse_host("0x7f.0.0.1"), Some(ip("127.0.0.1")));
        assert_eq!(parse_host("0177.0.0.1"), Some(ip("127.0.0.1")));
        assert_eq!(parse_host("2130706433"), Some(ip("127.0.0.1")));
        assert_eq!(parse_host("[0:0:0:0:0:0:0:1]"), Some(ip("[::1]")));
        assert_eq!(parse_host("[0000::0001]"), Some(ip("[::1]")));
        assert_eq!(parse_host("[::FFFF:127.0.0.1]"), Some(ip("[::ffff:7f00:1]")));
        assert_eq!(parse_host("bu\u{308}cher.example"), Some(ParsedHost::Domain("xn--bcher-kva.example".into())));
        assert_eq!(parse_host("bücher\u{3002}example"), Some(ParsedHost::Domain("xn--bcher-kva.example".into())));
        assert_eq!(parse_host("ｂüｃｈｅｒ.example"), Some(ParsedHost::Domain("xn--bcher-kva.example".into())));
        assert_eq!(parse_host("1.2.3.256"), None);
        assert_eq!(parse_host("example.0x10"), None);
    }

    #[test]
    fn request_hosts_must_be_canonical() {
        for ok in [&b"example.com"[..], b"127.0.0.1", b"[::1]", b"[2001:db8::1]", b"[::ffff:7f00:1]", b"a1.example"] {
            assert!(is_canonical_request_host(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"127.1"[..],
            b"0x7f.0.0.1",
            b"127.000.0.1",
            b"2130706433",
            b"example.0x10",
            b"127.0.0.1.",
            b"[0:0:0:0:0:0:0:1]",
            b"[0000::1]",
            b"[::FFFF:7f00:1]",
            b"[::ffff:127.0.0.1]",
            b"[2001:db8:0:0:1::1]",
            b"[::1",
        ] {
            assert!(!is_canonical_request_host(bad), "{}", String::from_utf8_lossy(bad));
        }
    }
}
