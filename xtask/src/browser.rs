//! `cargo xtask conformance --browser`: the fetches of `cors-core/conformance/fetches.toml`, made by a real
//! headless Chromium from four page origins against every adapter's conformance server, each call
//! compared with cors-core's browser model applied to the same request and the server's real
//! answers, and with the outcome the data file expects.
//!
//! Page origins (the roles are those of the `credentialed` policy):
//! - `http://localhost:P1` (allowed by `http://localhost:*`) and `http://127.0.0.1:P2` (refused),
//!   served by xtask itself;
//! - `https://a.b.example.org` (allowed by `https://*.example.org`) and `https://example.org`
//!   (refused: the apex), served over TLS by `openssl s_server -WWW` on loopback, reached through
//!   `--host-resolver-rules` with `--ignore-certificate-errors`.
//!
//! Each policy's server sits behind a recording proxy on its own port (the third origin,
//! `http://127.0.0.1:PROXY`), which forwards each request with `connection: close` and records the
//! exchange: the model judges the recorded preflight and response, and the proxy counts the
//! preflights Chromium sent.

mod chromium;
mod judge;
mod pages;
mod proxy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use cors_core::conformance::policies;
use serde_json::Value;

use crate::adapters::{self, Adapter};
use crate::conformance::Options;
use crate::server::Server;
use crate::term;
use chromium::Mode;
use cors_core::conformance::fetches::{self, Fetch};
use judge::{Call, Js, Row};
use pages::{PageServer, TlsPages};
use proxy::{Exchange, Proxy};

const PAGE: &str = include_str!("../browser/page.html");
/// How long one page may take to run its fetches and report.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait, after the page posted its results, for console messages still to come.
const CONSOLE_SETTLE: Duration = Duration::from_secs(2);
const SUBDOMAIN_HOST: &str = "a.b.example.org";
const APEX_HOST: &str = "example.org";

/// A page origin the fetches are made from.
struct PageOrigin {
    key: &'static str,
    origin: String,
    /// Whether the `credentialed` policy allows it (selects the data file's expectation).
    allowed: bool,
}

impl PageOrigin {
    fn describe(&self) -> String {
        let role = if self.allowed { "allowed" } else { "refused" };
        format!("page {} ({role} by the credentialed policy)", self.origin)
    }
}

/// The results of one page origin against one adapter.
struct RunResult {
    mode: Mode,
    adapter: &'static str,
    origin: String,
    described: String,
    rows: Vec<Row>,
    problems: Vec<String>,
}

pub fn run(options: &Options) -> Result<bool, String> {
    let started = Instant::now();
    let binary = chromium::find()?;
    let fetches: Vec<Fetch> =
        fetches::load()?.into_iter().filter(|f| options.case.as_deref().is_none_or(|p| f.name.contains(p))).collect();
    if fetches.is_empty() {
        return Err(format!("no fetch matches {:?}", options.case));
    }
    let adapters = adapters::select(options.adapter.as_deref())?;
    println!("browser: {} ({})", binary.display(), chromium::version(&binary));
    println!("  flags: {}", chromium::flags(Mode::Stock).join(" "));
    println!(
        "  runs twice: with --enable-features={} (the Fetch standard: `*` in Allow-Headers never covers \
         `authorization`), and stock (which still lets it through); each judged by the model under the matching rules",
        chromium::FEATURE
    );
    term::progress(&format!("building {} conformance server(s)…", adapters.len()));
    eprintln!("building the conformance servers of {}", adapters.iter().map(|a| a.name).collect::<Vec<_>>().join(", "));
    adapters::build(&adapters, false)?;

    let work =
        adapters::workspace_root().join("target").join("xtask").join("browser").join(std::process::id().to_string());
    let www = work.join("www");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&www).map_err(|e| format!("{}: {e}", www.display()))?;
    std::fs::write(www.join("page.html"), PAGE).map_err(|e| format!("page.html: {e}"))?;
    let configs = write_policies(&work, &fetches)?;

    let (tx, results) = pages::results_channel();
    let localhost = PageServer::start(&www, tx.clone())?;
    let loopback = PageServer::start(&www, tx)?;
    let tls = TlsPages::start(&work, &www, &[SUBDOMAIN_HOST, APEX_HOST])?;
    let resolver_rules =
        format!("MAP {SUBDOMAIN_HOST}:443 127.0.0.1:{p}, MAP {APEX_HOST}:443 127.0.0.1:{p}", p = tls.port);
    let origins = [
        PageOrigin { key: "localhost", origin: format!("http://localhost:{}", localhost.port), allowed: true },
        PageOrigin { key: "ip", origin: format!("http://127.0.0.1:{}", loopback.port), allowed: false },
        PageOrigin { key: "subdomain", origin: format!("https://{SUBDOMAIN_HOST}"), allowed: true },
        PageOrigin { key: "apex", origin: format!("https://{APEX_HOST}"), allowed: false },
    ];
    let context = Context {
        binary: &binary,
        work: &work,
        www: &www,
        resolver_rules: &resolver_rules,
        results_url: format!("http://localhost:{}/results", localhost.port),
        results: &results,
    };

    let mut runs = Vec::new();
    for mode in Mode::ALL {
        for adapter in &adapters {
            runs.extend(run_adapter(&context, mode, adapter, &fetches, &origins, &configs)?);
        }
    }
    term::progress_done();
    drop((localhost, loopback, tls));

    let (mut passed, mut failed) = (0, 0);
    let mut by_mode: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for run in &runs {
        print_table(run);
        let tally = by_mode.entry(mode_key(run.mode)).or_default();
        for row in &run.rows {
            if row.failures.is_empty() {
                passed += 1;
                tally.0 += 1;
            } else {
                failed += 1;
                tally.1 += 1;
            }
            for d in &row.disagreements {
                disagreements.push(format!(
                    "{} {} {} call {} {}: {d}",
                    mode_key(run.mode),
                    run.adapter,
                    run.origin,
                    row.call,
                    row.name
                ));
            }
        }
        failed += run.problems.len();
        tally.1 += run.problems.len();
    }
    print_console_kinds(&runs);
    if !disagreements.is_empty() {
        println!("\nmodel vs Chromium disagreements ({}):", disagreements.len());
        for d in &disagreements {
            println!("  - {d}");
        }
    }
    if failed == 0 {
        let _ = std::fs::remove_dir_all(&work);
    } else {
        println!("\n(pages, configurations and Chromium profiles kept in {})", work.display());
    }
    let calls_per_run = fetches.len();
    println!(
        "\n2 Chromium modes x {} adapter(s) x {} page origins x {calls_per_run} fetches, in {:.1} s",
        adapters.len(),
        origins.len(),
        started.elapsed().as_secs_f64()
    );
    for mode in Mode::ALL {
        let (p, f) = by_mode.get(mode_key(mode)).copied().unwrap_or_default();
        println!("  {}: {p} passed, {f} failed", mode.describe());
    }
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

struct Context<'a> {
    binary: &'a Path,
    work: &'a Path,
    www: &'a Path,
    resolver_rules: &'a str,
    results_url: String,
    results: &'a Receiver<String>,
}

/// Writes the policies the fetches use to `work/policies/<name>.toml`, as conformance.rs does.
fn write_policies(work: &Path, fetches: &[Fetch]) -> Result<BTreeMap<String, PathBuf>, String> {
    let dir = work.join("policies");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let all = policies();
    let mut out = BTreeMap::new();
    for f in fetches {
        if out.contains_key(&f.policy) {
            continue;
        }
        let config = all.get(&f.policy).ok_or_else(|| format!("no policy {}", f.policy))?;
        let path = dir.join(format!("{}.toml", f.policy));
        let text = toml::to_string(config).map_err(|e| format!("policy {}: {e}", f.policy))?;
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        out.insert(f.policy.clone(), path);
    }
    Ok(out)
}

/// A policy's conformance server and the recording proxy in front of it.
struct Upstream {
    server: Server,
    proxy: Proxy,
    config: PathBuf,
}

/// The mode's short name in reports.
fn mode_key(mode: Mode) -> &'static str {
    match mode {
        Mode::Standard => "standard",
        Mode::Stock => "stock",
    }
}

fn run_adapter(
    cx: &Context<'_>,
    mode: Mode,
    adapter: &Adapter,
    fetches: &[Fetch],
    origins: &[PageOrigin],
    configs: &BTreeMap<String, PathBuf>,
) -> Result<Vec<RunResult>, String> {
    let binary = adapters::binary(adapter, false);
    let mut upstreams: BTreeMap<String, Upstream> = BTreeMap::new();
    for (policy, config) in configs {
        let server = Server::start(&binary, config)?;
        let proxy = Proxy::start(server.port)?;
        upstreams.insert(policy.clone(), Upstream { server, proxy, config: config.clone() });
    }
    let mut out = Vec::new();
    for origin in origins {
        term::progress(&format!("{}: {} Chromium on {}", adapter.name, mode_key(mode), origin.origin));
        let mut result = run_page(cx, mode, adapter, fetches, origin, &upstreams);
        for (policy, up) in upstreams.iter_mut() {
            if !up.server.is_running() {
                result.problems.push(format!("the {policy} server died; restarted"));
                up.server = Server::start(&binary, &up.config)?;
                up.proxy = Proxy::start(up.server.port)?;
            }
        }
        out.push(result);
    }
    Ok(out)
}

/// The URL of call `n`.
fn call_url(fetch: &Fetch, proxy_port: u16, n: usize) -> String {
    format!("http://127.0.0.1:{proxy_port}{}?call={n}", fetch.path)
}

fn run_page(
    cx: &Context<'_>,
    mode: Mode,
    adapter: &Adapter,
    fetches: &[Fetch],
    origin: &PageOrigin,
    upstreams: &BTreeMap<String, Upstream>,
) -> RunResult {
    let mut result = RunResult {
        mode,
        adapter: adapter.name,
        origin: origin.origin.clone(),
        described: origin.describe(),
        rows: Vec::new(),
        problems: Vec::new(),
    };
    let run_id = format!("{}-{}-{}", mode_key(mode), adapter.name, origin.key);
    for up in upstreams.values() {
        let _ = up.proxy.take();
    }
    // The configuration the page reads.
    let mut urls = Vec::new();
    let mut items = Vec::new();
    for (i, f) in fetches.iter().enumerate() {
        let n = i + 1;
        let port = upstreams.get(&f.policy).map_or(0, |u| u.proxy.port);
        let url = call_url(f, port, n);
        items.push(serde_json::json!({
            "call": n,
            "url": url,
            "method": f.method,
            "headers": f.headers,
            "body": f.body,
            "credentials": f.credentials.as_str(),
            "repeat": f.repeat,
            "read": f.read(),
        }));
        urls.push(url);
    }
    let config = serde_json::json!({ "run": run_id, "results": cx.results_url, "fetches": items });
    let config_name = format!("config-{run_id}.json");
    if let Err(e) = std::fs::write(cx.www.join(&config_name), config.to_string()) {
        result.problems.push(format!("cannot write {config_name}: {e}"));
        return result;
    }
    // Drop results a previous, timed-out page may still have sent.
    while cx.results.try_recv().is_ok() {}

    let profile = cx.work.join(format!("profile-{run_id}"));
    let page = format!("{}/page.html#{config_name}", origin.origin);
    let mut browser = match chromium::Chromium::launch(cx.binary, mode, &profile, cx.resolver_rules, &page) {
        Ok(b) => b,
        Err(e) => {
            result.problems.push(e);
            return result;
        }
    };
    let deadline = Instant::now() + PAGE_TIMEOUT;
    let mut report: Option<Value> = None;
    let mut early_lines = Vec::new();
    while report.is_none() {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        match cx.results.recv_timeout(left.min(Duration::from_millis(500))) {
            Ok(text) => match serde_json::from_str::<Value>(&text) {
                Ok(v) if v.get("run").and_then(Value::as_str) == Some(run_id.as_str()) => report = Some(v),
                Ok(_) => {}
                Err(e) => result.problems.push(format!("the page posted unreadable results: {e}")),
            },
            Err(_) if !browser.is_running() => {
                early_lines = browser.drain();
                break;
            }
            Err(_) => {}
        }
    }
    // Chromium may log the console message of the last blocked fetch after the page posted its
    // results: wait (up to CONSOLE_SETTLE) until there is one message per blocked attempt.
    if let Some(report) = &report {
        let blocked = report
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|item| item.get("attempts").and_then(Value::as_array))
            .flatten()
            .filter(|a| a.get("outcome").and_then(Value::as_str) == Some("blocked"))
            .count();
        let settle = Instant::now() + CONSOLE_SETTLE;
        loop {
            early_lines.append(&mut browser.drain());
            if chromium::cors_messages(&early_lines).len() >= blocked || Instant::now() >= settle {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let mut lines = browser.stop();
    early_lines.append(&mut lines);
    let lines = early_lines;
    let _ = std::fs::remove_dir_all(&profile);

    let Some(report) = report else {
        let console: Vec<&str> = lines.iter().filter_map(|l| chromium::console_text(l)).collect();
        result.problems.push(format!(
            "no results from the page at {page} within {} s; its console:\n    {}",
            PAGE_TIMEOUT.as_secs(),
            console.join("\n    ")
        ));
        return result;
    };
    if report.get("origin").and_then(Value::as_str) != Some(origin.origin.as_str()) {
        result.problems.push(format!("the page reported origin {:?}, not {}", report.get("origin"), origin.origin));
    }
    let mut by_call: BTreeMap<usize, Vec<Js>> = BTreeMap::new();
    for item in report.get("results").and_then(Value::as_array).into_iter().flatten() {
        let Some(n) = item.get("call").and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok()) else { continue };
        let attempts = item.get("attempts").and_then(Value::as_array).into_iter().flatten();
        match attempts.map(Js::from_json).collect::<Result<Vec<_>, _>>() {
            Ok(js) => {
                by_call.insert(n, js);
            }
            Err(e) => result.problems.push(format!("call {n}: {e}")),
        }
    }
    let console = chromium::cors_messages(&lines);
    let traffic: BTreeMap<String, Vec<Exchange>> = upstreams.iter().map(|(p, u)| (p.clone(), u.proxy.take())).collect();
    for (i, f) in fetches.iter().enumerate() {
        let n = i + 1;
        let url = &urls[i];
        let exchanges: Vec<&Exchange> = traffic
            .get(&f.policy)
            .into_iter()
            .flatten()
            .filter(|e| e.call() == Some(n) && e.header("origin").as_deref() == Some(origin.origin.as_str()))
            .collect();
        let messages: Vec<String> = console.iter().filter(|(u, _)| u == url).map(|(_, m)| m.clone()).collect();
        let js = by_call.get(&n).map(Vec::as_slice).unwrap_or_default();
        let call = Call {
            number: n,
            fetch: f,
            url,
            origin: &origin.origin,
            expect: f.expect(adapter.name, origin.key, origin.allowed, mode.rules()),
            rules: mode.rules(),
            js,
            traffic: &exchanges,
            console: &messages,
        };
        result.rows.push(judge::judge(&call));
    }
    result
}

fn print_table(run: &RunResult) {
    println!("\n{} · {} · {}", run.adapter, run.mode.describe(), run.described);
    let width =
        |f: fn(&Row) -> &str, title: &str| run.rows.iter().map(|r| f(r).len()).max().unwrap_or(0).max(title.len());
    let lw = width(|r| &r.label, "fetch");
    let pw = width(|r| &r.policy, "policy");
    let ew = width(|r| &r.expected, "expected");
    let cw = width(|r| &r.chromium, "chromium");
    let mw = width(|r| &r.model, "model");
    println!(
        "  {:>4}  {:lw$}  {:pw$}  {:ew$}  {:cw$}  {:mw$}  status / console",
        "call", "fetch", "policy", "expected", "chromium", "model"
    );
    for r in &run.rows {
        let mark = if r.failures.is_empty() { term::pass() } else { term::fail() };
        println!(
            "  {:>4}  {:lw$}  {:pw$}  {:ew$}  {:cw$}  {:mw$}  {mark} {}",
            r.call, r.label, r.policy, r.expected, r.chromium, r.model, r.detail
        );
    }
    for r in run.rows.iter().filter(|r| !r.failures.is_empty()) {
        println!("  {} call {} {} ({}, {} policy): {}", term::fail(), r.call, r.name, r.label, r.policy, r.about);
        for f in &r.failures {
            println!("    - {f}");
        }
        for c in &r.console {
            println!("    console: {c}");
        }
        print!("{}", r.traffic);
    }
    for p in &run.problems {
        println!("  {} {p}", term::fail());
    }
}

/// One console message per kind of block, as Chromium printed it.
fn print_console_kinds(runs: &[RunResult]) {
    let kinds = [
        ("no Allow-Origin", "No 'Access-Control-Allow-Origin'"),
        ("wildcard with credentials", "must not be the wildcard"),
        ("credentials not true", "Access-Control-Allow-Credentials"),
        ("method", "is not allowed by Access-Control-Allow-Methods"),
        ("header", "is not allowed by Access-Control-Allow-Headers"),
        ("origin mismatch", "that is not equal to the supplied origin"),
        ("preflight status", "It does not have HTTP ok status"),
    ];
    println!("\nChromium's console messages, one per kind:");
    for (kind, needle) in kinds {
        let found = runs.iter().flat_map(|r| &r.rows).flat_map(|r| &r.console).find(|c| c.contains(needle));
        if let Some(message) = found {
            println!("  {kind}: {message}");
        }
    }
}
