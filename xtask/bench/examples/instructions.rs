//! Instructions per request, under callgrind: what `cargo xtask bench --instructions` runs.
//!
//! ```text
//! cargo build --profile bench -p cors-bench --example instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*cors_bench_measured*' \
//!     --dump-after='*cors_bench_measured*' --callgrind-out-file=cg.out \
//!     target/release/examples/instructions axum
//! ```
//!
//! Callgrind counts only inside [`cors_bench_measured`] (`--toggle-collect`) and writes one dump
//! each time it returns (`--dump-after`); no client requests are compiled in. Every measurement
//! is a warm-up outside the marker, then `n` requests inside it, then `2n`: the difference over
//! `n` is the cost of one request, without the loop's setup (the executor's `block_on`, first-call
//! initialisation). Standard output lists, in dump order, `LABEL\tn` for each marker call, where
//! `LABEL` is the benchmark id criterion uses (`decision/actual/1 origin`, `axum/simple GET/ours`).
//!
//! To profile one case: `CORS_BENCH_ONLY='decision/preflight/1 origin' valgrind --tool=callgrind
//! --collect-atstart=no --toggle-collect=instructions::cors_bench_measured ... decision`, then
//! `callgrind_annotate`.
//!
//! Arguments: `decision` or a framework name (`axum`, `axum-policies`, `actix`, `rocket`,
//! `warp`), several allowed; `--list` prints the names.

use std::hint::black_box;

use cors_bench::{spec, Case, Framework, Variant};
use cors_core::{PolicySource, ReloadablePolicy};

/// Requests per measurement (`n`, then `2n`); fewer where a peer takes milliseconds per request.
const N: u64 = 16;
const N_SLOW: u64 = 2;
const WARM_UP: u64 = 3;

/// The only place callgrind counts (`--toggle-collect`); a dump follows each call. Nothing else is
/// named like it, and it defines no closure, so the toggle flips exactly twice per call.
#[inline(never)]
fn cors_bench_measured(work: &mut dyn FnMut()) {
    work();
}

/// Warms `run` up, then measures `n` and `2n` calls, printing the label of each dump. With
/// `CORS_BENCH_ONLY=TEXT` (for profiling one case) only labels containing `TEXT` run.
fn measure(label: &str, n: u64, run: &mut dyn FnMut(u64)) {
    if std::env::var("CORS_BENCH_ONLY").is_ok_and(|only| !label.contains(&only)) {
        return;
    }
    run(WARM_UP);
    for k in [n, 2 * n] {
        cors_bench_measured(&mut || run(k));
        println!("{label}\t{k}");
    }
}

fn decision() {
    let sets = spec::origin_sets();
    for name in ["preflight", "actual", "refused origin", "no origin"] {
        for set in &sets {
            let requests = spec::requests(set.allowed);
            let (_, request) = requests.iter().find(|(n, _)| *n == name).expect("every request is built");
            measure(&format!("decision/{name}/{}", set.name), N, &mut |k| {
                for _ in 0..k {
                    black_box(set.policy.decide(black_box(request)).into_action());
                }
            });
        }
    }
    let one = &sets[0].policy;
    for (config, request) in
        [("10 headers", spec::preflight_ten_headers()), ("1 MiB of commas", spec::preflight_commas())]
    {
        measure(&format!("decision/preflight/{config}"), N, &mut |k| {
            for _ in 0..k {
                black_box(one.decide(black_box(&request)).into_action());
            }
        });
    }
    // What adapters call: the decision, owned, to finish the inner service's response with.
    let preflight = spec::requests(spec::APP).swap_remove(0).1;
    let actual = spec::requests(spec::APP).swap_remove(1).1;
    let ten = spec::preflight_ten_headers();
    for (name, request) in [("preflight", &preflight), ("actual", &actual), ("preflight, 10 headers", &ten)] {
        measure(&format!("deferred/{name}/1 origin"), N, &mut |k| {
            for _ in 0..k {
                black_box(one.decide_deferred(black_box(request)));
            }
        });
    }
    // Where an adapter takes the policy from: a fixed one, or a ReloadablePolicy.
    let fixed = PolicySource::from(one.clone());
    let live = PolicySource::from(ReloadablePolicy::new(one.clone()));
    for (name, source) in [("fixed", &fixed), ("reloadable", &live)] {
        measure(&format!("source/{name}/actual"), N, &mut |k| {
            for _ in 0..k {
                let policy = source.current();
                black_box(policy.decide_deferred(black_box(&actual)));
            }
        });
    }
}

fn framework(framework: &dyn Framework) {
    for &case in framework.cases() {
        let n = if case == Case::Commas { N_SLOW } else { N };
        for variant in Variant::ALL {
            let label = format!("{}/{}/{}", framework.name(), case.name(), variant.name());
            measure(&label, n, &mut |k| {
                black_box(framework.run(variant, case, k));
            });
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names = || {
        let mut names = vec!["decision"];
        names.extend(cors_bench::FRAMEWORK_NAMES);
        names
    };
    if args.iter().any(|a| a == "--list") {
        println!("{}", names().join("\n"));
        return;
    }
    if args.is_empty() {
        eprintln!("usage: instructions decision|FRAMEWORK... | --list");
        std::process::exit(2);
    }
    for arg in &args {
        if arg == "decision" {
            decision();
            continue;
        }
        let Some(harness) = cors_bench::framework(arg) else {
            eprintln!("unknown benchmark set {arg:?}; known: {}", names().join(", "));
            std::process::exit(2);
        };
        framework(harness.as_ref());
    }
}
