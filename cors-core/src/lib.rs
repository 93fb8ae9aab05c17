#![doc = include_str!("../README.md")]
//!
//! # The API
//!
//! A policy per part of an application (a public part, a private part): the innermost policy
//! wins, preflights included; see [`nesting`] for the rule and [`RoutePolicies`] for the prefix
//! table.
//!
//! Configuration mistakes are all reported at once, each with its fix; see [`ConfigError`] and the
//! catalogue in [`mistakes`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod allow_methods;
mod allow_origin;
pub mod browser;
pub mod build_order;
mod builder;
#[cfg(feature = "serde")]
mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
mod decision;
mod error;
mod expose_headers;
mod header_list;
pub mod header_names;
mod host;
mod lookup_hash;
pub mod mistakes;
mod name_table;
pub mod nesting;
mod origin;
mod origin_check;
mod origin_rule;
mod policy;
mod preflight_answer;
mod public_suffix;
mod refusal;
mod reload;
mod request;
mod request_headers;
mod response;
mod route;

pub use allow_methods::MAX_REQUEST_METHOD_LEN;
pub use build_order::{BuildOrder, LayerId};
pub use builder::{
    PolicyBuilder, PreflightStatus, DEFAULT_ORIGIN_CHECK_TIMEOUT, MAX_AGE_LIMIT, MAX_ORIGIN_CHECK_TIMEOUT,
};
#[cfg(feature = "serde")]
pub use config::PolicyConfig;
pub use decision::{Action, Decision, Forward, Preflight};
pub use error::{ConfigError, Problem, ProblemKind};
/// The `http` crate the core speaks (header values, status codes), re-exported for adapters.
pub use http;
pub use nesting::{Answered, Deferred, Finish, OuterLayer};
pub use origin::{MalformedOrigin, Origin, MAX_ORIGIN_LEN};
pub use origin_check::{CheckError, CheckOutcome, CheckRun, Checked, OriginRequest, PendingCheck, RequestInfo};
pub use policy::Policy;
pub use refusal::{Refusal, Shown};
pub use reload::{Current, PolicySource, ReloadablePolicy};
pub use request::CorsRequest;
pub use request_headers::{
    MalformedHeaderList, MAX_REQUEST_HEADERS_LEN, MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADER_NAMES,
};
pub use response::ResponseHeaders;
pub use route::{InvalidPathPrefix, PathPrefix, RoutePolicies};
