//! Hosts as browsers write them (URL standard, "host parsing" and "host serializing"): a policy
//! entry spelled otherwise is refused with the canonical spelling as its fix, and a request's
//! `Origin` with a non-canonical host is refused, so a predicate only ever sees origins a
//! browser can send.
//!
//! IPv4 addresses are generated with random spellings (decimal, octal, hexadecimal parts, fewer
//! than four parts); IPv6 addresses with leading zeros, uppercase, uncompressed and embedded-IPv4
//! spellings. `std`'s `Ipv4Addr` and the `url` crate's serializer are the references.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{Ipv4Addr, Ipv6Addr};

use cors_core::{MalformedOrigin, Origin, Policy, ProblemKind};
use proptest::prelude::*;

/// The browser's serialization of an IPv6 host, by the `url` crate.
fn whatwg_ipv6(addr: Ipv6Addr) -> String {
    url::Host::<String>::Ipv6(addr).to_string()
}

fn fix_of(entry: &str) -> (ProblemKind, String) {
    let err = Policy::builder().allow_origin(entry).build().unwrap_err();
    let p = &err.problems()[0];
    (p.kind(), p.fix().to_owned())
}

#[test]
fn ip_literals_in_a_policy_get_the_browsers_spelling_as_fix() {
    for (entry, canonical) in [
        ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"),
        ("http://[0000::0001]:3000", "http://[::1]:3000"),
        ("http://[::FFFF:127.0.0.1]", "http://[::ffff:7f00:1]"),
        ("http://127.1:8080", "http://127.0.0.1:8080"),
        ("http://0x7f.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://0177.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://2130706433:8080", "http://127.0.0.1:8080"),
        ("http://192.168.010.1", "http://192.168.8.1"),
        ("https://exa%6Dple.com", "https://example.com"),
    ] {
        let (kind, fix) = fix_of(entry);
        assert!(
            matches!(kind, ProblemKind::OriginHostNotCanonical | ProblemKind::OriginUppercase),
            "{entry}: {kind:?}"
        );
        assert_eq!(fix, format!("write \"{canonical}\""), "{entry}");
        assert!(Policy::builder().allow_origin(canonical).build().is_ok(), "{canonical}");
    }
    assert_eq!(fix_of("http://*.127.0.0.1").0, ProblemKind::OriginWildcardPosition);
    assert_eq!(fix_of("http://1.2.3.256").0, ProblemKind::OriginInvalid);
}

#[test]
fn internationalized_hosts_get_their_uts46_spelling() {
    for entry in [
        "https://bücher.example",
        "https://bu\u{308}cher.example",
        "https://bücher\u{3002}example",
        "https://ＢÜＣＨＥＲ.example",
        "https://BÜCHER.example",
    ] {
        let (kind, fix) = fix_of(entry);
        assert_eq!(kind, ProblemKind::OriginNonAscii, "{entry}");
        assert_eq!(fix, "write \"https://xn--bcher-kva.example\"", "{entry}");
    }
    let (_, fix) = fix_of("https://*.bücher.example");
    assert_eq!(fix, "write \"https://*.xn--bcher-kva.example\"");
}

#[test]
fn requests_with_non_canonical_hosts_never_reach_a_predicate() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let policy = Policy::builder()
        .allow_origin_predicate(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            true
        })
        .build()
        .unwrap();
    for origin in ["http://127.1:8080", "http://[0:0:0:0:0:0:0:1]:3000", "http://0x7f.0.0.1", "http://example.0x10"] {
        let request = http::Request::get("/").header("origin", origin).body(()).unwrap();
        let decision = policy.decide(&request);
        assert!(
            matches!(decision.refusal(), Some(cors_core::Refusal::MalformedOrigin { .. })),
            "{origin}: {:?}",
            decision.refusal()
        );
    }
    assert_eq!(seen.load(Ordering::SeqCst), 0);
    let request = http::Request::get("/").header("origin", "http://[::1]:3000").body(()).unwrap();
    assert!(policy.decide(&request).refusal().is_none());
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

/// One IPv4 part, spelled as the URL standard's IPv4 number parser reads it.
fn spell_part(value: u32, style: u8) -> String {
    match style % 3 {
        0 => value.to_string(),
        1 => format!("0x{value:x}"),
        _ => format!("0{value:o}"),
    }
}

/// An IPv4 address spelled with 1 to 4 parts (the last part takes the remaining bytes).
fn spell_ipv4(addr: Ipv4Addr, parts: usize, styles: &[u8]) -> String {
    let n = u32::from(addr);
    let o = addr.octets();
    let values: Vec<u32> = match parts {
        1 => vec![n],
        2 => vec![u32::from(o[0]), n & 0x00ff_ffff],
        3 => vec![u32::from(o[0]), u32::from(o[1]), n & 0xffff],
        _ => o.iter().map(|&b| u32::from(b)).collect(),
    };
    values.iter().zip(styles).map(|(&v, &s)| spell_part(v, s)).collect::<Vec<_>>().join(".")
}

/// An IPv6 address spelled with or without compression, leading zeros, uppercase.
fn spell_ipv6(addr: Ipv6Addr, zeros: bool, upper: bool, compress: bool) -> String {
    let text = if compress {
        addr.to_string()
    } else {
        addr.segments()
            .iter()
            .map(|s| if zeros { format!("{s:04x}") } else { format!("{s:x}") })
            .collect::<Vec<_>>()
            .join(":")
    };
    if upper {
        text.to_uppercase()
    } else {
        text
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Every spelling of an IPv4 address builds only when canonical, and otherwise names the
    /// canonical spelling; a request with it is accepted only when canonical.
    #[test]
    fn ipv4_spellings(addr in any::<u32>().prop_map(Ipv4Addr::from), parts in 1usize..=4, styles in prop::collection::vec(0u8..3, 4)) {
        let spelled = spell_ipv4(addr, parts, &styles);
        let canonical = addr.to_string();
        let entry = format!("http://{spelled}:8080");
        let built = Policy::builder().allow_origin(&entry).build();
        if spelled == canonical {
            prop_assert!(built.is_ok(), "{}", entry);
        } else {
            let err = built.unwrap_err();
            prop_assert_eq!(err.problems()[0].kind(), ProblemKind::OriginHostNotCanonical);
            prop_assert_eq!(err.problems()[0].fix(), format!("write \"http://{canonical}:8080\""));
        }
        let parsed = Origin::parse(entry.as_bytes());
        if spelled == canonical {
            prop_assert!(parsed.is_ok());
        } else {
            prop_assert_eq!(parsed.unwrap_err(), MalformedOrigin::NonCanonicalHost);
        }
    }

    /// Every spelling of an IPv6 address: the request side accepts exactly the URL standard's
    /// serialization (checked against the `url` crate), and the policy side suggests it.
    #[test]
    fn ipv6_spellings(segments in prop::array::uniform8(prop_oneof![Just(0u16), Just(0xffff), any::<u16>()]), zeros: bool, upper: bool, compress: bool) {
        let addr = Ipv6Addr::from(segments);
        let spelled = spell_ipv6(addr, zeros, upper, compress);
        let canonical = whatwg_ipv6(addr);
        let origin = format!("http://[{spelled}]:3000");
        let accepted = Origin::parse(origin.as_bytes()).is_ok();
        prop_assert_eq!(accepted, format!("[{spelled}]") == canonical, "{}", origin);
        let canonical_origin = format!("http://{canonical}:3000");
        prop_assert!(Origin::parse(canonical_origin.as_bytes()).is_ok(), "{}", canonical_origin);
        let built = Policy::builder().allow_origin(&origin).build();
        if format!("[{spelled}]") == canonical {
            prop_assert!(built.is_ok());
        } else {
            let err = built.unwrap_err();
            prop_assert_eq!(err.problems()[0].fix(), format!("write \"http://{canonical}:3000\""));
        }
    }
}
