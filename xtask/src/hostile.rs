//! `cargo xtask hostile`: hostile header input at every adapter's conformance server (release
//! build, `credentialed` policy), each request on a fresh connection and followed by a normal
//! `GET /data` that must be answered 200 with the right `access-control-allow-origin`. Fails when
//! the server dies, a hostile request is neither answered nor closed (a hang, a garbled answer),
//! one takes over 2 s, or the next request is not served.

use std::time::Duration;

use cors_core::conformance::RawRequest;

use crate::adapters::{self, Adapter};
use crate::server::Server;
use crate::soak::wire::{self, Shot};
use crate::soak::{print_table, write_credentialed_policy};
use crate::term;

const ALLOWED: &[u8] = b"https://app.example.com";
/// How long a hostile request may go without an answer or a close.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Slower than this for one request is a failure.
const TOO_SLOW: Duration = Duration::from_secs(2);
const KIB_64: usize = 64 * 1024;
const KIB_256: usize = 256 * 1024;
const MIB_1: usize = 1024 * 1024;

/// One hostile request.
struct Input {
    name: &'static str,
    request: RawRequest,
}

fn header(name: &str, value: &[u8]) -> (String, Vec<u8>) {
    (name.to_owned(), value.to_vec())
}

fn get(headers: Vec<(String, Vec<u8>)>) -> RawRequest {
    RawRequest { method: "GET".to_owned(), path: "/data".to_owned(), headers }
}

fn get_from(origin: &[u8]) -> RawRequest {
    get(vec![header("origin", origin)])
}

fn preflight(method: &[u8], request_headers: &[&[u8]]) -> RawRequest {
    let mut headers = vec![header("origin", ALLOWED), header("access-control-request-method", method)];
    headers.extend(request_headers.iter().map(|h| header("access-control-request-headers", h)));
    RawRequest { method: "OPTIONS".to_owned(), path: "/data".to_owned(), headers }
}

/// `unit` repeated to exactly `len` bytes.
fn filled(prefix: &[u8], unit: &[u8], len: usize) -> Vec<u8> {
    let mut v = prefix.to_vec();
    while v.len() < len {
        v.extend_from_slice(unit);
    }
    v.truncate(len);
    v
}

/// A comma-separated list of `n` names made by `name`.
fn list(n: usize, name: impl Fn(usize) -> String) -> Vec<u8> {
    (0..n).map(name).collect::<Vec<_>>().join(",").into_bytes()
}

fn inputs() -> Vec<Input> {
    let input = |name, request| Input { name, request };
    vec![
        input("origin not UTF-8", get_from(b"https://app.example.com\xff\xfe")),
        input("ACRM not UTF-8", preflight(b"PU\xffT", &[])),
        input("ACRH not UTF-8", preflight(b"PUT", &[b"content-type, x-\xc3("])),
        input("origin with \\x01", get_from(b"https://app\x01.example.com")),
        input("origin with \\x7f", get_from(b"https://app.example.com\x7f")),
        input("origin 64 KiB", get_from(&filled(b"https://", b"a", KIB_64))),
        input("origin 256 KiB", get_from(&filled(b"https://", b"a", KIB_256))),
        input("origin 1 MiB", get_from(&filled(b"https://", b"a", MIB_1))),
        input("ACRH 64 KiB", preflight(b"PUT", &[&filled(b"", b"x-a,", KIB_64)])),
        input("ACRH 256 KiB", preflight(b"PUT", &[&filled(b"", b"x-a,", KIB_256)])),
        input("ACRH 1 MiB", preflight(b"PUT", &[&filled(b"", b"x-a,", MIB_1)])),
        input("ACRH commas 64 KiB", preflight(b"PUT", &[&filled(b"", b",", KIB_64)])),
        input("ACRH commas 256 KiB", preflight(b"PUT", &[&filled(b"", b",", KIB_256)])),
        input("ACRH commas 1 MiB", preflight(b"PUT", &[&filled(b"", b",", MIB_1)])),
        input("ACRH 10,000 names", preflight(b"PUT", &[&list(10_000, |i| format!("x-h{i}"))])),
        input("ACRH 10,000 allowed", preflight(b"PUT", &[&list(10_000, |_| "content-type".to_owned())])),
        input("origin x1000", get(vec![header("origin", ALLOWED); 1000])),
        input("ACRH x1000", preflight(b"PUT", &vec![&b"content-type"[..]; 1000])),
    ]
}

/// The values sent at 64 KiB, 256 KiB and 1 MiB, compared for linear time (the middle size is
/// under hyper's default 400 KiB head limit, so it reaches the middleware there).
const SIZED: [&str; 3] = ["origin", "ACRH", "ACRH commas"];
const SIZES: [&str; 3] = ["64 KiB", "256 KiB", "1 MiB"];

/// What happened to one input at one adapter, over its runs.
struct Row {
    input: &'static str,
    adapter: &'static str,
    /// The distinct outcomes: statuses or how the connection ended.
    outcomes: Vec<String>,
    millis: Vec<f64>,
    next_ok: bool,
    failures: Vec<String>,
}

impl Row {
    fn min_ms(&self) -> f64 {
        self.millis.iter().copied().fold(f64::NAN, f64::min)
    }

    fn median_ms(&self) -> f64 {
        let mut sorted = self.millis.clone();
        sorted.sort_by(f64::total_cmp);
        sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
    }

    fn max_ms(&self) -> f64 {
        self.millis.iter().copied().fold(f64::NAN, f64::max)
    }
}

/// The plain request that must be served after each hostile one.
fn next_request(port: u16) -> Result<(), String> {
    let bytes = wire::encode(&get_from(ALLOWED), port, true);
    let shot = wire::one_shot(port, &bytes, false, TIMEOUT)?;
    match shot.result {
        Ok(r) if r.status == 200 && r.values("access-control-allow-origin").eq([ALLOWED]) => Ok(()),
        Ok(r) => Err(format!(
            "answered {} with access-control-allow-origin {:?}",
            r.status,
            r.values("access-control-allow-origin").map(String::from_utf8_lossy).collect::<Vec<_>>()
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Judges one hostile exchange: answered (any status) or closed, and not too slow.
fn judge(shot: &Shot) -> Option<String> {
    match &shot.result {
        Err(e) if !e.is_close() => Some(format!("neither answered nor closed: {e}")),
        _ if shot.elapsed > TOO_SLOW => Some(format!("took {:.0} ms", shot.elapsed.as_secs_f64() * 1000.0)),
        _ => None,
    }
}

fn run_adapter(adapter: &Adapter, config: &std::path::Path, runs: usize) -> Result<Vec<Row>, String> {
    let binary = adapters::binary(adapter, true);
    let mut server = Server::start(&binary, config)?;
    let mut rows = Vec::new();
    for input in inputs() {
        term::progress(&format!("{}: {}", adapter.name, input.name));
        let mut row = Row {
            input: input.name,
            adapter: adapter.name,
            outcomes: Vec::new(),
            millis: Vec::new(),
            next_ok: true,
            failures: Vec::new(),
        };
        for _ in 0..runs {
            let bytes = wire::encode(&input.request, server.port, true);
            match wire::one_shot(server.port, &bytes, false, TIMEOUT) {
                Ok(shot) => {
                    row.millis.push(shot.elapsed.as_secs_f64() * 1000.0);
                    let label = shot.label();
                    if !row.outcomes.contains(&label) {
                        row.outcomes.push(label);
                    }
                    row.failures.extend(judge(&shot));
                }
                Err(e) => {
                    row.outcomes.push("no connection".to_owned());
                    row.failures.push(e);
                }
            }
            if !server.is_running() {
                row.failures.push("the server process died".to_owned());
                row.next_ok = false;
                server = Server::start(&binary, config)?;
                continue;
            }
            if let Err(e) = next_request(server.port) {
                row.next_ok = false;
                row.failures.push(format!("the next request: {e}"));
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// `cargo xtask hostile`: oversized, repeated and non-UTF-8 headers at every adapter's release
/// server; each answered or closed quickly, and the next request served.
#[derive(clap::Parser, Debug)]
#[command(name = "cargo xtask hostile")]
struct Args {
    /// Only this adapter (axum, actix, rocket, warp).
    #[arg(long, value_name = "NAME")]
    adapter: Option<String>,
    /// Runs of each input; the slowest counts.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = crate::cli::positive)]
    runs: u64,
}

fn parse(args: &[String]) -> Result<(Option<String>, usize), String> {
    let a: Args = crate::cli::parse("hostile", args)?;
    Ok((a.adapter, usize::try_from(a.runs).map_err(|e| e.to_string())?))
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let (only, runs) = parse(args)?;
    let adapters = adapters::select(only.as_deref())?;
    let names: Vec<&str> = adapters.iter().map(|a| a.name).collect();
    eprintln!("building the release conformance servers of {}", names.join(", "));
    term::progress(&format!("building {} conformance server(s) in release…", adapters.len()));
    adapters::build(&adapters, true)?;
    let config = write_credentialed_policy("hostile")?;
    let mut rows = Vec::new();
    for adapter in &adapters {
        rows.extend(run_adapter(adapter, &config, runs)?);
    }
    term::progress_done();

    println!(
        "hostile: each input {runs} time(s) on a fresh connection, each followed by GET /data from {}\n",
        String::from_utf8_lossy(ALLOWED)
    );
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.input.to_owned(),
                r.adapter.to_owned(),
                r.outcomes.join("/"),
                format!("{:.2}", r.min_ms()),
                format!("{:.2}", r.median_ms()),
                format!("{:.2}", r.max_ms()),
                if r.next_ok { "yes".to_owned() } else { "NO".to_owned() },
                if r.failures.is_empty() { term::pass() } else { term::fail() },
            ]
        })
        .collect();
    print_table(&["input", "adapter", "status", "min ms", "median ms", "max ms", "next OK", "verdict"], &cells);

    println!("\ntime against size (fastest of the runs in ms, the least disturbed by other load; ratios to 64 KiB,\nfor 4 and 16 times the bytes):\n");
    let mut sized = Vec::new();
    for adapter in &adapters {
        for value in SIZED {
            let ms: Vec<f64> = SIZES
                .iter()
                .map(|size| {
                    let name = format!("{value} {size}");
                    rows.iter().find(|r| r.adapter == adapter.name && r.input == name).map_or(f64::NAN, Row::min_ms)
                })
                .collect();
            let mut cells = vec![value.to_owned(), adapter.name.to_owned()];
            cells.extend(ms.iter().map(|m| format!("{m:.2}")));
            cells.push(format!("x{:.1}", ms[1] / ms[0]));
            cells.push(format!("x{:.1}", ms[2] / ms[0]));
            sized.push(cells);
        }
    }
    print_table(&["value", "adapter", "64 KiB", "256 KiB", "1 MiB", "256K/64K", "1M/64K"], &sized);

    let failed: Vec<&Row> = rows.iter().filter(|r| !r.failures.is_empty()).collect();
    for r in &failed {
        println!("\n{} {} on {}", term::fail(), r.input, r.adapter);
        for f in &r.failures {
            println!("  - {f}");
        }
    }
    println!("\n{} passed, {} failed", rows.len() - failed.len(), failed.len());
    Ok(failed.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_inputs_of_the_stated_sizes() {
        assert_eq!(filled(b"https://", b"a", 16), b"https://aaaaaaaa");
        assert_eq!(filled(b"", b"x-a,", 6), b"x-a,x-");
        assert_eq!(list(3, |i| format!("x-h{i}")), b"x-h0,x-h1,x-h2");
        let all = inputs();
        let value = |name: &str, header: &str| {
            let input = all.iter().find(|i| i.name == name).unwrap();
            input.request.headers.iter().filter(|(n, _)| n == header).map(|(_, v)| v.len()).collect::<Vec<_>>()
        };
        assert_eq!(value("origin 1 MiB", "origin"), [MIB_1]);
        assert_eq!(value("ACRH commas 64 KiB", "access-control-request-headers"), [KIB_64]);
        assert_eq!(value("ACRH x1000", "access-control-request-headers").len(), 1000);
        for value in SIZED {
            for size in SIZES {
                assert!(all.iter().any(|i| i.name == format!("{value} {size}")), "{value} {size}");
            }
        }
        assert_eq!(value("ACRH 256 KiB", "access-control-request-headers"), [KIB_256]);
    }
}
