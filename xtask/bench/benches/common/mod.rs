//! The criterion driver shared by the per-framework bench targets.

use cors_bench::{Case, Framework, Variant};
use criterion::{Criterion, SamplingMode};

/// Benchmark ids: `<framework>/<case>` / `bare` | `ours` | `peer`.
pub fn run(c: &mut Criterion, framework: &dyn Framework) {
    for surprise in cors_bench::check(framework) {
        eprintln!("warning: {surprise}");
    }
    for &case in framework.cases() {
        let mut group = c.benchmark_group(format!("{}/{}", framework.name(), case.name()));
        if case == Case::Commas {
            // A peer may take milliseconds here: few samples of equal size keep the run short.
            group.sample_size(10).sampling_mode(SamplingMode::Flat);
        }
        for variant in Variant::ALL {
            group.bench_function(variant.name(), |b| b.iter_custom(|n| framework.run(variant, case, n)));
        }
        group.finish();
    }
}
