//! The adapters whose conformance servers xtask drives.

use std::path::{Path, PathBuf};

/// One adapter: its name, the example package holding its conformance server, and the binary.
#[derive(Clone, Debug)]
pub struct Adapter {
    pub name: &'static str,
    pub package: &'static str,
    pub bin: &'static str,
}

const ALL: [Adapter; 4] = [
    Adapter { name: "axum", package: "example-axum", bin: "conformance-axum" },
    Adapter { name: "actix", package: "example-actix", bin: "conformance-actix" },
    Adapter { name: "rocket", package: "example-rocket", bin: "conformance-rocket" },
    Adapter { name: "warp", package: "example-warp", bin: "conformance-warp" },
];

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// The adapters present in this checkout, optionally only the one named.
pub fn select(only: Option<&str>) -> Result<Vec<Adapter>, String> {
    let root = workspace_root();
    let present: Vec<Adapter> =
        ALL.iter().filter(|a| root.join("examples").join(a.name).join("Cargo.toml").exists()).cloned().collect();
    match only {
        None => Ok(present),
        Some(name) => {
            let found: Vec<Adapter> = present.iter().filter(|a| a.name == name).cloned().collect();
            if found.is_empty() {
                let names: Vec<&str> = present.iter().map(|a| a.name).collect();
                Err(format!("no adapter {name:?}; present: {}", names.join(", ")))
            } else {
                Ok(found)
            }
        }
    }
}

/// Builds the conformance servers of `adapters` in one cargo invocation. Each server is behind its
/// example's `conformance` feature, so that an app copied out of `examples/` does not compile
/// this workspace's test tooling.
pub fn build(adapters: &[Adapter], release: bool) -> Result<(), String> {
    let mut cmd = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cmd.current_dir(workspace_root()).arg("build").arg("--quiet");
    if release {
        cmd.arg("--release");
    }
    for a in adapters {
        cmd.args(["-p", a.package, "--bin", a.bin, "--features", &format!("{}/conformance", a.package)]);
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("building the conformance servers failed".to_owned())
    }
}

/// The path of an adapter's built conformance server.
pub fn binary(adapter: &Adapter, release: bool) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
    target.join(if release { "release" } else { "debug" }).join(adapter.bin)
}
