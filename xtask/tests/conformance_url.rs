//! `cargo xtask conformance --url BASE --config POLICY.toml` end to end, against "a user's server":
//! a loopback server that answers through cors-core's policy with the conformance routes, once
//! right and once with a mistake, plus the skips (other policies, missing routes) and bad input.
// Test setup unwraps: a failure there is a broken test, reported with its value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use cors_core::conformance::{policies, RawRequest};
use cors_core::http::HeaderMap;
use cors_core::{Action, Policy};
use support::{closed_port, serve, xtask, Req, Resp, TestServer};

/// How the server under test goes wrong, if it does.
#[derive(Clone, Copy, PartialEq)]
enum Mistake {
    None,
    /// Drops `Vary` from every answer.
    NoVary,
    /// Has no `/error` route.
    NoErrorRoute,
}

/// The conformance routes: GET/HEAD /data → `ok` + x-total-count, PUT/POST/DELETE, /error → 500.
fn route(req: &Req, mistake: Mistake) -> Resp {
    match (req.path.as_str(), req.method.as_str()) {
        ("/app/data", "GET" | "HEAD") => Resp::new(200).header("x-total-count", "42").body("ok"),
        ("/app/data", "PUT") => Resp::new(200).body("put"),
        ("/app/data", "POST") => Resp::new(200).body("posted"),
        ("/app/data", "DELETE") => Resp::new(200).body("deleted"),
        ("/app/data", _) => Resp::new(405),
        ("/app/error", "GET") if mistake != Mistake::NoErrorRoute => Resp::new(500).body("boom"),
        _ => Resp::new(404).body("not found"),
    }
}

fn policy_server(policy_name: &str, mistake: Mistake) -> TestServer {
    let policy: Policy = policies()[policy_name].clone().build().unwrap();
    serve(move |req| {
        let raw = RawRequest { method: req.method.clone(), path: req.path.clone(), headers: req.raw_headers.clone() };
        let request = raw.to_http();
        let mut headers = HeaderMap::new();
        let mut resp = match policy.decide(&request).into_action() {
            Action::Preflight(answer) => {
                answer.apply(&mut headers);
                Resp::new(answer.status().as_u16())
            }
            Action::Forward(forward) => {
                let resp = route(req, mistake);
                forward.apply(&mut headers);
                resp
            }
        };
        for (name, value) in &headers {
            if mistake == Mistake::NoVary && name == "vary" {
                continue;
            }
            resp.headers.push((name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()));
        }
        resp
    })
}

fn write_policy(name: &str, tag: &str) -> String {
    let path = std::env::temp_dir().join(format!("conformance-url-{name}-{tag}-{}.toml", std::process::id()));
    std::fs::write(&path, toml::to_string(&policies()[name]).unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn conformance(server: &TestServer, config: &str) -> support::Run {
    let base = format!("{}/app/", server.base);
    xtask(&["conformance", "--url", &base, "--config", config])
}

/// The "N passed, N failed, N skipped" line.
fn counts(stdout: &str) -> (usize, usize, usize) {
    let line =
        stdout.lines().rev().find(|l| l.ends_with(" skipped")).unwrap_or_else(|| panic!("no summary in\n{stdout}"));
    let n: Vec<usize> =
        line.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
    (n[0], n[1], n[2])
}

#[test]
fn a_right_server_passes_every_case_of_its_policy_and_the_others_are_skipped_by_name() {
    let server = policy_server("credentialed", Mistake::None);
    let run = conformance(&server, &write_policy("credentialed", "right"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let (passed, failed, skipped) = counts(&run.stdout);
    assert_eq!(failed, 0, "{}", run.stdout);
    assert!(passed >= 30, "{}", run.stdout);
    assert!(skipped > 0);
    assert!(run.stdout.contains("is the suite's policy `credentialed`"), "{}", run.stdout);
    assert!(run.stdout.contains("needs the suite's policy `public`"), "{}", run.stdout);
    // The matrix: one column for the server, one row per case that ran.
    assert!(run.stdout.lines().any(|l| l.starts_with("case") && l.trim_end().ends_with("server")), "{}", run.stdout);
    assert!(run.stdout.lines().any(|l| l.starts_with("preflight-put-allowed") && l.ends_with("PASS")));
    assert!(!run.stdout.lines().any(|l| l.starts_with("public-error-500 ")), "skipped cases are not rows");
}

#[test]
fn a_server_without_vary_fails_the_cases_that_check_it() {
    let server = policy_server("credentialed", Mistake::NoVary);
    let run = conformance(&server, &write_policy("credentialed", "novary"));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let (_, failed, _) = counts(&run.stdout);
    assert!(failed > 0);
    assert!(run.stdout.contains("Vary lacks Origin, though the answer depends on the origin"), "{}", run.stdout);
}

#[test]
fn cases_on_a_missing_route_are_skipped_with_the_reason() {
    let server = policy_server("credentialed", Mistake::NoErrorRoute);
    let run = conformance(&server, &write_policy("credentialed", "noerror"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("GET /app/error answered 404, not 500"), "{}", run.stdout);
    let reason = run.stdout.lines().skip_while(|l| !l.contains("GET /app/error answered 404")).nth(1).unwrap_or("");
    assert!(reason.contains("handler-error-500"), "{}", run.stdout);
}

#[test]
fn another_policy_is_judged_by_its_own_cases() {
    let server = policy_server("public", Mistake::None);
    let run = conformance(&server, &write_policy("public", "right"));
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("needs the suite's policy `credentialed`"));
    // The credentialed server is wrong for the public policy's cases.
    let wrong = policy_server("credentialed", Mistake::None);
    let run = conformance(&wrong, &write_policy("public", "wrong"));
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_policy_of_none_of_the_suite_tests_nothing_and_says_so() {
    let server = policy_server("credentialed", Mistake::None);
    let mut config = policies()["credentialed"].clone();
    config.max_age = Some(60);
    let path = std::env::temp_dir().join(format!("conformance-url-custom-{}.toml", std::process::id()));
    std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
    let run = conformance(&server, path.to_str().unwrap());
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("the closest is `credentialed`, which differs in max_age"), "{}", run.stdout);
    assert!(run.stderr.contains("no case applies"), "{}", run.stderr);
    let (passed, failed, skipped) = counts(&run.stdout);
    assert_eq!((passed, failed), (0, 0));
    assert!(skipped > 0);
}

#[test]
fn bad_input_is_one_clear_error() {
    let server = policy_server("credentialed", Mistake::None);
    let config = write_policy("credentialed", "bad");
    let bad = std::env::temp_dir().join(format!("conformance-url-bad-{}.toml", std::process::id()));
    std::fs::write(&bad, "allow_origins = [\"https://a.example\"]\nallow_credentialz = true\n").unwrap();
    let bad = bad.to_str().unwrap();
    let refused = format!("http://127.0.0.1:{}/", closed_port());
    for (args, needle) in [
        (vec!["conformance", "--url", server.base.as_str()], "--url needs --config"),
        (vec!["conformance", "--url", server.base.as_str(), "--config", bad], "allow_credentialz"),
        (vec!["conformance", "--url", server.base.as_str(), "--config", "/nonexistent.toml"], "/nonexistent.toml"),
        (vec!["conformance", "--url", "ftp://x/", "--config", &config], "neither http nor https"),
        (vec!["conformance", "--url", refused.as_str(), "--config", &config], "cannot connect"),
    ] {
        let run = xtask(&args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
}
