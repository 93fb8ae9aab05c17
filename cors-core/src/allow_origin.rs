//! Which origins a policy allows: exact origins in a hash map (O(1) whatever their number),
//! subdomain and port patterns indexed by host suffix, `null` only when listed, `*`, predicates.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use http::HeaderValue;

use crate::lookup_hash::LookupHash;
use crate::origin::{why_malformed, MalformedOrigin, Origin};
use crate::origin_check::{AsyncCheck, CheckOutcome, RequestInfo, RequestPredicate};
use crate::origin_rule::{OriginRule, PortRule};

/// A predicate over the request's origin, for origins that cannot be listed ahead of time.
pub(crate) type Predicate = Arc<dyn Fn(&Origin<'_>) -> bool + Send + Sync>;

/// Where a pattern applies, stored under its host (or host suffix).
#[derive(Debug)]
struct PatternTarget {
    scheme: Box<str>,
    subdomains: bool,
    port: PortRule,
}

/// The outcome of matching a request's origin.
pub(crate) enum OriginMatch<'p> {
    /// Answer with `*`.
    Any,
    /// Answer with the precomputed value of the policy's listed origin number `i`
    /// ([`AllowOrigin::listed`]).
    Listed(usize),
    /// Answer with the request's own origin (a pattern, predicate, `null` or the dangerous reflect).
    Echo,
    /// Not allowed.
    Refused,
    /// Accepted by a predicate, but plain `http` (not loopback) while the policy allows
    /// credentials, without the dangerous opt-in.
    Insecure,
    /// The async check failed or timed out.
    CheckFailed(&'p CheckOutcome),
    /// Not a serialized origin.
    Malformed(MalformedOrigin),
}

#[derive(Default)]
pub(crate) struct AllowOrigin {
    pub(crate) any: bool,
    pub(crate) reflect_any: bool,
    pub(crate) null: bool,
    /// Credentials without `allow_insecure_origins_with_credentials_dangerously`: dynamic checks
    /// must not grant plain-`http` origins other than loopback.
    refuse_insecure: bool,
    /// Keyed by the origin's serialization, the bytes a browser sends: its index in `listed`.
    exact: HashMap<Box<[u8]>, usize, LookupHash>,
    /// The listed origins' answer values, made once: an answer keeps an index, so a request
    /// clones nothing of them.
    listed: Vec<HeaderValue>,
    patterns: HashMap<Box<str>, Vec<PatternTarget>>,
    predicates: Vec<Predicate>,
    request_predicates: Vec<RequestPredicate>,
    pub(crate) async_check: Option<AsyncCheck>,
    /// What a refusal message lists as allowed.
    pub(crate) display: String,
    /// Only exact origins (and maybe `null`): no pattern, predicate or reflection can allow an
    /// origin the list misses.
    exact_only: bool,
}

const DISPLAY_LIMIT: usize = 8;

impl AllowOrigin {
    pub(crate) fn new(
        rules: Vec<OriginRule>,
        predicates: Vec<Predicate>,
        dynamic: (Vec<RequestPredicate>, Option<AsyncCheck>),
        reflect_any: bool,
        refuse_insecure: bool,
    ) -> Self {
        let (request_predicates, async_check) = dynamic;
        let mut this = AllowOrigin { reflect_any, refuse_insecure, ..AllowOrigin::default() };
        let mut shown: Vec<String> = Vec::new();
        let total = rules.len() + predicates.len() + request_predicates.len() + usize::from(async_check.is_some());
        for rule in rules {
            if shown.len() < DISPLAY_LIMIT {
                shown.push(rule_text(&rule));
            }
            match rule {
                OriginRule::Any => this.any = true,
                OriginRule::Null => this.null = true,
                OriginRule::Exact(s) => {
                    // Validated as a serialized origin, hence a valid header value.
                    if let Ok(value) = HeaderValue::from_str(&s) {
                        this.exact.insert(s.into_bytes().into_boxed_slice(), this.listed.len());
                        this.listed.push(value);
                    }
                }
                OriginRule::Pattern { scheme, host, subdomains, port } => {
                    this.patterns.entry(host.into_boxed_str()).or_default().push(PatternTarget {
                        scheme: scheme.into_boxed_str(),
                        subdomains,
                        port,
                    });
                }
            }
        }
        if reflect_any {
            shown.push("every origin (reflect_any_origin_dangerously)".to_owned());
        }
        for _ in &predicates {
            if shown.len() < DISPLAY_LIMIT {
                shown.push("origins accepted by a predicate".to_owned());
            }
        }
        for _ in &request_predicates {
            if shown.len() < DISPLAY_LIMIT {
                shown.push("origins accepted by a request predicate".to_owned());
            }
        }
        if async_check.is_some() && shown.len() < DISPLAY_LIMIT {
            shown.push("origins accepted by an async check".to_owned());
        }
        this.predicates = predicates;
        this.request_predicates = request_predicates;
        this.async_check = async_check;
        if total > shown.len() {
            shown.push(format!("and {} more", total - shown.len()));
        }
        this.display = if shown.is_empty() { "none".to_owned() } else { shown.join(", ") };
        this.exact_only = !this.reflect_any
            && this.patterns.is_empty()
            && this.predicates.is_empty()
            && this.request_predicates.is_empty();
        this
    }

    /// The answer value of listed origin number `i` (an index [`check`](Self::check) gave).
    pub(crate) fn listed(&self, i: usize) -> Option<&HeaderValue> {
        self.listed.get(i)
    }

    /// Matches one `Origin` value. Fetch, "CORS check": the answer must be `*` or the request's
    /// serialized origin byte for byte, so matching is exact, never by prefix, suffix or substring.
    ///
    /// `info` gives request-aware predicates the request; `checked` is the outcome of the async
    /// check, once it ran.
    pub(crate) fn check<'p, 'r>(
        &'p self,
        value: &[u8],
        info: &dyn Fn() -> RequestInfo<'r>,
        checked: Option<&'p CheckOutcome>,
    ) -> OriginMatch<'p> {
        if self.any {
            return OriginMatch::Any;
        }
        // HTML, "serialization of an origin": an opaque origin serializes as `null`.
        if value == b"null" {
            return if self.null || self.reflect_any { OriginMatch::Echo } else { OriginMatch::Refused };
        }
        // A listed origin is stored as its serialization, so a byte-equal `Origin` is that origin:
        // the common case is answered without parsing.
        if !self.reflect_any {
            if let Some(&i) = self.exact.get(value) {
                return OriginMatch::Listed(i);
            }
        }
        if self.exact_only && checked.is_none() {
            // Nothing but the list could allow it: whether it is well-formed only names the
            // refusal, so no `Origin` is made.
            return if Origin::is_well_formed(value) {
                OriginMatch::Refused
            } else {
                OriginMatch::Malformed(why_malformed(value))
            };
        }
        let origin = match Origin::parse(value) {
            Ok(o) => o,
            Err(e) => return OriginMatch::Malformed(e),
        };
        if self.reflect_any {
            return OriginMatch::Echo;
        }
        // The async check ran only because every static rule and predicate refused this origin
        // ([`needs_async_check`](Self::needs_async_check)): its outcome decides, without asking
        // the predicates a second time.
        if let Some(outcome) = checked {
            return match outcome {
                CheckOutcome::Allowed if self.refuses_insecure(&origin) => OriginMatch::Insecure,
                CheckOutcome::Allowed => OriginMatch::Echo,
                CheckOutcome::Refused => OriginMatch::Refused,
                failed @ (CheckOutcome::Failed(_) | CheckOutcome::TimedOut(_)) => OriginMatch::CheckFailed(failed),
            };
        }
        // `Origin::parse` accepts only the serialization itself (`as_str` is `value`), which the
        // exact lookup above has already missed.
        if !self.patterns.is_empty() && self.matches_pattern(&origin) {
            return OriginMatch::Echo;
        }
        let dynamic = self.predicates.iter().any(|p| p(&origin))
            || (!self.request_predicates.is_empty() && {
                let info = info();
                self.request_predicates.iter().any(|p| p(&origin, &info))
            });
        if dynamic {
            return if self.refuses_insecure(&origin) { OriginMatch::Insecure } else { OriginMatch::Echo };
        }
        OriginMatch::Refused
    }

    /// Whether the static rules leave `value` to the async check: it is a well-formed origin
    /// (never `null`) that nothing else allows.
    pub(crate) fn needs_async_check<'v, 'r>(
        &self,
        value: &'v [u8],
        info: &dyn Fn() -> RequestInfo<'r>,
    ) -> Option<&'v str> {
        self.async_check.as_ref()?;
        // `null` never reaches a dynamic check; `*` and reflection never refuse.
        if value == b"null" {
            return None;
        }
        match self.check(value, info, None) {
            OriginMatch::Refused => std::str::from_utf8(value).ok(),
            _ => None,
        }
    }

    /// The rule listed origins follow at build time, applied to an origin a dynamic check
    /// accepted: with credentials, a plain-`http` origin other than loopback can be forged by
    /// anyone on the network path, so it is never granted without the dangerous opt-in.
    pub(crate) fn refuses_insecure(&self, origin: &Origin<'_>) -> bool {
        self.refuse_insecure && origin.scheme() == "http" && !origin.is_loopback()
    }

    /// Looks the host up, then every suffix after a dot: O(number of labels), whatever the number
    /// of patterns. A subdomain pattern never matches its apex.
    fn matches_pattern(&self, origin: &Origin<'_>) -> bool {
        let host = origin.host();
        let fits = |targets: &Vec<PatternTarget>, subdomain: bool| {
            targets.iter().any(|t| {
                t.subdomains == subdomain
                    && *t.scheme == *origin.scheme()
                    && match t.port {
                        PortRule::Any => true,
                        PortRule::Exact(p) => p == origin.port(),
                    }
            })
        };
        if self.patterns.get(host).is_some_and(|t| fits(t, false)) {
            return true;
        }
        host.match_indices('.').any(|(i, _)| self.patterns.get(&host[i + 1..]).is_some_and(|t| fits(t, true)))
    }
}

fn rule_text(rule: &OriginRule) -> String {
    match rule {
        OriginRule::Any => "*".to_owned(),
        OriginRule::Null => "null".to_owned(),
        OriginRule::Exact(s) => s.clone(),
        OriginRule::Pattern { scheme, host, subdomains, port } => {
            let star = if *subdomains { "*." } else { "" };
            let port = match port {
                PortRule::Any => ":*".to_owned(),
                PortRule::Exact(Some(p)) => format!(":{p}"),
                PortRule::Exact(None) => String::new(),
            };
            format!("{scheme}://{star}{host}{port}")
        }
    }
}

impl fmt::Debug for AllowOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin_rule::parse_origin_rule;

    fn allow(list: &[&str]) -> AllowOrigin {
        let rules = list.iter().map(|s| parse_origin_rule(s).unwrap()).collect();
        AllowOrigin::new(rules, Vec::new(), (Vec::new(), None), false, false)
    }

    fn allowed(a: &AllowOrigin, origin: &str) -> bool {
        let request = http::Request::new(());
        let info = || RequestInfo::of(&request);
        matches!(a.check(origin.as_bytes(), &info, None), OriginMatch::Any | OriginMatch::Listed(_) | OriginMatch::Echo)
    }

    // Fetch, "CORS check": byte-for-byte comparison with the serialized origin.
    #[test]
    fn exact_origins_match_exactly() {
        let a = allow(&["https://example.org"]);
        assert!(allowed(&a, "https://example.org"));
        for bad in [
            "https://evilexample.org",
            "https://example.org.evil.com",
            "http://example.org",
            "https://example.org:8443",
            "https://example.org/",
            "https://EXAMPLE.org",
            "https://example.org_.evil.com",
            "https://example.org`.evil.com",
            "null",
            "",
        ] {
            assert!(!allowed(&a, bad), "{bad}");
        }
    }

    #[test]
    fn subdomain_patterns_match_any_depth_but_never_the_apex() {
        let a = allow(&["https://*.example.com"]);
        assert!(allowed(&a, "https://app.example.com"));
        assert!(allowed(&a, "https://a.b.c.example.com"));
        for bad in [
            "https://example.com",
            "http://app.example.com",
            "https://app.example.com:8443",
            "https://app.example.com.evil.com",
            "https://appexample.com",
            "https://evil.com/https://app.example.com",
        ] {
            assert!(!allowed(&a, bad), "{bad}");
        }
    }

    #[test]
    fn port_wildcard() {
        let a = allow(&["http://localhost:*"]);
        assert!(allowed(&a, "http://localhost:3000"));
        assert!(allowed(&a, "http://localhost"));
        assert!(!allowed(&a, "https://localhost:3000"));
        assert!(!allowed(&a, "http://localhost.evil.com:3000"));
        assert!(!allowed(&a, "http://app.localhost:3000"));
    }

    #[test]
    fn null_only_when_listed() {
        assert!(!allowed(&allow(&["https://a.example"]), "null"));
        assert!(allowed(&allow(&["null"]), "null"));
    }

    #[test]
    fn refusal_display_is_bounded() {
        let many: Vec<String> = (0..100).map(|i| format!("https://h{i}.example")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let a = allow(&refs);
        assert!(a.display.ends_with("and 92 more"), "{}", a.display);
    }
}
