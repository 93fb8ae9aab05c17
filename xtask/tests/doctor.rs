//! `cargo xtask doctor` end to end: the binary against servers on loopback that are wrong in each
//! way the doctor explains, and one that is right; verdict, console message, fix, warnings, exit.
// Test setup unwraps: a failure there is a broken test, reported with its value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::{certificate, closed_port, serve, serve_ipv6, serve_tls, xtask, Req, Resp, TestServer};

const APP: &str = "https://app.example.com";

/// A correct server for APP: the origin echoed with credentials and `Vary: Origin`, preflights
/// answered 204 for PUT with content-type and authorization; every other origin refused.
fn right(req: &Req) -> Resp {
    let granted = req.header("origin") == Some(APP);
    if req.is_preflight() {
        let mut r =
            Resp::new(204).header("vary", "origin, access-control-request-method, access-control-request-headers");
        if granted {
            r = r
                .header("access-control-allow-origin", APP)
                .header("access-control-allow-credentials", "true")
                .header("access-control-allow-methods", "GET, POST, PUT")
                .header("access-control-allow-headers", "content-type, authorization")
                .header("access-control-max-age", "600");
        }
        return r;
    }
    let mut r = Resp::new(200).header("vary", "origin").body("ok");
    if granted {
        r = r.header("access-control-allow-origin", APP).header("access-control-allow-credentials", "true");
    }
    r
}

fn doctor(server: &TestServer, extra: &[&str]) -> (i32, Value) {
    let url = format!("{}/data", server.base);
    let mut args = vec!["doctor", url.as_str(), "--origin", APP, "--json"];
    args.extend_from_slice(extra);
    let run = xtask(&args);
    assert!(run.stderr.is_empty() || run.code == 2, "stderr: {}", run.stderr);
    (run.code, run.json())
}

fn warning_codes(report: &Value) -> Vec<String> {
    report["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap().to_owned()).collect()
}

fn str_of<'v>(report: &'v Value, key: &str) -> &'v str {
    report[key].as_str().unwrap_or_else(|| panic!("{key} missing in {report}"))
}

/// Asserts a block: exit 1, the step, Chromium's full console line, and the fix.
fn assert_blocked(report: &(i32, Value), at: &str, reason: &str, fix: &str) {
    let (code, json) = report;
    assert_eq!(*code, 1, "{json}");
    assert_eq!(str_of(json, "verdict"), "blocked");
    assert_eq!(str_of(json, "blocked_at"), at, "{json}");
    let url = str_of(json, "url");
    let expected = format!("Access to fetch at '{url}' from origin '{APP}' has been blocked by CORS policy: {reason}");
    assert_eq!(str_of(json, "console"), expected);
    assert!(str_of(json, "fix").contains(fix), "fix {:?} lacks {fix:?}", json["fix"]);
}

const PREFLIGHT: &str = "Response to preflight request doesn't pass access control check: ";

#[test]
fn a_right_server_is_allowed_without_warnings() {
    let server = serve(right);
    let (code, json) = doctor(&server, &["--method", "PUT", "-H", "Content-Type: application/json", "--credentials"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(str_of(&json, "verdict"), "allowed");
    assert!(json["console"].is_null() && json["fix"].is_null());
    assert_eq!(warning_codes(&json), Vec::<String>::new(), "{json}");
    let steps: Vec<&str> = json["exchanges"].as_array().unwrap().iter().map(|e| e["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["preflight", "request"]);
    let preflight = &json["exchanges"][0]["request"];
    assert_eq!(preflight["method"], "OPTIONS");
    let headers = preflight["headers"].as_array().unwrap();
    assert!(headers.contains(&serde_json::json!(["access-control-request-method", "PUT"])));
    assert!(headers.contains(&serde_json::json!(["access-control-request-headers", "content-type"])));
    assert_eq!(json["made_up_origin"]["granted"], false);
}

#[test]
fn no_allow_origin() {
    let server = serve(|_| Resp::new(200).body("ok"));
    let report = doctor(&server, &[]);
    assert_blocked(
        &report,
        "request",
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        "add `Access-Control-Allow-Origin: https://app.example.com` to the response",
    );
}

#[test]
fn wildcard_with_credentials() {
    let server = serve(|_| Resp::new(200).header("access-control-allow-origin", "*"));
    let report = doctor(&server, &["--credentials"]);
    assert_blocked(
        &report,
        "request",
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
        "not `*`: `Access-Control-Allow-Origin: https://app.example.com`, `Access-Control-Allow-Credentials: true`",
    );
    // The same server is right for a request without credentials.
    let (code, json) = doctor(&server, &[]);
    assert_eq!((code, str_of(&json, "verdict")), (0, "allowed"));
}

#[test]
fn credentials_without_allow_credentials() {
    let server = serve(|req| {
        Resp::new(200)
            .header("access-control-allow-origin", req.header("origin").unwrap_or(""))
            .header("vary", "origin")
    });
    let report = doctor(&server, &["--credentials"]);
    assert_blocked(
        &report,
        "request",
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'.",
        "add `Access-Control-Allow-Credentials: true` to the response",
    );
}

#[test]
fn preflight_without_ok_status() {
    // Authentication in front of the CORS layer: the preflight gets a 401 with CORS headers.
    let server = serve(|req| {
        let r = Resp::new(if req.method == "OPTIONS" { 401 } else { 200 });
        r.header("access-control-allow-origin", APP).header("vary", "origin")
    });
    let report = doctor(&server, &["--method", "DELETE"]);
    assert_blocked(&report, "preflight", &format!("{PREFLIGHT}It does not have HTTP ok status."), "with a 2xx");
    assert!(str_of(&report.1, "fix").contains("authentication must not apply to preflights"));
    // The browser stops at a failed preflight: the DELETE is never sent.
    assert_eq!(report.1["exchanges"].as_array().unwrap().len(), 1);
}

#[test]
fn preflight_not_routed() {
    let server = serve(|req| if req.method == "OPTIONS" { Resp::new(405) } else { right(req) });
    let report = doctor(&server, &["--method", "PUT"]);
    assert_blocked(
        &report,
        "preflight",
        &format!("{PREFLIGHT}No 'Access-Control-Allow-Origin' header is present on the requested resource."),
        "nothing on the server answers preflights on this path",
    );
}

fn preflight_server(methods: &'static str, headers: &'static str) -> TestServer {
    serve(move |req| {
        if req.is_preflight() {
            Resp::new(204)
                .header("access-control-allow-origin", APP)
                .header("vary", "origin")
                .header("access-control-allow-methods", methods)
                .header("access-control-allow-headers", headers)
        } else {
            Resp::new(200).header("access-control-allow-origin", APP).header("vary", "origin")
        }
    })
}

#[test]
fn lowercase_patch_is_not_patch() {
    let server = preflight_server("GET, PATCH", "content-type");
    let report = doctor(&server, &["--method", "patch"]);
    assert_blocked(
        &report,
        "preflight",
        "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
        "methods compare byte for byte",
    );
    // The same server lets PATCH through.
    assert_eq!(doctor(&server, &["--method", "PATCH"]).0, 0);
}

#[test]
fn method_not_listed() {
    let server = preflight_server("GET, POST", "content-type");
    let report = doctor(&server, &["--method", "PUT"]);
    assert_blocked(
        &report,
        "preflight",
        "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
        "add `PUT` to Access-Control-Allow-Methods",
    );
}

#[test]
fn request_header_not_listed() {
    let server = preflight_server("GET", "content-type");
    let report = doctor(&server, &["-H", "X-Api-Key: k"]);
    assert_blocked(
        &report,
        "preflight",
        "Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
        "add `x-api-key` to Access-Control-Allow-Headers",
    );
}

#[test]
fn wildcard_does_not_cover_authorization() {
    let server = serve(|req| {
        let r = Resp::new(if req.is_preflight() { 204 } else { 200 }).header("access-control-allow-origin", "*");
        r.header("access-control-allow-headers", "*")
    });
    let report = doctor(&server, &["-H", "Authorization: Bearer t"]);
    // Today's browsers let it through (exit 0); the standard's block, its console message and
    // the fix are reported beside the verdict, with a warning.
    let (code, json) = &report;
    assert_eq!(*code, 0, "{json}");
    assert_eq!(str_of(json, "verdict"), "allowed");
    assert!(json["console"].is_null());
    let url = str_of(json, "url");
    assert_eq!(
        json["standard"]["console"].as_str().unwrap(),
        format!(
            "Access to fetch at '{url}' from origin '{APP}' has been blocked by CORS policy: Request header \
             field authorization is not allowed by Access-Control-Allow-Headers in preflight response."
        )
    );
    assert!(
        str_of(json, "fix").contains("list `authorization` in Access-Control-Allow-Headers: `*` does not cover it"),
        "{json}"
    );
    let warnings = warning_codes(&report.1);
    assert!(warnings.contains(&"wildcard-authorization".to_owned()), "{warnings:?}");
    let text = report.1["warnings"].to_string();
    assert!(text.contains("today's Chromium, Firefox and Safari still let it through"), "{text}");
    // With credentials `*` is no wildcard anywhere: a plain block, no "works today" warning.
    let credentialed = serve(|req| {
        Resp::new(if req.is_preflight() { 204 } else { 200 })
            .header("access-control-allow-origin", APP)
            .header("access-control-allow-credentials", "true")
            .header("vary", "origin")
            .header("access-control-allow-headers", "*")
    });
    let report = doctor(&credentialed, &["-H", "Authorization: Bearer t", "--credentials"]);
    assert_eq!(report.0, 1);
    assert!(!warning_codes(&report.1).contains(&"wildcard-authorization".to_owned()), "{}", report.1);
}

#[test]
fn allow_origin_with_a_trailing_slash() {
    let server = serve(|_| Resp::new(200).header("access-control-allow-origin", "https://app.example.com/"));
    let report = doctor(&server, &[]);
    assert_blocked(
        &report,
        "request",
        "The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com/' that is not equal to the supplied origin. Have the server send the header with a valid value.",
        "byte for byte",
    );
}

#[test]
fn another_origin_granted() {
    let server = serve(|_| Resp::new(200).header("access-control-allow-origin", "https://admin.example.com"));
    let report = doctor(&server, &[]);
    assert_blocked(
        &report,
        "request",
        "The 'Access-Control-Allow-Origin' header has a value 'https://admin.example.com' that is not equal to the supplied origin. Have the server send the header with a valid value.",
        "the server granted `https://admin.example.com`, not this origin",
    );
}

#[test]
fn proxy_and_app_both_add_allow_origin() {
    let server = serve(|req| {
        let origin = req.header("origin").unwrap_or("").to_owned();
        Resp::new(200)
            .header("access-control-allow-origin", &origin)
            .header("vary", "origin")
            .header("access-control-allow-origin", &origin)
    });
    let report = doctor(&server, &[]);
    assert_blocked(
        &report,
        "request",
        "The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example.com, https://app.example.com', but only one is allowed. Have the server send the header with a valid value.",
        "send `Access-Control-Allow-Origin` once",
    );
    assert!(warning_codes(&report.1).contains(&"two-allow-origin".to_owned()));
}

#[test]
fn preflight_redirected() {
    let server = serve(|req| {
        if req.method == "OPTIONS" {
            Resp::new(308)
                .header("location", "https://api.example.com/data/")
                .header("access-control-allow-origin", APP)
        } else {
            right(req)
        }
    });
    let report = doctor(&server, &["--method", "PUT"]);
    assert_blocked(
        &report,
        "preflight",
        &format!("{PREFLIGHT}Redirect is not allowed for a preflight request."),
        "redirected (308 to `https://api.example.com/data/`)",
    );
    assert!(warning_codes(&report.1).contains(&"preflight-redirect".to_owned()));
}

#[test]
fn fragile_but_allowed_no_vary_and_max_age_above_caps() {
    let server = serve(|req| {
        let granted = req.header("origin") == Some(APP);
        let mut r = Resp::new(if req.is_preflight() { 204 } else { 200 });
        if granted {
            r = r
                .header("access-control-allow-origin", APP)
                .header("access-control-allow-methods", "PUT")
                .header("access-control-max-age", "86400");
        }
        r
    });
    let (code, json) = doctor(&server, &["--method", "PUT"]);
    assert_eq!((code, str_of(&json, "verdict")), (0, "allowed"), "{json}");
    let warnings = warning_codes(&json);
    assert!(warnings.contains(&"no-vary-origin".to_owned()), "{warnings:?}");
    assert!(warnings.contains(&"max-age-above-cap".to_owned()), "{warnings:?}");
    assert!(json["warnings"].to_string().contains("Chromium caches a preflight for 7200 s at most"));
}

#[test]
fn a_server_that_grants_any_origin_with_credentials() {
    let server = serve(|req| {
        Resp::new(200)
            .header("access-control-allow-origin", req.header("origin").unwrap_or(""))
            .header("access-control-allow-credentials", "true")
            .header("vary", "origin")
    });
    let (code, json) = doctor(&server, &["--credentials"]);
    assert_eq!(code, 0, "it passes for the page: {json}");
    assert_eq!(json["made_up_origin"]["granted"], true);
    assert!(warning_codes(&json).contains(&"any-origin-granted".to_owned()));
    assert!(json["warnings"].to_string().contains("any site can read your users' data"));
    // Echoing any origin is found even when the fetch is blocked for another reason.
    let blocked = serve(|req| {
        Resp::new(204)
            .header("access-control-allow-origin", req.header("origin").unwrap_or(""))
            .header("access-control-allow-credentials", "true")
            .header("vary", "origin")
    });
    let (code, json) = doctor(&blocked, &["--credentials", "--method", "PUT"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(
        (json["made_up_origin"]["granted"].clone(), json["made_up_origin"]["origin_granted"].clone()),
        (false.into(), true.into())
    );
    assert!(warning_codes(&json).contains(&"any-origin-granted".to_owned()), "{json}");
}

#[test]
fn text_output_lists_exchanges_then_verdict_console_fix_and_warnings() {
    let server = serve(|req| {
        if req.is_preflight() {
            Resp::new(204).header("access-control-allow-origin", APP).header("access-control-max-age", "99999")
        } else {
            Resp::new(200)
        }
    });
    let url = format!("{}/data", server.base);
    let run = xtask(&["doctor", &url, "--origin", APP, "--method", "PUT"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let out = &run.stdout;
    let at = |needle: &str| out.find(needle).unwrap_or_else(|| panic!("{needle:?} missing in\n{out}"));
    let console = format!(
        "console: Access to fetch at '{url}' from origin '{APP}' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
    );
    assert!(at("> OPTIONS /data  (preflight)") < at("<   access-control-allow-origin: https://app.example.com"));
    assert!(at("access-control-allow-origin: https://app.example.com") < at("verdict: blocked at the preflight"));
    assert!(at("verdict: blocked at the preflight") < at(&console));
    assert!(at(&console) < at("fix: add `PUT` to Access-Control-Allow-Methods"));
    assert!(at("fix: ") < at("warning[no-vary-origin]"));
    assert!(out.contains("warning[max-age-above-cap]"));
}

#[test]
fn tls_with_a_private_ca_with_insecure_and_without() {
    let cert = certificate();
    let server = serve_tls(&cert, right);
    let ca = std::env::temp_dir().join(format!("doctor-test-ca-{}.pem", server.port));
    std::fs::write(&ca, &cert.pem).unwrap();
    let ca = ca.to_str().unwrap();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/data", server.port);
        let run = xtask(&["doctor", &url, "--origin", APP, "--json", "--ca", ca]);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        assert_eq!(run.json()["verdict"], "allowed");
    }
    let url = format!("{}/data", server.base);
    let run = xtask(&["doctor", &url, "--origin", APP, "--insecure"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Unknown issuer: the probe cannot be made; one line says why.
    let run = xtask(&["doctor", &url, "--origin", APP]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("TLS handshake") && run.stderr.contains("--ca FILE"), "{}", run.stderr);
    // A TLS server that is wrong is diagnosed like a plain one.
    let wrong = serve_tls(&cert, |_| Resp::new(200));
    let run = xtask(&["doctor", &format!("{}/data", wrong.base), "--origin", APP, "--json", "--ca", ca]);
    assert_eq!(run.code, 1);
    assert!(run.json()["console"]
        .as_str()
        .unwrap()
        .ends_with("No 'Access-Control-Allow-Origin' header is present on the requested resource."));
}

#[test]
fn ipv6_loopback() {
    let server = serve_ipv6(right);
    let (code, json) = doctor(&server, &["--method", "PUT", "--credentials"]);
    assert_eq!(code, 0, "{json}");
    assert!(str_of(&json, "url").starts_with("http://[::1]:"));
}

#[test]
fn the_probe_cannot_be_made_exit_2_in_one_line() {
    let refused = format!("http://127.0.0.1:{}/data", closed_port());
    let bad_ca = std::env::temp_dir().join("doctor-test-not-a-pem.txt");
    std::fs::write(&bad_ca, "not a certificate").unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec![refused.clone(), "--origin".into(), APP.into()],
        vec!["http://127.0.0.1:1/".into()],
        vec!["not a url".into(), "--origin".into(), APP.into()],
        vec![refused.clone(), "--origin".into(), "app.example.com".into()],
        vec![refused.clone(), "--origin".into(), APP.into(), "--method".into(), "TRACE".into()],
        vec![refused.clone(), "--origin".into(), APP.into(), "-H".into(), "no-colon".into()],
        vec![refused.clone(), "--origin".into(), APP.into(), "--timeout".into(), "soon".into()],
        vec![
            "https://127.0.0.1:1/".into(),
            "--origin".into(),
            APP.into(),
            "--ca".into(),
            bad_ca.to_str().unwrap().into(),
        ],
        vec![refused.clone(), "--origin".into(), APP.into(), "--bogus".into()],
    ];
    for args in cases {
        let mut all = vec!["doctor"];
        all.extend(args.iter().map(String::as_str));
        let run = xtask(&all);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {:?}", run.stderr);
        assert!(run.stderr.starts_with("error: "), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
    }
    // With --json, the failure is one JSON object too.
    let run = xtask(&["doctor", &refused, "--origin", APP, "--json"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.json()["verdict"], "error");
    assert!(run.json()["error"].as_str().unwrap().contains("cannot connect"));
}
