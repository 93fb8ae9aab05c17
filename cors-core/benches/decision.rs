//! `Policy::decide` on prebuilt `http::Request`s: allowed preflight, allowed actual request,
//! refused origin and no `Origin`, each with 1, 100 and 10,000 exact origins and with 100 subdomain
//! patterns; a preflight asking for ten headers; a preflight whose `Access-Control-Request-Headers`
//! is 1 MiB of commas.
//!
//! `cargo bench -p cors-core --bench decision`, or all benchmarks with one table:
//! `cargo xtask bench [--quick]`. Allocations are counted by `xtask/bench` (`cors-bench`).

#[path = "decision/cases.rs"]
mod cases;

use std::hint::black_box;

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
}

criterion_group!(benches, decision);
criterion_main!(benches);
