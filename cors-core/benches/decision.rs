//! `Policy::decide` on prebuilt `http::Request`s: allowed preflight, allowed actual request,
//! refused origin and no `Origin`, each with 1, 100 and 10,000 exact origins and with 100 subdomain
//! patterns; a preflight asking for ten headers; a preflight whose `Access-Control-Request-Headers`
//! is 1 MiB of commas; `Policy::decide_deferred` (what the adapters call) on a preflight, an
//! actual request and the ten-header preflight; the policy taken from a `PolicySource`, fixed or
//! reloadable.
//!
//! `cargo bench -p cors-core --bench decision`, or all benchmarks with one table:
//! `cargo xtask bench [--quick]`. Allocations are counted by `xtask/bench` (`cors-bench`).

#[path = "decision/cases.rs"]
mod cases;

use std::hint::black_box;

use cors_core::{PolicySource, ReloadablePolicy};
use criterion::{criterion_group, criterion_main, Criterion};

fn decision(c: &mut Criterion) {
    let sets = cases::origin_sets();
    for request_name in ["preflight", "actual", "refused origin", "no origin"] {
        let mut group = c.benchmark_group(format!("decision/{request_name}"));
        for set in &sets {
            let requests = cases::requests(set.allowed);
            let (_, request) = requests.iter().find(|(name, _)| *name == request_name).expect("every request is built");
            group.bench_function(set.name, |b| b.iter(|| black_box(set.policy.decide(black_box(request)))));
        }
        if request_name == "preflight" {
            let one = &sets[0].policy;
            let ten = cases::preflight_ten_headers();
            group.bench_function("10 headers", |b| b.iter(|| black_box(one.decide(black_box(&ten)))));
            let commas = cases::preflight_commas();
            group.bench_function("1 MiB of commas", |b| b.iter(|| black_box(one.decide(black_box(&commas)))));
        }
        group.finish();
    }
    // What adapters call: the decision, owned, to finish the inner service's response with.
    let one = &sets[0].policy;
    let preflight = cases::requests(cases::APP).swap_remove(0).1;
    let actual = cases::requests(cases::APP).swap_remove(1).1;
    let ten = cases::preflight_ten_headers();
    for (name, request) in [("preflight", &preflight), ("actual", &actual), ("preflight, 10 headers", &ten)] {
        let mut group = c.benchmark_group(format!("deferred/{name}"));
        group.bench_function("1 origin", |b| b.iter(|| black_box(one.decide_deferred(black_box(request)))));
        group.finish();
    }
    // Where an adapter takes the policy from: a fixed one, or a ReloadablePolicy.
    let fixed = PolicySource::from(one.clone());
    let live = PolicySource::from(ReloadablePolicy::new(one.clone()));
    for (name, source) in [("fixed", &fixed), ("reloadable", &live)] {
        let mut group = c.benchmark_group(format!("source/{name}"));
        group.bench_function("actual", |b| {
            b.iter(|| {
                let policy = source.current();
                black_box(policy.decide_deferred(black_box(&actual)))
            })
        });
        group.finish();
    }
}

criterion_group!(benches, decision);
criterion_main!(benches);
