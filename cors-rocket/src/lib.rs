#![doc = include_str!("../README.md")]
//!
//! # The adapter
//!
//! CORS for Rocket 0.5: a [fairing](rocket::fairing::Fairing) over a [`cors_core::Policy`] (or a
//! [`cors_core::ReloadablePolicy`], replaced while the server runs). Every
//! decision is the core's; this crate only translates Rocket's request and response.
//!
//! ```
//! use cors_core::Policy;
//! use cors_rocket::Cors;
//! use rocket::http::{Header, Method, Status};
//! use rocket::local::blocking::Client;
//!
//! #[rocket::get("/data")]
//! fn data() -> &'static str {
//!     "ok"
//! }
//!
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_methods(["GET", "PUT"])
//!     .allow_credentials(true)
//!     .build()
//!     .expect("a valid policy");
//! let rocket = rocket::build().mount("/", rocket::routes![data]).attach(Cors::new(policy));
//!
//! let client = Client::untracked(rocket).expect("a valid rocket");
//! // A preflight is answered by the fairing, though no route handles OPTIONS /data.
//! let preflight = client
//!     .req(Method::Options, "/data")
//!     .header(Header::new("Origin", "https://app.example.com"))
//!     .header(Header::new("Access-Control-Request-Method", "PUT"))
//!     .dispatch();
//! assert_eq!(preflight.status(), Status::NoContent);
//! assert_eq!(preflight.headers().get_one("access-control-allow-methods"), Some("GET, PUT"));
//!
//! // Every other response, catchers' included, gets the policy's headers.
//! let response = client.get("/data").header(Header::new("Origin", "https://app.example.com")).dispatch();
//! assert_eq!(response.headers().get_one("access-control-allow-origin"), Some("https://app.example.com"));
//! assert_eq!(response.headers().get_one("vary"), Some("origin"));
//! ```
//!
//! ## Preflights and your own `OPTIONS` routes
//!
//! Rocket answers a request no route matches with 404, so the fairing mounts one route of its own
//! at ignition: `OPTIONS /<path..>` with rank [`PREFLIGHT_RANK`], tried after every route of yours.
//! A preflight (an `OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered from
//! the policy with its status (204 by default), its headers and an empty body, whatever path it
//! names. If you have an `OPTIONS` route of your own on that path, it still runs, but for a
//! preflight its response is replaced: the policy's status, an empty body, the policy's CORS
//! headers; other headers it set are kept. An `OPTIONS` without `Access-Control-Request-Method` is
//! an ordinary request: your route answers it (or Rocket's 404 if there is none), and the policy's
//! headers are added as for any request. With
//! [`preflight_passthrough`](cors_core::PolicyBuilder::preflight_passthrough), preflights are
//! ordinary requests too: your route (or the 404 catcher) answers, with the preflight headers added.
//!
//! ## Per-route policies: the innermost policy wins
//!
//! Rocket allows one fairing of a type, so the fairing takes a table instead: a default policy
//! and one per path prefix ([`Cors::route`], [`Cors::with_routes`], a
//! [`cors_core::RoutePolicies`]). Every request, preflights and catchers' answers
//! included, is under the policy of the longest prefix that covers its path, by whole segments
//! (`/public` covers `/public/data`, not `/publicity`), else the default. The prefix rule is the
//! core's ([`cors_core::PathPrefix::covers`]), the same rule the other adapters follow through
//! their routers' nesting ([`cors_core::nesting`]).
//!
//! ```
//! use cors_core::Policy;
//! use cors_rocket::Cors;
//! use rocket::http::Header;
//! use rocket::local::blocking::Client;
//!
//! #[rocket::get("/data")]
//! fn data() -> &'static str {
//!     "ok"
//! }
//!
//! let private = Policy::builder().allow_origin("https://app.example.com").allow_credentials(true).build()?;
//! let public = Policy::builder().allow_any_origin().build()?;
//! let rocket = rocket::build()
//!     .mount("/", rocket::routes![data])
//!     .mount("/public", rocket::routes![data])
//!     .attach(Cors::new(private).route("/public".parse()?, public));
//! let client = Client::untracked(rocket)?;
//! let open = client.get("/public/data").header(Header::new("Origin", "https://anyone.example")).dispatch();
//! assert_eq!(open.headers().get_one("access-control-allow-origin"), Some("*"));
//! let private = client.get("/data").header(Header::new("Origin", "https://app.example.com")).dispatch();
//! assert_eq!(private.headers().get_one("access-control-allow-credentials"), Some("true"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Reloadable policies and async origin checks
//!
//! [`Cors::new`] and [`Cors::route`] take a [`cors_core::Policy`] or a
//! [`cors_core::ReloadablePolicy`]: reload the latter while the server runs (on `SIGHUP`, say) and
//! the next requests get the new policy. The fairing reads the policy of the request's path once,
//! when the request comes in (`on_request`), and keeps that snapshot in the request-local cache
//! for the preflight route and the response (unless every request gets the same policy anyway:
//! one fixed policy, no prefixes, no async check), so a request in flight finishes on the policy
//! it started with and no response mixes two (a configuration with mistakes is refused and the
//! running policy stays). A policy with an async origin check
//! ([`cors_core::PolicyBuilder::allow_origin_async`], a lookup in a database) is awaited there,
//! before routing, raced against tokio's timer and the policy's
//! [`origin_check_timeout`](cors_core::PolicyBuilder::origin_check_timeout): a check that fails or
//! does not answer in time refuses the origin. The cost (a copy of the request's CORS headers, the
//! boxed future) is paid only for origins the check decides; listed origins and patterns take the
//! static path. Request-aware checks see the path (as sent, without the query) and the `Host`.
//!
//! ```
//! use std::time::Duration;
//! use cors_core::Policy;
//! use cors_rocket::Cors;
//! use rocket::http::Header;
//! use rocket::local::blocking::Client;
//!
//! let policy = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     // Each tenant registers its front end: a lookup in the tenants' table, for instance.
//!     .allow_origin_async(|request| async move {
//!         Ok::<_, std::io::Error>(request.origin() == "https://acme.example")
//!     })
//!     .origin_check_timeout(Duration::from_millis(200))
//!     .build()?;
//! let client = Client::untracked(rocket::build().attach(Cors::new(policy)))?;
//! let response = client.get("/").header(Header::new("Origin", "https://acme.example")).dispatch();
//! assert_eq!(response.headers().get_one("access-control-allow-origin"), Some("https://acme.example"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Where the fairing sits
//!
//! A fairing is not layered: it sees every response Rocket sends, whatever produced it.
//!
//! - **Authentication** as a request guard: a failing guard's 401 (through its catcher) gets the
//!   CORS headers; a preflight is answered by the fairing's `OPTIONS` route, which has no guard,
//!   so it never gets a 401. An `OPTIONS` route of yours with a failing guard: its 401 is
//!   replaced by the policy's preflight answer.
//! - **Panics**: Rocket catches a panicking handler and answers 500 through its catcher, which
//!   gets the CORS headers.
//! - **Timeouts and compression**: Rocket has neither built in; a response fairing that rewrites
//!   the body (compression) and the CORS fairing commute, since the CORS fairing only touches
//!   headers (and `Vary` is merged).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(feature = "testing")]
pub mod testing;

pub use cors_core;
/// A policy read from TOML or JSON (feature `serde`).
#[cfg(feature = "serde")]
pub use cors_core::PolicyConfig;
/// The policy types, re-exported so that this crate is the only dependency.
pub use cors_core::{ConfigError, Policy, PolicyBuilder, PolicySource, ReloadablePolicy};

use std::borrow::Cow;
use std::cell::Cell;
use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};

use cors_core::{Action, Checked, CorsRequest, PathPrefix, Preflight, ResponseHeaders, RoutePolicies};
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::{Method, Status};
use rocket::route::{self, Handler, Route};
use rocket::{Build, Data, Request, Response, Rocket};

/// The rank of the fairing's `OPTIONS /<path..>` route: the largest there is, so every route of
/// yours is tried first (Rocket tries lower ranks first).
///
/// ```
/// assert!(cors_rocket::PREFLIGHT_RANK > 1_000_000);
/// ```
pub const PREFLIGHT_RANK: isize = isize::MAX;

const ROUTE_NAME: &str = "cors-rocket preflight";

/// The CORS fairing: attach it to the Rocket, and every response carries the policy's headers
/// (catchers' 404 and 500 included) and preflights are answered. See the [crate] documentation
/// for how it treats your own `OPTIONS` routes.
///
/// ```
/// use cors_rocket::Cors;
///
/// let policy = cors_core::Policy::builder().allow_origin("https://app.example.com").build()?;
/// let _rocket = rocket::build().attach(Cors::new(policy));
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Cors {
    policies: RoutePolicies,
}

impl Cors {
    /// The fairing for `policy`, on every path: a [`Policy`], or a
    /// [`cors_core::ReloadablePolicy`] whose policy can be replaced while the server runs (each
    /// request is answered by the policy current when it came in).
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_origins(["*"]).build()?;
    /// let cors = cors_rocket::Cors::new(policy);
    /// # let _ = cors;
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    ///
    /// With a reloadable policy: keep a clone of the handle and reload it (on `SIGHUP`, from an
    /// admin endpoint, ...); a configuration with mistakes is refused and the running policy stays.
    ///
    /// ```
    /// use cors_core::{Policy, ReloadablePolicy};
    /// use rocket::http::Header;
    /// use rocket::local::blocking::Client;
    ///
    /// let live = ReloadablePolicy::new(Policy::builder().allow_origin("https://a.example").build()?);
    /// let client = Client::untracked(rocket::build().attach(cors_rocket::Cors::new(live.clone())))?;
    /// live.reload(Policy::builder().allow_origin("https://b.example"))?;
    /// assert!(live.reload(Policy::builder().allow_origin("https://b.example/")).is_err());
    /// let response = client.get("/").header(Header::new("Origin", "https://b.example")).dispatch();
    /// assert_eq!(response.headers().get_one("access-control-allow-origin"), Some("https://b.example"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(policy: impl Into<PolicySource>) -> Self {
        Cors { policies: RoutePolicies::new(policy) }
    }

    /// The fairing for a table of policies: each path under the policy of the longest prefix
    /// that covers it (whole segments), else the table's default.
    ///
    /// ```
    /// use cors_core::{Policy, RoutePolicies};
    /// let private = Policy::builder().allow_origin("https://app.example.com").build()?;
    /// let public = Policy::builder().allow_any_origin().build()?;
    /// let cors = cors_rocket::Cors::with_routes(RoutePolicies::new(private).route("/public".parse()?, public));
    /// # let _ = cors;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_routes(policies: RoutePolicies) -> Self {
        Cors { policies }
    }

    /// Puts the paths under `prefix` (`/public` covers `/public/data`, not `/publicity`) under
    /// `policy`, a [`Policy`] or a [`cors_core::ReloadablePolicy`]; the longest covering prefix
    /// wins.
    ///
    /// ```
    /// use cors_core::Policy;
    /// let private = Policy::builder().allow_origin("https://app.example.com").build()?;
    /// let public = Policy::builder().allow_any_origin().build()?;
    /// let cors = cors_rocket::Cors::new(private).route("/public".parse()?, public);
    /// # let _ = cors;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn route(self, prefix: PathPrefix, policy: impl Into<PolicySource>) -> Self {
        Cors { policies: self.policies.route(prefix, policy) }
    }

    /// The policy every request gets, when that is known ahead: one fixed policy (not a
    /// [`ReloadablePolicy`]) for every path, without an async origin check. Then there is no
    /// snapshot to keep per request (Rocket's request-local cache allocates).
    fn constant(&self) -> Option<&Policy> {
        if self.policies.routes().next().is_some() {
            return None;
        }
        self.policies.default_policy().fixed().filter(|policy| !policy.has_async_origin_check())
    }
}

/// What the fairing keeps for one request, in its request-local cache: the policy that decides
/// it, read once when the request came in, so the preflight route and the response see the same
/// policy however the table's policies are reloaded meanwhile.
struct RequestState {
    decision: Snapshot,
    /// Set when the fairing's preflight route answered: the response is left as it is.
    answered: AtomicBool,
}

/// The policy a request is decided by.
enum Snapshot {
    /// The policy current when the request came in.
    Policy(Policy),
    /// An async origin check that has answered (or timed out), with that same policy.
    Checked(Checked),
}

impl Snapshot {
    fn decide<'a>(&'a self, request: &'a RocketRequest<'_, '_>) -> cors_core::Decision<'a> {
        match self {
            Snapshot::Policy(policy) => policy.decide(request),
            Snapshot::Checked(checked) => checked.decide(),
        }
    }
}

/// The snapshot for `request`, from the policy of its path (by the core's prefix rule),
/// awaiting the async origin check when the policy has one and its static rules refuse the
/// origin.
async fn snapshot(policies: &RoutePolicies, request: &Request<'_>) -> Snapshot {
    let pending = {
        let policy = policies.select(request.uri().path().as_str()).current();
        match policy.pending_check(&RocketRequest(request)) {
            Some(check) => check,
            None => return Snapshot::Policy(Policy::clone(&policy)),
        }
    };
    // Rocket runs on tokio: its timer bounds the check.
    let timer = tokio::time::sleep(pending.timeout());
    Snapshot::Checked(pending.run(timer).await)
}

/// The request's state: made in `on_request`; only if that did not run (or kept nothing: the
/// fairing's policy is the same for every request), from the static rules of the policy current
/// now.
fn state<'r>(policies: &RoutePolicies, request: &'r Request<'_>) -> &'r RequestState {
    request.local_cache(|| {
        let policy = policies.select(request.uri().path().as_str()).current();
        RequestState { decision: Snapshot::Policy(Policy::clone(&policy)), answered: AtomicBool::new(false) }
    })
}

/// The request as the core reads it.
struct RocketRequest<'a, 'r>(&'a Request<'r>);

impl CorsRequest for RocketRequest<'_, '_> {
    fn method(&self) -> &[u8] {
        self.0.method().as_str().as_bytes()
    }

    // Rocket keeps only header values that are UTF-8; one that is not never reaches the policy.
    fn for_each_header<'s>(&'s self, name: &http::HeaderName, f: &mut dyn FnMut(&'s [u8])) {
        for value in self.0.headers().get(name.as_str()) {
            f(value.as_bytes());
        }
    }

    // The path as sent (percent-encoded), without the query.
    fn path(&self) -> Option<&str> {
        Some(self.0.uri().path().as_str())
    }
}

/// The response headers as the core writes them.
struct RocketHeaders<'a, 'r> {
    response: &'a mut Response<'r>,
    /// Whether the response has a `Vary` header, when a scan of its names found out (the core
    /// asks [`may_have_access_control`](ResponseHeaders::may_have_access_control) before it
    /// reads `Vary`); `None` once unknown.
    vary: Cell<Option<bool>>,
}

impl<'a, 'r> RocketHeaders<'a, 'r> {
    fn new(response: &'a mut Response<'r>) -> Self {
        RocketHeaders { response, vary: Cell::new(None) }
    }
}

/// Up to this many header lines, a response's names are scanned (compared without regard to
/// case) rather than looked up: Rocket's lookup hashes the name with SipHash, which costs more than
/// comparing a few names.
const SCAN_LIMIT: usize = 16;

/// The values the core writes that are the same for every policy, as `'static` text: written
/// without a copy (Rocket copies any other value into a `String` of the response's own).
fn static_value(value: &http::HeaderValue) -> Option<&'static str> {
    const STATIC: [&str; 5] = [
        "origin",
        "true",
        "*",
        "origin, access-control-request-method, access-control-request-headers",
        "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network",
    ];
    let value = value.as_bytes();
    STATIC.into_iter().find(|s| s.as_bytes() == value)
}

impl ResponseHeaders for RocketHeaders<'_, '_> {
    fn remove_all(&mut self, name: &'static http::HeaderName) {
        if *name == http::header::VARY {
            self.vary.set(None);
        }
        self.response.remove_header(name.as_str());
    }

    fn append_value(&mut self, name: &'static http::HeaderName, value: &http::HeaderValue) {
        if *name == http::header::VARY {
            self.vary.set(None);
        }
        let value = match static_value(value) {
            Some(value) => Cow::Borrowed(value),
            None => match value.to_str() {
                Ok(v) => Cow::Owned(v.to_owned()),
                Err(_) => Cow::Owned(String::from_utf8_lossy(value.as_bytes()).into_owned()),
            },
        };
        self.response.adjoin_raw_header(name.as_str(), value);
    }

    fn for_each_value(&self, name: &'static http::HeaderName, f: &mut dyn FnMut(&[u8])) {
        if *name == http::header::VARY && self.vary.get() == Some(false) {
            return;
        }
        for value in self.response.headers().get(name.as_str()) {
            f(value.as_bytes());
        }
    }

    // Rocket keeps names as written: compared without regard to case. The same scan finds out
    // whether `Vary` is there, which the core reads next.
    fn may_have_access_control(&self) -> bool {
        use cors_core::header_names::ACCESS_CONTROL_PREFIX as PREFIX;
        let (mut access_control, mut vary) = (false, false);
        for (i, header) in self.response.headers().iter().enumerate() {
            if i == SCAN_LIMIT {
                self.vary.set(None);
                return true;
            }
            // The length and first byte first: most names are neither.
            let name = header.name().as_str().as_bytes();
            match name.first().map(u8::to_ascii_lowercase) {
                Some(b'a') => {
                    access_control |=
                        name.get(..PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(PREFIX.as_bytes()));
                }
                Some(b'v') => vary |= name.eq_ignore_ascii_case(b"vary"),
                _ => {}
            }
        }
        self.vary.set(Some(vary));
        access_control
    }
}

/// Turns `response` into the answer to a preflight: the policy's status and CORS headers, no body.
fn answer(preflight: &Preflight<'_>, response: &mut Response<'_>) {
    response.set_status(Status::new(preflight.status().as_u16()));
    response.set_sized_body(0, Cursor::new(&[][..]));
    response.remove_header("content-type");
    // `Preflight::apply` also removes any Access-Control-* header a user's OPTIONS route set.
    preflight.apply(&mut RocketHeaders::new(response));
}

/// The `OPTIONS /<path..>` route's handler: answers preflights, forwards everything else.
#[derive(Clone)]
struct PreflightRoute(RoutePolicies);

#[rocket::async_trait]
impl Handler for PreflightRoute {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        // Decided by the snapshot `on_request` made (the async check, if any, has answered).
        let state = state(&self.0, request);
        let view = RocketRequest(request);
        match state.decision.decide(&view).into_action() {
            Action::Preflight(preflight) => {
                let mut response = Response::new();
                answer(&preflight, &mut response);
                state.answered.store(true, Ordering::Relaxed);
                route::Outcome::Success(response)
            }
            Action::Forward(_) => route::Outcome::forward(data, Status::NotFound),
        }
    }
}

#[rocket::async_trait]
impl Fairing for Cors {
    fn info(&self) -> Info {
        Info { name: "CORS", kind: Kind::Ignite | Kind::Request | Kind::Response | Kind::Singleton }
    }

    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let mut route =
            Route::ranked(PREFLIGHT_RANK, Method::Options, "/<path..>", PreflightRoute(self.policies.clone()));
        route.name = Some(Cow::Borrowed(ROUTE_NAME));
        Ok(rocket.mount("/", vec![route]))
    }

    // One read of the policy per request, kept for the preflight route and the response; an
    // async origin check is awaited here, before routing. Nothing to keep when every request
    // gets the same policy anyway.
    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        if self.constant().is_some() {
            return;
        }
        let decision = snapshot(&self.policies, request).await;
        request.local_cache(|| RequestState { decision, answered: AtomicBool::new(false) });
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let view = RocketRequest(request);
        // Nothing was kept (see `on_request`), and only an `OPTIONS` can have been answered by
        // the fairing's route, which records it in the request's state.
        if let Some(policy) = self.constant().filter(|_| request.method() != Method::Options) {
            return finish(policy.decide(&view), response);
        }
        let state = state(&self.policies, request);
        if state.answered.load(Ordering::Relaxed) {
            return;
        }
        finish(state.decision.decide(&view), response);
    }
}

/// Writes the decision into the response of the application (a handler's, a catcher's).
fn finish(decision: cors_core::Decision<'_>, response: &mut Response<'_>) {
    match decision.into_action() {
        // A preflight one of the application's own routes (or a catcher) answered.
        Action::Preflight(preflight) => answer(&preflight, response),
        Action::Forward(forward) => forward.apply(&mut RocketHeaders::new(response)),
    }
}
