//! The judge: the browser model applied to the request and the server's real answer, plus what a
//! correct server must do that no browser checks.

use super::case::{Case, Outcome};
use super::raw::RawResponse;
use crate::browser::{AddressSpace, Blocked, BrowserRequest};
use crate::refusal::Shown;

fn has_token(response: &RawResponse, header: &str, token: &str) -> bool {
    response
        .values(header)
        .any(|line| line.split(|&b| b == b',').any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes())))
}

fn combined(response: &RawResponse, header: &str) -> Option<Vec<u8>> {
    let values: Vec<&[u8]> = response.values(header).collect();
    if values.is_empty() {
        None
    } else {
        Some(values.join(&b", "[..]))
    }
}

/// Judges one answer; returns every failure, in words (empty when the case passes).
pub fn judge(case: &Case, response: &RawResponse) -> Vec<String> {
    let mut failures = Vec::new();
    // A framework may refuse oversized headers outright, before any middleware runs.
    if case.oversized && matches!(response.status, 400 | 413 | 431) {
        return failures;
    }
    let request_origins: Vec<&[u8]> = case
        .request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("origin"))
        .map(|(_, v)| v.as_slice())
        .collect();
    let config = case.policy_config();
    let origin_dependent = config.allow_origins != ["*"] || config.allow_credentials;

    // Fetch, "CORS check": one Allow-Origin, `*` or the request's origin byte for byte.
    let acao: Vec<&[u8]> = response.values("access-control-allow-origin").collect();
    if acao.len() > 1 {
        failures.push(format!("Access-Control-Allow-Origin sent {} times", acao.len()));
    }
    if let Some(&value) = acao.first() {
        if value != b"*" && (request_origins.len() != 1 || request_origins[0] != value) {
            failures.push(format!(
                "Access-Control-Allow-Origin echoes \"{}\", which is not the request's single Origin",
                Shown(value)
            ));
        }
        if value == b"*" && response.values("access-control-allow-credentials").any(|v| v == b"true") {
            failures
                .push("Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true".to_owned());
        }
    }
    if response.values("access-control-allow-credentials").any(|v| v != b"true") {
        failures.push("Access-Control-Allow-Credentials has a value other than `true`".to_owned());
    }
    // What no browser checks: caches must not mix answers for different origins.
    if origin_dependent && !has_token(response, "vary", "origin") && !has_token(response, "vary", "*") {
        failures.push("Vary lacks Origin, though the answer depends on the origin".to_owned());
    }
    if case.is_preflight() && !config.preflight_passthrough {
        if !(200..=299).contains(&response.status) {
            failures.push(format!("the preflight was answered {} instead of an ok status", response.status));
        }
        if !response.body.is_empty() {
            failures.push("the preflight answer has a body: the handler ran".to_owned());
        }
    }

    let e = &case.expect;
    if let Some(status) = e.status {
        if response.status != status {
            failures.push(format!("status {} instead of {status}", response.status));
        }
    }
    if let Some(body) = &e.body {
        if response.body != body.as_bytes() {
            failures.push(format!("body \"{}\" instead of \"{body}\"", Shown(&response.body)));
        }
    }
    if let Some(origin) = &e.allow_origin {
        if acao.first().copied() != Some(origin.as_bytes()) {
            failures.push(format!(
                "Access-Control-Allow-Origin is {:?} instead of \"{origin}\"",
                acao.first().map(|v| Shown(v))
            ));
        }
    }
    for token in &e.vary {
        if !has_token(response, "vary", token) {
            failures.push(format!("Vary lacks {token}"));
        }
    }
    for (name, value) in &e.headers {
        match combined(response, name) {
            Some(v) if v == value.as_bytes() => {}
            other => failures.push(format!("{name} is {:?} instead of \"{value}\"", other.as_deref().map(Shown))),
        }
    }
    for name in &e.absent {
        if let Some(v) = combined(response, name) {
            failures.push(format!("{name} is present (\"{}\") but must be absent", Shown(&v)));
        }
    }

    if let Some(b) = &case.browser {
        let origin = request_origins.first().map(|o| String::from_utf8_lossy(o).into_owned()).unwrap_or_default();
        let map = response.header_map();
        let verdict: Result<Option<crate::browser::Readable>, Blocked> = if case.is_preflight() {
            let method = case
                .request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("access-control-request-method"))
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default();
            // The model request is built from the wire bytes: `Access-Control-Request-Method: put`
            // asks for `put`, not `PUT` (only `fetch()` normalizes, before sending).
            let mut request = BrowserRequest::from_wire(origin, &method).credentials(b.credentials);
            if case.request.headers.iter().any(|(n, v)| {
                n.eq_ignore_ascii_case("access-control-request-private-network") && v.as_slice() == b"true"
            }) {
                request = request.private_network(AddressSpace::Private);
            }
            for (n, v) in &case.request.headers {
                if n.eq_ignore_ascii_case("access-control-request-headers") {
                    for name in v.split(|&c| c == b',').map(<[u8]>::trim_ascii).filter(|n| !n.is_empty()) {
                        // A value no safelist accepts: the browser only lists unsafe headers.
                        request = request.header(String::from_utf8_lossy(name).into_owned(), "\"");
                    }
                }
            }
            request.check_preflight(response.status, &map).map(|_| None)
        } else {
            BrowserRequest::from_wire(origin, &case.request.method)
                .credentials(b.credentials)
                .check_response(&map)
                .map(Some)
        };
        match (&verdict, b.outcome) {
            (Ok(_), Outcome::Blocked) => {
                failures.push("the browser would let JavaScript read it, but it must be blocked".to_owned())
            }
            (Err(blocked), Outcome::Allowed) => failures.push(format!("the browser would block it: {blocked}")),
            (Err(blocked), Outcome::Blocked) => {
                if let Some(text) = &b.console {
                    if !blocked.to_string().contains(text.as_str()) {
                        failures.push(format!("blocked with \"{blocked}\", expected a message containing \"{text}\""));
                    }
                }
            }
            (Ok(_), Outcome::Allowed) => {}
        }
        if let Ok(Some(readable)) = &verdict {
            for (name, value) in &b.reads {
                let seen = combined(response, name).filter(|_| readable.can_read_header(name));
                if seen.as_deref() != Some(value.as_bytes()) {
                    failures.push(format!(
                        "JavaScript reads {name} as {:?} instead of \"{value}\"",
                        seen.as_deref().map(Shown)
                    ));
                }
            }
            for name in &b.hidden {
                if readable.can_read_header(name) && combined(response, name).is_some() {
                    failures.push(format!("JavaScript can read {name}, which must stay hidden"));
                }
            }
        }
    }
    failures
}
