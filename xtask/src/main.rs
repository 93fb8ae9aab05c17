//! Project tasks as plain Rust (the rust-analyzer `xtask` pattern): `cargo xtask <task>`.
//!
//! - `conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]`: the shared suite
//!   against every adapter's conformance server, over real sockets.
//! - `conformance --browser [--adapter NAME] [--case PATTERN]`: fetches from a real headless
//!   Chromium against every adapter's conformance server, compared with cors-core's browser model.
//! - `soak [--adapter NAME] [--seconds N | --requests N] [--connections C]`: sustained concurrent
//!   traffic (well-formed and garbage) at every adapter's release server; memory and failures.
//! - `hostile [--adapter NAME] [--runs N]`: oversized, repeated and non-UTF-8 headers at every
//!   adapter's release server; each must be answered or closed quickly and the next one served.
//! - `fuzz --seconds N [--target NAME] [--sanitizer none|address]`: the cargo-fuzz targets of
//!   `cors-core/fuzz`, N seconds each; executions and findings per target.
//! - `bench [--quick] [--report]`: criterion benchmarks of the decision and of every adapter
//!   against the established CORS crate of its framework, in one run, then one table.
#![forbid(unsafe_code)]

mod adapters;
mod bench;
mod browser;
mod conformance;
mod doctor;
mod fuzz;
mod hostile;
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
      run xtask/browser/fetches.toml in headless Chromium (Debian's chromium, or $CHROMIUM)
      against every adapter, compared with cors-core's browser model
  soak [--adapter NAME] [--seconds N | --requests N] [--connections C]
      sustained concurrent traffic and garbage at every adapter's release server (default 20000
      requests after a warm-up, 32 connections): no 5xx, no drops, bounded memory
  hostile [--adapter NAME] [--runs N]
      hostile headers (not UTF-8, control bytes, 64 KiB / 1 MiB, 10,000 elements, 1000 repeats)
      at every adapter's release server: answered or closed quickly, the next request served
  fuzz --seconds N [--target NAME] [--sanitizer none|address]
      run the cargo-fuzz targets in cors-core/fuzz (origin, request_headers, config, decide) for N
      seconds each on stable (RUSTC_BOOTSTRAP=1); needs `cargo install cargo-fuzz --locked`
  bench [--quick] [--report]
      criterion benchmarks: cors-core's decision, and each adapter vs the established crate of its
      framework (bare / ours / peer, time and allocations per request), then one table";

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
        Some("bench") => bench::run(&rest),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
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
