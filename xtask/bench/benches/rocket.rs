//! rocket: a request without CORS middleware, through `cors-rocket`, and through `rocket_cors`.
//! Run with `cargo bench -p cors-bench --bench rocket`, or everything: `cargo xtask bench`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    common::run(c, &cors_bench::rocket::harness());
}

criterion_group!(benches, bench);
criterion_main!(benches);
