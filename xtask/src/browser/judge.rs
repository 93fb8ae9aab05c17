//! Judging one call: what Chromium did, against cors-core's browser model applied to the same
//! request and the server's real answers (as the proxy recorded them), and against the outcome the
//! data file expects.

use std::collections::BTreeMap;

use cors_core::browser::{Blocked, BrowserRequest, Rules};
use serde_json::Value;

use super::proxy::Exchange;
use cors_core::conformance::fetches::{Credentials, Expect, Fetch, Outcome};

/// What JavaScript saw for one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Js {
    Allowed { status: u16, reads: BTreeMap<String, Option<String>> },
    Blocked { error: String },
}

impl Js {
    /// Reads one attempt of the page's report.
    pub fn from_json(v: &Value) -> Result<Js, String> {
        match v.get("outcome").and_then(Value::as_str) {
            Some("allowed") => {
                let status = v.get("status").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok());
                let status = status.ok_or_else(|| format!("no status in {v}"))?;
                let mut reads = BTreeMap::new();
                if let Some(map) = v.get("reads").and_then(Value::as_object) {
                    for (name, value) in map {
                        reads.insert(name.clone(), value.as_str().map(str::to_owned));
                    }
                }
                Ok(Js::Allowed { status, reads })
            }
            Some("blocked") => {
                Ok(Js::Blocked { error: v.get("error").and_then(Value::as_str).unwrap_or("").to_owned() })
            }
            _ => Err(format!("an attempt without an outcome: {v}")),
        }
    }

    fn outcome(&self) -> Outcome {
        match self {
            Js::Allowed { .. } => Outcome::Allowed,
            Js::Blocked { .. } => Outcome::Blocked,
        }
    }

    fn short(&self) -> String {
        match self {
            Js::Allowed { status, .. } => format!("allowed {status}"),
            Js::Blocked { .. } => "blocked".to_owned(),
        }
    }
}

/// What the model says for one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Model {
    Allowed {
        status: u16,
        reads: BTreeMap<String, Option<String>>,
    },
    Blocked(Blocked),
    /// Nothing to judge (no answer was recorded).
    Unknown(String),
}

impl Model {
    fn short(&self) -> String {
        match self {
            Model::Allowed { status, .. } => format!("allowed {status}"),
            Model::Blocked(_) => "blocked".to_owned(),
            Model::Unknown(_) => "?".to_owned(),
        }
    }
}

/// The recorded traffic of one attempt: its preflight (absent when cached) and actual request.
#[derive(Clone, Copy, Debug, Default)]
pub struct Attempt<'a> {
    pub preflight: Option<&'a Exchange>,
    pub actual: Option<&'a Exchange>,
}

/// Splits a call's traffic (in arrival order) into attempts: a preflight starts one; an actual
/// request joins the attempt its preflight started, or starts one of its own.
pub fn attempts<'a>(exchanges: &[&'a Exchange]) -> Vec<Attempt<'a>> {
    let mut out: Vec<Attempt<'a>> = Vec::new();
    for &e in exchanges {
        if e.is_preflight() {
            out.push(Attempt { preflight: Some(e), actual: None });
        } else {
            match out.last_mut() {
                Some(last) if last.actual.is_none() => last.actual = Some(e),
                _ => out.push(Attempt { preflight: None, actual: Some(e) }),
            }
        }
    }
    out
}

/// The request as the page made it, for the model.
pub fn browser_request(fetch: &Fetch, origin: &str) -> BrowserRequest {
    let mut r = BrowserRequest::new(origin, &fetch.method).credentials(fetch.credentials == Credentials::Include);
    for (name, value) in &fetch.headers {
        r = r.header(name.clone(), value.as_bytes());
    }
    r
}

/// The model on one attempt's recorded traffic; also returns where Chromium's preflighting
/// differed from the model's (a preflight sent or not, its request headers).
pub fn model(
    request: &BrowserRequest,
    rules: Rules,
    attempt: &Attempt<'_>,
    first: bool,
    read: &[String],
) -> (Model, Vec<String>) {
    let mut differences = Vec::new();
    if request.needs_preflight() {
        match attempt.preflight {
            Some(p) => {
                differences.extend(preflight_request_differences(request, p));
                let response = match &p.response {
                    Ok(r) => r,
                    Err(e) => return (Model::Unknown(format!("the preflight got no answer: {e}")), differences),
                };
                if let Err(blocked) = request.check_preflight_under(rules, response.status, &response.header_map()) {
                    return (Model::Blocked(blocked), differences);
                }
            }
            None if first => differences.push("the model expects a preflight; Chromium sent none".to_owned()),
            // A later attempt may reuse the cached preflight.
            None => {}
        }
    } else if attempt.preflight.is_some() {
        differences.push("Chromium sent a preflight the model does not expect".to_owned());
    }
    let Some(actual) = attempt.actual else {
        return (Model::Unknown("Chromium sent no actual request".to_owned()), differences);
    };
    let response = match &actual.response {
        Ok(r) => r,
        Err(e) => return (Model::Unknown(format!("the request got no answer: {e}")), differences),
    };
    match request.check_response(&response.header_map()) {
        Err(blocked) => (Model::Blocked(blocked), differences),
        Ok(readable) => {
            let reads = read
                .iter()
                .map(|name| {
                    let values: Vec<String> =
                        response.values(name).map(|v| String::from_utf8_lossy(v).into_owned()).collect();
                    let seen = (readable.can_read_header(name) && !values.is_empty()).then(|| values.join(", "));
                    (name.clone(), seen)
                })
                .collect();
            (Model::Allowed { status: response.status, reads }, differences)
        }
    }
}

/// The preflight Chromium sent, against the one the model says it sends.
fn preflight_request_differences(request: &BrowserRequest, sent: &Exchange) -> Vec<String> {
    let mut out = Vec::new();
    let want: BTreeMap<String, String> = request.preflight_headers().into_iter().collect();
    for name in ["access-control-request-method", "access-control-request-headers"] {
        let (model, chromium) = (want.get(name).cloned(), sent.header(name));
        if model != chromium {
            out.push(format!("preflight {name}: model {model:?}, Chromium sent {chromium:?}"));
        }
    }
    out
}

/// One row of the table: a call from one page origin.
#[derive(Debug)]
pub struct Row {
    pub call: usize,
    pub name: String,
    /// What the fetch checks, from the data file.
    pub about: String,
    pub label: String,
    pub policy: String,
    pub expected: String,
    pub chromium: String,
    pub model: String,
    pub detail: String,
    /// The console messages Chromium printed for this call.
    pub console: Vec<String>,
    /// The recorded requests and answers, for the failure report.
    pub traffic: String,
    /// Chromium and the model disagree (each also in `failures`).
    pub disagreements: Vec<String>,
    pub failures: Vec<String>,
}

/// Everything known about one call from one page origin.
pub struct Call<'a> {
    pub number: usize,
    pub fetch: &'a Fetch,
    pub url: &'a str,
    pub origin: &'a str,
    pub expect: &'a Expect,
    /// The rules of the Chromium that made the call.
    pub rules: Rules,
    pub js: &'a [Js],
    pub traffic: &'a [&'a Exchange],
    pub console: &'a [String],
}

fn reads_text(reads: &BTreeMap<String, Option<String>>) -> String {
    reads.iter().map(|(n, v)| format!("{n}={}", v.as_deref().unwrap_or("null"))).collect::<Vec<_>>().join(" ")
}

/// One exchange for a failure report: the request line, its CORS request headers, the answer.
fn traffic_text(e: &Exchange) -> String {
    let mut s = format!("    > {} {}\n", e.request.method, e.request.path);
    for (n, v) in &e.request.headers {
        if n == "origin" || n.starts_with("access-control-request-") {
            s.push_str(&format!("    > {n}: {}\n", String::from_utf8_lossy(v)));
        }
    }
    match &e.response {
        Ok(r) => {
            s.push_str(&format!("    < {}\n", r.status));
            for (n, v) in &r.headers {
                s.push_str(&format!("    < {n}: {}\n", String::from_utf8_lossy(v)));
            }
        }
        Err(err) => s.push_str(&format!("    < no answer: {err}\n")),
    }
    s
}

/// The reason part of a console message.
pub fn reason(message: &str) -> &str {
    message.split_once("has been blocked by CORS policy: ").map_or(message, |(_, r)| r)
}

/// Judges a call.
pub fn judge(call: &Call<'_>) -> Row {
    let fetch = call.fetch;
    let request = browser_request(fetch, call.origin);
    let read = fetch.read();
    let recorded = attempts(call.traffic);
    let mut failures = Vec::new();
    let mut disagreements = Vec::new();
    let mut models = Vec::new();
    let mut blocked_seen = 0;

    if call.js.len() != fetch.repeat {
        failures.push(format!("the page reported {} attempts instead of {}", call.js.len(), fetch.repeat));
    }
    for (i, js) in call.js.iter().enumerate() {
        let attempt = recorded.get(i).copied().unwrap_or_default();
        let (model, differences) = model(&request, call.rules, &attempt, i == 0, &read);
        let which = if fetch.repeat > 1 { format!("attempt {}: ", i + 1) } else { String::new() };
        disagreements.extend(differences.into_iter().map(|d| format!("{which}{d}")));
        match (&model, js) {
            (Model::Unknown(why), _) => failures.push(format!("{which}the model cannot judge: {why}")),
            (Model::Allowed { status: ms, reads: mr }, Js::Allowed { status: js_status, reads: jr }) => {
                if ms != js_status {
                    disagreements.push(format!("{which}status: model {ms}, JavaScript saw {js_status}"));
                }
                for (name, m) in mr {
                    let j = jr.get(name).cloned().flatten();
                    if *m != j {
                        disagreements.push(format!("{which}header {name}: model {m:?}, JavaScript read {j:?}"));
                    }
                }
            }
            (Model::Blocked(b), Js::Blocked { .. }) => {
                let want = b.console_message(call.url, call.origin);
                match call.console.get(blocked_seen) {
                    Some(got) if *got == want => {}
                    Some(got) => disagreements.push(format!(
                        "{which}console message differs:\n      model:    {want}\n      chromium: {got}"
                    )),
                    None => disagreements.push(format!("{which}Chromium printed no console message; model: {want}")),
                }
            }
            (Model::Allowed { status, .. }, Js::Blocked { error }) => disagreements.push(format!(
                "{which}the model allows it ({status}), Chromium blocked it ({error}; console: {})",
                call.console.get(blocked_seen).map_or("none", |c| reason(c))
            )),
            (Model::Blocked(b), Js::Allowed { status, .. }) => {
                disagreements.push(format!("{which}the model blocks it ({b}), Chromium allowed it ({status})"))
            }
        }
        if matches!(js, Js::Blocked { .. }) {
            blocked_seen += 1;
        }
        models.push(model);

        // Against the data file.
        let e = call.expect;
        if js.outcome() != e.outcome {
            failures.push(format!("{which}expected {}, Chromium: {}", e.outcome.as_str(), js.short()));
        }
        if let Js::Allowed { status, reads } = js {
            if let Some(want) = e.status.as_ref().filter(|w| !w.accepts(*status)) {
                failures.push(format!("{which}expected status {want}, JavaScript saw {status}"));
            }
            for (name, want) in &e.reads {
                let got = reads.get(name).cloned().flatten();
                if got.as_deref() != Some(want.as_str()) {
                    failures.push(format!("{which}expected {name}: {want:?}, JavaScript read {got:?}"));
                }
            }
            for name in &e.hidden {
                if let Some(Some(got)) = reads.get(name) {
                    failures.push(format!("{which}{name} must be hidden from JavaScript, which read {got:?}"));
                }
            }
        }
    }
    if call.console.len() != blocked_seen {
        failures.push(format!(
            "{} CORS console message(s) for {} blocked attempt(s)",
            call.console.len(),
            blocked_seen
        ));
    }
    if let Some(want) = &call.expect.console {
        if !call.console.iter().any(|c| c.contains(want.as_str())) {
            failures.push(format!("expected a console message containing {want:?}"));
        }
    }
    let preflights = call.traffic.iter().filter(|e| e.is_preflight()).count();
    if let Some(want) = call.expect.preflights.filter(|w| *w != preflights) {
        failures.push(format!("expected {want} preflight(s), the server saw {preflights}"));
    }
    failures.extend(disagreements.iter().map(|d| format!("model vs Chromium: {d}")));

    let first_js = call.js.first();
    let detail = match first_js {
        Some(Js::Allowed { reads, .. }) => {
            let mut s = reads_text(reads);
            if s.is_empty() {
                s.push('-');
            }
            s
        }
        Some(Js::Blocked { .. }) => {
            call.console.first().map_or("(no console message)".to_owned(), |c| reason(c).to_owned())
        }
        None => "(no result)".to_owned(),
    };
    let plural = |n: usize| if n == 1 { String::new() } else { format!(" x{n}") };
    let summarize = |shorts: Vec<String>| -> String {
        let first = shorts.first().cloned().unwrap_or_else(|| "-".to_owned());
        if shorts.iter().all(|s| *s == first) {
            format!("{first}{}", plural(shorts.len()))
        } else {
            shorts.join(",")
        }
    };
    let expected = match (call.expect.outcome, &call.expect.status) {
        (Outcome::Allowed, Some(s)) => format!("allowed {s}"),
        (o, _) => o.as_str().to_owned(),
    };
    Row {
        call: call.number,
        name: fetch.name.clone(),
        about: fetch.about.clone(),
        label: fetch.label(),
        policy: fetch.policy.clone(),
        expected,
        chromium: summarize(call.js.iter().map(Js::short).collect()),
        model: summarize(models.iter().map(Model::short).collect()),
        detail: format!("{detail} [OPTIONS {preflights}]"),
        console: call.console.to_vec(),
        traffic: call.traffic.iter().map(|e| traffic_text(e)).collect(),
        disagreements,
        failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cors_core::conformance::{RawRequest, RawResponse};

    fn exchange(method: &str, req: &[(&str, &str)], status: u16, resp: &[(&str, &str)]) -> Exchange {
        let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec())).collect();
        Exchange {
            request: RawRequest { method: method.to_owned(), path: "/data?call=1".to_owned(), headers: h(req) },
            response: Ok(RawResponse { status, headers: h(resp), body: Vec::new() }),
        }
    }

    #[test]
    fn groups_traffic_into_attempts() {
        let pre = exchange("OPTIONS", &[("access-control-request-method", "PUT")], 204, &[]);
        let put = exchange("PUT", &[], 200, &[]);
        let got = attempts(&[&pre, &put, &put]);
        assert_eq!(got.len(), 2);
        assert!(got[0].preflight.is_some() && got[0].actual.is_some());
        assert!(got[1].preflight.is_none() && got[1].actual.is_some());
        assert_eq!(attempts(&[&pre, &pre]).len(), 2);
    }

    #[test]
    fn the_model_judges_recorded_traffic() {
        let origin = "http://localhost:1";
        let request = BrowserRequest::new(origin, "PUT").header("content-type", "application/json");
        let pre = exchange(
            "OPTIONS",
            &[("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")],
            204,
            &[("access-control-allow-origin", origin), ("access-control-allow-methods", "PUT")],
        );
        let attempt = Attempt { preflight: Some(&pre), actual: None };
        let (m, diffs) = model(&request, Rules::Standard, &attempt, true, &[]);
        assert!(diffs.is_empty(), "{diffs:?}");
        assert_eq!(m, Model::Blocked(Blocked::HeaderNotAllowed { header: "content-type".into() }));

        let get = BrowserRequest::new(origin, "GET");
        let actual = exchange(
            "GET",
            &[],
            200,
            &[("access-control-allow-origin", origin), ("x-total-count", "42"), ("vary", "origin")],
        );
        let attempt = Attempt { preflight: None, actual: Some(&actual) };
        let (m, _) = model(&get, Rules::Standard, &attempt, true, &["vary".into(), "x-total-count".into()]);
        let Model::Allowed { status, reads } = m else { panic!("{m:?}") };
        assert_eq!(status, 200);
        assert_eq!(reads["vary"], None);
        assert_eq!(reads["x-total-count"], None, "not exposed");
    }

    #[test]
    fn reads_the_page_report() {
        let v: Value = serde_json::json!({"outcome": "allowed", "status": 200, "reads": {"a": "1", "b": null}});
        let Js::Allowed { status, reads } = Js::from_json(&v).unwrap() else { panic!() };
        assert_eq!((status, reads["a"].as_deref(), reads["b"].as_deref()), (200, Some("1"), None));
        assert!(matches!(
            Js::from_json(&serde_json::json!({"outcome": "blocked", "error": "TypeError"})),
            Ok(Js::Blocked { .. })
        ));
    }
}
