//! One framework, one variant, one case, N requests in a loop: a target for a profiler.
//!
//! ```text
//! cargo build --release -p cors-bench --example profile
//! valgrind --tool=callgrind target/release/examples/profile warp ours "simple GET" 10000
//! ```

use cors_bench::{Case, Framework, Variant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: profile FRAMEWORK bare|ours|peer CASE [N]";
    let [framework, variant, case, rest @ ..] = args.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let n: u64 = rest.first().map_or(Ok(10_000), |n| n.parse()).expect("N is a number");
    let variant = Variant::ALL.into_iter().find(|v| v.name() == variant).expect(usage);
    let case = Case::WITH_LARGE.iter().copied().find(|c| c.name() == case).expect(usage);
    let harness: Box<dyn Framework> = cors_bench::framework(framework).expect(usage);
    let elapsed = harness.run(variant, case, n);
    println!("{framework} {} {}: {:?} per request", variant.name(), case.name(), elapsed / n as u32);
}
