//! `cargo xtask bench [--quick] [--report] [--instructions]`: the decision benchmark of cors-core
//! and every adapter against the established CORS crate of its framework, in one run, then one table.
//!
//! `--instructions` runs only the callgrind measurement (`bench_instructions`) and prints the same
//! table with instructions per request instead of times, with the same targets.
//!
//! Runs `cargo bench -p cors-core --bench decision` and `cargo bench -p cors-bench` (criterion;
//! `--quick` passes `--warm-up-time 1 --measurement-time 2`), then reads criterion's median
//! estimates (`target/criterion/**/new/{benchmark,estimates}.json`) and the allocation counts of
//! `target/cors-bench/allocations.json`. Only results written by this run are used; `--report`
//! prints the table from the last results without running anything.
//!
//! The targets are shown, not asserted: the task fails only if a benchmark could not run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::adapters::workspace_root;

/// The frameworks, in table order, with the established crate each is compared with.
const FRAMEWORKS: [(&str, &str); 4] =
    [("axum", "tower-http"), ("actix", "actix-cors"), ("rocket", "rocket_cors"), ("warp", "warp::cors")];
/// Policy sources and per-route layers (axum): ours is the variant, peer the plain `Policy`.
const POLICY_CASES: [&str; 4] = [
    "simple GET, reloadable policy",
    "preflight, reloadable policy",
    "simple GET, per-route policy",
    "preflight, per-route policy",
];
/// The per-framework cases, in table order (ids of `cors-bench`).
const CASES: [&str; 7] = [
    "simple GET",
    "preflight",
    "refused origin",
    "no origin",
    "preflight, 1 MiB of commas",
    "simple GET, 10000 origins",
    "refused origin, 10000 origins",
];
const COMMAS: &str = "preflight, 1 MiB of commas";
const ORIGIN_SETS: [&str; 4] = ["1 origin", "100 origins", "10000 origins", "100 patterns"];
const DECISION_CASES: [&str; 4] = ["preflight", "actual", "refused origin", "no origin"];

/// Targets (shown, not asserted).
const LARGE_OVER_ONE: f64 = 1.5;
const COMMAS_LIMIT_NS: f64 = 50_000.0;
const PEER_ADDS_NS: f64 = 200.0;
/// Requests without `Origin`: we send `Vary: Origin` by design (one header insert), peers may not.
const NO_ORIGIN_ALLOWANCE_NS: f64 = 60.0;
/// The decision's floors (issue 20): allowed actual request, preflight, preflight with ten headers.
const ACTUAL_FLOOR_NS: f64 = 60.0;
const PREFLIGHT_FLOOR_NS: f64 = 150.0;
const TEN_HEADERS_FLOOR_NS: f64 = 300.0;
/// A `ReloadablePolicy` costs at most an atomic load or so more than a plain `Policy`; a
/// per-route layer inside another at most one more decision.
const RELOADABLE_EXTRA_NS: f64 = 20.0;
/// Time targets are judged on instructions at this nominal rate: the bare framework rows run 8 to
/// 10 instructions per ns (callgrind counts over criterion medians, README), so 8 is the stricter.
const INSTRUCTIONS_PER_NS: f64 = 8.0;

/// What the table's figures are.
#[derive(Clone, Copy)]
struct Unit {
    /// How many of this unit a nanosecond's target is worth.
    per_ns: f64,
    format: fn(f64) -> String,
}

const TIME: Unit = Unit { per_ns: 1.0, format: ns };
const INSTRUCTIONS: Unit = Unit { per_ns: INSTRUCTIONS_PER_NS, format: instructions };

/// `cargo xtask bench`: criterion benchmarks of the decision and of every adapter against the
/// established CORS crate of its framework (bare / ours / peer), then one table.
#[derive(clap::Parser, Debug)]
#[command(name = "cargo xtask bench")]
struct Args {
    /// Shorter criterion runs: --warm-up-time 1 --measurement-time 2 (about 6 minutes instead of 15).
    #[arg(long)]
    quick: bool,
    /// Reprint the last table without running anything.
    #[arg(long)]
    report: bool,
    /// Only instructions per request under callgrind (needs valgrind), the same table.
    #[arg(long, conflicts_with_all = ["quick", "report"])]
    instructions: bool,
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let Args { quick, report: report_only, instructions } = crate::cli::parse("bench", args)?;
    let command = format!("cargo xtask bench{}", args.iter().map(|a| format!(" {a}")).collect::<String>());
    if instructions {
        return run_instructions(&command);
    }
    let mut criterion_args = vec!["--noplot"];
    if quick {
        criterion_args.extend(["--warm-up-time", "1", "--measurement-time", "2"]);
    }
    let runs: [Vec<&str>; 2] = [vec!["-p", "cors-core", "--bench", "decision"], vec!["-p", "cors-bench"]];
    let commands: Vec<String> =
        runs.iter().map(|r| format!("cargo bench {} -- {}", r.join(" "), criterion_args.join(" "))).collect();

    let load_before = load_average();
    let started = SystemTime::now();
    let clock = Instant::now();
    let mut ok = true;
    if !report_only {
        for run in &runs {
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
                .current_dir(workspace_root())
                .arg("bench")
                .args(run)
                .arg("--")
                .args(&criterion_args)
                .status()
                .map_err(|e| format!("cannot run cargo bench: {e}"))?;
            if !status.success() {
                eprintln!("error: `cargo bench {}` failed ({status})", run.join(" "));
                ok = false;
            }
        }
    }
    let elapsed = clock.elapsed();
    let since = if report_only { None } else { Some(started) };

    let target = target_dir();
    let times = read_estimates(&target.join("criterion"), since);
    let allocations = read_allocations(&target.join("cors-bench").join("allocations.json"), since);

    let mut out = String::new();
    let _ = writeln!(out, "\n== cargo xtask bench ==");
    let _ = writeln!(out, "command:  {command}");
    if !report_only {
        for c in &commands {
            let _ = writeln!(out, "          {c}");
        }
        let _ = writeln!(out, "duration: {}", human_duration(elapsed));
    }
    let _ = writeln!(out, "machine:  {}", machine());
    if let Some(load) = load_before {
        let _ = writeln!(out, "load:     {load} (1, 5, 15 min) before, {} after", load_average().unwrap_or_default());
    }
    let _ =
        writeln!(out, "times:    criterion median per request; +ours / +peer: added over bare (the same framework and");
    let _ = writeln!(
        out,
        "          request without CORS middleware); allocs: heap blocks per request (dhat), bare/ours/peer;"
    );
    let _ = writeln!(out, "          status: bare/ours/peer, '+' when Access-Control-Allow-Origin was sent");
    let (table, complete) = table(&times, allocations.as_ref(), TIME);
    out.push_str(&table);
    if let Some(Err(e)) = &allocations {
        let _ = writeln!(out, "allocations: {e}");
    }
    print!("{out}");
    Ok(ok && complete)
}

/// `--instructions`: callgrind only, then the table in instructions per request.
fn run_instructions(command: &str) -> Result<bool, String> {
    let target = target_dir();
    let clock = Instant::now();
    let counts = crate::bench_instructions::measure(&target)?;
    let elapsed = clock.elapsed();
    let allocations = read_allocations(&target.join("cors-bench").join("allocations.json"), None);
    let mut out = String::new();
    let _ = writeln!(out, "\n== cargo xtask bench --instructions ==");
    let _ = writeln!(out, "command:  {command}");
    let _ = writeln!(out, "          {}", crate::bench_instructions::build_command());
    let _ = writeln!(out, "          {}", crate::bench_instructions::valgrind_command());
    let _ = writeln!(out, "duration: {}", human_duration(elapsed));
    let _ = writeln!(out, "machine:  {}", machine());
    let _ =
        writeln!(out, "figures:  instructions per request (callgrind Ir: (I(2n) - I(n)) / n, setup excluded); +ours /");
    let _ = writeln!(
        out,
        "          +peer: added over bare; time targets at {INSTRUCTIONS_PER_NS} instructions per ns; allocs and"
    );
    let _ = writeln!(out, "          status from the last `cargo xtask bench` run, when there is one");
    let (table, complete) = table(&counts, allocations.as_ref().filter(|a| a.is_ok()), INSTRUCTIONS);
    out.push_str(&table);
    print!("{out}");
    Ok(complete)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

/// Median point estimates in nanoseconds, by full id (`group/function`), of the benchmarks
/// written since `since`.
fn read_estimates(dir: &Path, since: Option<SystemTime>) -> BTreeMap<String, f64> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                if let Some((id, median)) = read_estimate(&path, since) {
                    found.insert(id, median);
                }
            } else {
                stack.push(path);
            }
        }
    }
    found
}

fn read_estimate(new: &Path, since: Option<SystemTime>) -> Option<(String, f64)> {
    let estimates = new.join("estimates.json");
    if let Some(since) = since {
        let modified = std::fs::metadata(&estimates).and_then(|m| m.modified()).ok()?;
        if modified < since {
            return None;
        }
    }
    let benchmark: Value = serde_json::from_str(&std::fs::read_to_string(new.join("benchmark.json")).ok()?).ok()?;
    let estimates: Value = serde_json::from_str(&std::fs::read_to_string(estimates).ok()?).ok()?;
    let mut id = benchmark["group_id"].as_str()?.to_owned();
    for part in ["function_id", "value_str"] {
        if let Some(p) = benchmark[part].as_str() {
            id.push('/');
            id.push_str(p);
        }
    }
    Some((id, estimates["median"]["point_estimate"].as_f64()?))
}

fn read_allocations(path: &Path, since: Option<SystemTime>) -> Option<Result<Value, String>> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified());
    match (modified, since) {
        (Err(_), _) => return Some(Err(format!("{} is missing", path.display()))),
        (Ok(m), Some(since)) if m < since => return Some(Err(format!("{} is from an earlier run", path.display()))),
        _ => {}
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    Some(text.and_then(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", path.display()))))
}

/// One row's allocation counts and statuses, from `allocations.json`.
#[derive(Default)]
struct Counted {
    blocks: [Option<f64>; 3],
    status: [Option<String>; 3],
}

fn counted(allocations: Option<&Result<Value, String>>, framework: &str, case: &str) -> Counted {
    let mut c = Counted::default();
    let Some(Ok(all)) = allocations else { return c };
    for row in all["frameworks"].as_array().into_iter().flatten() {
        if row["framework"] != framework || row["case"] != case {
            continue;
        }
        let i = match row["variant"].as_str() {
            Some("bare") => 0,
            Some("ours") => 1,
            Some("peer") => 2,
            _ => continue,
        };
        c.blocks[i] = row["blocks"].as_f64();
        let plus = if row["allow_origin"].as_bool() == Some(true) { "+" } else { "" };
        c.status[i] = row["status"].as_u64().map(|s| format!("{s}{plus}"));
    }
    c
}

fn decision_blocks(allocations: Option<&Result<Value, String>>, case: &str, config: &str) -> Option<f64> {
    let Some(Ok(all)) = allocations else { return None };
    all["decision"].as_array()?.iter().find(|r| r["case"] == case && r["config"] == config)?["blocks"].as_f64()
}

struct Table {
    rows: Vec<[String; 11]>,
}

const HEADER: [&str; 11] =
    ["case", "bare", "ours", "peer", "+ours", "+peer", "ours/peer", "+ours/+peer", "allocs", "status", "targets"];

impl Table {
    fn section(&mut self, title: String) {
        let mut row: [String; 11] = Default::default();
        row[0] = title;
        self.rows.push(row);
    }

    fn render(&self) -> String {
        let mut widths = HEADER.map(str::len);
        for row in &self.rows {
            if row[1..].iter().all(String::is_empty) {
                continue; // a section title may overflow
            }
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                let pad = w.saturating_sub(cell.chars().count());
                match i {
                    0 | 10 => s.push_str(&format!("{cell}{}", " ".repeat(pad))),
                    _ => s.push_str(&format!("{}{cell}", " ".repeat(pad))),
                }
                s.push_str("  ");
            }
            s.trim_end().to_owned() + "\n"
        };
        let mut out = line(&HEADER.map(str::to_owned));
        out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
        out.push('\n');
        for row in &self.rows {
            if row[1..].iter().all(String::is_empty) {
                out.push_str(&row[0]);
                out.push('\n');
            } else {
                out.push_str(&line(row));
            }
        }
        out
    }
}

fn mark(ok: bool, what: &str) -> String {
    format!("{} {what}", if ok { "ok" } else { "MISS" })
}

/// The table, and whether every expected result was there. `values` are per request, in `unit`.
fn table(values: &BTreeMap<String, f64>, allocations: Option<&Result<Value, String>>, unit: Unit) -> (String, bool) {
    let mut t = Table { rows: Vec::new() };
    let mut missing = Vec::new();
    let mut misses = Vec::new();
    let mut get = |id: String| {
        let v = values.get(&id).copied();
        if v.is_none() {
            missing.push(id);
        }
        v
    };
    let show = |v: Option<f64>| v.map(unit.format).unwrap_or_else(|| "-".to_owned());
    let at_most = |v: f64, limit_ns: f64| v <= limit_ns * unit.per_ns;
    let limit = |limit_ns: f64| (unit.format)(limit_ns * unit.per_ns);

    // cors-core: Policy::decide alone.
    t.section("cors-core: Policy::decide (ours = the decision alone; allocs: blocks per decision)".to_owned());
    let decision_row = |t: &mut Table,
                        misses: &mut Vec<String>,
                        label: String,
                        time: Option<f64>,
                        blocks: Option<f64>,
                        mut targets: Vec<String>| {
        if let Some(b) = blocks {
            targets.insert(0, mark(b == 0.0, "0 alloc"));
        }
        let mut row: [String; 11] = Default::default();
        row[0] = format!("  {label}");
        row[2] = show(time);
        row[8] = blocks.map(count).unwrap_or_else(|| "-".to_owned());
        row[10] = targets.join("; ");
        misses.extend(row[10].split("; ").filter(|s| s.starts_with("MISS")).map(|s| format!("{label}: {s}")));
        t.rows.push(row);
    };
    for case in DECISION_CASES {
        let one = get(format!("decision/{case}/1 origin"));
        for set in ORIGIN_SETS {
            let time = if set == "1 origin" { one } else { get(format!("decision/{case}/{set}")) };
            let mut targets = Vec::new();
            let floor = match case {
                "actual" => Some(ACTUAL_FLOOR_NS),
                "preflight" => Some(PREFLIGHT_FLOOR_NS),
                _ => None,
            };
            if let (Some(floor), Some(v), false) = (floor, time, set == "100 patterns") {
                targets.push(mark(at_most(v, floor), &format!("<= {}", limit(floor))));
            }
            if set == "10000 origins" {
                if let (Some(large), Some(one)) = (time, one) {
                    targets
                        .push(mark(large <= LARGE_OVER_ONE * one, &format!("{:.2}x 1 origin (<= 1.5x)", large / one)));
                }
            }
            let blocks = decision_blocks(allocations, case, set);
            decision_row(&mut t, &mut misses, format!("{case}, {set}"), time, blocks, targets);
        }
    }
    for (config, label) in [("10 headers", "preflight, 10 requested headers"), ("1 MiB of commas", COMMAS)] {
        let time = get(format!("decision/preflight/{config}"));
        let mut targets = Vec::new();
        if let Some(v) = time {
            if config == "10 headers" {
                targets.push(mark(at_most(v, TEN_HEADERS_FLOOR_NS), &format!("<= {}", limit(TEN_HEADERS_FLOOR_NS))));
            } else {
                targets.push(mark(at_most(v, COMMAS_LIMIT_NS), &format!("< {}", limit(COMMAS_LIMIT_NS))));
            }
        }
        let blocks = decision_blocks(allocations, "preflight", config);
        decision_row(&mut t, &mut misses, label.to_owned(), time, blocks, targets);
    }
    // What the adapters call: the decision owned (nesting), and the policy from a PolicySource.
    for (case, floor) in [
        ("preflight", PREFLIGHT_FLOOR_NS),
        ("actual", ACTUAL_FLOOR_NS),
        ("preflight, 10 headers", TEN_HEADERS_FLOOR_NS),
    ] {
        let time = get(format!("deferred/{case}/1 origin"));
        let targets = time.map(|v| mark(at_most(v, floor), &format!("<= {}", limit(floor)))).into_iter().collect();
        let blocks = decision_blocks(allocations, &format!("deferred/{case}"), "1 origin");
        decision_row(&mut t, &mut misses, format!("decide_deferred: {case}, 1 origin"), time, blocks, targets);
    }
    let fixed = get("source/fixed/actual".to_owned());
    for source in ["fixed", "reloadable"] {
        let time = if source == "fixed" { fixed } else { get(format!("source/{source}/actual")) };
        let mut targets = Vec::new();
        if let (Some(v), Some(f), "reloadable") = (time, fixed, source) {
            let what = format!("+{} over fixed (<= {})", (unit.format)(v - f), limit(RELOADABLE_EXTRA_NS));
            targets.push(mark(at_most(v - f, RELOADABLE_EXTRA_NS), &what));
        }
        let blocks = decision_blocks(allocations, &format!("source/{source}"), "actual");
        let label = format!("PolicySource::current ({source}) + decide_deferred: actual");
        decision_row(&mut t, &mut misses, label, time, blocks, targets);
    }

    // Each adapter against the established crate, through the framework; then the policy sources.
    let mut sections: Vec<(String, &str, Vec<&str>)> = FRAMEWORKS
        .iter()
        .map(|(framework, peer)| {
            let title =
                format!("{framework}: cors-{framework} (ours) vs {peer} (peer), one request through the framework");
            let cases = CASES.iter().copied().filter(|c| *framework == "axum" || !c.contains("10000")).collect();
            (title, *framework, cases)
        })
        .collect();
    sections.insert(
        1,
        (
            "axum-policies: cors-axum with a ReloadablePolicy or a per-route layer (ours) vs a plain Policy (peer)"
                .to_owned(),
            "axum-policies",
            POLICY_CASES.to_vec(),
        ),
    );
    for (title, framework, cases) in sections {
        t.section(title);
        for case in cases {
            let bare = get(format!("{framework}/{case}/bare"));
            let ours = get(format!("{framework}/{case}/ours"));
            let theirs = get(format!("{framework}/{case}/peer"));
            let added = |v: Option<f64>| Some(v? - bare?);
            let (plus_ours, plus_peer) = (added(ours), added(theirs));
            let c = counted(allocations, framework, case);
            let mut targets = Vec::new();
            if framework == "axum-policies" {
                if let (Some(o), Some(p)) = (ours, theirs) {
                    let (extra, what) = if case.contains("reloadable") {
                        (RELOADABLE_EXTRA_NS, "over plain".to_owned())
                    } else {
                        // An outer layer decides too: at most one more decision.
                        (PREFLIGHT_FLOOR_NS, "over plain (one more decision)".to_owned())
                    };
                    let shown = format!("+{} {what} (<= {})", (unit.format)(o - p), limit(extra));
                    targets.push(mark(at_most(o - p, extra), &shown));
                }
            } else if case == "no origin" {
                // We send `Vary: Origin` by design: one header insert more than a peer that skips it.
                let allowance = NO_ORIGIN_ALLOWANCE_NS * unit.per_ns;
                if let (Some(o), Some(p)) = (ours, theirs) {
                    targets.push(mark(
                        o <= p + allowance,
                        &format!("faster in total (+{} allowed)", limit(NO_ORIGIN_ALLOWANCE_NS)),
                    ));
                }
                if let (Some(o), Some(p)) = (plus_ours, plus_peer) {
                    targets
                        .push(mark(o <= p + allowance, &format!("adds <= peer + {}", limit(NO_ORIGIN_ALLOWANCE_NS))));
                }
            } else {
                if let (Some(o), Some(p)) = (ours, theirs) {
                    targets.push(mark(o < p, "faster in total"));
                }
                if let (Some(o), Some(p)) = (plus_ours, plus_peer) {
                    if p >= PEER_ADDS_NS * unit.per_ns {
                        targets.push(mark(o <= p / 2.0, "adds <= half"));
                    }
                }
            }
            if case == COMMAS {
                if let Some(o) = ours {
                    targets.push(mark(at_most(o, COMMAS_LIMIT_NS), &format!("< {}", limit(COMMAS_LIMIT_NS))));
                }
            }
            if let (Some(ob), Some(pb)) = (c.blocks[1], c.blocks[2]) {
                if framework != "axum-policies" {
                    targets.push(mark(ob <= pb, "allocs <= peer"));
                }
            }
            let mut row: [String; 11] = Default::default();
            row[0] = format!("  {case}");
            row[1] = show(bare);
            row[2] = show(ours);
            row[3] = show(theirs);
            row[4] = show(plus_ours);
            row[5] = show(plus_peer);
            row[6] = match (ours, theirs) {
                (Some(o), Some(p)) => format!("{:.2}", o / p),
                _ => "-".to_owned(),
            };
            row[7] = match (plus_ours, plus_peer) {
                (Some(o), Some(p)) if p > 0.0 => format!("{:.2}", o / p),
                _ => "-".to_owned(),
            };
            row[8] = c.blocks.map(|b| b.map(count).unwrap_or_else(|| "-".to_owned())).join("/");
            row[9] = c.status.map(|s| s.unwrap_or_else(|| "-".to_owned())).join("/");
            row[10] = targets.join("; ");
            misses.extend(
                row[10].split("; ").filter(|s| s.starts_with("MISS")).map(|s| format!("{framework}/{case}: {s}")),
            );
            t.rows.push(row);
        }
    }

    let mut out = t.render();
    if let Some(Ok(all)) = allocations {
        for surprise in all["surprises"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            let _ = writeln!(out, "warning: {surprise}");
        }
    }
    if misses.is_empty() {
        let _ = writeln!(out, "targets: all met");
    } else {
        let _ = writeln!(out, "targets missed ({}):", misses.len());
        for m in &misses {
            let _ = writeln!(out, "  {m}");
        }
    }
    let complete = missing.is_empty();
    if !complete {
        let _ = writeln!(out, "missing results ({}): {}", missing.len(), missing.join(", "));
    }
    (out, complete)
}

/// Nanoseconds, humanly.
fn ns(v: f64) -> String {
    let a = v.abs();
    if a < 1_000.0 {
        format!("{v:.0} ns")
    } else if a < 1_000_000.0 {
        format!("{:.2} us", v / 1_000.0)
    } else {
        format!("{:.2} ms", v / 1_000_000.0)
    }
}

/// Instructions per request, with thousands separated.
fn instructions(v: f64) -> String {
    let rounded = v.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!("{}{grouped}", if rounded < 0 { "-" } else { "" })
}

fn count(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}m{:02}s", s / 60, s % 60)
}

fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// nproc, the CPU model and the compiler.
fn machine() -> String {
    let nproc = std::thread::available_parallelism().map(|n| n.get().to_string()).unwrap_or_else(|_| "?".to_owned());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("nproc {nproc}, {model}, {}, {rustc}", std::env::consts::ARCH)
}
