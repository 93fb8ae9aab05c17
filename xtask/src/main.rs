//! Project tasks as plain Rust (the rust-analyzer `xtask` pattern): `cargo xtask <task>`.
//!
//! - `conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]`: the shared suite
//!   against every adapter's conformance server, over real sockets.
#![forbid(unsafe_code)]

mod adapters;
mod conformance;
mod raw_http;
mod server;
mod term;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  conformance [--adapter NAME] [--case PATTERN] [--json FILE] [--strict]
      run every conformance case against every adapter over real sockets";

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
