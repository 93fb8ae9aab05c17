//! The doctor's output: text for people, or one JSON object with the same content.

use cors_core::conformance::{RawRequest, RawResponse};
use cors_core::Shown;
use serde_json::{json, Value};

use super::probe::{Exchange, Findings, Verdict, MADE_UP_ORIGIN};
use super::warnings::Warning;

/// Everything the doctor says about one fetch.
#[derive(Debug)]
pub struct Report {
    pub url: String,
    pub origin: String,
    pub method: String,
    pub credentials: bool,
    pub notes: Vec<String>,
    pub findings: Findings,
    /// Chromium's console message, when blocked.
    pub console: Option<String>,
    pub fix: Option<String>,
    pub warnings: Vec<Warning>,
}

/// The response headers that matter to CORS.
fn relevant(name: &str) -> bool {
    name.starts_with("access-control-") || matches!(name, "vary" | "location")
}

fn text(v: &[u8]) -> String {
    Shown(v).to_string()
}

fn request_json(url: &str, r: &RawRequest) -> Value {
    json!({
        "method": r.method,
        "url": url,
        "headers": r.headers.iter().map(|(n, v)| [n.clone(), text(v)]).collect::<Vec<_>>(),
    })
}

fn response_json(r: &RawResponse) -> Value {
    json!({
        "status": r.status,
        "headers": r.headers.iter().filter(|(n, _)| relevant(n)).map(|(n, v)| [n.clone(), text(v)]).collect::<Vec<_>>(),
    })
}

fn exchange_json(url: &str, e: &Exchange) -> Value {
    json!({ "step": e.step.name(), "request": request_json(url, &e.request), "response": response_json(&e.response) })
}

impl Report {
    /// Whether the browser model lets the page read the response.
    pub fn allowed(&self) -> bool {
        matches!(self.findings.verdict, Verdict::Allowed)
    }

    /// The `--json` object.
    pub fn to_json(&self) -> Value {
        let (blocked_at, reason) = match &self.findings.verdict {
            Verdict::Allowed => (None, None),
            Verdict::Blocked { at, blocked } => (Some(at.name()), Some(blocked.to_string())),
        };
        let made_up = match &self.findings.made_up {
            Ok(m) => json!({
                "origin": MADE_UP_ORIGIN,
                "granted": m.granted,
                "origin_granted": m.origin_granted,
                "exchange": exchange_json(&self.url, &m.exchange),
            }),
            Err(e) => json!({ "origin": MADE_UP_ORIGIN, "error": e }),
        };
        json!({
            "url": self.url,
            "origin": self.origin,
            "method": self.method,
            "credentials": self.credentials,
            "notes": self.notes,
            "exchanges": self.findings.exchanges.iter().map(|e| exchange_json(&self.url, e)).collect::<Vec<_>>(),
            "verdict": if self.allowed() { "allowed" } else { "blocked" },
            "blocked_at": blocked_at,
            "reason": reason,
            "console": self.console,
            "standard": self.findings.standard.as_ref().map(|b| json!({
                "verdict": "blocked",
                "blocked_at": "preflight",
                "reason": b.to_string(),
                "console": b.console_message(&self.url, &self.origin),
            })),
            "fix": self.fix,
            "warnings": self.warnings.iter().map(|w| json!({ "code": w.code, "message": w.message })).collect::<Vec<_>>(),
            "made_up_origin": made_up,
        })
    }

    /// The text output, in order: exchanges, verdict, console message, fix, warnings.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mode = if self.credentials { "include" } else { "omit" };
        out.push_str(&format!(
            "fetch({:?}, {{ method: {:?}, credentials: '{mode}' }}) from {}\n",
            self.url, self.method, self.origin
        ));
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        for e in &self.findings.exchanges {
            out.push('\n');
            write_exchange(&mut out, e);
        }
        out.push('\n');
        match &self.findings.verdict {
            Verdict::Allowed if self.findings.standard.is_some() => out.push_str(
                "verdict: allowed by today's browsers (stock Chromium, Firefox, Safari); blocked by the Fetch standard\n",
            ),
            Verdict::Allowed => out.push_str("verdict: allowed (the page can read the response)\n"),
            Verdict::Blocked { at, .. } => out.push_str(&format!("verdict: blocked at the {}\n", at.name())),
        }
        if let Some(console) = &self.console {
            out.push_str(&format!("console: {console}\n"));
        }
        if let Some(fix) = &self.fix {
            out.push_str(&format!("fix: {fix}\n"));
        }
        if let Some(blocked) = &self.findings.standard {
            out.push_str(&format!(
                "standard: the Fetch standard (and Chromium with CorsNonWildcardRequestHeadersSupport) blocks it at the preflight: {}\n",
                blocked.console_message(&self.url, &self.origin)
            ));
        }
        if let Ok(m) = &self.findings.made_up {
            out.push_str(&format!(
                "made-up origin: {MADE_UP_ORIGIN} {} ({} {})\n",
                match (m.granted, m.origin_granted) {
                    (true, _) => "is granted too",
                    (false, true) => "has its origin granted, but is blocked for another reason",
                    (false, false) => "is refused",
                },
                m.exchange.step.name(),
                m.exchange.response.status
            ));
        }
        for w in &self.warnings {
            out.push_str(&format!("warning[{}]: {}\n", w.code, w.message));
        }
        out
    }
}

fn write_exchange(out: &mut String, e: &Exchange) {
    out.push_str(&format!("> {} {}  ({})\n", e.request.method, e.request.path, e.step.name()));
    for (n, v) in &e.request.headers {
        out.push_str(&format!(">   {n}: {}\n", text(v)));
    }
    out.push_str(&format!("< {}\n", e.response.status));
    let mut any = false;
    for (n, v) in e.response.headers.iter().filter(|(n, _)| relevant(n)) {
        out.push_str(&format!("<   {n}: {}\n", text(v)));
        any = true;
    }
    if !any {
        out.push_str("<   (no CORS header, no Vary)\n");
    }
}
