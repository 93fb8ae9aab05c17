//! `cargo xtask bench --instructions`: instructions per request under callgrind, deterministic
//! from run to run where the criterion medians of a shared machine are not.
//!
//! Builds `cors-bench`'s `instructions` example (bench profile), then runs it once per benchmark
//! set under `valgrind --tool=callgrind`, with collection only inside its marker function
//! (`--collect-atstart=no --toggle-collect`) and a dump each time the marker returns
//! (`--dump-after`); no client requests. Each measurement runs `n` requests in the marker, then
//! `2n`: (I(2n) − I(n)) / n is one request's instructions, without the loop's setup.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::adapters::workspace_root;

/// The benchmark sets, one callgrind process each (the example's arguments).
pub const SETS: [&str; 6] = ["decision", "axum", "axum-policies", "actix", "rocket", "warp"];
/// The function callgrind counts inside (`xtask/bench/examples/instructions.rs`), as callgrind
/// names it (valgrind 3.19 takes no wildcard in `--dump-after`).
const MARKER: &str = "instructions::cors_bench_measured";

/// The build command, for the report.
pub fn build_command() -> String {
    "cargo build --profile bench -p cors-bench --example instructions".to_owned()
}

/// The valgrind command of one set, for the report.
pub fn valgrind_command() -> String {
    format!(
        "valgrind --tool=callgrind --collect-atstart=no --toggle-collect='{MARKER}' --dump-after='{MARKER}' \
         target/release/examples/instructions SET"
    )
}

/// Builds the example and measures every set; instructions per request by benchmark id.
pub fn measure(target: &Path) -> Result<BTreeMap<String, f64>, String> {
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.as_ref().is_ok_and(|o| o.status.success()) {
        return Err("valgrind is not installed (Debian: apt-get install -y valgrind)".to_owned());
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(workspace_root())
        .args(["build", "--profile", "bench", "-p", "cors-bench", "--example", "instructions"])
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("`{}` failed ({status})", build_command()));
    }
    let binary = target.join("release").join("examples").join("instructions");
    let out_dir = target.join("cors-bench").join("callgrind");
    // Old dumps would be read as this run's.
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;

    // One process per set, all at once: valgrind is single-threaded, and counts do not depend on load.
    let mut running: Vec<(&str, PathBuf, Child)> = Vec::new();
    for set in SETS {
        let out = out_dir.join(format!("{set}.out"));
        let child = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--collect-atstart=no")
            .arg(format!("--toggle-collect={MARKER}"))
            .arg(format!("--dump-after={MARKER}"))
            .arg("--dump-line=no")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&binary)
            .arg(set)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run valgrind: {e}"))?;
        running.push((set, out, child));
    }
    let mut found = BTreeMap::new();
    let mut failures = Vec::new();
    for (set, out, child) in running {
        let output = child.wait_with_output().map_err(|e| format!("valgrind ({set}): {e}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
            failures.push(format!(
                "{set}: valgrind exited with {}:\n{}",
                output.status,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ));
            continue;
        }
        match per_request(&String::from_utf8_lossy(&output.stdout), &out) {
            Ok(rows) => found.extend(rows),
            Err(e) => failures.push(format!("{set}: {e}")),
        }
    }
    if failures.is_empty() {
        Ok(found)
    } else {
        Err(failures.join("\n"))
    }
}

/// Pairs the example's labels (`LABEL\tn`, one per dump, in order) with the dumps' totals.
fn per_request(labels: &str, out: &Path) -> Result<BTreeMap<String, f64>, String> {
    let mut calls: Vec<(String, u64, u64)> = Vec::new();
    for (i, line) in labels.lines().enumerate() {
        let Some((label, n)) = line.rsplit_once('\t') else { continue };
        let n: u64 = n.parse().map_err(|_| format!("bad label line {line:?}"))?;
        let dump = PathBuf::from(format!("{}.{}", out.display(), i + 1));
        calls.push((label.to_owned(), n, total_instructions(&dump)?));
    }
    let mut rows = BTreeMap::new();
    for pair in calls.chunks(2) {
        let [(label, n1, i1), (label2, n2, i2)] = pair else {
            return Err("an odd number of measurements".to_owned());
        };
        if label != label2 || *n2 != 2 * n1 {
            return Err(format!("measurements out of order: {label} {n1}, {label2} {n2}"));
        }
        rows.insert(label.clone(), (*i2 as f64 - *i1 as f64) / *n1 as f64);
    }
    Ok(rows)
}

/// The `summary:` (or `totals:`) line of one callgrind dump: instructions executed (Ir).
fn total_instructions(dump: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(dump).map_err(|e| format!("{}: {e}", dump.display()))?;
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{}: no summary line", dump.display()))
}
