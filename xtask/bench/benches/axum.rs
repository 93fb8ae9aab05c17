//! axum: a request without CORS middleware, through `cors-axum`, and through tower-http's `CorsLayer`.
//! Run with `cargo bench -p cors-bench --bench axum`, or everything: `cargo xtask bench`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    common::run(c, &cors_bench::axum::harness());
    common::run(c, &cors_bench::axum::policies_harness());
}

criterion_group!(benches, bench);
criterion_main!(benches);
