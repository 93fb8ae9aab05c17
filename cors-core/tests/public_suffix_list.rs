//! Subdomain patterns against the Public Suffix List's own rules: every rule of the list the core
//! uses (the `psl` crate's copy, read here from its `data/rules.txt`), of every kind (normal,
//! wildcard `*.`, exception `!`), ICANN and private sections alike.
//!
//! A reference implementation of the list's algorithm, written here from the rules and sharing no
//! code with the core, says which patterns must be refused; the exhaustive test walks every rule,
//! and a property test draws rules and prefixes from the list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cors_core::{Policy, ProblemKind};
use proptest::prelude::*;

/// The rules, split by kind, hosts in their ASCII form (as browsers send them).
struct List {
    normal: HashSet<String>,
    /// `*.P`: stored as `P`.
    wildcard: HashSet<String>,
    /// `!E`: stored as `E`.
    exception: HashSet<String>,
    /// Every rule line, as (kind, ASCII name).
    rules: Vec<(Kind, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Normal,
    Wildcard,
    Exception,
}

/// Where cargo unpacked the `psl` crate this build uses: the version locked in the workspace's
/// `Cargo.lock`, under `$CARGO_HOME/registry/src/*/`.
fn rules_file() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let lock = std::fs::read_to_string(workspace.join("Cargo.lock")).expect("the workspace's Cargo.lock");
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"psl\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_owned())
        .expect("psl is locked");
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registries = std::fs::read_dir(home.join("registry").join("src")).expect("a cargo registry");
    registries
        .filter_map(Result::ok)
        .map(|r| r.path().join(format!("psl-{version}")).join("data").join("rules.txt"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("psl-{version}/data/rules.txt under {}", home.display()))
}

fn ascii(name: &str) -> String {
    match url::Host::parse(name).expect("every rule of the list is a valid host") {
        url::Host::Domain(d) => d,
        other => panic!("a rule that is an IP address: {other}"),
    }
}

fn list() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| {
        let path = rules_file();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut list =
            List { normal: HashSet::new(), wildcard: HashSet::new(), exception: HashSet::new(), rules: Vec::new() };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")) {
            let (kind, name) = if let Some(rest) = line.strip_prefix("*.") {
                (Kind::Wildcard, ascii(rest))
            } else if let Some(rest) = line.strip_prefix('!') {
                (Kind::Exception, ascii(rest))
            } else {
                (Kind::Normal, ascii(line))
            };
            match kind {
                Kind::Normal => list.normal.insert(name.clone()),
                Kind::Wildcard => list.wildcard.insert(name.clone()),
                Kind::Exception => list.exception.insert(name.clone()),
            };
            list.rules.push((kind, name));
        }
        assert!(list.rules.len() > 9000, "the list has {} rules", list.rules.len());
        assert!(list.wildcard.contains("sch.uk") && list.exception.contains("city.kawasaki.jp"));
        list
    })
}

impl List {
    /// The list's algorithm: `name` is a public suffix when a rule matches it exactly, when a
    /// wildcard rule covers it and no exception names it, or when it is a single label (the
    /// implicit `*` rule).
    fn is_public_suffix(&self, name: &str) -> bool {
        if self.exception.contains(name) {
            return false;
        }
        if self.normal.contains(name) || !name.contains('.') {
            return true;
        }
        name.split_once('.').is_some_and(|(_, parent)| self.wildcard.contains(parent))
    }

    /// Whether `https://*.domain` matches hosts that others can register.
    fn pattern_is_unsafe(&self, domain: &str) -> bool {
        self.is_public_suffix(domain) || self.is_public_suffix(&format!("someone.{domain}"))
    }
}

/// What `build()` says of `https://*.domain`: `Some(true)` refused as a pattern over a public
/// suffix, `Some(false)` built, `None` refused for another reason.
fn refused_as_public_suffix(domain: &str) -> Option<bool> {
    match Policy::builder().allow_origin(format!("https://*.{domain}")).build() {
        Ok(_) => Some(false),
        Err(e) if e.problems().iter().all(|p| p.kind() == ProblemKind::PatternOverPublicSuffix) => Some(true),
        Err(_) => None,
    }
}

#[test]
fn every_rule_of_the_list() {
    let list = list();
    let mut checked = 0;
    for (kind, name) in &list.rules {
        let cases: Vec<(String, bool)> = match kind {
            // The rule itself, and a registrable name below it (unless the list makes it a suffix).
            Kind::Normal => vec![
                (name.clone(), true),
                (format!("example.{name}"), list.pattern_is_unsafe(&format!("example.{name}"))),
            ],
            // `*.P`: a pattern over P, and over any child of P, matches others' domains.
            Kind::Wildcard => vec![(name.clone(), true), (format!("someone.{name}"), true)],
            // `!E`: E is registrable again, so a pattern over it is safe; its siblings are not.
            Kind::Exception => {
                let parent = name.split_once('.').map(|(_, p)| p.to_owned()).unwrap();
                vec![(name.clone(), false), (format!("sibling-7.{parent}"), true)]
            }
        };
        for (domain, unsafe_expected) in cases {
            assert_eq!(list.pattern_is_unsafe(&domain), unsafe_expected, "reference disagrees on {domain}");
            assert_eq!(
                refused_as_public_suffix(&domain),
                Some(unsafe_expected),
                "https://*.{domain} ({kind:?} rule {name})"
            );
            checked += 1;
        }
    }
    assert!(checked > 18_000, "{checked}");
}

#[test]
fn the_fix_names_a_pattern_that_builds() {
    for domain in ["co.uk", "sch.uk", "kawasaki.jp", "github.io", "compute.amazonaws.com"] {
        let err = Policy::builder().allow_origin(format!("https://*.{domain}")).build().unwrap_err();
        let fix = err.problems()[0].fix().to_owned();
        let suggested = fix.split('"').nth(1).unwrap();
        assert!(Policy::builder().allow_origin(suggested).build().is_ok(), "{domain}: {fix}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Patterns drawn from the list: a rule, with zero to two labels in front, agree with the
    /// reference.
    #[test]
    fn patterns_drawn_from_the_list(
        index in any::<prop::sample::Index>(),
        prefix in prop::collection::vec(prop::sample::select(vec!["a", "www", "city", "kent", "shop", "x-1"]), 0..3),
    ) {
        let list = list();
        let (_, name) = &list.rules[index.index(list.rules.len())];
        let mut domain = name.clone();
        for label in prefix {
            domain = format!("{label}.{domain}");
        }
        prop_assert_eq!(refused_as_public_suffix(&domain), Some(list.pattern_is_unsafe(&domain)), "https://*.{}", domain);
    }
}
