//! `cargo xtask conformance --url BASE --config POLICY.toml`: the shared cases against a server the
//! user runs (any framework, any language) that claims to implement POLICY.toml.
//!
//! A case applies when its policy is POLICY.toml (the suite's policies are the tables of
//! `cors-core/conformance/policies.toml`) and the server has the routes it needs, those of the
//! adapters' conformance servers under BASE: `GET /data` answered 200 (`ok`, with
//! `x-total-count: 42`; PUT, POST and DELETE answered too) and `GET /error` answered 500 (`boom`).
//! Every other case is skipped, and the skips are counted and named, with the reason.

use std::collections::BTreeMap;
use std::path::Path;

use cors_core::conformance::{cases, policies, Case, RawRequest};
use cors_core::PolicyConfig;
use url::Url;

use super::{blocking, print_failures, print_matrix, run_case, write_json, Options, Outcome, TIMEOUT};
use crate::transport::Endpoint;

/// The matrix column for the user's server.
const COLUMN: &str = "server";

/// The routes the cases need, beyond BASE: the path, the status a plain `GET` must get, and what
/// the route is for.
const ROUTES: [(&str, u16, &str); 2] = [
    ("/data", 200, "the resource (GET/HEAD `ok` with x-total-count: 42; PUT, POST, DELETE)"),
    ("/error", 500, "a handler error (500 `boom`)"),
];

/// Reads and validates the policy file; the error names the file and every mistake.
fn read_policy(path: &Path) -> Result<PolicyConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("--config {}: {e}", path.display()))?;
    let config: PolicyConfig = toml::from_str(&text).map_err(|e| format!("--config {}: {e}", path.display()))?;
    config.clone().build().map_err(|e| format!("--config {}: {e}", path.display()))?;
    Ok(config)
}

/// The fields in which two policies differ.
fn differences(a: &PolicyConfig, b: &PolicyConfig) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Vec::new();
    };
    a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect()
}

/// Why no suite policy matched: the names and the closest one.
fn no_match_note(config: &PolicyConfig, suite: &BTreeMap<String, PolicyConfig>) -> String {
    let closest = suite.iter().map(|(name, c)| (differences(config, c), name)).min_by_key(|(d, _)| d.len());
    let names: Vec<&str> = suite.keys().map(String::as_str).collect();
    let mut note = format!(
        "the policy equals none of the suite's policies ({}; the tables of cors-core/conformance/policies.toml)",
        names.join(", ")
    );
    if let Some((diff, name)) = closest {
        note.push_str(&format!("; the closest is `{name}`, which differs in {}", diff.join(", ")));
    }
    note
}

/// The path of `route` under BASE.
fn under(base: &Url, route: &str) -> String {
    format!("{}{route}", base.path().trim_end_matches('/'))
}

fn rebased(base: &Url, request: &RawRequest) -> RawRequest {
    RawRequest { path: under(base, &request.path), ..request.clone() }
}

pub fn run(options: &Options) -> Result<bool, String> {
    let url = options.url.as_deref().ok_or("--config POLICY.toml needs --url BASE (the server to test)")?;
    let config_path = options
        .config
        .as_deref()
        .ok_or("--url needs --config POLICY.toml (the policy the server claims to implement)")?;
    if options.browser || options.adapter.is_some() {
        return Err("--url tests your server; --browser and --adapter apply to the adapters".to_owned());
    }
    let base = Url::parse(url).map_err(|e| format!("--url {url:?}: {e}"))?;
    if base.query().is_some() || base.fragment().is_some() {
        return Err(format!("--url {url}: a base URL has no query or fragment"));
    }
    let config = read_policy(config_path)?;
    let endpoint = Endpoint::new(&base, &options.tls, TIMEOUT)?;

    let suite = policies();
    let matching: Vec<&str> = suite.iter().filter(|(_, c)| **c == config).map(|(n, _)| n.as_str()).collect();
    let selected: Vec<Case> =
        cases().into_iter().filter(|c| options.case.as_deref().is_none_or(|p| c.name.contains(p))).collect();
    if selected.is_empty() {
        return Err(format!("no case matches {:?}", options.case));
    }

    // Which routes the applicable cases need, and whether the server has them.
    let mut missing: BTreeMap<&str, String> = BTreeMap::new();
    for (route, status, about) in ROUTES {
        if !selected.iter().any(|c| matching.contains(&c.policy_name.as_str()) && c.request.path == route) {
            continue;
        }
        let probe = RawRequest { method: "GET".to_owned(), path: under(&base, route), headers: Vec::new() };
        let answer = endpoint.send(&probe).map_err(|e| format!("{url}: {e}"))?;
        if answer.status != status {
            missing.insert(
                route,
                format!("GET {} answered {}, not {status}: the server lacks {about}", probe.path, answer.status),
            );
        }
    }

    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut applicable: Vec<&Case> = Vec::new();
    for case in &selected {
        if !case.reload.is_empty() {
            skipped.push((
                case.name.clone(),
                "needs a live reload of the server (SIGHUP to a conformance server)".to_owned(),
            ));
        } else if let Some((name, _)) = &case.origin_check {
            skipped.push((
                case.name.clone(),
                format!("needs the suite's simulated origin lookup `{name}` (--origin-check)"),
            ));
        } else if !case.routes.is_empty() {
            // Per-route cases need a server with several policies (`--route PATH=FILE`).
            skipped.push((case.name.clone(), "needs per-route policies (a conformance server's --route)".to_owned()));
        } else if !matching.contains(&case.policy_name.as_str()) {
            skipped.push((case.name.clone(), format!("needs the suite's policy `{}`", case.policy_name)));
        } else if let Some(why) = missing.get(case.request.path.as_str()) {
            skipped.push((case.name.clone(), why.clone()));
        } else {
            applicable.push(case);
        }
    }

    match matching.as_slice() {
        [] => println!("{}: {}", config_path.display(), no_match_note(&config, &suite)),
        names => println!("{} is the suite's policy `{}`", config_path.display(), names.join("`, `")),
    }
    let mut outcomes = Vec::new();
    for (i, case) in applicable.iter().enumerate() {
        crate::term::progress(&format!("{COLUMN}: {}/{} {}", i + 1, applicable.len(), case.name));
        let (failures, detail) = run_case(case, &|request| endpoint.send(&rebased(&base, request)));
        outcomes.push(Outcome { case: case.name.clone(), level: case.level, adapter: COLUMN, failures, detail });
    }
    crate::term::progress_done();
    if !applicable.is_empty() && !options.quiet {
        let shown: Vec<Case> = applicable.iter().map(|c| (*c).clone()).collect();
        print_matrix(&shown, &[COLUMN], &outcomes);
    }
    print_failures(&outcomes);
    print_skipped(&skipped);
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    let passed = outcomes.len() - failed;
    if let Some(path) = &options.json {
        write_json(path, &outcomes, &skipped)?;
    }
    println!("\n{passed} passed, {failed} failed, {} skipped", skipped.len());
    if applicable.is_empty() {
        return Err(format!("no case applies to {url} with {}: nothing was tested", config_path.display()));
    }
    Ok(!blocking(&outcomes, options.strict))
}

/// The skipped cases, grouped by reason, each with its count and names.
fn print_skipped(skipped: &[(String, String)]) {
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (case, why) in skipped {
        by_reason.entry(why.as_str()).or_default().push(case.as_str());
    }
    for (why, names) in by_reason {
        println!("\nskipped {} case(s): {why}:\n  {}", names.len(), names.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_under_the_base() {
        let base = Url::parse("http://127.0.0.1:8080/api/").unwrap();
        assert_eq!(under(&base, "/data"), "/api/data");
        let base = Url::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(under(&base, "/data"), "/data");
    }

    #[test]
    fn a_near_policy_is_named_with_its_differences() {
        let suite = policies();
        let mut config = suite["credentialed"].clone();
        config.max_age = Some(60);
        let note = no_match_note(&config, &suite);
        assert!(note.contains("the closest is `credentialed`, which differs in max_age"), "{note}");
    }
}
