//! The cases, as data: `cors-core/conformance/policies.toml` names the policies, and every other
//! file there holds `[[case]]` entries. Loaded once, in file order.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::dynamic::{origin_checks, OriginCheckSpec, ReloadStep};
use super::raw::RawRequest;
use crate::{PathPrefix, Policy, PolicyConfig, RoutePolicies};

const POLICIES: &str = include_str!("../../conformance/policies.toml");
const FILES: [(&str, &str); 9] = [
    ("origins.toml", include_str!("../../conformance/origins.toml")),
    ("lookalikes.toml", include_str!("../../conformance/lookalikes.toml")),
    ("simple.toml", include_str!("../../conformance/simple.toml")),
    ("preflight.toml", include_str!("../../conformance/preflight.toml")),
    ("errors.toml", include_str!("../../conformance/errors.toml")),
    ("hostile.toml", include_str!("../../conformance/hostile.toml")),
    ("routes.toml", include_str!("../../conformance/routes.toml")),
    ("dynamic.toml", include_str!("../../conformance/dynamic.toml")),
    ("reload.toml", include_str!("../../conformance/reload.toml")),
];

/// How binding a case is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Required by the Fetch standard or by security.
    Must,
    /// Good practice.
    Should,
}

/// What the browser does with the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// JavaScript gets the response (or the preflight passes).
    Allowed,
    /// The browser blocks it.
    Blocked,
}

/// How the browser model must judge the answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrowserExpectation {
    /// The request's credentials mode is `include`.
    #[serde(default)]
    pub credentials: bool,
    /// Allowed or blocked.
    pub outcome: Outcome,
    /// Response headers JavaScript reads, with their values.
    #[serde(default)]
    pub reads: Vec<(String, String)>,
    /// Response headers JavaScript must not be able to read.
    #[serde(default)]
    pub hidden: Vec<String>,
    /// Text Chromium's console message contains when blocked.
    #[serde(default)]
    pub console: Option<String>,
}

/// What a correct server sends back, beyond what the browser checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The exact status.
    #[serde(default)]
    pub status: Option<u16>,
    /// The exact body.
    #[serde(default)]
    pub body: Option<String>,
    /// The exact `Access-Control-Allow-Origin`.
    #[serde(default)]
    pub allow_origin: Option<String>,
    /// Every listed token must be in `Vary`.
    #[serde(default)]
    pub vary: Vec<String>,
    /// Headers that must be present with exactly this (combined) value.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Headers that must be absent.
    #[serde(default)]
    pub absent: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum HeaderDef {
    Plain(String, String),
    Repeated(String, String, usize),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDef {
    name: String,
    level: Level,
    policy: String,
    about: String,
    method: String,
    #[serde(default = "default_path")]
    path: String,
    #[serde(default)]
    headers: Vec<HeaderDef>,
    #[serde(default)]
    copies: Option<(String, String, usize)>,
    #[serde(default)]
    follow_up: bool,
    #[serde(default)]
    oversized: bool,
    /// `[PATH, POLICY]` pairs: the server runs with `--route PATH=<POLICY's file>` for each.
    #[serde(default)]
    routes: Vec<(String, String)>,
    /// A simulated async lookup of `origin_checks.toml`, added to the policy.
    #[serde(default)]
    origin_check: Option<String>,
    /// Reloads before the request: policy names, `#unparsable` or `#mistake`.
    #[serde(default)]
    reload: Vec<String>,
    #[serde(default)]
    expect: Expected,
    #[serde(default)]
    browser: Option<BrowserExpectation>,
}

fn default_path() -> String {
    "/data".to_owned()
}

#[derive(Debug, Deserialize)]
struct CaseFile {
    case: Vec<CaseDef>,
}

/// A path prefix with its own policy in a case's server: `--route PATH=FILE`.
#[derive(Clone, Debug)]
pub struct CaseRoute {
    /// The prefix, as the server is given it.
    pub path: String,
    /// The name of its policy in `policies.toml`.
    pub policy_name: String,
    policy: PolicyConfig,
}

impl CaseRoute {
    /// The route's policy.
    pub fn policy_config(&self) -> &PolicyConfig {
        &self.policy
    }
}

/// One conformance case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Unique name, for `--case`.
    pub name: String,
    /// The file it comes from.
    pub file: &'static str,
    /// Must or should.
    pub level: Level,
    /// The name of its policy in `policies.toml`: the server's `--config`.
    pub policy_name: String,
    policy: PolicyConfig,
    /// The policy that covers the request's path: `policy`, or the most specific route's.
    effective: PolicyConfig,
    /// Path prefixes with their own policies (`--route`); empty for most cases.
    pub routes: Vec<CaseRoute>,
    /// The simulated async origin lookup the policy has (`--origin-check`), by name.
    pub origin_check: Option<(String, OriginCheckSpec)>,
    /// Reloads of the `--config` file before the request (`SIGHUP` over sockets).
    pub reload: Vec<ReloadStep>,
    /// What it checks, in words.
    pub about: String,
    /// The request, as bytes.
    pub request: RawRequest,
    /// Send a plain `GET /data` afterwards and expect it served.
    pub follow_up: bool,
    /// The request may exceed a framework's own header limits: a 400, 413 or 431 answer passes.
    pub oversized: bool,
    /// What the server must send.
    pub expect: Expected,
    /// How the browser model must judge it.
    pub browser: Option<BrowserExpectation>,
}

impl Case {
    /// The policy that covers the case's request: the `--config` policy, or the policy of the most
    /// specific route whose path covers the request's.
    pub fn policy_config(&self) -> &PolicyConfig {
        &self.effective
    }

    /// The server's `--config` policy, as it starts.
    pub fn default_policy_config(&self) -> &PolicyConfig {
        &self.policy
    }

    /// `config` built with the case's simulated origin lookup, if it has one.
    pub fn build(&self, config: &PolicyConfig) -> Result<Policy, String> {
        let builder = config.clone().into_builder();
        let builder = match &self.origin_check {
            Some((_, spec)) => spec.apply(builder),
            None => builder,
        };
        builder.build().map_err(|e| e.to_string())
    }

    /// The server's `--config` policy as it starts, built (with the origin lookup).
    pub fn build_policy(&self) -> Result<Policy, String> {
        self.build(&self.policy)
    }

    /// The server's policies: `--config` and every `--route`, built.
    pub fn route_policies(&self) -> Result<RoutePolicies, String> {
        let mut table = RoutePolicies::new(self.policy.clone().build().map_err(|e| e.to_string())?);
        for route in &self.routes {
            let prefix = PathPrefix::new(&route.path).map_err(|e| e.to_string())?;
            let policy = route.policy.clone().build().map_err(|e| format!("{}: {e}", route.policy_name))?;
            table = table.route(prefix, policy);
        }
        Ok(table)
    }

    /// Whether the request is a preflight (Fetch: `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`).
    pub fn is_preflight(&self) -> bool {
        let has = |n: &str| self.request.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
        self.request.method == "OPTIONS" && has("origin") && has("access-control-request-method")
    }
}

/// Decodes `\xNN` escapes, so a case can hold bytes that are not UTF-8.
fn decode(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'x') && i + 3 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 2..i + 4]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The named policies of the suite.
pub fn policies() -> BTreeMap<String, PolicyConfig> {
    // The suite's own data: a parse error is a bug in this crate, caught by its tests.
    toml::from_str(POLICIES).unwrap_or_else(|e| panic!("conformance/policies.toml: {e}"))
}

/// Every case, in file order.
pub fn cases() -> Vec<Case> {
    let policies = policies();
    let checks = origin_checks();
    let mut out = Vec::new();
    for (file, text) in FILES {
        let parsed: CaseFile = toml::from_str(text).unwrap_or_else(|e| panic!("conformance/{file}: {e}"));
        for def in parsed.case {
            let policy = policies
                .get(&def.policy)
                .unwrap_or_else(|| panic!("conformance/{file}: case {} names unknown policy {}", def.name, def.policy))
                .clone();
            let mut headers: Vec<(String, Vec<u8>)> = def
                .headers
                .into_iter()
                .map(|h| match h {
                    HeaderDef::Plain(n, v) => (n, decode(&v)),
                    HeaderDef::Repeated(n, v, times) => (n, decode(&v).repeat(times)),
                })
                .collect();
            if let Some((name, value, count)) = def.copies {
                headers.extend(std::iter::repeat_n((name, decode(&value)), count));
            }
            let routes: Vec<CaseRoute> = def
                .routes
                .into_iter()
                .map(|(path, policy_name)| {
                    let policy = policies.get(&policy_name).cloned().unwrap_or_else(|| {
                        panic!("conformance/{file}: case {} routes {path} to unknown policy {policy_name}", def.name)
                    });
                    CaseRoute { path, policy_name, policy }
                })
                .collect();
            let origin_check = def.origin_check.map(|name| {
                let spec = checks.get(&name).cloned().unwrap_or_else(|| {
                    panic!("conformance/{file}: case {} names unknown origin check {name}", def.name)
                });
                (name, spec)
            });
            let reload: Vec<ReloadStep> = def
                .reload
                .iter()
                .map(|step| {
                    ReloadStep::parse(step, &policies)
                        .unwrap_or_else(|e| panic!("conformance/{file}: case {} reload: {e}", def.name))
                })
                .collect();
            // The policy in force after the reloads: the last one taken.
            let reloaded = reload
                .iter()
                .rev()
                .find_map(|s| match s {
                    ReloadStep::Policy { config, .. } => Some(config.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| policy.clone());
            // The most specific covering route decides, as in the servers.
            let effective = routes
                .iter()
                .filter_map(|r| PathPrefix::new(&r.path).ok().filter(|p| p.covers(&def.path)).map(|p| (p, r)))
                .max_by_key(|(p, _)| p.as_str().len())
                .map_or_else(|| reloaded.clone(), |(_, r)| r.policy.clone());
            out.push(Case {
                name: def.name,
                file,
                level: def.level,
                policy_name: def.policy,
                policy,
                effective,
                routes,
                origin_check,
                reload,
                about: def.about,
                request: RawRequest { method: def.method, path: def.path, headers },
                follow_up: def.follow_up,
                oversized: def.oversized,
                expect: def.expect,
                browser: def.browser,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_to_bytes() {
        assert_eq!(decode("a\\xffb"), b"a\xffb");
        assert_eq!(decode("\\x0d\\x0a"), b"\r\n");
        assert_eq!(decode("\\xzz"), b"\\xzz");
    }

    #[test]
    fn cases_load_and_names_are_unique() {
        let all = cases();
        assert!(all.len() >= 60, "only {} cases", all.len());
        let mut names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate case names");
        for (name, config) in policies() {
            assert!(config.build().is_ok(), "policy {name} does not build");
        }
        for case in all.iter().filter(|c| !c.routes.is_empty()) {
            assert!(case.route_policies().is_ok(), "case {}: its routes do not build", case.name);
        }
    }
}
