//! Whether a subdomain pattern would match hosts that anyone can register, by the Public Suffix
//! List (the `psl` crate's copy, ICANN and private sections alike).
//!
//! A pattern `https://*.D` matches every host below `D`. It is unsafe when `D` is itself a public
//! suffix (a normal rule such as `co.uk` or `github.io`, or a host a wildcard rule covers such as
//! `kent.sch.uk` under `*.sch.uk`), and when the list makes every child of `D` a public suffix (a
//! wildcard rule `*.D`, such as `*.sch.uk`): then `anyschool.kent.sch.uk` belongs to whoever
//! registers it. An exception rule (`!city.kawasaki.jp` under `*.kawasaki.jp`) makes its name
//! registrable again, so a pattern over it is safe.

/// A label no rule of the list names, to ask what the list says of any child of a domain.
const PROBE_LABEL: &str = "cors-probe-7f3a";

/// Whether `domain` (lowercase ASCII, no leading `*.`) is a public suffix.
pub(crate) fn is_public_suffix(domain: &str) -> bool {
    psl::suffix(domain.as_bytes()).is_some_and(|s| s.as_bytes() == domain.as_bytes())
}

/// Whether a subdomain pattern over `domain` covers hosts that others can register.
pub(crate) fn pattern_covers_public_suffix(domain: &str) -> bool {
    is_public_suffix(domain) || is_public_suffix(&format!("{PROBE_LABEL}.{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_kind() {
        // Normal rules, ICANN and private.
        assert!(pattern_covers_public_suffix("com"));
        assert!(pattern_covers_public_suffix("co.uk"));
        assert!(pattern_covers_public_suffix("github.io"));
        // A wildcard rule `*.sch.uk`: sch.uk's children, and any name they cover.
        assert!(pattern_covers_public_suffix("sch.uk"));
        assert!(pattern_covers_public_suffix("kent.sch.uk"));
        assert!(!pattern_covers_public_suffix("school.kent.sch.uk"));
        // `*.kawasaki.jp` with the exception `!city.kawasaki.jp`.
        assert!(pattern_covers_public_suffix("kawasaki.jp"));
        assert!(pattern_covers_public_suffix("other.kawasaki.jp"));
        assert!(!pattern_covers_public_suffix("city.kawasaki.jp"));
        // Registrable domains.
        assert!(!pattern_covers_public_suffix("example.com"));
        assert!(!pattern_covers_public_suffix("example.co.uk"));
    }
}
