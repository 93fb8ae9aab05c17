//! actix: a request without CORS middleware, through `cors-actix`, and through `actix-cors`.
//! Run with `cargo bench -p cors-bench --bench actix`, or everything: `cargo xtask bench`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    common::run(c, &cors_bench::actix::harness());
}

criterion_group!(benches, bench);
criterion_main!(benches);
