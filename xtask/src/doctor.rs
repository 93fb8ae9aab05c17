//! `cargo xtask doctor URL --origin ORIGIN [--method M] [--header 'Name: value']... [--credentials]
//! [--json] [--ca FILE] [--insecure] [--timeout SECONDS]`: probes a live server as a browser would
//! (cors-core's browser model is the judge) and explains a failure in the server's terms.
//!
//! Exit status: 0 allowed, 1 blocked, 2 the probe could not be made (one line on stderr).

mod cli;
mod fix;
mod probe;
mod report;
mod warnings;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use self::probe::{Findings, Verdict};
use self::report::Report;
use crate::transport::Endpoint;

/// Runs the doctor with the arguments after `doctor`.
pub fn main(args: &[String]) -> ExitCode {
    let parsed =
        match cli::Args::try_parse_from(std::iter::once("cargo xtask doctor").chain(args.iter().map(String::as_str))) {
            Ok(a) => a,
            Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
                emit(&e.to_string());
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                // clap's message without its usage block, on one line.
                let rendered = e.to_string();
                let message: Vec<&str> = rendered
                    .lines()
                    .map(str::trim)
                    .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                    .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                    .collect();
                let message = message.join(" ");
                eprintln!("error: {} (see cargo xtask doctor --help)", message.trim_start_matches("error: "));
                return ExitCode::from(2);
            }
        };
    let json = parsed.json;
    match diagnose(parsed) {
        Ok(report) => {
            if json {
                emit(&format!("{}\n", report.to_json()));
            } else {
                emit(&report.to_text());
            }
            if report.allowed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            let line = e.replace(['\n', '\r'], " ");
            eprintln!("error: {line}");
            if json {
                emit(&format!("{}\n", serde_json::json!({ "verdict": "error", "error": line })));
            }
            ExitCode::from(2)
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not worth a panic.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Why the browser sends a preflight, or not.
fn preflight_note(plan: &cli::Plan) -> String {
    let request = &plan.request;
    if !request.needs_preflight() {
        return "no preflight: the method and every header are CORS-safelisted".to_owned();
    }
    let mut why = Vec::new();
    if !matches!(request.method(), "GET" | "HEAD" | "POST") {
        why.push(format!("the method {} is not CORS-safelisted", request.method()));
    }
    let names = request.unsafe_header_names();
    if !names.is_empty() {
        why.push(format!("these headers are not CORS-safelisted: {}", names.join(", ")));
    }
    format!("a preflight is needed: {}", why.join("; "))
}

fn diagnose(args: cli::Args) -> Result<Report, String> {
    let plan = args.plan()?;
    let endpoint = Endpoint::new(&plan.url, &plan.tls, plan.timeout)?;
    let mut notes = Vec::new();
    if let Some(written) = &plan.origin_written {
        notes.push(format!("--origin {written} is sent as {}, the page's serialized origin", plan.origin));
    }
    let same_origin = plan.url.origin().ascii_serialization() == plan.origin;
    let findings = if same_origin {
        notes.push(
            "the page and the URL have the same origin: the browser makes no CORS check, nothing to probe".to_owned(),
        );
        Findings {
            exchanges: Vec::new(),
            verdict: Verdict::Allowed,
            standard: None,
            made_up: Err("not probed".to_owned()),
        }
    } else {
        notes.push(preflight_note(&plan));
        probe::run(&plan, &endpoint)?
    };
    let (console, fix) = match &findings.verdict {
        // Allowed today, blocked by the standard: the fix is what keeps it working.
        Verdict::Allowed => match (&findings.standard, findings.exchanges.first()) {
            (Some(blocked), Some(preflight)) => {
                (None, Some(fix::fix(blocked, probe::Step::Preflight, &plan.request, &preflight.response)))
            }
            _ => (None, None),
        },
        Verdict::Blocked { at, blocked } => {
            let response = findings.exchanges.iter().rev().find(|e| e.step == *at).map(|e| &e.response);
            let fix = response.map(|r| fix::fix(blocked, *at, &plan.request, r));
            (Some(blocked.console_message(plan.url.as_str(), &plan.origin)), fix)
        }
    };
    let warnings = if same_origin { Vec::new() } else { warnings::warnings(&plan.url, &plan.request, &findings) };
    Ok(Report {
        url: plan.url.to_string(),
        origin: plan.origin.clone(),
        method: plan.request.method().to_owned(),
        credentials: plan.request.includes_credentials(),
        notes,
        findings,
        console,
        fix,
        warnings,
    })
}
