//! The shared conformance suite: cases as data (TOML files in `cors-core/conformance/`), the
//! judge (the [browser model](crate::browser) plus what a correct server must do that a browser does
//! not check), and an in-process runner that an adapter drives through its framework's test client.
//!
//! ```no_run
//! # async fn demo() {
//! use cors_core::conformance::{run_in_process, RawRequest, RawResponse};
//! let report = run_in_process(|policy, request: RawRequest| async move {
//!     // build the framework's app with `policy`, send `request`, convert the response
//!     # let _ = (policy, request);
//!     RawResponse { status: 200, headers: vec![], body: b"ok".to_vec() }
//! })
//! .await;
//! report.assert_passed();
//! # }
//! ```

mod case;
mod dynamic;
pub mod fetches;
mod judge;
mod raw;
mod report;
mod server;

use std::future::Future;

pub use case::{cases, policies, BrowserExpectation, Case, CaseRoute, Expected, Level, Outcome};
pub use dynamic::{origin_checks, OriginCheckSpec, ReloadStep, RELOADED, RELOAD_REFUSED};
pub use judge::judge;
pub use raw::{RawRequest, RawResponse};
pub use report::{CaseResult, Report};
pub use server::{load_policy, LivePolicies, ServerArgs};

use crate::Policy;

/// Runs every case with one policy: for each, builds the case's policy and hands it with the raw
/// request to `call`, which answers through the adapter under test; then judges the answer. Cases
/// with `follow_up` also send a plain `GET /data` afterwards and expect it served. Cases with
/// per-route policies are [`run_routes_in_process`]'s.
pub async fn run_in_process<F, Fut>(mut call: F) -> Report
where
    F: FnMut(Policy, RawRequest) -> Fut,
    Fut: Future<Output = RawResponse>,
{
    let mut results = Vec::new();
    for case in cases().into_iter().filter(|c| c.routes.is_empty() && c.reload.is_empty()) {
        let policy = match case.build_policy() {
            Ok(p) => p,
            Err(e) => {
                results.push(CaseResult::new(&case, vec![format!("the case's policy does not build: {e}")], None));
                continue;
            }
        };
        let mut response = call(policy.clone(), case.request.clone()).await;
        // On the wire a HEAD answer has no body whatever the handler wrote; in process, some
        // frameworks leave that to the HTTP server.
        if case.request.method == "HEAD" {
            response.body.clear();
        }
        let mut failures = judge(&case, &response);
        if case.follow_up {
            let next = call(policy, RawRequest::follow_up()).await;
            if next.status != 200 {
                failures.push(format!("the next request after this one was answered {} instead of 200", next.status));
            }
        }
        results.push(CaseResult::new(&case, failures, Some(response)));
    }
    // The attack corpus once more, against a policy that allows the same origins through a
    // predicate: a predicate sees only well-formed origins, so no look-alike reaches it.
    let predicate = predicate_policy();
    for case in cases().into_iter().filter(|c| c.file == "lookalikes.toml") {
        let response = call(predicate.clone(), case.request.clone()).await;
        let failures = judge(&case, &response);
        let mut result = CaseResult::new(&case, failures, Some(response));
        result.name.push_str(" [predicate policy]");
        results.push(result);
    }
    Report::new(results)
}

/// Runs the cases of an application with per-route policies (`routes` in the case, `--route` on
/// the servers): `call` builds the conformance server's app from the table (the default policy,
/// and each prefix's, with the usual routes under each prefix too) and answers through it.
///
/// ```no_run
/// # async fn demo() {
/// use cors_core::conformance::{run_routes_in_process, RawRequest, RawResponse};
/// let report = run_routes_in_process(|table: cors_core::RoutePolicies, request: RawRequest| async move {
///     # let _ = (table, request);
///     RawResponse { status: 200, headers: vec![], body: b"ok".to_vec() }
/// })
/// .await;
/// report.assert_passed();
/// # }
/// ```
pub async fn run_routes_in_process<F, Fut>(mut call: F) -> Report
where
    F: FnMut(crate::RoutePolicies, RawRequest) -> Fut,
    Fut: Future<Output = RawResponse>,
{
    let mut results = Vec::new();
    for case in cases().into_iter().filter(|c| !c.routes.is_empty()) {
        let table = match case.route_policies() {
            Ok(t) => t,
            Err(e) => {
                results.push(CaseResult::new(&case, vec![format!("the case's policies do not build: {e}")], None));
                continue;
            }
        };
        let mut response = call(table.clone(), case.request.clone()).await;
        if case.request.method == "HEAD" {
            response.body.clear();
        }
        let mut failures = judge(&case, &response);
        if case.follow_up {
            let next = call(table, RawRequest::follow_up()).await;
            if next.status != 200 {
                failures.push(format!("the next request after this one was answered {} instead of 200", next.status));
            }
        }
        results.push(CaseResult::new(&case, failures, Some(response)));
    }
    Report::new(results)
}

/// Runs the cases that reload the policy before their request (`reload` in the case, `SIGHUP` on
/// the servers): for each, a [`ReloadablePolicy`](crate::ReloadablePolicy) starts with the case's
/// policy and takes each step as a server would (a step with a mistake must be refused and leave
/// the running policy); `call` builds the app with the handle, once, before the reloads, and
/// answers the request through it.
///
/// ```no_run
/// # async fn demo() {
/// use cors_core::conformance::{run_reload_in_process, RawRequest, RawResponse};
/// let report = run_reload_in_process(|live: cors_core::ReloadablePolicy| {
///     // build the app with `live` here (it is cloned into each request below), then:
///     move |request: RawRequest| {
///         let app = live.clone();
///         async move {
///             # let _ = (app, request);
///             RawResponse { status: 200, headers: vec![], body: b"ok".to_vec() }
///         }
///     }
/// })
/// .await;
/// report.assert_passed();
/// # }
/// ```
pub async fn run_reload_in_process<B, C, Fut>(mut build: B) -> Report
where
    B: FnMut(crate::ReloadablePolicy) -> C,
    C: FnMut(RawRequest) -> Fut,
    Fut: Future<Output = RawResponse>,
{
    let mut results = Vec::new();
    for case in cases().into_iter().filter(|c| !c.reload.is_empty()) {
        let start = match case.build_policy() {
            Ok(p) => p,
            Err(e) => {
                results.push(CaseResult::new(&case, vec![format!("the case's policy does not build: {e}")], None));
                continue;
            }
        };
        let live = crate::ReloadablePolicy::new(start);
        let mut call = build(live.clone());
        let mut failures = Vec::new();
        for step in &case.reload {
            let taken = match step {
                ReloadStep::Policy { config, .. } => case.build(config).map(|p| {
                    live.replace(p);
                }),
                // What a server does with the file: parse, then build; either may fail.
                ReloadStep::Unparsable | ReloadStep::Mistake => {
                    toml::from_str::<crate::PolicyConfig>(&step.file_text())
                        .map_err(|e| e.to_string())
                        .and_then(|c| case.build(&c).map(|p| drop(live.replace(p))))
                }
            };
            if taken.is_ok() != step.takes_effect() {
                failures.push(format!("reload step {step:?}: taken {}, expected the opposite", taken.is_ok()));
            }
        }
        let mut response = call(case.request.clone()).await;
        if case.request.method == "HEAD" {
            response.body.clear();
        }
        failures.extend(judge(&case, &response));
        results.push(CaseResult::new(&case, failures, Some(response)));
    }
    Report::new(results)
}

/// The `credentialed` policy's origins written as a predicate instead of a list and a pattern;
/// runs the attack corpus in process (a predicate cannot be written in a configuration file).
pub fn predicate_policy() -> Policy {
    let mut config = policies().remove("credentialed").unwrap_or_default();
    config.allow_origins.clear();
    config
        .into_builder()
        .allow_origin_predicate(|o| {
            let https = o.scheme() == "https" && o.port().is_none();
            let listed = matches!(o.host(), "app.example.com" | "example.org") || o.host().ends_with(".example.org");
            https && listed
        })
        .build()
        .unwrap_or_else(|e| panic!("the predicate policy: {e}"))
}
