//! What the suite needs to drive origins decided at request time and live reloads as data:
//! simulated origin lookups (`conformance/origin_checks.toml`, a conformance server's
//! `--origin-check FILE`) and reload steps (a case's `reload`, a conformance server's `SIGHUP`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{PolicyBuilder, PolicyConfig};

const ORIGIN_CHECKS: &str = include_str!("../../conformance/origin_checks.toml");

/// A simulated async origin lookup, as a tenants table in a database would answer: origins it
/// allows, origins whose lookup fails (the database is down), origins it never answers for (so
/// the timeout decides), and the timeout. Every other origin is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OriginCheckSpec {
    /// Origins the lookup allows.
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Origins whose lookup returns an error.
    #[serde(default)]
    pub failing: Vec<String>,
    /// Origins the lookup never answers for.
    #[serde(default)]
    pub silent: Vec<String>,
    /// The policy's `origin_check_timeout`, in milliseconds.
    pub timeout_ms: u64,
}

impl OriginCheckSpec {
    /// Adds the simulated lookup to `builder`, with its timeout.
    ///
    /// ```
    /// let spec = cors_core::conformance::OriginCheckSpec {
    ///     allowed: vec!["https://tenant.example".into()],
    ///     timeout_ms: 200,
    ///     ..Default::default()
    /// };
    /// let policy = spec.apply(cors_core::Policy::builder()).build()?;
    /// let request = http::Request::get("/").header("origin", "https://tenant.example").body(()).unwrap();
    /// assert!(policy.pending_check(&request).is_some());
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn apply(&self, builder: PolicyBuilder) -> PolicyBuilder {
        let spec = self.clone();
        builder
            .allow_origin_async(move |request| {
                let origin = request.origin();
                let listed = |list: &[String]| list.iter().any(|o| o == origin);
                let (allowed, failing, silent) = (listed(&spec.allowed), listed(&spec.failing), listed(&spec.silent));
                async move {
                    if silent {
                        std::future::pending::<()>().await;
                    }
                    if failing {
                        return Err("the tenants database is down (simulated)".into());
                    }
                    Ok::<_, crate::CheckError>(allowed)
                }
            })
            .origin_check_timeout(Duration::from_millis(self.timeout_ms))
    }
}

/// The simulated lookups of the suite, by name (`conformance/origin_checks.toml`).
pub fn origin_checks() -> BTreeMap<String, OriginCheckSpec> {
    // The suite's own data: a parse error is a bug in this crate, caught by its tests.
    toml::from_str(ORIGIN_CHECKS).unwrap_or_else(|e| panic!("conformance/origin_checks.toml: {e}"))
}

/// One step of a live reload: the file the server re-reads on `SIGHUP` is replaced first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReloadStep {
    /// A policy of the suite, by name: the reload must take effect.
    Policy {
        /// Its name in `policies.toml`.
        name: String,
        /// The policy.
        config: PolicyConfig,
    },
    /// A file that is not TOML (`#unparsable` in a case): refused, the running policy stays.
    Unparsable,
    /// A file that parses but does not build (`#mistake` in a case): refused likewise.
    Mistake,
}

impl ReloadStep {
    /// The file's contents.
    pub fn file_text(&self) -> String {
        match self {
            // A PolicyConfig always serializes.
            ReloadStep::Policy { config, .. } => toml::to_string(config).unwrap_or_default(),
            ReloadStep::Unparsable => "allow_origins = [\"https://app.example.com\"\n".to_owned(),
            ReloadStep::Mistake => "allow_origins = [\"https://app.example.com/\"]\n".to_owned(),
        }
    }

    /// Whether the server must take it.
    pub fn takes_effect(&self) -> bool {
        matches!(self, ReloadStep::Policy { .. })
    }

    pub(crate) fn parse(step: &str, policies: &BTreeMap<String, PolicyConfig>) -> Result<Self, String> {
        match step {
            "#unparsable" => Ok(ReloadStep::Unparsable),
            "#mistake" => Ok(ReloadStep::Mistake),
            name => policies
                .get(name)
                .map(|config| ReloadStep::Policy { name: name.to_owned(), config: config.clone() })
                .ok_or_else(|| format!("unknown policy {name}")),
        }
    }
}

/// What a conformance server prints on stdout once it has handled a `SIGHUP`: this line when the
/// files were taken, [`RELOAD_REFUSED`] (and the errors on stderr) when one was not.
pub const RELOADED: &str = "reloaded";
/// See [`RELOADED`].
pub const RELOAD_REFUSED: &str = "reload refused";
