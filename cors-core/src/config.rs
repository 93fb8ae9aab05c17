//! A policy read from a file: TOML or JSON through serde, converted into the builder so the same
//! validation runs.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{ConfigError, Policy, PolicyBuilder};

/// A policy as written in a configuration file. Unknown fields are rejected, naming the field.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use cors_core::PolicyConfig;
/// let config: PolicyConfig = serde_json::from_str(r#"{
///     "allow_origins": ["https://app.example.com", "https://*.example.org", "http://localhost:*"],
///     "allow_methods": ["GET", "POST", "PUT"],
///     "allow_headers": ["content-type", "authorization"],
///     "expose_headers": ["x-total-count"],
///     "allow_credentials": true,
///     "max_age": 600
/// }"#)?;
/// let policy = config.build()?;
/// assert!(policy.allows_credentials());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Origins, patterns (`https://*.example.org`, `http://localhost:*`), `"null"`, or `["*"]`.
    #[serde(default)]
    pub allow_origins: Vec<String>,
    /// Methods a preflight may ask for; default GET, HEAD, POST; `["*"]` for any.
    #[serde(default)]
    pub allow_methods: Option<Vec<String>>,
    /// Request headers a page may send; `["*"]` for any but `authorization`.
    #[serde(default)]
    pub allow_headers: Vec<String>,
    /// Response headers a page may read; `["*"]` for all (not with credentials).
    #[serde(default)]
    pub expose_headers: Vec<String>,
    /// Whether pages may send credentials.
    #[serde(default)]
    pub allow_credentials: bool,
    /// Preflight cache lifetime in seconds, at most 86400.
    #[serde(default)]
    pub max_age: Option<u64>,
    /// Whether to answer Private Network Access preflights.
    #[serde(default)]
    pub allow_private_network: bool,
    /// 204 (default) or 200.
    #[serde(default)]
    pub preflight_status: Option<u16>,
    /// Pass preflights to the handler instead of answering them.
    #[serde(default)]
    pub preflight_passthrough: bool,
}

impl PolicyConfig {
    /// The equivalent builder, to add what a file cannot hold (such as a predicate).
    pub fn into_builder(self) -> PolicyBuilder {
        let mut b = Policy::builder()
            .allow_origins(self.allow_origins)
            .allow_headers(self.allow_headers)
            .expose_headers(self.expose_headers)
            .allow_credentials(self.allow_credentials)
            .allow_private_network(self.allow_private_network)
            .preflight_passthrough(self.preflight_passthrough);
        if let Some(methods) = self.allow_methods {
            b = b.allow_methods(methods);
        }
        if let Some(secs) = self.max_age {
            b = b.max_age(Duration::from_secs(secs));
        }
        if let Some(code) = self.preflight_status {
            b = b.preflight_status_code(code);
        }
        b
    }

    /// Validates and builds the policy.
    pub fn build(self) -> Result<Policy, ConfigError> {
        self.into_builder().build()
    }
}
