//! `cargo xtask conformance`: every case against every adapter's conformance server over real
//! TCP, as a matrix of case by adapter; with `--url BASE --config POLICY.toml`, the cases of that
//! policy against any server (see [`remote`]).

mod remote;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cors_core::conformance::{cases, judge, policies, Case, Level, RawRequest, RawResponse};

use crate::adapters::{self, Adapter};
use crate::raw_http;
use crate::server::Server;
use crate::term;

/// Command-line options.
#[derive(Debug, Default)]
pub struct Options {
    pub adapter: Option<String>,
    pub case: Option<String>,
    pub json: Option<PathBuf>,
    pub strict: bool,
    /// `--browser`: the headless Chromium suite instead of the socket suite.
    pub browser: bool,
    /// `--url BASE`: a server the user runs, instead of the adapters.
    pub url: Option<String>,
    /// `--config POLICY.toml`: the policy that server claims to implement.
    pub config: Option<PathBuf>,
    /// `--ca FILE` and `--insecure`, for an https BASE.
    pub tls: crate::transport::TlsOptions,
    /// `--quiet`: only the failures and the totals.
    pub quiet: bool,
}

/// `cargo xtask conformance`: the shared cases against every adapter's conformance server over
/// real sockets; `--browser` in headless Chromium; `--url BASE --config POLICY.toml` against any
/// server.
#[derive(clap::Parser, Debug)]
#[command(name = "cargo xtask conformance")]
struct Args {
    /// Only this adapter (axum, actix, rocket, warp).
    #[arg(long, value_name = "NAME")]
    adapter: Option<String>,
    /// Only the cases whose name contains PATTERN.
    #[arg(long, value_name = "PATTERN")]
    case: Option<String>,
    /// Also write the outcomes as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Fail on `should` cases too, not only on `must` ones.
    #[arg(long)]
    strict: bool,
    /// Run cors-core/conformance/fetches.toml in headless Chromium (stock and standard modes) instead.
    #[arg(long)]
    browser: bool,
    /// A server you run (any framework, any language), instead of the adapters.
    #[arg(long, value_name = "BASE")]
    url: Option<String>,
    /// With --url: the policy that server claims to implement (a table of policies.toml).
    #[arg(long, value_name = "POLICY.toml")]
    config: Option<PathBuf>,
    /// With an https BASE: a PEM file of extra trusted roots.
    #[arg(long, value_name = "FILE")]
    ca: Option<PathBuf>,
    /// With an https BASE: accept any certificate.
    #[arg(long)]
    insecure: bool,
    /// Print only the failures and the totals.
    #[arg(long, short)]
    quiet: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let a: Args = crate::cli::parse("conformance", args)?;
        Ok(Options {
            adapter: a.adapter,
            case: a.case,
            json: a.json,
            strict: a.strict,
            browser: a.browser,
            url: a.url,
            config: a.config,
            tls: crate::transport::TlsOptions { ca: a.ca, insecure: a.insecure },
            quiet: a.quiet,
        })
    }
}

struct Outcome {
    case: String,
    level: Level,
    /// The matrix column: the adapter, or `server` for `--url`.
    adapter: &'static str,
    failures: Vec<String>,
    detail: String,
}

const TIMEOUT: Duration = Duration::from_secs(10);

/// Runs one case against a running server: the request, then the follow-up if the case asks.
/// `send` delivers one request on a fresh connection.
fn run_case(case: &Case, send: &dyn Fn(&RawRequest) -> Result<RawResponse, String>) -> (Vec<String>, String) {
    let started = Instant::now();
    match send(&case.request) {
        Ok(response) => {
            let mut failures = judge(case, &response);
            let elapsed = started.elapsed();
            if case.follow_up {
                match send(&RawRequest::follow_up()) {
                    Ok(next) if next.status == 200 => {}
                    Ok(next) => failures.push(format!("the next request was answered {}", next.status)),
                    Err(e) => failures.push(format!("the next request failed: {e}")),
                }
            }
            if case.oversized && elapsed > Duration::from_secs(2) {
                failures.push(format!("answered in {elapsed:?}: oversized input must be dealt with quickly"));
            }
            (failures, format!("  request:\n{:?}  response:\n{response:?}", case.request))
        }
        Err(e) => (vec![format!("no answer: {e}")], format!("  request:\n{:?}", case.request)),
    }
}

pub fn run(options: &Options) -> Result<bool, String> {
    if options.url.is_some() || options.config.is_some() {
        return remote::run(options);
    }
    if options.browser {
        return crate::browser::run(options);
    }
    if options.tls.ca.is_some() || options.tls.insecure {
        return Err("--ca and --insecure apply to --url BASE only".to_owned());
    }
    let selected: Vec<Case> =
        cases().into_iter().filter(|c| options.case.as_deref().is_none_or(|p| c.name.contains(p))).collect();
    if selected.is_empty() {
        return Err(format!("no case matches {:?}", options.case));
    }
    let adapters = adapters::select(options.adapter.as_deref())?;
    term::progress(&format!("building {} conformance server(s)…", adapters.len()));
    eprintln!("building the conformance servers of {}", adapters.iter().map(|a| a.name).collect::<Vec<_>>().join(", "));
    adapters::build(&adapters, false)?;

    let configs = write_policies()?;
    let mut outcomes: Vec<Outcome> = Vec::new();
    for adapter in &adapters {
        let started = Instant::now();
        if !options.quiet {
            println!("conformance: {}: {} cases ...", adapter.name, selected.len());
        }
        let these = run_adapter(adapter, &selected, &configs)?;
        let failed = these.iter().filter(|o| !o.failures.is_empty()).count();
        if !options.quiet {
            term::progress_done();
            println!(
                "conformance: {}: {} passed, {failed} failed in {:.1} s",
                adapter.name,
                these.len() - failed,
                started.elapsed().as_secs_f64()
            );
        }
        outcomes.extend(these);
    }
    term::progress_done();
    let columns: Vec<&str> = adapters.iter().map(|a| a.name).collect();
    if !options.quiet {
        println!();
        print_matrix(&selected, &columns, &outcomes);
    }
    print_failures(&outcomes);
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    let passed = outcomes.len() - failed;
    if let Some(path) = &options.json {
        write_json(path, &outcomes, &[])?;
    }
    println!("\n{passed} passed, {failed} failed");
    Ok(!blocking(&outcomes, options.strict))
}

/// Whether the run fails: a must case failed, or any case with `--strict`.
fn blocking(outcomes: &[Outcome], strict: bool) -> bool {
    outcomes.iter().any(|o| !o.failures.is_empty() && (o.level == Level::Must || strict))
}

fn print_failures(outcomes: &[Outcome]) {
    for o in outcomes.iter().filter(|o| !o.failures.is_empty()) {
        println!("\n{} {} on {} ({:?})", term::fail(), o.case, o.adapter, o.level);
        for f in &o.failures {
            println!("  - {f}");
        }
        print!("{}", o.detail);
    }
}

/// Writes each named policy to `target/xtask/policies/<name>.toml` for the servers' `--config`.
fn write_policies() -> Result<BTreeMap<String, PathBuf>, String> {
    let dir = adapters::workspace_root().join("target").join("xtask").join("policies");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = BTreeMap::new();
    for (name, config) in policies() {
        let path = dir.join(format!("{name}.toml"));
        let text = toml::to_string(&config).map_err(|e| format!("policy {name}: {e}"))?;
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        out.insert(name, path);
    }
    Ok(out)
}

/// What a conformance server is started with: the `--config` policy, each `--route` (path,
/// policy), and the `--origin-check` lookup.
type ServerKey<'c> = (&'c str, Vec<(&'c str, &'c str)>, Option<&'c str>);

fn run_adapter(adapter: &Adapter, cases: &[Case], configs: &BTreeMap<String, PathBuf>) -> Result<Vec<Outcome>, String> {
    let binary = adapters::binary(adapter, false);
    // One server per `--config` policy and set of `--route`s.
    // Cases that reload get a server of their own, since they change it.
    let mut by_server: BTreeMap<ServerKey<'_>, Vec<&Case>> = BTreeMap::new();
    let mut reloading = Vec::new();
    for c in cases {
        if !c.reload.is_empty() {
            reloading.push(c);
            continue;
        }
        let routes = c.routes.iter().map(|r| (r.path.as_str(), r.policy_name.as_str())).collect();
        let check = c.origin_check.as_ref().map(|(name, _)| name.as_str());
        by_server.entry((c.policy_name.as_str(), routes, check)).or_default().push(c);
    }
    let dir = configs.values().next().and_then(|p| p.parent()).ok_or("no policy files")?.to_path_buf();
    let mut outcomes = Vec::new();
    let mut done = 0;
    for ((policy, routes, check), group) in by_server {
        let config = configs.get(policy).ok_or_else(|| format!("no policy {policy}"))?;
        let mut args = Vec::new();
        for (path, route_policy) in routes {
            let file = configs.get(route_policy).ok_or_else(|| format!("no policy {route_policy}"))?;
            args.extend(["--route".to_owned(), format!("{path}={}", file.display())]);
        }
        if let Some((name, spec)) = group.first().and_then(|c| c.origin_check.as_ref()).filter(|_| check.is_some()) {
            let file = dir.join(format!("origin-check-{name}.toml"));
            let text = toml::to_string(spec).map_err(|e| format!("origin check {name}: {e}"))?;
            std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
            args.extend(["--origin-check".to_owned(), file.display().to_string()]);
        }
        let mut server = Server::start_with(&binary, config, &args)?;
        for case in group {
            done += 1;
            term::progress(&format!("{}: {done}/{} {}", adapter.name, cases.len(), case.name));
            let port = server.port;
            let (mut failures, detail) = run_case(case, &|request| raw_http::send(port, request, TIMEOUT));
            if !server.is_running() {
                failures.push("the server process died".to_owned());
                server = Server::start_with(&binary, config, &args)?;
            }
            outcomes.push(Outcome {
                case: case.name.clone(),
                level: case.level,
                adapter: adapter.name,
                failures,
                detail,
            });
        }
    }
    for case in reloading {
        done += 1;
        term::progress(&format!("{}: {done}/{} {}", adapter.name, cases.len(), case.name));
        let (failures, detail) = run_reload_case(&binary, &dir, adapter.name, case, configs)?;
        outcomes.push(Outcome { case: case.name.clone(), level: case.level, adapter: adapter.name, failures, detail });
    }
    Ok(outcomes)
}

/// A reload case: the server starts on a copy of the case's policy file; each step rewrites the
/// file, sends `SIGHUP` and waits for the server to say it took the file or refused it; then the
/// request, judged against the policy in force.
fn run_reload_case(
    binary: &std::path::Path,
    dir: &std::path::Path,
    adapter: &str,
    case: &Case,
    configs: &BTreeMap<String, PathBuf>,
) -> Result<(Vec<String>, String), String> {
    let start = configs.get(&case.policy_name).ok_or_else(|| format!("no policy {}", case.policy_name))?;
    let file = dir.join(format!("reload-{adapter}-{}.toml", case.name));
    std::fs::copy(start, &file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut server = Server::start(binary, &file)?;
    let mut failures = Vec::new();
    for step in &case.reload {
        std::fs::write(&file, step.file_text()).map_err(|e| format!("{}: {e}", file.display()))?;
        match server.sighup_and_wait() {
            Ok(taken) if taken == step.takes_effect() => {}
            Ok(taken) => failures.push(format!(
                "reload step {step:?}: the server {} the file, but must {}",
                if taken { "took" } else { "refused" },
                if step.takes_effect() { "take it" } else { "refuse it and keep the running policy" }
            )),
            Err(e) => {
                failures.push(format!("reload step {step:?}: {e}"));
                break;
            }
        }
    }
    let port = server.port;
    let (more, detail) = run_case(case, &|request| raw_http::send(port, request, TIMEOUT));
    failures.extend(more);
    if !server.is_running() {
        failures.push("the server process died".to_owned());
    }
    let _ = std::fs::remove_file(&file);
    Ok((failures, detail))
}

fn print_matrix(cases: &[Case], columns: &[&str], outcomes: &[Outcome]) {
    let width = cases.iter().map(|c| c.name.len()).max().unwrap_or(4).max(4);
    print!("{:width$}  level ", "case");
    for name in columns {
        print!(" {name:>7}");
    }
    println!();
    for c in cases {
        let level = if c.level == Level::Must { "must  " } else { "should" };
        print!("{:width$}  {level}", c.name);
        for name in columns {
            let cell = outcomes.iter().find(|o| o.case == c.name && o.adapter == *name);
            let text = match cell {
                Some(o) if o.failures.is_empty() => term::pass(),
                Some(_) => term::fail(),
                None => "-".to_owned(),
            };
            // Pad by the visible width (colour codes are invisible).
            print!(" {}{text}", " ".repeat(7 - 4));
        }
        println!();
    }
}

/// The outcomes, and the skipped cases (name, reason), as a JSON array.
fn write_json(path: &PathBuf, outcomes: &[Outcome], skipped: &[(String, String)]) -> Result<(), String> {
    let mut items: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "case": o.case,
                "adapter": o.adapter,
                "level": if o.level == Level::Must { "must" } else { "should" },
                "passed": o.failures.is_empty(),
                "failures": o.failures,
            })
        })
        .collect();
    items.extend(skipped.iter().map(|(case, why)| serde_json::json!({ "case": case, "skipped": why })));
    let text = serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
