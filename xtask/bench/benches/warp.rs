//! warp: a request without CORS middleware, through `cors-warp`, and through `warp::cors()`.
//! Run with `cargo bench -p cors-bench --bench warp`, or everything: `cargo xtask bench`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    common::run(c, &cors_bench::warp::harness());
}

criterion_group!(benches, bench);
criterion_main!(benches);
