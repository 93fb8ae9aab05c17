//! `Origin::parse` on arbitrary bytes: whatever it accepts is a browser-serialized origin, returned
//! unchanged, and parsing is deterministic. An accepted IP-literal host is exactly what the WHATWG
//! URL parser (the `url` crate) serializes: no browser writes `127.1` or `[0:0::1]`.
#![no_main]

use cors_core::{Origin, MAX_ORIGIN_LEN};
use libfuzzer_sys::fuzz_target;

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let first = Origin::parse(data);
    // Deterministic: same bytes, same answer, same parts.
    assert_eq!(first, Origin::parse(data), "Origin::parse is not deterministic");
    let Ok(origin) = first else { return };

    // Round trip: the serialized form is the input, byte for byte (it is echoed as Allow-Origin).
    assert_eq!(origin.as_str().as_bytes(), data, "as_str differs from the input");
    assert_eq!(origin.to_string().as_bytes(), data, "Display differs from the input");
    assert!(data.len() <= MAX_ORIGIN_LEN, "accepted a value longer than MAX_ORIGIN_LEN");
    assert!(http::HeaderValue::from_bytes(data).is_ok(), "accepted a value that is not a header value");
    assert_ne!(data, b"null", "null is not a tuple origin");

    let scheme = origin.scheme();
    let host = origin.host();
    // Lowercase scheme starting with a letter; lowercase host; nothing a browser never sends.
    assert!(scheme.starts_with(|c: char| c.is_ascii_lowercase()), "scheme {scheme:?} does not start with a letter");
    assert!(
        scheme.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'+' | b'-' | b'.')),
        "scheme {scheme:?} is not lowercase"
    );
    assert!(!host.is_empty(), "empty host");
    assert!(!host.bytes().any(|b| b.is_ascii_uppercase()), "host {host:?} is not lowercase");
    assert!(host.bytes().all(|b| b.is_ascii_graphic()), "host {host:?} has whitespace, controls or non-ASCII");

    // Only scheme "://" authority: no path, query, fragment or userinfo after the scheme.
    let after_scheme = &origin.as_str()[scheme.len()..];
    let authority = after_scheme.strip_prefix("://").expect("scheme not followed by ://");
    for bad in ['/', '?', '#', '@', '\\'] {
        assert!(!authority.contains(bad), "authority {authority:?} contains {bad:?}");
    }

    // The parts put back together give the value; the port is never the scheme's default.
    let port = origin.port();
    assert_ne!(port, Some(0), "port 0");
    assert!(port.is_none() || port != default_port(scheme), "default port written out");
    let rebuilt = match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    };
    assert_eq!(rebuilt, origin.as_str(), "scheme, host and port do not rebuild the value");

    // URL standard, "host parsing": an IP literal (bracketed, or a host the parser reads as a
    // number) is accepted only in the spelling browsers serialize.
    let last_label = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    let numeric = !last_label.is_empty()
        && (last_label.bytes().all(|b| b.is_ascii_digit())
            || last_label.strip_prefix("0x").is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())));
    if host.starts_with('[') || numeric {
        match url::Host::parse(host) {
            Ok(parsed) => assert_eq!(parsed.to_string(), host, "accepted a non-canonical IP host"),
            Err(e) => panic!("accepted the IP host {host:?}, which the URL parser refuses: {e}"),
        }
    }
});
