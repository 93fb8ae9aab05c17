//! Every fetch of `cors-core/conformance/fetches.toml`, played in process through the conformance app with
//! `cors_axum::testing`, gives what Chromium did in `cargo xtask conformance --browser`: the
//! standard-mode expectations under the standard's rules, the `stock` ones under the shipping
//! browsers'.

use cors_axum::testing::{self as aid, fetch, FetchOutcome, Rules};
use cors_core::conformance::fetches::{self, Credentials, Expect, Fetch, Outcome, ORIGIN_KEYS};

/// The page origins of the browser run, by the data file's keys ([`ORIGIN_KEYS`]), and whether
/// the `credentialed` policy allows them.
const PAGES: [(&str, &str, bool); 4] = [
    ("localhost", "http://localhost:18998", true),
    ("ip", "http://127.0.0.1:18998", false),
    ("subdomain", "https://a.b.example.org", true),
    ("apex", "https://example.org", false),
];

/// Where the conformance server listens in the browser run.
const SERVER: &str = "http://127.0.0.1:18999";

/// One call of `fetch` as the test aid makes it: the fetch, from `origin`, numbered.
fn call(data: &Fetch, origin: &str, number: usize) -> aid::Fetch {
    let mut call = aid::Fetch::new(origin, &data.method, format!("{}?call={number}", data.path))
        .server(SERVER)
        .credentials(data.credentials == Credentials::Include);
    for (name, value) in &data.headers {
        call = call.header(name.clone(), value);
    }
    if let Some(body) = &data.body {
        call = call.body(body.clone());
    }
    call
}

/// Where one attempt's outcome departs from the expectation.
fn compare(expect: &Expect, outcome: &FetchOutcome) -> Vec<String> {
    let mut out = Vec::new();
    let got = if outcome.is_allowed() { Outcome::Allowed } else { Outcome::Blocked };
    if got != expect.outcome {
        out.push(format!("expected {}, got {outcome}", expect.outcome.as_str()));
        return out;
    }
    if let (Some(want), Some(status)) = (&expect.status, outcome.status()) {
        if !want.accepts(status) {
            out.push(format!("expected status {want}, script reads {status}"));
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
    let list = fetches::load().unwrap_or_else(|e| panic!("{e}"));
    assert!(list.len() >= 25, "only {} fetches", list.len());
    assert!(PAGES.iter().map(|p| p.0).eq(ORIGIN_KEYS), "the page origins are the data file's");
    let policies = cors_core::conformance::policies();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut number = 0;
    for data in &list {
        let config = policies.get(&data.policy).unwrap_or_else(|| panic!("{}: no policy {}", data.name, data.policy));
        let policy = config.clone().build().unwrap_or_else(|e| panic!("{}: {e}", data.policy));
        let app = example_axum::app(policy);
        for (key, origin, allowed) in PAGES {
            number += 1;
            let call = call(data, origin, number);
            let mut attempts = Vec::new();
            for _ in 0..data.repeat {
                attempts.push(fetch(app.clone(), &call).await.unwrap_or_else(|e| panic!("{}: {e}", data.name)));
            }
            for rules in Rules::ALL {
                let expect = data.expect("axum", key, allowed, rules);
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
    assert_eq!(checked, list.len() * PAGES.len() * 2);
}
