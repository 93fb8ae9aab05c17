//! A policy file: arbitrary UTF-8 read as TOML into `PolicyConfig`, then built. Building never
//! panics, is deterministic, and every mistake it reports names its setting.
#![no_main]

use cors_core::{Action, PolicyConfig};
use libfuzzer_sys::fuzz_target;

/// The settings a problem may name: the fields of `PolicyConfig`.
const SETTINGS: [&str; 9] = [
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "expose_headers",
    "allow_credentials",
    "max_age",
    "allow_private_network",
    "preflight_status",
    "preflight_passthrough",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = toml::from_str::<PolicyConfig>(text) else { return };
    let first = config.clone().build();
    let second = config.clone().build();
    match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "building twice gives different policies");
            assert_eq!(a.warnings(), b.warnings(), "building twice gives different warnings");
            assert_eq!(a.allows_credentials(), config.allow_credentials);
            // What `build` must have refused.
            if config.allow_credentials {
                assert!(!config.allow_origins.iter().any(|o| o == "*"), "`*` origins with credentials built");
                assert!(!config.allow_origins.iter().any(|o| o == "null"), "`null` with credentials built");
                assert!(!config.expose_headers.iter().any(|h| h == "*"), "`*` exposed headers with credentials built");
            }
            assert!(
                config.max_age.is_none_or(|s| s <= cors_core::MAX_AGE_LIMIT.as_secs()),
                "max_age {:?} over the limit built",
                config.max_age
            );
            for w in a.warnings() {
                check_problem(w);
            }
            // Every listed origin that built is spelled as a browser serializes it: the WHATWG URL
            // parser gives back the same origin, byte for byte.
            // (Special schemes only: the URL standard gives other schemes opaque origins.)
            let special = |o: &str| ["http://", "https://", "ws://", "wss://", "ftp://"].iter().any(|s| o.starts_with(s));
            for entry in config.allow_origins.iter().filter(|o| special(o) && !o.contains('*')) {
                let url = url::Url::parse(entry).unwrap_or_else(|e| panic!("{entry:?} built but is no URL: {e}"));
                assert_eq!(&url.origin().ascii_serialization(), entry, "{entry:?} built but is not canonical");
            }
            // The built policy answers a request without panicking, and never `*` with credentials.
            for origin in ["https://app.example.com", "null", "http://localhost:3000"] {
                let request = http::Request::options("/")
                    .header("origin", origin)
                    .header("access-control-request-method", "PUT")
                    .header("access-control-request-headers", "content-type, authorization")
                    .body(())
                    .expect("a valid request");
                let mut headers = http::HeaderMap::new();
                match a.decide(&request).into_action() {
                    Action::Preflight(p) => p.apply(&mut headers),
                    Action::Forward(f) => f.apply(&mut headers),
                }
                let star = headers.get("access-control-allow-origin").is_some_and(|v| v == "*");
                assert!(!(star && headers.contains_key("access-control-allow-credentials")), "`*` with credentials");
            }
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "building twice gives different errors");
            assert!(!a.problems().is_empty(), "an error without problems");
            assert!(!a.to_string().is_empty());
            for p in a.problems() {
                check_problem(p);
            }
        }
        (a, b) => panic!("building twice gives different outcomes: {a:?} then {b:?}"),
    }
});

fn check_problem(p: &cors_core::Problem) {
    let shown = p.to_string();
    assert!(!shown.is_empty(), "a problem with an empty Display");
    assert!(SETTINGS.contains(&p.setting()), "problem {shown:?} names the unknown setting {:?}", p.setting());
    assert!(shown.starts_with(&format!("{}: ", p.setting())), "problem {shown:?} does not start with its setting");
    assert!(!p.fix().is_empty(), "problem {shown:?} has no fix");
    assert!(!shown.contains('\n'), "problem {shown:?} spans several lines");
}
