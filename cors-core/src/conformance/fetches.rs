//! The `fetch()` calls of the real-browser run, as data: `cors-core/conformance/fetches.toml`.
//! `cargo xtask conformance --browser` makes each from a page in headless Chromium; the adapters'
//! tests play the same fetches through [`browser::Fetch`](crate::browser::Fetch) and must get what
//! Chromium got.
//!
//! ```
//! use cors_core::browser::Rules;
//! use cors_core::conformance::fetches;
//!
//! let list = fetches::load()?;
//! let first = &list[0];
//! // What must happen on a page the `credentialed` policy allows, under the standard's rules.
//! let expect = first.expect("axum", "localhost", true, Rules::Standard);
//! println!("{}: {} -> {:?}", first.name, first.label(), expect.outcome);
//! # Ok::<(), String>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::browser::Rules;

const FETCHES: &str = include_str!("../../conformance/fetches.toml");

/// Whether JavaScript got the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// `fetch()` resolved.
    Allowed,
    /// `fetch()` rejected with a TypeError.
    Blocked,
}

impl Outcome {
    /// `allowed` or `blocked`, as the data file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Blocked => "blocked",
        }
    }
}

/// The fetch's credentials mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Credentials {
    /// `credentials: "omit"`.
    Omit,
    /// `credentials: "include"`.
    Include,
}

impl Credentials {
    /// `omit` or `include`, as `fetch()` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Credentials::Omit => "omit",
            Credentials::Include => "include",
        }
    }
}

/// An expected status: one, or any of several.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Status {
    /// Exactly this status.
    One(u16),
    /// Any of these (frameworks answer an unrouted method with 404 or 405).
    AnyOf(Vec<u16>),
}

impl Status {
    /// Whether `status` is expected.
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            Status::One(s) => *s == status,
            Status::AnyOf(list) => list.contains(&status),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::One(s) => write!(f, "{s}"),
            Status::AnyOf(list) => {
                write!(f, "{}", list.iter().map(u16::to_string).collect::<Vec<_>>().join("|"))
            }
        }
    }
}

/// What must happen from one page origin.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Whether JavaScript gets the response.
    pub outcome: Outcome,
    /// The status JavaScript reads: one, or any of a list (frameworks answer an unrouted method
    /// with 404 or 405).
    #[serde(default)]
    pub status: Option<Status>,
    /// Response headers JavaScript reads, with their values.
    #[serde(default)]
    pub reads: BTreeMap<String, String>,
    /// Response headers JavaScript must not see.
    #[serde(default)]
    pub hidden: Vec<String>,
    /// A fragment of the console message a blocked fetch logs.
    #[serde(default)]
    pub console: Option<String>,
    /// How many preflights the `repeat` calls send (the preflight cache at work).
    #[serde(default)]
    pub preflights: Option<usize>,
}

/// One `fetch()` as the data file describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetch {
    /// Unique, for `--case` and reports.
    pub name: String,
    /// What the fetch shows.
    pub about: String,
    /// The server's policy, a key of `policies.toml`.
    pub policy: String,
    /// The method `fetch()` is given.
    pub method: String,
    /// The path, without query (runners add `?call=N`); `/data` by default.
    #[serde(default = "default_path")]
    pub path: String,
    /// Request headers the script sets.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The request body, if any.
    #[serde(default)]
    pub body: Option<String>,
    /// The fetch's credentials mode.
    pub credentials: Credentials,
    /// How many times the script makes the call (to count preflights).
    #[serde(default = "one")]
    pub repeat: usize,
    #[serde(default)]
    expect: Option<Expect>,
    #[serde(default)]
    allowed: Option<Expect>,
    #[serde(default)]
    refused: Option<Expect>,
    /// Overrides for one page origin, by its key.
    #[serde(default)]
    localhost: Option<Expect>,
    #[serde(default)]
    ip: Option<Expect>,
    #[serde(default)]
    subdomain: Option<Expect>,
    #[serde(default)]
    apex: Option<Expect>,
    /// Overrides for one adapter, for a framework limitation no adapter code can reach; `about`
    /// must say why.
    #[serde(default)]
    adapters: std::collections::BTreeMap<String, Expect>,
    /// What stock Chromium does where it differs from the standard (every page origin); the
    /// other expectations are the standard's.
    #[serde(default)]
    stock: Option<Expect>,
}

/// The keys of the page origins, as the data file's overrides name them.
pub const ORIGIN_KEYS: [&str; 4] = ["localhost", "ip", "subdomain", "apex"];

fn default_path() -> String {
    "/data".to_owned()
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    fetch: Vec<Fetch>,
}

impl Fetch {
    /// The expectation for the page origin `key` (one of [`ORIGIN_KEYS`]), which the
    /// `credentialed` policy allows (`allowed_origin`) or refuses, through `adapter` (`axum`,
    /// `actix`, `rocket`, `warp`), under `rules`: a `stock` expectation is what shipping browsers
    /// do where they differ from the standard.
    pub fn expect(&self, adapter: &str, key: &str, allowed_origin: bool, rules: Rules) -> &Expect {
        if let Some(e) = self.stock.as_ref().filter(|_| rules == Rules::ShippingBrowsers) {
            return e;
        }
        if let Some(e) = self.adapters.get(adapter) {
            return e;
        }
        let own = match key {
            "localhost" => self.localhost.as_ref(),
            "ip" => self.ip.as_ref(),
            "subdomain" => self.subdomain.as_ref(),
            "apex" => self.apex.as_ref(),
            _ => None,
        };
        let by_role = if allowed_origin { self.allowed.as_ref() } else { self.refused.as_ref() };
        // `load` checks that `expect` or both roles are present.
        own.or(by_role).or(self.expect.as_ref()).unwrap_or_else(|| unreachable!("checked by load"))
    }

    fn expectations(&self) -> impl Iterator<Item = &Expect> {
        [&self.expect, &self.allowed, &self.refused, &self.localhost, &self.ip, &self.subdomain, &self.apex]
            .into_iter()
            .flatten()
            .chain(self.adapters.values())
            .chain(&self.stock)
    }

    /// The response headers JavaScript reads (every name any expectation mentions).
    pub fn read(&self) -> Vec<String> {
        let mut names = BTreeSet::new();
        for e in self.expectations() {
            names.extend(e.reads.keys().cloned());
            names.extend(e.hidden.iter().cloned());
        }
        names.into_iter().collect()
    }

    /// A short description for the table: `PUT /data include +content-type`.
    pub fn label(&self) -> String {
        let mut s = format!("{} {} {}", self.method, self.path, self.credentials.as_str());
        for (name, _) in &self.headers {
            s.push_str(" +");
            s.push_str(name);
        }
        if self.repeat > 1 {
            s.push_str(&format!(" x{}", self.repeat));
        }
        s
    }
}

/// Loads and checks the fetch list: unique names, known policies, an expectation for every page
/// origin, paths without a query.
pub fn load() -> Result<Vec<Fetch>, String> {
    parse(FETCHES)
}

fn parse(text: &str) -> Result<Vec<Fetch>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("cors-core/conformance/fetches.toml: {e}"))?;
    let policies = super::policies();
    let mut names = BTreeSet::new();
    for f in &file.fetch {
        let at = format!("cors-core/conformance/fetches.toml, fetch {}", f.name);
        if !names.insert(f.name.clone()) {
            return Err(format!("{at}: the name is used twice"));
        }
        if !policies.contains_key(&f.policy) {
            return Err(format!("{at}: no policy {:?} in policies.toml", f.policy));
        }
        match (&f.expect, &f.allowed, &f.refused) {
            (Some(_), None, None) | (None, Some(_), Some(_)) => {}
            _ => return Err(format!("{at}: give either `expect`, or both `allowed` and `refused`")),
        }
        if f.repeat == 0 {
            return Err(format!("{at}: repeat must be at least 1"));
        }
        if !f.path.starts_with('/') || f.path.contains('?') || f.path.contains('#') {
            return Err(format!("{at}: the path must start with / and have no query (the runner adds ?call=N)"));
        }
    }
    Ok(file.fetch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fetch_list_loads_and_is_long_enough() {
        let fetches = load().unwrap_or_else(|e| panic!("{e}"));
        assert!(fetches.len() >= 25, "only {} fetches", fetches.len());
        for f in &fetches {
            for key in ORIGIN_KEYS {
                for rules in Rules::ALL {
                    let _ = (f.expect("", key, true, rules), f.expect("", key, false, rules));
                }
            }
        }
        assert!(fetches.iter().any(|f| f.repeat > 1), "no repeated fetch to count preflights");
    }

    #[test]
    fn a_fetch_needs_its_expectations() {
        let text = "[[fetch]]\nname='a'\nabout=''\npolicy='public'\nmethod='GET'\ncredentials='omit'\n\
                    allowed={outcome='allowed'}\n";
        assert!(parse(text).unwrap_err().contains("both `allowed` and `refused`"));
        let text = "[[fetch]]\nname='a'\nabout=''\npolicy='nope'\nmethod='GET'\ncredentials='omit'\n\
                    expect={outcome='allowed'}\n";
        assert!(parse(text).unwrap_err().contains("no policy"));
    }
}
