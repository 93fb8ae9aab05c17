//! Project tasks as plain Rust (the rust-analyzer `xtask` pattern): `cargo xtask <task>`.
//!
//! - `conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]`: the shared suite
//!   against every adapter's conformance server, over real sockets.
//! - `conformance --browser [--adapter NAME] [--case PATTERN]`: fetches from a real headless
//!   Chromium against every adapter's conformance server, compared with cors-core's browser model.
#![forbid(unsafe_code)]

mod adapters;
mod browser;
mod conformance;
mod raw_http;
mod server;
mod term;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]
      run every conformance case against every adapter over real sockets
  conformance --browser [--adapter NAME] [--case PATTERN]
      run xtask/browser/fetches.toml in headless Chromium (Debian's chromium, or $CHROMIUM)
      against every adapter, compared with cors-core's browser model";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    let result = match task.as_deref() {
        Some("conformance") => conformance::Options::parse(&rest).and_then(|o| conformance::run(&o)),
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
