//! # cors-bench
//!
//! The in-process cost of one request through each framework, to a trivial handler, three ways:
//! without any CORS middleware (`bare`), with this project's adapter (`ours`), and with the
//! established CORS crate of that framework (`peer`) configured with the same policy as far as it
//! can express it. One module per framework builds the three apps; the bench targets
//! (`benches/axum.rs`, `benches/actix.rs`, ...) time them with criterion, and
//! `benches/allocations.rs` counts the heap allocations of each request with `dhat`.
//!
//! Run everything, with one table at the end: `cargo xtask bench [--quick]`.
//!
//! The policy everywhere: origin `https://app.example.com` (or 10,000 origins, that one last);
//! methods GET, POST, PUT; the ten request headers of [`spec::TEN_HEADERS`]; credentials; exposed
//! header `x-total-count`; max-age 600 s.
#![forbid(unsafe_code)]

use std::future::Future;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub mod actix;
pub mod axum;
pub mod rocket;
pub mod warp;

/// The decision benchmark's cases (`cors-core/benches/decision/cases.rs`), shared so that the
/// allocation counts are of exactly what is timed, and the policy the adapters are given.
#[path = "../../../cors-core/benches/decision/cases.rs"]
pub mod spec;

/// Which middleware a request goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// No CORS middleware at all.
    Bare,
    /// This project's adapter.
    Ours,
    /// The established crate for the framework.
    Peer,
}

impl Variant {
    /// All three, in table order.
    pub const ALL: [Variant; 3] = [Variant::Bare, Variant::Ours, Variant::Peer];

    /// The name used in benchmark ids and in `allocations.json`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Bare => "bare",
            Variant::Ours => "ours",
            Variant::Peer => "peer",
        }
    }
}

/// One kind of request, sent to `/data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `GET` from the allowed origin.
    SimpleGet,
    /// `OPTIONS` from the allowed origin asking for `PUT` and `content-type`.
    Preflight,
    /// `GET` from an origin the policy does not list.
    Refused,
    /// `GET` without `Origin`.
    NoOrigin,
    /// The preflight, asking for 1 MiB of commas as `Access-Control-Request-Headers`.
    Commas,
    /// `GET` from the allowed origin, listed last of 10,000.
    SimpleGetLarge,
    /// `GET` from an origin not among 10,000 listed.
    RefusedLarge,
    /// [`Case::SimpleGet`] through a layer given a `ReloadablePolicy` (peer: the plain `Policy`).
    SimpleGetReloadable,
    /// [`Case::Preflight`] through a layer given a `ReloadablePolicy` (peer: the plain `Policy`).
    PreflightReloadable,
    /// [`Case::SimpleGet`] to `/api/data`, answered by a per-route layer inside an outer one
    /// (peer: one layer around the same routes).
    SimpleGetNested,
    /// [`Case::Preflight`] to `/api/data`, answered by a per-route layer inside an outer one.
    PreflightNested,
}

impl Case {
    /// The cases run on every framework.
    pub const COMMON: &'static [Case] =
        &[Case::SimpleGet, Case::Preflight, Case::Refused, Case::NoOrigin, Case::Commas];
    /// The common cases and the two with 10,000 origins (axum and tower-http).
    pub const WITH_LARGE: &'static [Case] = &[
        Case::SimpleGet,
        Case::Preflight,
        Case::Refused,
        Case::NoOrigin,
        Case::Commas,
        Case::SimpleGetLarge,
        Case::RefusedLarge,
    ];

    /// The cases of the policy-source comparison (axum only): ours is a `ReloadablePolicy` or a
    /// nested per-route layer, peer the same adapter with one plain `Policy`.
    pub const POLICIES: &'static [Case] =
        &[Case::SimpleGetReloadable, Case::PreflightReloadable, Case::SimpleGetNested, Case::PreflightNested];

    /// The name used in benchmark ids and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Case::SimpleGetReloadable => "simple GET, reloadable policy",
            Case::PreflightReloadable => "preflight, reloadable policy",
            Case::SimpleGetNested => "simple GET, per-route policy",
            Case::PreflightNested => "preflight, per-route policy",
            Case::SimpleGet => "simple GET",
            Case::Preflight => "preflight",
            Case::Refused => "refused origin",
            Case::NoOrigin => "no origin",
            Case::Commas => "preflight, 1 MiB of commas",
            Case::SimpleGetLarge => "simple GET, 10000 origins",
            Case::RefusedLarge => "refused origin, 10000 origins",
        }
    }

    /// Whether the apps with 10,000 listed origins serve this case.
    pub fn large(self) -> bool {
        matches!(self, Case::SimpleGetLarge | Case::RefusedLarge)
    }

    /// The plain case this one varies (itself for the plain cases).
    pub fn base(self) -> Case {
        match self {
            Case::SimpleGetReloadable | Case::SimpleGetNested => Case::SimpleGet,
            Case::PreflightReloadable | Case::PreflightNested => Case::Preflight,
            other => other,
        }
    }

    /// Whether the request goes to the nested routes, `/api/data`.
    pub fn nested(self) -> bool {
        matches!(self, Case::SimpleGetNested | Case::PreflightNested)
    }

    /// The request path.
    pub fn path(self) -> &'static str {
        if self.nested() {
            "/api/data"
        } else {
            "/data"
        }
    }

    /// The method.
    pub fn method(self) -> &'static str {
        match self.base() {
            Case::Preflight | Case::Commas => "OPTIONS",
            _ => "GET",
        }
    }

    /// The request headers, as (lowercase name, value).
    pub fn headers(self) -> Vec<(&'static str, &'static str)> {
        const ORIGIN: &str = "origin";
        const ACRM: &str = "access-control-request-method";
        const ACRH: &str = "access-control-request-headers";
        match self.base() {
            Case::SimpleGet | Case::SimpleGetLarge => vec![(ORIGIN, spec::APP)],
            Case::Preflight => vec![(ORIGIN, spec::APP), (ACRM, "PUT"), (ACRH, "content-type")],
            Case::Refused | Case::RefusedLarge => vec![(ORIGIN, spec::EVIL)],
            Case::NoOrigin => vec![],
            Case::Commas => vec![(ORIGIN, spec::APP), (ACRM, "PUT"), (ACRH, commas())],
            _ => unreachable!("base() is a plain case"),
        }
    }

    /// Whether a CORS middleware must let the page read the answer (`Access-Control-Allow-Origin`
    /// present), must not, or either.
    pub fn expects_allow_origin(self) -> Option<bool> {
        match self.base() {
            Case::SimpleGet | Case::SimpleGetLarge | Case::Preflight => Some(true),
            Case::Refused | Case::RefusedLarge | Case::NoOrigin => Some(false),
            Case::Commas => None,
            _ => unreachable!("base() is a plain case"),
        }
    }
}

/// 1 MiB of commas, made once.
pub fn commas() -> &'static str {
    static COMMAS: OnceLock<String> = OnceLock::new();
    COMMAS.get_or_init(|| ",".repeat(1 << 20))
}

/// The exact origins the apps list: 1 or 10,000, [`spec::APP`] last.
pub fn origins(large: bool) -> Vec<String> {
    spec::exact_origins(if large { 10_000 } else { 1 })
}

/// One prebuilt request template per case.
pub struct Templates<T>(Vec<(Case, T)>);

impl<T> Templates<T> {
    /// A template for each of `cases`.
    pub fn new(cases: &[Case], make: impl Fn(Case) -> T) -> Templates<T> {
        Templates(cases.iter().map(|&case| (case, make(case))).collect())
    }

    /// The template of `case`.
    pub fn get(&self, case: Case) -> &T {
        &self.0.iter().find(|(c, _)| *c == case).expect("a template for every case").1
    }
}

/// Apps, one alive at a time: each is built when first asked for (in the warm-up of its case),
/// after the previous one is dropped. A CORS layer's services know from the layers alive when they
/// are built whether one may be inside them (`cors_core::BuildOrder`): each app with this crate's
/// layers is measured as it runs alone in a server's process. The other variants go through one
/// too, so that every request pays for the same lookup (a `RefCell` borrow and an `Rc` clone).
pub struct OneAtATime<K, A> {
    build: Box<dyn Fn(K) -> A>,
    current: std::cell::RefCell<Option<(K, std::rc::Rc<A>)>>,
}

impl<K: Copy + PartialEq, A> OneAtATime<K, A> {
    /// Apps made by `build`, by key.
    pub fn new(build: impl Fn(K) -> A + 'static) -> Self {
        OneAtATime { build: Box::new(build), current: std::cell::RefCell::new(None) }
    }

    /// The app for `key`: the current one, or a new one once the current one is dropped.
    pub fn get(&self, key: K) -> std::rc::Rc<A> {
        let mut current = self.current.borrow_mut();
        match &*current {
            Some((k, app)) if *k == key => std::rc::Rc::clone(app),
            _ => {
                *current = None;
                let app = std::rc::Rc::new((self.build)(key));
                *current = Some((key, std::rc::Rc::clone(&app)));
                app
            }
        }
    }
}

/// What came back: enough to check that a middleware did its job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The response status.
    pub status: u16,
    /// Whether the response has `Access-Control-Allow-Origin`.
    pub allow_origin: bool,
}

/// Something that runs a future to completion on the current thread.
pub trait Exec {
    /// Runs `future` to completion.
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T;
}

impl Exec for tokio::runtime::Runtime {
    fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        tokio::runtime::Runtime::block_on(self, future)
    }
}

/// A single-threaded tokio runtime, as every framework but actix uses here.
pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

/// One framework's three apps, behind one interface.
pub trait Framework {
    /// The framework's name: the first part of every benchmark id.
    fn name(&self) -> &'static str;
    /// The name of the established crate compared with.
    fn peer(&self) -> &'static str;
    /// The cases to run.
    fn cases(&self) -> &'static [Case];
    /// Sends `n` requests of `case` through `variant`, one after the other, on one thread;
    /// returns the time they took, each request built, answered and dropped.
    fn run(&self, variant: Variant, case: Case, n: u64) -> Duration;
    /// Sends one request and reports what came back.
    fn probe(&self, variant: Variant, case: Case) -> Outcome;
}

/// A [`Framework`] from an executor and one async closure per variant.
pub struct Harness<E, B, O, P> {
    name: &'static str,
    peer: &'static str,
    cases: &'static [Case],
    exec: E,
    bare: B,
    ours: O,
    peer_app: P,
}

impl<E, B, O, P> Harness<E, B, O, P>
where
    E: Exec,
    B: AsyncFn(Case) -> Outcome,
    O: AsyncFn(Case) -> Outcome,
    P: AsyncFn(Case) -> Outcome,
{
    /// Each closure sends one request of the given case through its app.
    pub fn new(
        name: &'static str,
        peer: &'static str,
        cases: &'static [Case],
        exec: E,
        bare: B,
        ours: O,
        peer_app: P,
    ) -> Self {
        Harness { name, peer, cases, exec, bare, ours, peer_app }
    }
}

fn timed<E: Exec, F: AsyncFn(Case) -> Outcome>(exec: &E, call: &F, case: Case, n: u64) -> Duration {
    exec.block_on(async {
        let start = Instant::now();
        for _ in 0..n {
            black_box(call(black_box(case)).await);
        }
        start.elapsed()
    })
}

impl<E, B, O, P> Framework for Harness<E, B, O, P>
where
    E: Exec,
    B: AsyncFn(Case) -> Outcome,
    O: AsyncFn(Case) -> Outcome,
    P: AsyncFn(Case) -> Outcome,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn peer(&self) -> &'static str {
        self.peer
    }

    fn cases(&self) -> &'static [Case] {
        self.cases
    }

    fn run(&self, variant: Variant, case: Case, n: u64) -> Duration {
        match variant {
            Variant::Bare => timed(&self.exec, &self.bare, case, n),
            Variant::Ours => timed(&self.exec, &self.ours, case, n),
            Variant::Peer => timed(&self.exec, &self.peer_app, case, n),
        }
    }

    fn probe(&self, variant: Variant, case: Case) -> Outcome {
        match variant {
            Variant::Bare => self.exec.block_on((self.bare)(case)),
            Variant::Ours => self.exec.block_on((self.ours)(case)),
            Variant::Peer => self.exec.block_on((self.peer_app)(case)),
        }
    }
}

/// Checks each variant's answer to each case: a CORS middleware must allow what the policy allows
/// and nothing else. Returns one line per surprise (empty when all is as expected).
pub fn check(framework: &dyn Framework) -> Vec<String> {
    let mut surprises = Vec::new();
    for &case in framework.cases() {
        for variant in [Variant::Ours, Variant::Peer] {
            let outcome = framework.probe(variant, case);
            if let Some(expected) = case.expects_allow_origin() {
                if outcome.allow_origin != expected {
                    let name = if variant == Variant::Ours { "ours" } else { framework.peer() };
                    surprises.push(format!(
                        "{}/{}: {name} answered {} {} Access-Control-Allow-Origin",
                        framework.name(),
                        case.name(),
                        outcome.status,
                        if outcome.allow_origin { "with" } else { "without" }
                    ));
                }
            }
        }
    }
    surprises
}

/// Where the bench binaries put what criterion does not measure (allocation counts):
/// `<target>/cors-bench/`.
pub fn output_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("cors-bench")
}

/// The frameworks' names, in table order (axum twice: against tower-http, and its policy
/// sources), for building one at a time with [`framework`]: built together, a set's layers
/// would see another set's alive (`cors_core::BuildOrder`).
pub const FRAMEWORK_NAMES: [&str; 5] = ["axum", "axum-policies", "actix", "rocket", "warp"];

/// One of [`FRAMEWORK_NAMES`], built alone.
pub fn framework(name: &str) -> Option<Box<dyn Framework>> {
    Some(match name {
        "axum" => Box::new(axum::harness()),
        "axum-policies" => Box::new(axum::policies_harness()),
        "actix" => Box::new(actix::harness()),
        "rocket" => Box::new(rocket::harness()),
        "warp" => Box::new(warp::harness()),
        _ => return None,
    })
}
