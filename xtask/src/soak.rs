//! `cargo xtask soak`: sustained concurrent traffic at every adapter's conformance server (release
//! build, `credentialed` policy). Well-formed requests go over keep-alive connections, garbage
//! over fresh ones. Fails on a 5xx outside `GET /error`, a well-formed request left without an
//! answer, an answer that differs from the same request's answer on a quiet server, a dead
//! server, or resident memory growing more than 20 % + 2 MiB after warm-up.

pub mod wire;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

use cors_core::conformance::{policies, RawRequest, RawResponse};

use crate::adapters::{self, Adapter};
use crate::server::Server;
use crate::term;
use wire::{Conn, NoAnswer};

/// Read and write timeout on keep-alive connections.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a garbage request may go unanswered before it counts as hung.
const GARBAGE_TIMEOUT: Duration = Duration::from_secs(5);
/// Examples of each kind of problem kept for the report.
const EXAMPLES: usize = 4;
const ALLOWED: &[u8] = b"https://app.example.com";
const REFUSED: &[u8] = b"https://evil.example";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    Requests(u64),
    Seconds(u64),
}

#[derive(Debug)]
struct Options {
    adapter: Option<String>,
    limit: Limit,
    connections: usize,
}

/// `cargo xtask soak`: sustained concurrent traffic, well-formed and garbage, at every adapter's
/// release server; no 5xx, no dropped connection, bounded memory.
#[derive(clap::Parser, Debug)]
#[command(name = "cargo xtask soak")]
struct Args {
    /// Only this adapter (axum, actix, rocket, warp).
    #[arg(long, value_name = "NAME")]
    adapter: Option<String>,
    /// Stop after N requests (default 20000, after a warm-up).
    #[arg(long, value_name = "N", value_parser = crate::cli::positive, conflicts_with = "seconds")]
    requests: Option<u64>,
    /// Stop after N seconds instead.
    #[arg(long, value_name = "N", value_parser = crate::cli::positive)]
    seconds: Option<u64>,
    /// Concurrent connections.
    #[arg(long, value_name = "C", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..))]
    connections: u64,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let a: Args = crate::cli::parse("soak", args)?;
        let limit = match (a.requests, a.seconds) {
            (_, Some(s)) => Limit::Seconds(s),
            (Some(n), None) => Limit::Requests(n),
            (None, None) => Limit::Requests(20_000),
        };
        let connections = usize::try_from(a.connections).map_err(|e| e.to_string())?;
        Ok(Options { adapter: a.adapter, limit, connections })
    }

    /// The warm-up before the first memory sample: a fifth of the run, on top of it.
    fn warm_up(&self) -> Limit {
        match self.limit {
            Limit::Requests(n) => Limit::Requests((n / 5).max(self.connections as u64)),
            Limit::Seconds(s) => Limit::Seconds((s / 5).max(1)),
        }
    }
}

/// Garbage, each sent on a fresh connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Garbage {
    NonUtf8Origin,
    NonUtf8RequestHeaders,
    HugeRequestHeaders,
    RepeatedOrigin,
    BadRequestLine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Get,
    Head,
    Post,
    Put,
    RefusedGet,
    Preflight,
    PreflightLowercasePatch,
    PreflightEvilHeader,
    PreflightRefusedOrigin,
    UnknownPath,
    Error,
    Garbage(Garbage),
}

/// The mix, in parts per hundred.
const MIX: [(Kind, u32); 16] = [
    (Kind::Get, 26),
    (Kind::Head, 6),
    (Kind::Post, 8),
    (Kind::Put, 8),
    (Kind::RefusedGet, 10),
    (Kind::Preflight, 10),
    (Kind::PreflightLowercasePatch, 4),
    (Kind::PreflightEvilHeader, 4),
    (Kind::PreflightRefusedOrigin, 4),
    (Kind::UnknownPath, 6),
    (Kind::Error, 4),
    (Kind::Garbage(Garbage::NonUtf8Origin), 2),
    (Kind::Garbage(Garbage::NonUtf8RequestHeaders), 2),
    (Kind::Garbage(Garbage::HugeRequestHeaders), 2),
    (Kind::Garbage(Garbage::RepeatedOrigin), 2),
    (Kind::Garbage(Garbage::BadRequestLine), 2),
];

fn header(name: &str, value: &[u8]) -> (String, Vec<u8>) {
    (name.to_owned(), value.to_vec())
}

fn request(method: &str, path: &str, headers: Vec<(String, Vec<u8>)>) -> RawRequest {
    RawRequest { method: method.to_owned(), path: path.to_owned(), headers }
}

fn preflight(origin: &[u8], method: &[u8], request_headers: Option<&[u8]>) -> RawRequest {
    let mut headers = vec![header("origin", origin), header("access-control-request-method", method)];
    if let Some(h) = request_headers {
        headers.push(header("access-control-request-headers", h));
    }
    request("OPTIONS", "/data", headers)
}

/// The request of a kind.
fn kind_request(kind: Kind) -> RawRequest {
    let allowed = || vec![header("origin", ALLOWED)];
    match kind {
        Kind::Get => request("GET", "/data", allowed()),
        Kind::Head => request("HEAD", "/data", allowed()),
        Kind::Post => request("POST", "/data", vec![header("origin", ALLOWED), header("content-type", b"text/plain")]),
        Kind::Put => request("PUT", "/data", vec![header("origin", ALLOWED), header("x-request-id", b"soak")]),
        Kind::RefusedGet => request("GET", "/data", vec![header("origin", REFUSED)]),
        Kind::Preflight => preflight(ALLOWED, b"PUT", Some(b"content-type, authorization")),
        Kind::PreflightLowercasePatch => preflight(ALLOWED, b"patch", None),
        Kind::PreflightEvilHeader => preflight(ALLOWED, b"PUT", Some(b"content-type,x-evil")),
        Kind::PreflightRefusedOrigin => preflight(REFUSED, b"PUT", None),
        Kind::UnknownPath => request("GET", "/nowhere", allowed()),
        Kind::Error => request("GET", "/error", allowed()),
        Kind::Garbage(Garbage::NonUtf8Origin) => {
            request("GET", "/data", vec![header("origin", b"https://app\xff\xfe.com")])
        }
        Kind::Garbage(Garbage::NonUtf8RequestHeaders) => preflight(ALLOWED, b"PUT", Some(b"content-type, x-\xff\xc3(")),
        Kind::Garbage(Garbage::HugeRequestHeaders) => preflight(ALLOWED, b"PUT", Some(&b"x-a,".repeat(16 * 1024))),
        Kind::Garbage(Garbage::RepeatedOrigin) => request("GET", "/data", vec![header("origin", ALLOWED); 1000]),
        Kind::Garbage(Garbage::BadRequestLine) => request("G\0T", "/da ta\x7f", allowed()),
    }
}

/// The parts of an answer that must not change under load: status, CORS headers, `vary`, body.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fingerprint {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Fingerprint {
    fn of(response: &RawResponse) -> Fingerprint {
        let mut headers: Vec<(String, Vec<u8>)> =
            response.headers.iter().filter(|(n, _)| n.starts_with("access-control-") || n == "vary").cloned().collect();
        headers.sort();
        Fingerprint { status: response.status, headers, body: response.body.clone() }
    }
}

/// One kind of request, ready to send.
struct Prepared {
    kind: Kind,
    bytes: Vec<u8>,
    head: bool,
    /// The answer on a quiet server (well-formed kinds only).
    baseline: Option<Fingerprint>,
}

/// The requests of the mix in the order they are sent: `MIX` spread out by a fixed shuffle.
fn schedule() -> Vec<usize> {
    let mut slots: Vec<usize> =
        MIX.iter().enumerate().flat_map(|(i, &(_, n))| std::iter::repeat_n(i, n as usize)).collect();
    // A fixed linear congruential shuffle: the same order every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..slots.len()).rev() {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from((state >> 33) % (i as u64 + 1)).unwrap_or(0);
        slots.swap(i, j);
    }
    slots
}

/// Counts for one phase of one client thread.
#[derive(Default)]
struct Tally {
    sent: u64,
    answered: u64,
    server_errors: u64,
    dropped: u64,
    inconsistent: u64,
    closed_by_server: u64,
    garbage_sent: u64,
    garbage_answered: u64,
    garbage_closed: u64,
    garbage_hung: u64,
    /// How each kind of garbage was met: status or how the connection ended.
    garbage_outcomes: BTreeMap<(Garbage, String), u64>,
    examples: BTreeMap<&'static str, Vec<String>>,
}

impl Tally {
    fn note(&mut self, problem: &'static str, text: impl FnOnce() -> String) {
        let list = self.examples.entry(problem).or_default();
        if list.len() < EXAMPLES {
            list.push(text());
        }
    }

    fn add(&mut self, other: Tally) {
        self.sent += other.sent;
        self.answered += other.answered;
        self.server_errors += other.server_errors;
        self.dropped += other.dropped;
        self.inconsistent += other.inconsistent;
        self.closed_by_server += other.closed_by_server;
        self.garbage_sent += other.garbage_sent;
        self.garbage_answered += other.garbage_answered;
        self.garbage_closed += other.garbage_closed;
        self.garbage_hung += other.garbage_hung;
        for (key, n) in other.garbage_outcomes {
            *self.garbage_outcomes.entry(key).or_default() += n;
        }
        for (problem, list) in other.examples {
            for text in list {
                self.note(problem, || text);
            }
        }
    }

    fn well_formed(&mut self, item: &Prepared, conn: &mut Option<Conn>, port: u16) {
        self.sent += 1;
        let c = match conn {
            Some(c) => c,
            None => match Conn::open(port, TIMEOUT) {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    self.dropped += 1;
                    self.note("dropped", || format!("{:?}: connect: {e}", item.kind));
                    return;
                }
            },
        };
        match c.exchange(&item.bytes, item.head) {
            Ok(answer) => {
                self.answered += 1;
                let status = answer.response.status;
                if status >= 500 && item.kind != Kind::Error {
                    self.server_errors += 1;
                    self.note("5xx", || format!("{:?}: {status}", item.kind));
                }
                let print = Fingerprint::of(&answer.response);
                if item.baseline.as_ref() != Some(&print) {
                    self.inconsistent += 1;
                    self.note("inconsistent", || {
                        format!("{:?}: {print:?}, on a quiet server {:?}", item.kind, item.baseline)
                    });
                }
                if answer.close {
                    self.closed_by_server += 1;
                    *conn = None;
                }
            }
            Err(e) => {
                self.dropped += 1;
                self.note("dropped", || format!("{:?}: {e}", item.kind));
                *conn = None;
            }
        }
    }

    fn garbage(&mut self, item: &Prepared, garbage: Garbage, port: u16) {
        self.garbage_sent += 1;
        let shot = wire::one_shot(port, &item.bytes, false, GARBAGE_TIMEOUT);
        let label = shot.as_ref().map_or_else(|_| "no connection".to_owned(), wire::Shot::label);
        *self.garbage_outcomes.entry((garbage, label)).or_default() += 1;
        let shot = match shot {
            Ok(shot) => shot,
            Err(e) => {
                self.garbage_hung += 1;
                self.note("garbage not answered", || format!("{:?}: {e}", item.kind));
                return;
            }
        };
        match shot.result {
            Ok(response) => {
                self.garbage_answered += 1;
                if response.status >= 500 {
                    self.server_errors += 1;
                    self.note("5xx", || format!("{:?}: {}", item.kind, response.status));
                }
            }
            Err(NoAnswer::Closed | NoAnswer::Reset | NoAnswer::Truncated) => self.garbage_closed += 1,
            Err(e) => {
                self.garbage_hung += 1;
                self.note("garbage not answered", || format!("{:?}: {e}", item.kind));
            }
        }
    }
}

/// A phase of the run, shared by the client threads.
struct Phase {
    limit: Limit,
    issued: AtomicU64,
}

impl Phase {
    fn new(limit: Limit) -> Phase {
        Phase { limit, issued: AtomicU64::new(0) }
    }
}

struct Run<'a> {
    port: u16,
    prepared: &'a [Prepared],
    schedule: &'a [usize],
}

impl Run<'_> {
    fn phase(&self, phase: &Phase, conn: &mut Option<Conn>) -> Tally {
        let mut tally = Tally::default();
        let deadline = match phase.limit {
            Limit::Seconds(s) => Some(Instant::now() + Duration::from_secs(s)),
            Limit::Requests(_) => None,
        };
        loop {
            let seq = phase.issued.fetch_add(1, Ordering::Relaxed);
            let done = match phase.limit {
                Limit::Requests(n) => seq >= n,
                Limit::Seconds(_) => deadline.is_some_and(|d| Instant::now() >= d),
            };
            if done {
                return tally;
            }
            let slot = usize::try_from(seq % self.schedule.len() as u64).unwrap_or(0);
            let item = &self.prepared[self.schedule[slot]];
            match item.kind {
                Kind::Garbage(g) => tally.garbage(item, g, self.port),
                _ => tally.well_formed(item, conn, self.port),
            }
        }
    }

    /// One client thread: warm-up, wait while memory is sampled, the measured phase, wait again.
    fn client(&self, warm_up: &Phase, measured: &Phase, barrier: &Barrier) -> (Tally, Tally) {
        let mut conn = None;
        let first = self.phase(warm_up, &mut conn);
        barrier.wait();
        barrier.wait();
        let second = self.phase(measured, &mut conn);
        barrier.wait();
        // Connections stay open until the final sample has been taken.
        barrier.wait();
        (first, second)
    }
}

/// Resident memory in KiB from the text of `/proc/PID/status`.
fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|n| n.trim().parse().ok())
}

fn rss_kib(pid: u32) -> Option<u64> {
    parse_vm_rss(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// The growth allowed between the post-warm-up sample and the end: 20 % + 2 MiB.
fn rss_ok(warm: u64, end: u64) -> bool {
    end <= warm + warm / 5 + 2048
}

/// Writes the `credentialed` policy for the servers' `--config`.
pub(crate) fn write_credentialed_policy(task: &str) -> Result<PathBuf, String> {
    let dir = adapters::workspace_root().join("target").join("xtask").join(task);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let config = policies().remove("credentialed").ok_or("no credentialed policy in the suite")?;
    let path = dir.join("credentialed.toml");
    let text = toml::to_string(&config).map_err(|e| format!("policy credentialed: {e}"))?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Prints rows under a header, every column padded to its widest cell.
pub(crate) fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, &w))| if i + 1 == cells.len() { (*c).to_owned() } else { format!("{c:<w$}") })
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

struct Outcome {
    adapter: &'static str,
    total: Tally,
    measured_sent: u64,
    elapsed: Duration,
    rss_warm: Option<u64>,
    rss_end: Option<u64>,
    alive: bool,
}

impl Outcome {
    fn rss_ok(&self) -> bool {
        match (self.rss_warm, self.rss_end) {
            (Some(w), Some(e)) => rss_ok(w, e),
            _ => true,
        }
    }

    fn passed(&self) -> bool {
        self.alive
            && self.total.server_errors == 0
            && self.total.dropped == 0
            && self.total.inconsistent == 0
            && self.rss_ok()
    }

    fn row(&self) -> Vec<String> {
        let t = &self.total;
        let mib = |k: Option<u64>| k.map_or("?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
        let growth = match (self.rss_warm, self.rss_end) {
            (Some(w), Some(e)) if w > 0 => format!("{:+.1} %", (e as f64 - w as f64) * 100.0 / w as f64),
            _ => "?".to_owned(),
        };
        let rate = self.measured_sent as f64 / self.elapsed.as_secs_f64().max(1e-9);
        let verdict = if !self.alive {
            format!("{} (server died)", term::fail())
        } else if self.passed() {
            term::pass()
        } else {
            term::fail()
        };
        vec![
            self.adapter.to_owned(),
            (t.sent + t.garbage_sent).to_string(),
            t.answered.to_string(),
            t.server_errors.to_string(),
            t.dropped.to_string(),
            t.inconsistent.to_string(),
            format!("{}: {}/{}/{}", t.garbage_sent, t.garbage_answered, t.garbage_closed, t.garbage_hung),
            mib(self.rss_warm),
            mib(self.rss_end),
            growth,
            format!("{rate:.0}"),
            verdict,
        ]
    }
}

fn prepare(port: u16) -> Result<Vec<Prepared>, String> {
    let mut prepared = Vec::new();
    for &(kind, _) in &MIX {
        let request = kind_request(kind);
        let garbage = matches!(kind, Kind::Garbage(_));
        let bytes = wire::encode(&request, port, garbage);
        let head = request.method == "HEAD";
        let baseline = if garbage {
            None
        } else {
            let mut conn = Conn::open(port, TIMEOUT).map_err(|e| format!("connect: {e}"))?;
            let answer =
                conn.exchange(&bytes, head).map_err(|e| format!("{kind:?} on a quiet server: no answer: {e}"))?;
            Some(Fingerprint::of(&answer.response))
        };
        prepared.push(Prepared { kind, bytes, head, baseline });
    }
    Ok(prepared)
}

fn soak(adapter: &Adapter, config: &std::path::Path, options: &Options) -> Result<Outcome, String> {
    let mut server = Server::start(&adapters::binary(adapter, true), config)?;
    let (port, pid) = (server.port, server.pid());
    let prepared = prepare(port)?;
    let schedule = schedule();
    let run = Run { port, prepared: &prepared, schedule: &schedule };
    let warm_up = Phase::new(options.warm_up());
    let measured = Phase::new(options.limit);
    let barrier = Barrier::new(options.connections + 1);
    let finished = AtomicBool::new(false);
    let (tallies, rss_warm, rss_end, elapsed) = std::thread::scope(|scope| {
        let clients: Vec<_> =
            (0..options.connections).map(|_| scope.spawn(|| run.client(&warm_up, &measured, &barrier))).collect();
        scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                let count = |p: &Phase| match p.limit {
                    Limit::Requests(n) => p.issued.load(Ordering::Relaxed).min(n),
                    Limit::Seconds(_) => p.issued.load(Ordering::Relaxed),
                };
                term::progress(&format!(
                    "{}: warm-up {}, measured {} requests",
                    adapter.name,
                    count(&warm_up),
                    count(&measured)
                ));
                std::thread::sleep(Duration::from_millis(250));
            }
        });
        barrier.wait();
        let rss_warm = rss_kib(pid);
        let started = Instant::now();
        barrier.wait();
        barrier.wait();
        let elapsed = started.elapsed();
        let rss_end = rss_kib(pid);
        barrier.wait();
        let tallies: Vec<(Tally, Tally)> = clients.into_iter().filter_map(|c| c.join().ok()).collect();
        finished.store(true, Ordering::Relaxed);
        (tallies, rss_warm, rss_end, elapsed)
    });
    term::progress_done();
    if tallies.len() != options.connections {
        return Err("a client thread panicked".to_owned());
    }
    let mut total = Tally::default();
    let mut measured_sent = 0;
    for (warm, main) in tallies {
        measured_sent += main.sent + main.garbage_sent;
        total.add(warm);
        total.add(main);
    }
    let alive = server.is_running();
    Ok(Outcome { adapter: adapter.name, total, measured_sent, elapsed, rss_warm, rss_end, alive })
}

pub fn run(args: &[String]) -> Result<bool, String> {
    let options = Options::parse(args)?;
    let adapters = adapters::select(options.adapter.as_deref())?;
    let names: Vec<&str> = adapters.iter().map(|a| a.name).collect();
    eprintln!("building the release conformance servers of {}", names.join(", "));
    term::progress(&format!("building {} conformance server(s) in release…", adapters.len()));
    adapters::build(&adapters, true)?;
    term::progress_done();
    let config = write_credentialed_policy("soak")?;
    let limit = |l: Limit| match l {
        Limit::Requests(n) => format!("{n} requests"),
        Limit::Seconds(s) => format!("{s} s"),
    };
    println!(
        "soak: {} after a warm-up of {}, {} connections, per adapter (policy credentialed)",
        limit(options.limit),
        limit(options.warm_up()),
        options.connections
    );
    let mut outcomes = Vec::new();
    for adapter in &adapters {
        eprintln!("soaking {}", adapter.name);
        outcomes.push(soak(adapter, &config, &options)?);
    }
    println!();
    print_table(
        &[
            "adapter",
            "sent",
            "answered",
            "5xx",
            "dropped",
            "inconsistent",
            "garbage: ans/closed/hung",
            "RSS warm MiB",
            "RSS end MiB",
            "growth",
            "req/s",
            "verdict",
        ],
        &outcomes.iter().map(Outcome::row).collect::<Vec<_>>(),
    );
    println!(
        "\nsent: every request incl. warm-up and garbage; answered: well-formed requests answered; 5xx: outside \
         GET /error;\ndropped: well-formed requests without an answer (EOF, reset, timeout); inconsistent: answers \
         that differ from\nthe same request's answer on a quiet server; growth limit 20 % + 2 MiB; req/s over the \
         measured phase."
    );
    for o in &outcomes {
        if o.total.closed_by_server > 0 {
            println!(
                "{}: the server closed {} keep-alive connection(s) after answering",
                o.adapter, o.total.closed_by_server
            );
        }
        if !o.rss_ok() {
            println!("{}: resident memory grew beyond 20 % + 2 MiB", o.adapter);
        }
        let mut by_kind: BTreeMap<Garbage, Vec<String>> = BTreeMap::new();
        for ((garbage, label), n) in &o.total.garbage_outcomes {
            by_kind.entry(*garbage).or_default().push(format!("{label} x{n}"));
        }
        for (garbage, outcomes) in by_kind {
            println!("{} garbage {garbage:?}: {}", o.adapter, outcomes.join(", "));
        }
        for (problem, list) in &o.total.examples {
            println!("{} {problem}:", o.adapter);
            for text in list {
                println!("  - {text}");
            }
        }
    }
    Ok(outcomes.iter().all(Outcome::passed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss() {
        let status = "Name:\tconformance-axu\nVmPeak:\t  20000 kB\nVmRSS:\t    5120 kB\nThreads:\t1\n";
        assert_eq!(parse_vm_rss(status), Some(5120));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        assert!(rss_ok(10_240, 10_240 + 2048 + 2048));
        assert!(!rss_ok(10_240, 10_240 + 2048 + 2049));
    }

    #[test]
    fn the_schedule_is_the_mix() {
        let s = schedule();
        assert_eq!(s.len(), 100);
        for (i, &(_, n)) in MIX.iter().enumerate() {
            assert_eq!(s.iter().filter(|&&k| k == i).count(), n as usize);
        }
        assert_eq!(s, schedule());
    }

    #[test]
    fn fingerprints_keep_only_what_must_not_change() {
        let response = |date: &[u8], acao: &[u8]| RawResponse {
            status: 200,
            headers: vec![
                header("vary", b"origin"),
                header("date", date),
                header("access-control-allow-origin", acao),
                header("access-control-allow-credentials", b"true"),
            ],
            body: b"ok".to_vec(),
        };
        let a = Fingerprint::of(&response(b"Mon", ALLOWED));
        assert_eq!(a, Fingerprint::of(&response(b"Tue", ALLOWED)));
        assert_ne!(a, Fingerprint::of(&response(b"Mon", REFUSED)));
        assert_eq!(a.headers[0].0, "access-control-allow-credentials");
        assert_eq!(a.headers.len(), 3);
    }

    #[test]
    fn parses_options() {
        let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let o = Options::parse(&args("--adapter axum --seconds 30 --connections 4")).unwrap();
        assert_eq!((o.adapter.as_deref(), o.limit, o.connections), (Some("axum"), Limit::Seconds(30), 4));
        assert_eq!(o.warm_up(), Limit::Seconds(6));
        assert_eq!(Options::parse(&[]).unwrap().limit, Limit::Requests(20_000));
        assert!(Options::parse(&args("--seconds 3 --requests 5")).is_err());
        assert!(Options::parse(&args("--requests 0")).is_err());
    }
}
