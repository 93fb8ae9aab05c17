//! `cargo xtask fuzz`: runs the cargo-fuzz targets in `cors-core/fuzz` for a fixed time each and
//! reports, per target, how many inputs were executed and whether anything was found.
//!
//! Works on the stable toolchain: cargo-fuzz passes nightly-only flags, so it runs with
//! `RUSTC_BOOTSTRAP=1`. The hand-written seeds in `cors-core/fuzz/seeds/<target>` are committed;
//! libFuzzer adds what it finds to `cors-core/fuzz/corpus/<target>` and writes crashes to
//! `cors-core/fuzz/artifacts/<target>`, both ignored by git.

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::term;

/// The fuzz targets, in the order they run.
pub const TARGETS: [&str; 4] = ["origin", "request_headers", "config", "decide"];

const INSTALL: &str = "cargo install cargo-fuzz --locked";

/// Command-line options.
#[derive(Debug)]
struct Options {
    seconds: u64,
    targets: Vec<&'static str>,
    /// `none` (default: the core is safe Rust, and uninstrumented runs are several times faster)
    /// or `address`.
    sanitizer: String,
}

/// `cargo xtask fuzz`: the cargo-fuzz targets of cors-core/fuzz, N seconds each, with a summary.
#[derive(clap::Parser, Debug)]
#[command(name = "cargo xtask fuzz")]
struct Args {
    /// How long to run each target.
    #[arg(long, value_name = "N", value_parser = crate::cli::positive)]
    seconds: u64,
    /// Only this target (repeatable): origin, request_headers, config, decide.
    #[arg(long, value_name = "NAME")]
    target: Vec<String>,
    /// `none` (the core is safe Rust; uninstrumented runs are several times faster) or `address`.
    #[arg(long, default_value = "none", value_parser = ["none", "address"])]
    sanitizer: String,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let a: Args = crate::cli::parse("fuzz", args)?;
        let mut targets: Vec<&'static str> = Vec::new();
        for v in &a.target {
            let t = TARGETS
                .iter()
                .find(|t| **t == v.as_str())
                .ok_or(format!("unknown fuzz target {v:?}; the targets are {}", TARGETS.join(", ")))?;
            if !targets.contains(t) {
                targets.push(*t);
            }
        }
        if targets.is_empty() {
            targets = TARGETS.to_vec();
        }
        Ok(Options { seconds: a.seconds, targets, sanitizer: a.sanitizer })
    }
}

/// What one run gave.
struct Outcome {
    target: &'static str,
    seconds: u64,
    executions: Option<u64>,
    crashes: Vec<PathBuf>,
    exit: Option<i32>,
    log: PathBuf,
    /// The first panic message: the `panicked at` line and the message after it.
    panic: Vec<String>,
    tail: Vec<String>,
}

impl Outcome {
    fn found(&self) -> bool {
        !self.crashes.is_empty() || self.exit != Some(0)
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    // cargo-fuzz passes nightly-only flags (-Zsanitizer, ...); this lets stable accept them.
    cmd.env("RUSTC_BOOTSTRAP", "1");
    cmd
}

fn cargo_fuzz_installed() -> bool {
    cargo().args(["fuzz", "--version"]).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn files_in(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default()
}

/// libFuzzer's count of executed inputs: `stat::number_of_executed_units: N` from
/// `-print_final_stats=1`, else the last `#N ...` status line (`#N DONE` on a clean finish).
fn executions(line: &str, current: Option<u64>) -> Option<u64> {
    if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
        return n.trim().parse().ok().or(current);
    }
    if let Some(rest) = line.strip_prefix('#') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<u64>() {
            return Some(current.map_or(n, |c| c.max(n)));
        }
    }
    current
}

fn run_target(fuzz_dir: &Path, target: &'static str, options: &Options) -> Result<Outcome, String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    let seeds = fuzz_dir.join("seeds").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("creating {}: {e}", corpus.display()))?;
    std::fs::create_dir_all(&artifacts).map_err(|e| format!("creating {}: {e}", artifacts.display()))?;
    let logs = fuzz_dir.join("target");
    std::fs::create_dir_all(&logs).map_err(|e| format!("creating {}: {e}", logs.display()))?;
    let log_path = logs.join(format!("xtask-fuzz-{target}.log"));
    let mut log = std::fs::File::create(&log_path).map_err(|e| format!("creating {}: {e}", log_path.display()))?;
    let before = files_in(&artifacts);

    let mut cmd = cargo();
    cmd.current_dir(fuzz_dir.parent().unwrap_or(fuzz_dir))
        .args(["fuzz", "run", "--sanitizer", &options.sanitizer, target])
        .arg(&corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={}", options.seconds))
        .arg("-print_final_stats=1")
        .arg("-timeout=10")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("running cargo fuzz: {e}"))?;
    // libFuzzer reports on stderr; stdout (rare) goes to the log from its own thread.
    let stdout = child.stdout.take();
    let stdout_thread = std::thread::spawn(move || {
        let mut lines = Vec::new();
        if let Some(out) = stdout {
            lines.extend(BufReader::new(out).lines().map_while(Result::ok));
        }
        lines
    });
    let mut tail: VecDeque<String> = VecDeque::new();
    let mut execs = None;
    let mut panic: Vec<String> = Vec::new();
    // libFuzzer names what it writes: `Test unit written to <path>` (crash-, leak-, timeout-, oom-).
    let mut written: Vec<PathBuf> = Vec::new();
    let mut in_panic = false;
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = writeln!(log, "{line}");
            execs = executions(&line, execs);
            if let Some((_, path)) = line.split_once("Test unit written to ") {
                written.push(PathBuf::from(path.trim()));
            }
            if panic.is_empty() && line.contains("panicked at") {
                in_panic = true;
            }
            if in_panic {
                if line.starts_with("stack backtrace:") || line.starts_with("note: ") || panic.len() == 8 {
                    in_panic = false;
                } else {
                    panic.push(line.clone());
                }
            }
            if line.starts_with('#') {
                term::progress(&format!("{target}: {line}"));
            }
            if tail.len() == 60 {
                tail.pop_front();
            }
            tail.push_back(line);
        }
    }
    let status = child.wait().map_err(|e| format!("waiting for cargo fuzz: {e}"))?;
    for line in stdout_thread.join().unwrap_or_default() {
        let _ = writeln!(log, "{line}");
    }
    term::progress_done();
    let mut crashes: Vec<PathBuf> = files_in(&artifacts).difference(&before).cloned().collect();
    for path in written {
        if !crashes.contains(&path) {
            crashes.push(path);
        }
    }
    Ok(Outcome {
        target,
        seconds: started.elapsed().as_secs(),
        executions: execs,
        crashes,
        exit: status.code(),
        log: log_path,
        panic,
        tail: tail.into(),
    })
}

fn report_finding(o: &Outcome, sanitizer: &str) {
    eprintln!(
        "\n{} {}: the fuzzer found a failure (exit {:?}); log: {}",
        term::fail(),
        o.target,
        o.exit,
        o.log.display()
    );
    // The panic message, then what libFuzzer said (the input, where it was written).
    for line in &o.panic {
        eprintln!("    {line}");
    }
    let from = o.tail.iter().position(|l| l.contains("ERROR:")).unwrap_or(o.tail.len().saturating_sub(15));
    for line in o.tail.iter().skip(from).take_while(|l| !l.starts_with("stat::")).take(12) {
        eprintln!("    {line}");
    }
    for crash in &o.crashes {
        let rel = crash.strip_prefix(root().join("cors-core")).unwrap_or(crash).display().to_string();
        eprintln!("  crash file: {}", crash.display());
        eprintln!("  reproduce:  cd cors-core && RUSTC_BOOTSTRAP=1 cargo fuzz run -s {sanitizer} {} {rel}", o.target);
        eprintln!("  minimize:   cd cors-core && RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s {sanitizer} {} {rel}", o.target);
    }
    if o.crashes.is_empty() {
        eprintln!("  no crash file was written: see the log (a build failure, or libFuzzer could not start)");
    }
    eprintln!("  then add a regression test (cors-core/tests/fuzz_regressions.rs) before fixing");
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let options = Options::parse(args)?;
    if !cargo_fuzz_installed() {
        eprintln!("cargo-fuzz is not installed; install it with:\n    {INSTALL}");
        return Err(format!("`cargo fuzz` is not available (install it with `{INSTALL}`)"));
    }
    let fuzz_dir = root().join("cors-core").join("fuzz");
    // Build every selected target first, so the time limit is spent fuzzing.
    let mut build = cargo();
    build.current_dir(root().join("cors-core")).args(["fuzz", "build", "--sanitizer", &options.sanitizer]);
    if let [only] = options.targets.as_slice() {
        build.arg(only);
    }
    let built = build.status().map_err(|e| format!("running cargo fuzz build: {e}"))?;
    if !built.success() {
        return Err(format!("cargo fuzz build failed ({built})"));
    }

    let mut outcomes = Vec::new();
    for target in &options.targets {
        eprintln!("fuzzing {target} for {} s ...", options.seconds);
        let outcome = run_target(&fuzz_dir, target, &options)?;
        if outcome.found() {
            report_finding(&outcome, &options.sanitizer);
        }
        outcomes.push(outcome);
    }

    println!("\n{:<16} {:>8} {:>14} {:>10}  result", "target", "seconds", "executions", "exec/s");
    for o in &outcomes {
        let execs = o.executions.map_or("?".to_owned(), |n| n.to_string());
        let rate = o.executions.map_or("?".to_owned(), |n| (n / o.seconds.max(1)).to_string());
        let result = if o.found() {
            let what = if o.crashes.is_empty() {
                format!("exit {:?}, see {}", o.exit, o.log.display())
            } else {
                o.crashes.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
            };
            format!("{} {what}", term::fail())
        } else {
            format!("{} no findings", term::pass())
        };
        println!("{:<16} {:>8} {:>14} {:>10}  {result}", o.target, o.seconds, execs, rate);
    }
    Ok(outcomes.iter().all(|o| !o.found()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libfuzzer_counts() {
        let mut n = None;
        for line in ["#2\tINITED cov: 10", "#1024\tpulse  cov: 12", "#3510458\tDONE   cov: 179", "Done 3510458 runs"] {
            n = executions(line, n);
        }
        assert_eq!(n, Some(3_510_458));
        assert_eq!(executions("stat::number_of_executed_units: 42", Some(7)), Some(42));
        assert_eq!(executions("###### Recommended dictionary. ######", Some(7)), Some(7));
    }

    #[test]
    fn options() {
        let args = |s: &[&str]| s.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        let o = Options::parse(&args(&["--seconds", "5", "--target", "decide"])).unwrap();
        assert_eq!((o.seconds, o.targets, o.sanitizer.as_str()), (5, vec!["decide"], "none"));
        assert_eq!(Options::parse(&args(&["--seconds", "5"])).unwrap().targets, TARGETS);
        assert!(Options::parse(&args(&["--seconds", "5", "--target", "nope"])).is_err());
        assert!(Options::parse(&args(&[])).is_err());
    }
}
