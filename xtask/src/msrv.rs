//! `cargo xtask msrv`: the `rust-version` each published crate declares must be no lower than what
//! its locked dependencies require. Reads `cargo metadata` (the resolved graph of this lock file),
//! walks each published crate's normal and build dependencies, and takes the highest
//! `rust-version` among them.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// The crates this workspace publishes.
pub const PUBLISHED: [&str; 5] = ["cors-core", "cors-axum", "cors-actix", "cors-rocket", "cors-warp"];

/// A `rust-version` such as `1.85` or `1.85.1`, compared numerically.
fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let mut parts = v.trim().split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

fn show((a, b, c): (u64, u64, u64)) -> String {
    if c == 0 {
        format!("{a}.{b}")
    } else {
        format!("{a}.{b}.{c}")
    }
}

/// What each published crate declares and what its dependencies require (with the dependency
/// that requires the most).
pub struct Finding {
    pub krate: String,
    pub declared: Option<String>,
    pub required: Option<(String, String)>,
    pub ok: bool,
}

/// Computes the findings from `cargo metadata --format-version 1` output.
pub fn check(metadata: &Value) -> Result<Vec<Finding>, String> {
    let packages = metadata["packages"].as_array().ok_or("cargo metadata: no packages")?;
    let by_id: BTreeMap<&str, &Value> = packages.iter().filter_map(|p| Some((p["id"].as_str()?, p))).collect();
    let nodes = metadata["resolve"]["nodes"].as_array().ok_or("cargo metadata: no resolve graph")?;
    let deps_of: BTreeMap<&str, Vec<&str>> = nodes
        .iter()
        .filter_map(|n| {
            let id = n["id"].as_str()?;
            let deps = n["deps"]
                .as_array()?
                .iter()
                .filter(|d| {
                    // Normal and build dependencies only: dev-dependencies are not compiled by users.
                    d["dep_kinds"].as_array().is_some_and(|kinds| {
                        kinds.iter().any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build"))
                    })
                })
                .filter_map(|d| d["pkg"].as_str())
                .collect();
            Some((id, deps))
        })
        .collect();
    let mut out = Vec::new();
    for name in PUBLISHED {
        let package = packages
            .iter()
            .find(|p| p["name"] == name && p["source"].is_null())
            .ok_or_else(|| format!("{name} is not in the workspace"))?;
        let id = package["id"].as_str().ok_or("a package without an id")?;
        let declared = package["rust_version"].as_str().map(str::to_owned);
        let mut seen = BTreeSet::new();
        let mut stack = vec![id];
        let mut required: Option<((u64, u64, u64), String)> = None;
        while let Some(next) = stack.pop() {
            if !seen.insert(next) {
                continue;
            }
            if next != id {
                let dep = by_id.get(next).ok_or_else(|| format!("{next} is not among the packages"))?;
                if let Some(v) = dep["rust_version"].as_str().and_then(parse_version) {
                    let who =
                        format!("{} {}", dep["name"].as_str().unwrap_or("?"), dep["version"].as_str().unwrap_or("?"));
                    if required.as_ref().is_none_or(|(best, _)| v > *best) {
                        required = Some((v, who));
                    }
                }
            }
            stack.extend(deps_of.get(next).into_iter().flatten());
        }
        let ok = match (&declared, &required) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(d), Some((r, _))) => parse_version(d).is_some_and(|d| d >= *r),
        };
        out.push(Finding { krate: name.to_owned(), declared, required: required.map(|(v, who)| (show(v), who)), ok });
    }
    Ok(out)
}

/// Runs the check on this workspace; false when a crate declares less than it needs.
pub fn run(args: &[String]) -> Result<bool, String> {
    if let Some(extra) = args.first() {
        return Err(format!("msrv takes no arguments (got {extra:?}); usage: cargo xtask msrv"));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(crate::adapters::workspace_root())
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let findings = check(&metadata)?;
    let mut all_ok = true;
    for f in &findings {
        let declared = f.declared.as_deref().unwrap_or("(none)");
        let (required, who) = f.required.clone().unwrap_or(("-".to_owned(), "no dependency declares one".to_owned()));
        let verdict = if f.ok { "ok" } else { "TOO LOW" };
        println!("{:12} declares {declared:8} dependencies require {required:8} ({who})  {verdict}", f.krate);
        all_ok &= f.ok;
    }
    if !all_ok {
        println!("raise `rust-version` in the root Cargo.toml's [workspace.package] to at least the required version");
    }
    Ok(all_ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(declared: &str, dep: &str) -> Value {
        let pkg = |name: &str, id: &str, rv: Option<&str>, source: Option<&str>| json!({ "name": name, "id": id, "version": "1.0.0", "rust_version": rv, "source": source });
        let mut packages = vec![
            pkg("dep", "dep-id", Some(dep), Some("registry")),
            pkg("devdep", "dev-id", Some("9.0"), Some("registry")),
        ];
        let mut nodes = vec![json!({ "id": "dep-id", "deps": [] }), json!({ "id": "dev-id", "deps": [] })];
        for name in PUBLISHED {
            packages.push(pkg(name, name, Some(declared), None));
            nodes.push(json!({ "id": name, "deps": [
                { "pkg": "dep-id", "dep_kinds": [{ "kind": null }] },
                { "pkg": "dev-id", "dep_kinds": [{ "kind": "dev" }] },
            ] }));
        }
        json!({ "packages": packages, "resolve": { "nodes": nodes } })
    }

    #[test]
    fn a_declared_version_below_a_dependency_fails_and_dev_dependencies_do_not_count() {
        let low = check(&metadata("1.70", "1.80")).unwrap();
        assert!(low.iter().all(|f| !f.ok));
        assert_eq!(low[0].required.as_ref().unwrap().0, "1.80");
        let fine = check(&metadata("1.85", "1.80")).unwrap();
        assert!(fine.iter().all(|f| f.ok));
        assert!(check(&metadata("1.80.1", "1.80")).unwrap().iter().all(|f| f.ok));
    }
}
