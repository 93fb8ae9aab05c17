//! An allowed origin as a user writes it in a policy, checked and normalized, with a fix for
//! every mistake.

use crate::error::{Problem, ProblemKind};
use crate::host::{parse_host, ParsedHost};
use crate::origin::{default_port, is_loopback_host, parse_port};
use crate::public_suffix::{is_public_suffix, pattern_covers_public_suffix};

const SETTING: &str = "allow_origins";

/// Which ports a rule accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PortRule {
    /// Exactly this port, or the scheme's default when `None`.
    Exact(Option<u16>),
    /// Any port, written `:*` (meant for development: `http://localhost:*`).
    Any,
}

/// One entry of `allow_origins`, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum OriginRule {
    /// `*`.
    Any,
    /// `null`.
    Null,
    /// A serialized origin, compared byte for byte.
    Exact(String),
    /// `scheme://host:*`, or `scheme://*.suffix[:port]`: `subdomains` says whether the host is a
    /// suffix that needs at least one more label in front.
    Pattern { scheme: String, host: String, subdomains: bool, port: PortRule },
}

impl OriginRule {
    /// Whether an `http` origin that is not loopback is part of this rule.
    pub(crate) fn is_insecure(&self) -> bool {
        match self {
            OriginRule::Exact(s) => s.strip_prefix("http://").is_some_and(|rest| {
                let host = match rest.strip_prefix('[') {
                    Some(_) => rest.split(']').next().map(|h| format!("{h}]")).unwrap_or_default(),
                    None => rest.split(':').next().unwrap_or_default().to_owned(),
                };
                !is_loopback_host(&host)
            }),
            OriginRule::Pattern { scheme, host, .. } => scheme == "http" && !is_loopback_host(host),
            OriginRule::Any | OriginRule::Null => false,
        }
    }
}

struct Issue {
    kind: ProblemKind,
    what: &'static str,
}

/// Parses one `allow_origins` entry. On a mistake, the problem names every issue found in the
/// entry and the corrected spelling when there is one.
pub(crate) fn parse_origin_rule(input: &str) -> Result<OriginRule, Problem> {
    let mut issues: Vec<Issue> = Vec::new();
    let trimmed = input.trim();
    if trimmed != input {
        issues.push(Issue { kind: ProblemKind::OriginWhitespace, what: "has surrounding whitespace" });
    }
    if trimmed == "*" && issues.is_empty() {
        return Ok(OriginRule::Any);
    }
    if trimmed.eq_ignore_ascii_case("null") {
        if trimmed == "null" && issues.is_empty() {
            return Ok(OriginRule::Null);
        }
        if trimmed != "null" {
            issues.push(Issue { kind: ProblemKind::OriginUppercase, what: "is not lowercase" });
        }
        return Err(report(input, issues, Some("null".to_owned())));
    }
    let Some(sep) = trimmed.find("://") else {
        let guess = if trimmed.is_empty() { None } else { Some(format!("https://{}", trimmed.trim_end_matches('/'))) };
        issues.push(Issue { kind: ProblemKind::OriginMissingScheme, what: "has no scheme" });
        return Err(report(input, issues, guess));
    };
    let scheme_raw = &trimmed[..sep];
    let scheme = scheme_raw.to_ascii_lowercase();
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_lowercase())
        && scheme.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'+' | b'-' | b'.'));
    if !scheme_ok {
        issues.push(Issue { kind: ProblemKind::OriginInvalid, what: "has a scheme with characters no scheme has" });
        return Err(report(input, issues, None));
    }
    if scheme != scheme_raw {
        issues.push(Issue { kind: ProblemKind::OriginUppercase, what: "has an uppercase scheme" });
    }
    let rest = &trimmed[sep + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (mut authority, after) = rest.split_at(end);
    if after == "/" {
        issues.push(Issue { kind: ProblemKind::OriginTrailingSlash, what: "has a trailing slash" });
    } else if after.starts_with('/') {
        issues.push(Issue { kind: ProblemKind::OriginPath, what: "has a path" });
    } else if after.starts_with('?') {
        issues.push(Issue { kind: ProblemKind::OriginQuery, what: "has a query" });
    } else if after.starts_with('#') {
        issues.push(Issue { kind: ProblemKind::OriginFragment, what: "has a fragment" });
    }
    if let Some(at) = authority.rfind('@') {
        issues.push(Issue { kind: ProblemKind::OriginUserinfo, what: "has userinfo (user@)" });
        authority = &authority[at + 1..];
    }
    // Split host and port; the port separator is the last ':' outside IPv6 brackets.
    let (host_raw, port_raw) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    let port = match port_raw {
        None => PortRule::Exact(None),
        Some("*") => PortRule::Any,
        Some(digits) => match parse_port(digits.as_bytes()) {
            Some(p) if default_port(&scheme) == Some(p) => {
                issues.push(Issue {
                    kind: ProblemKind::OriginDefaultPort,
                    what: "writes out the scheme's default port (browsers omit it)",
                });
                PortRule::Exact(None)
            }
            Some(p) => PortRule::Exact(Some(p)),
            None => match digits.trim_start_matches('0').parse::<u16>() {
                Ok(p) if p > 0 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                    issues.push(Issue { kind: ProblemKind::OriginPort, what: "writes the port with leading zeros" });
                    PortRule::Exact(if default_port(&scheme) == Some(p) { None } else { Some(p) })
                }
                _ => {
                    issues.push(Issue {
                        kind: ProblemKind::OriginPort,
                        what: "has a port that is not a number between 1 and 65535",
                    });
                    return Err(report(input, issues, None));
                }
            },
        },
    };
    // URL standard, "host parsing": browsers send the host lowercase, in its UTS 46 ASCII form,
    // and IP addresses in their canonical spelling.
    let lower = host_raw.to_ascii_lowercase();
    let ascii = host_raw.is_ascii();
    if ascii && lower != host_raw {
        issues.push(Issue { kind: ProblemKind::OriginUppercase, what: "has an uppercase host" });
    }
    if !ascii {
        issues.push(Issue {
            kind: ProblemKind::OriginNonAscii,
            what: "has a non-ASCII host, which browsers send in Punycode",
        });
    }
    let (subdomains, written) = match lower.strip_prefix("*.") {
        Some(suffix) => (true, suffix),
        None => (false, lower.as_str()),
    };
    if written.contains('*') {
        issues.push(Issue {
            kind: ProblemKind::OriginWildcardPosition,
            what: "has a `*` that is not the whole leftmost host label (only `https://*.example.com` is supported, never `*` inside a label)",
        });
        return Err(report(input, issues, None));
    }
    let parsed = parse_host(written);
    let domain = match &parsed {
        Some(ParsedHost::Ip(_)) if subdomains => {
            issues.push(Issue {
                kind: ProblemKind::OriginWildcardPosition,
                what: "is a subdomain pattern over an IP address, which has no subdomains",
            });
            return Err(report(input, issues, None));
        }
        Some(ParsedHost::Ip(canonical)) if ascii && canonical != written => {
            issues.push(Issue {
                kind: ProblemKind::OriginHostNotCanonical,
                what: "writes the IP address as no browser does (browsers serialize it per the URL standard)",
            });
            canonical.clone()
        }
        Some(ParsedHost::Domain(canonical)) if ascii && canonical != written => {
            issues.push(Issue {
                kind: ProblemKind::OriginHostNotCanonical,
                what: "writes the host as no browser does (browsers serialize it per the URL standard)",
            });
            canonical.clone()
        }
        Some(host) => host.as_str().to_owned(),
        None => {
            issues.push(Issue {
                kind: ProblemKind::OriginInvalid,
                what: "has a host with characters or dots no host has",
            });
            return Err(report(input, issues, None));
        }
    };
    let host_ok = matches!(parsed, Some(ParsedHost::Ip(_)))
        || (!domain.is_empty()
            && domain.len() <= 253
            && domain.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_'))
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains(".."));
    if !host_ok {
        issues.push(Issue { kind: ProblemKind::OriginInvalid, what: "has a host with characters or dots no host has" });
        return Err(report(input, issues, None));
    }
    if subdomains && !is_loopback_host(&domain) && pattern_covers_public_suffix(&domain) {
        let (what, example) = if is_public_suffix(&domain) {
            (
                "is a pattern over a public suffix, so anyone can register a matching domain".to_owned(),
                format!("{scheme}://*.example.{domain}"),
            )
        } else {
            (
                format!("is a pattern over a public suffix: the Public Suffix List makes every name directly under {domain} a public suffix, so anyone can register a matching domain"),
                format!("{scheme}://*.example.your-name.{domain}"),
            )
        };
        let mut what_all = describe(&issues);
        if !what_all.is_empty() {
            what_all.push_str(", ");
        }
        what_all.push_str(&what);
        return Err(Problem::new(
            ProblemKind::PatternOverPublicSuffix,
            SETTING,
            input,
            what_all,
            format!("list your own domain instead, as in \"{example}\""),
        ));
    }
    let star = if subdomains { "*." } else { "" };
    let host = format!("{star}{domain}");
    let port_text = match port {
        PortRule::Exact(None) => String::new(),
        PortRule::Exact(Some(p)) => format!(":{p}"),
        PortRule::Any => ":*".to_owned(),
    };
    let fixed = format!("{scheme}://{host}{port_text}");
    if !issues.is_empty() {
        return Err(report(input, issues, Some(fixed)));
    }
    Ok(if subdomains || port == PortRule::Any {
        OriginRule::Pattern { scheme, host: domain, subdomains, port }
    } else {
        OriginRule::Exact(fixed)
    })
}

fn describe(issues: &[Issue]) -> String {
    let whats: Vec<&str> = issues.iter().map(|i| i.what).collect();
    whats.join(", ")
}

fn report(input: &str, issues: Vec<Issue>, fix: Option<String>) -> Problem {
    let kind = issues.first().map_or(ProblemKind::OriginInvalid, |i| i.kind);
    let mut what = describe(&issues);
    if issues.iter().any(|i| {
        matches!(
            i.kind,
            ProblemKind::OriginPath
                | ProblemKind::OriginTrailingSlash
                | ProblemKind::OriginQuery
                | ProblemKind::OriginFragment
                | ProblemKind::OriginUserinfo
        )
    }) {
        what.push_str("; an origin is only scheme, host and port");
    }
    let fix = match fix {
        Some(f) => format!("write {f:?}"),
        None => "write an origin as a browser sends it, such as \"https://app.example.com\"".to_owned(),
    };
    Problem::new(kind, SETTING, input, what, fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix_of(input: &str) -> (ProblemKind, String) {
        let p = parse_origin_rule(input).unwrap_err();
        (p.kind(), p.fix().to_owned())
    }

    #[test]
    fn accepts_origins_as_browsers_serialize_them() {
        assert_eq!(
            parse_origin_rule("https://app.example.com"),
            Ok(OriginRule::Exact("https://app.example.com".into()))
        );
        assert_eq!(parse_origin_rule("http://localhost:3000"), Ok(OriginRule::Exact("http://localhost:3000".into())));
        assert_eq!(parse_origin_rule("*"), Ok(OriginRule::Any));
        assert_eq!(parse_origin_rule("null"), Ok(OriginRule::Null));
        assert_eq!(
            parse_origin_rule("http://localhost:*"),
            Ok(OriginRule::Pattern {
                scheme: "http".into(),
                host: "localhost".into(),
                subdomains: false,
                port: PortRule::Any
            })
        );
        assert_eq!(
            parse_origin_rule("https://*.example.org"),
            Ok(OriginRule::Pattern {
                scheme: "https".into(),
                host: "example.org".into(),
                subdomains: true,
                port: PortRule::Exact(None)
            })
        );
    }

    #[test]
    fn every_mistake_has_a_fix() {
        assert_eq!(
            fix_of("https://example.com/"),
            (ProblemKind::OriginTrailingSlash, "write \"https://example.com\"".into())
        );
        assert_eq!(
            fix_of("https://example.com/app"),
            (ProblemKind::OriginPath, "write \"https://example.com\"".into())
        );
        assert_eq!(
            fix_of("https://example.com?x=1"),
            (ProblemKind::OriginQuery, "write \"https://example.com\"".into())
        );
        assert_eq!(
            fix_of("https://example.com#top"),
            (ProblemKind::OriginFragment, "write \"https://example.com\"".into())
        );
        assert_eq!(
            fix_of("https://user@example.com"),
            (ProblemKind::OriginUserinfo, "write \"https://example.com\"".into())
        );
        assert_eq!(
            fix_of("HTTPS://Example.COM"),
            (ProblemKind::OriginUppercase, "write \"https://example.com\"".into())
        );
        assert_eq!(
            fix_of("https://example.com:443"),
            (ProblemKind::OriginDefaultPort, "write \"https://example.com\"".into())
        );
        assert_eq!(fix_of("http://example.com:080"), (ProblemKind::OriginPort, "write \"http://example.com\"".into()));
        assert_eq!(
            fix_of("https://bücher.example"),
            (ProblemKind::OriginNonAscii, "write \"https://xn--bcher-kva.example\"".into())
        );
        assert_eq!(fix_of("example.com"), (ProblemKind::OriginMissingScheme, "write \"https://example.com\"".into()));
        assert_eq!(
            fix_of(" https://example.com"),
            (ProblemKind::OriginWhitespace, "write \"https://example.com\"".into())
        );
        assert_eq!(fix_of("NULL").0, ProblemKind::OriginUppercase);
        assert_eq!(fix_of("https://app.*.example.com").0, ProblemKind::OriginWildcardPosition);
        assert_eq!(fix_of("https://app*.example.com").0, ProblemKind::OriginWildcardPosition);
        assert_eq!(fix_of("https://*example.com").0, ProblemKind::OriginWildcardPosition);
        assert_eq!(fix_of("https://*.com").0, ProblemKind::PatternOverPublicSuffix);
        assert_eq!(fix_of("https://*.co.uk").0, ProblemKind::PatternOverPublicSuffix);
        assert_eq!(fix_of("https://*.github.io").0, ProblemKind::PatternOverPublicSuffix);
        assert_eq!(fix_of("https://exa mple.com").0, ProblemKind::OriginInvalid);
        assert_eq!(fix_of("https://example.com:99999").0, ProblemKind::OriginPort);
    }

    #[test]
    fn several_issues_in_one_entry_are_named_together() {
        let p = parse_origin_rule("HTTPS://Example.com:443/").unwrap_err();
        assert_eq!(
            p.to_string(),
            "allow_origins: \"HTTPS://Example.com:443/\" has an uppercase scheme, has a trailing slash, writes out the scheme's default port (browsers omit it), has an uppercase host; an origin is only scheme, host and port; write \"https://example.com\""
        );
    }

    #[test]
    fn insecure_origins() {
        assert!(parse_origin_rule("http://example.com").unwrap().is_insecure());
        assert!(parse_origin_rule("http://*.example.com").unwrap().is_insecure());
        assert!(!parse_origin_rule("http://localhost:*").unwrap().is_insecure());
        assert!(!parse_origin_rule("http://127.0.0.1:8080").unwrap().is_insecure());
        assert!(!parse_origin_rule("http://[::1]:8080").unwrap().is_insecure());
        assert!(!parse_origin_rule("https://example.com").unwrap().is_insecure());
    }
}
