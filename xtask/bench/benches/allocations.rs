//! Heap allocations per request, counted with `dhat`'s global allocator in testing mode (a
//! counting allocator without `unsafe` of ours, as in `cors-core/tests/allocations.rs`): of
//! `Policy::decide` on the decision benchmark's requests, and of one request through each
//! framework without CORS middleware, with our adapter and with the established crate.
//!
//! Its own binary, so the timed benchmarks run on the system allocator untouched. Writes
//! `target/cors-bench/allocations.json`, which `cargo xtask bench` reads for its table. Arguments
//! (criterion's, passed by `cargo bench`) are ignored.

use std::hint::black_box;

use cors_bench::{spec, Framework, Variant};
use cors_core::{PolicySource, ReloadablePolicy};
use serde_json::{json, Value};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Requests sent before counting (lazy initialisation, caches) and counted.
const WARM_UP: u64 = 5;
const COUNTED: u64 = 20;

/// Blocks and bytes allocated per call of `f`, over `COUNTED` calls (what `f` returns dropped).
fn per_call<T>(mut f: impl FnMut() -> T) -> (f64, f64) {
    for _ in 0..WARM_UP {
        drop(black_box(f()));
    }
    let before = dhat::HeapStats::get();
    for _ in 0..COUNTED {
        drop(black_box(f()));
    }
    let after = dhat::HeapStats::get();
    let per = |a: u64, b: u64| (a - b) as f64 / COUNTED as f64;
    (per(after.total_blocks, before.total_blocks), per(after.total_bytes, before.total_bytes))
}

fn decision() -> Vec<Value> {
    let mut rows = Vec::new();
    for set in spec::origin_sets() {
        for (name, request) in spec::requests(set.allowed) {
            let (blocks, bytes) = per_call(|| set.policy.decide(black_box(&request)).into_action());
            rows.push(json!({ "case": name, "config": set.name, "blocks": blocks, "bytes": bytes }));
        }
    }
    let one = spec::origin_sets().swap_remove(0).policy;
    for (config, request) in
        [("10 headers", spec::preflight_ten_headers()), ("1 MiB of commas", spec::preflight_commas())]
    {
        let (blocks, bytes) = per_call(|| one.decide(black_box(&request)).into_action());
        rows.push(json!({ "case": "preflight", "config": config, "blocks": blocks, "bytes": bytes }));
    }
    // What adapters call: the decision owned, and the policy taken from a PolicySource.
    let preflight = spec::requests(spec::APP).swap_remove(0).1;
    let actual = spec::requests(spec::APP).swap_remove(1).1;
    let ten = spec::preflight_ten_headers();
    for (name, request) in [("preflight", &preflight), ("actual", &actual), ("preflight, 10 headers", &ten)] {
        let (blocks, bytes) = per_call(|| one.decide_deferred(black_box(request)));
        rows.push(
            json!({ "case": format!("deferred/{name}"), "config": "1 origin", "blocks": blocks, "bytes": bytes }),
        );
    }
    let fixed = PolicySource::from(one.clone());
    let live = PolicySource::from(ReloadablePolicy::new(one.clone()));
    for (name, source) in [("fixed", &fixed), ("reloadable", &live)] {
        let (blocks, bytes) = per_call(|| source.current().decide_deferred(black_box(&actual)));
        rows.push(json!({ "case": format!("source/{name}"), "config": "actual", "blocks": blocks, "bytes": bytes }));
    }
    rows
}

fn framework(framework: &dyn Framework, rows: &mut Vec<Value>) {
    for &case in framework.cases() {
        for variant in Variant::ALL {
            let (blocks, bytes) = per_call(|| framework.run(variant, case, 1));
            let outcome = framework.probe(variant, case);
            rows.push(json!({
                "framework": framework.name(),
                "peer": framework.peer(),
                "case": case.name(),
                "variant": variant.name(),
                "blocks": blocks,
                "bytes": bytes,
                "status": outcome.status,
                "allow_origin": outcome.allow_origin,
            }));
        }
    }
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let decision = decision();
    let mut rows = Vec::new();
    let mut surprises = Vec::new();
    // One framework's apps at a time, as in the other benches: a layer knows from the layers
    // built and alive beside it whether one may be around or inside it (`cors_core::BuildOrder`),
    // and another framework's apps, built or dropped meanwhile, would change what it does.
    for name in cors_bench::FRAMEWORK_NAMES {
        let harness = cors_bench::framework(name).expect("a known framework");
        surprises.extend(cors_bench::check(harness.as_ref()));
        framework(harness.as_ref(), &mut rows);
        eprintln!("allocations: {} counted", harness.name());
    }
    for surprise in &surprises {
        eprintln!("warning: {surprise}");
    }
    let report =
        json!({ "counted_requests": COUNTED, "decision": decision, "frameworks": rows, "surprises": surprises });
    let dir = cors_bench::output_dir();
    std::fs::create_dir_all(&dir).expect("create target/cors-bench");
    let path = dir.join("allocations.json");
    let text = serde_json::to_string_pretty(&report).expect("serialisable");
    std::fs::write(&path, text).expect("write allocations.json");
    eprintln!("allocations: wrote {}", path.display());
}
