//! Project tasks as plain Rust (the rust-analyzer `xtask` pattern): `cargo xtask <task>`.
//!
//! - `conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]`: the shared suite
//!   against every adapter's conformance server, over real sockets.
//! - `conformance --browser [--adapter NAME] [--case PATTERN]`: fetches from a real headless
//!   Chromium against every adapter's conformance server, compared with cors-core's browser model.
//! - `conformance --url BASE --config POLICY.toml [--case PATTERN] [--json FILE] [--strict]`: the
//!   cases of that policy against any server the user runs; the others are skipped and counted.
//! - `doctor URL --origin ORIGIN [--method M] [--header 'Name: value']... [--credentials] [--json]`:
//!   probes a live server as a browser would; verdict, Chromium's console message, fix, warnings.
//! - `soak [--adapter NAME] [--seconds N | --requests N] [--connections C]`: sustained concurrent
//!   traffic (well-formed and garbage) at every adapter's release server; memory and failures.
//! - `hostile [--adapter NAME] [--runs N]`: oversized, repeated and non-UTF-8 headers at every
//!   adapter's release server; each must be answered or closed quickly and the next one served.
//! - `fuzz --seconds N [--target NAME] [--sanitizer none|address]`: the cargo-fuzz targets of
//!   `cors-core/fuzz`, N seconds each; executions and findings per target.
//! - `msrv`: each published crate's `rust-version` against what its locked dependencies need.
//! - `bench [--quick] [--report] [--instructions]`: criterion benchmarks of the decision and of
//!   every adapter against the established CORS crate of its framework, in one run, then one
//!   table; `--instructions`: the same table in instructions per request, under callgrind.
#![forbid(unsafe_code)]

mod adapters;
mod bench;
mod bench_instructions;
mod browser;
mod cli;
mod conformance;
mod doctor;
mod fuzz;
mod hostile;
mod msrv;
mod raw_http;
mod server;
mod soak;
mod term;
mod transport;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]
      run every conformance case against every adapter over real sockets
  conformance --browser [--adapter NAME] [--case PATTERN]
      run cors-core/conformance/fetches.toml in headless Chromium (Debian's chromium, or $CHROMIUM)
      against every adapter, compared with cors-core's browser model
  conformance --url BASE --config POLICY.toml [--case PATTERN] [--json FILE] [--strict]
              [--ca FILE] [--insecure]
      run the cases of POLICY.toml (one of the tables of cors-core/conformance/policies.toml)
      against your own server at BASE, which serves the conformance routes under BASE (GET /data
      answered 200 `ok`, GET /error answered 500 `boom`); cases of other policies, or on routes
      the server lacks, are skipped, counted and named
  doctor URL --origin ORIGIN [--method M] [--header 'Name: value']... [--credentials] [--json]
         [--ca FILE] [--insecure] [--timeout SECONDS]
      send what a page at ORIGIN calling fetch(URL) sends (the preflight if needed, then the
      request; then the first one again from a made-up origin) and print the exchanges, the
      verdict of cors-core's browser model, Chromium's console message, the fix and warnings;
      exit 0 allowed, 1 blocked, 2 the probe could not be made (`doctor --help` for more)
  soak [--adapter NAME] [--seconds N | --requests N] [--connections C]
      sustained concurrent traffic and garbage at every adapter's release server (default 20000
      requests after a warm-up, 32 connections): no 5xx, no drops, bounded memory
  hostile [--adapter NAME] [--runs N]
      hostile headers (not UTF-8, control bytes, 64 KiB / 1 MiB, 10,000 elements, 1000 repeats)
      at every adapter's release server: answered or closed quickly, the next request served
  fuzz --seconds N [--target NAME] [--sanitizer none|address]
      run the cargo-fuzz targets in cors-core/fuzz (origin, request_headers, config, decide) for N
      seconds each on stable (RUSTC_BOOTSTRAP=1); needs `cargo install cargo-fuzz --locked`
  msrv
      check that each published crate's rust-version is no lower than its locked dependencies need
  bench [--quick] [--report] [--instructions]
      criterion benchmarks: cors-core's decision, and each adapter vs the established crate of its
      framework (bare / ours / peer, time and allocations per request), then one table;
      --instructions: only instructions per request under callgrind (needs valgrind), same table";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let result = match task.as_deref() {
        Some("conformance") => conformance::Options::parse(&rest).and_then(|o| conformance::run(&o)),
        Some("doctor") => return doctor::main(&rest),
        Some("soak") => soak::run(&rest),
        Some("hostile") => hostile::run(&rest),
        Some("fuzz") => fuzz::run(&rest),
        Some("msrv") => msrv::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("help" | "--help" | "-h") | None => {
            use std::io::Write;
            // A closed pipe (`| head`) is not worth a panic.
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task {other:?}\n{USAGE}")),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
