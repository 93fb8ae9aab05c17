//! Every fetch of `xtask/browser/fetches.toml`, played in process through the conformance app with
//! `cors_axum::testing`, gives what Chromium did in `cargo xtask conformance --browser`: the
//! standard-mode expectations under the standard's rules, the `stock` ones under the shipping
//! browsers'.

use std::collections::BTreeMap;

use cors_axum::testing::{fetch, Fetch, FetchOutcome, Rules};
use serde::Deserialize;

const FETCHES: &str = include_str!("../../../xtask/browser/fetches.toml");

/// The page origins of the browser run, by the data file's keys, and whether the `credentialed`
/// policy allows them.
const PAGES: [(&str, &str, bool); 4] = [
    ("localhost", "http://localhost:18998", true),
    ("ip", "http://127.0.0.1:18998", false),
    ("subdomain", "https://a.b.example.org", true),
    ("apex", "https://example.org", false),
];

/// Where the conformance server listens in the browser run.
const SERVER: &str = "http://127.0.0.1:18999";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    fetch: Vec<FetchData>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Status {
    One(u16),
    AnyOf(Vec<u16>),
}

impl Status {
    fn accepts(&self, status: u16) -> bool {
        match self {
            Status::One(s) => *s == status,
            Status::AnyOf(list) => list.contains(&status),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: String,
    status: Option<Status>,
    #[serde(default)]
    reads: BTreeMap<String, String>,
    #[serde(default)]
    hidden: Vec<String>,
    console: Option<String>,
    preflights: Option<usize>,
}

/// One fetch, as xtask/src/browser/fetches.rs reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FetchData {
    name: String,
    #[allow(dead_code)]
    about: String,
    policy: String,
    method: String,
    #[serde(default = "data_path")]
    path: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
    body: Option<String>,
    credentials: String,
    #[serde(default = "one")]
    repeat: usize,
    expect: Option<Expect>,
    allowed: Option<Expect>,
    refused: Option<Expect>,
    localhost: Option<Expect>,
    ip: Option<Expect>,
    subdomain: Option<Expect>,
    apex: Option<Expect>,
    #[serde(default)]
    adapters: BTreeMap<String, Expect>,
    stock: Option<Expect>,
}

fn data_path() -> String {
    "/data".to_owned()
}

fn one() -> usize {
    1
}

impl FetchData {
    /// The expectation for one page origin, as the browser run picks it.
    fn expect(&self, key: &str, allowed: bool, rules: Rules) -> &Expect {
        if let Some(stock) = self.stock.as_ref().filter(|_| rules == Rules::ShippingBrowsers) {
            return stock;
        }
        if let Some(e) = self.adapters.get("axum") {
            return e;
        }
        let own = match key {
            "localhost" => self.localhost.as_ref(),
            "ip" => self.ip.as_ref(),
            "subdomain" => self.subdomain.as_ref(),
            _ => self.apex.as_ref(),
        };
        let by_role = if allowed { self.allowed.as_ref() } else { self.refused.as_ref() };
        own.or(by_role).or(self.expect.as_ref()).unwrap_or_else(|| panic!("{}: no expectation", self.name))
    }

    fn call(&self, origin: &str, number: usize) -> Fetch {
        let mut call = Fetch::new(origin, &self.method, format!("{}?call={number}", self.path))
            .server(SERVER)
            .credentials(self.credentials == "include");
        for (name, value) in &self.headers {
            call = call.header(name.clone(), value);
        }
        if let Some(body) = &self.body {
            call = call.body(body.clone());
        }
        call
    }
}

/// Where one attempt's outcome departs from the expectation.
fn compare(expect: &Expect, outcome: &FetchOutcome) -> Vec<String> {
    let mut out = Vec::new();
    let got = if outcome.is_allowed() { "allowed" } else { "blocked" };
    if got != expect.outcome {
        out.push(format!("expected {}, got {outcome}", expect.outcome));
        return out;
    }
    if let (Some(want), Some(status)) = (&expect.status, outcome.status()) {
        if !want.accepts(status) {
            out.push(format!("expected status {want:?}, script reads {status}"));
        }
    }
    for (name, want) in &expect.reads {
        if outcome.header(name).as_deref() != Some(want.as_str()) {
            out.push(format!("expected {name}: {want:?}, script reads {:?}", outcome.header(name)));
        }
    }
    for name in &expect.hidden {
        if let Some(value) = outcome.header(name) {
            out.push(format!("{name} must be hidden, script reads {value:?}"));
        }
    }
    if let Some(want) = &expect.console {
        let message = outcome.console_message().unwrap_or_default();
        if !message.contains(want.as_str()) {
            out.push(format!("expected a console message containing {want:?}, got {message:?}"));
        }
    }
    out
}

#[tokio::test]
async fn every_browser_fetch_gives_what_chromium_did() {
    let file: File = toml::from_str(FETCHES).expect("xtask/browser/fetches.toml parses");
    assert!(file.fetch.len() >= 25, "only {} fetches", file.fetch.len());
    let policies = cors_core::conformance::policies();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut number = 0;
    for data in &file.fetch {
        let config = policies.get(&data.policy).unwrap_or_else(|| panic!("{}: no policy {}", data.name, data.policy));
        let policy = config.clone().build().unwrap_or_else(|e| panic!("{}: {e}", data.policy));
        let app = example_axum::app(policy);
        for (key, origin, allowed) in PAGES {
            number += 1;
            let call = data.call(origin, number);
            let mut attempts = Vec::new();
            for _ in 0..data.repeat {
                attempts.push(fetch(app.clone(), &call).await.unwrap_or_else(|e| panic!("{}: {e}", data.name)));
            }
            for rules in Rules::ALL {
                let expect = data.expect(key, allowed, rules);
                let mut found = Vec::new();
                for (i, attempt) in attempts.iter().enumerate() {
                    found.extend(
                        compare(expect, attempt.under(rules)).into_iter().map(|f| format!("attempt {}: {f}", i + 1)),
                    );
                }
                if let Some(want) = expect.preflights {
                    let got = attempts[0].under(rules).preflights_in(data.repeat);
                    if got != want {
                        found.push(format!(
                            "expected {want} preflight(s) in {} call(s), the model sends {got}",
                            data.repeat
                        ));
                    }
                }
                failures.extend(found.into_iter().map(|f| format!("{} from {origin} ({rules:?}): {f}", data.name)));
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, file.fetch.len() * PAGES.len() * 2);
}
