//! Policies that change while the server runs, and where an adapter takes its policy from.
//!
//! [`ReloadablePolicy`] holds the current [`Policy`] in an [`arc_swap::ArcSwap`]: replacing it is
//! one atomic store, reading it one atomic load, with no lock. An adapter reads the policy once
//! per request ([`PolicySource::current`]) and keeps that snapshot until the response is written,
//! so a request in flight finishes on the policy it started with and no response mixes two.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use crate::{ConfigError, Policy, PolicyBuilder};

/// A policy that can be replaced atomically while the server runs. Cheap to clone: clones share
/// the same current policy. Every adapter accepts one wherever it accepts a [`Policy`].
///
/// ```
/// use cors_core::{Policy, ReloadablePolicy};
/// let live = ReloadablePolicy::new(Policy::builder().allow_origin("https://a.example").build()?);
/// let handle = live.clone(); // given to the adapter; `live` stays with the reload logic
///
/// live.reload(Policy::builder().allow_origin("https://b.example"))?;
/// assert!(format!("{:?}", handle.load()).contains("https://b.example"));
///
/// // A configuration with mistakes is refused with all of them; the running policy stays.
/// let err = live.reload(Policy::builder().allow_origin("https://b.example/")).unwrap_err();
/// assert_eq!(err.problems().len(), 1);
/// assert!(format!("{:?}", handle.load()).contains("https://b.example"));
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ReloadablePolicy {
    current: Arc<ArcSwap<Policy>>,
}

impl ReloadablePolicy {
    /// Starts with `policy`.
    pub fn new(policy: Policy) -> Self {
        ReloadablePolicy { current: Arc::new(ArcSwap::from_pointee(policy)) }
    }

    /// The current policy: a snapshot, unaffected by later replacements.
    pub fn load(&self) -> Policy {
        Policy::clone(&self.current.load())
    }

    /// Replaces the policy; requests that already started keep the one they had. Returns the
    /// previous policy.
    pub fn replace(&self, policy: Policy) -> Policy {
        let previous = self.current.swap(Arc::new(policy));
        Policy::clone(&previous)
    }

    /// Builds `builder` and, only if it has no mistake, replaces the policy. On error the running
    /// policy stays and every mistake is returned, as [`PolicyBuilder::build`] reports them.
    pub fn reload(&self, builder: PolicyBuilder) -> Result<(), ConfigError> {
        self.replace(builder.build()?);
        Ok(())
    }

    /// [`reload`](Self::reload) from a configuration file's contents, already parsed.
    #[cfg(feature = "serde")]
    pub fn reload_config(&self, config: crate::PolicyConfig) -> Result<(), ConfigError> {
        self.reload(config.into_builder())
    }
}

impl fmt::Debug for ReloadablePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReloadablePolicy").field(&**self.current.load()).finish()
    }
}

/// Where an adapter takes the policy for each request: a fixed [`Policy`] or a
/// [`ReloadablePolicy`]. Adapters' constructors take `impl Into<PolicySource>`, so both can be
/// passed as they are.
///
/// ```
/// use cors_core::{Policy, PolicySource, ReloadablePolicy};
/// let policy = Policy::builder().allow_any_origin().build()?;
/// let fixed: PolicySource = policy.clone().into();
/// let live: PolicySource = ReloadablePolicy::new(policy).into();
/// assert!(!fixed.current().allows_credentials() && !live.current().allows_credentials());
/// # Ok::<(), cors_core::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PolicySource(Source);

#[derive(Clone, Debug)]
enum Source {
    Fixed(Policy),
    Reloadable(ReloadablePolicy),
}

impl PolicySource {
    /// The policy for one request. For a fixed policy a borrow; for a reloadable one an
    /// atomic load. Keep it until the response is written.
    pub fn current(&self) -> Current<'_> {
        match &self.0 {
            Source::Fixed(p) => Current(CurrentRepr::Fixed(p)),
            Source::Reloadable(r) => Current(CurrentRepr::Loaded(r.current.load())),
        }
    }

    /// The policy, when it is a fixed [`Policy`] rather than a [`ReloadablePolicy`]: every request
    /// gets this one, so an adapter need not keep a snapshot of it per request.
    ///
    /// ```
    /// use cors_core::{Policy, PolicySource, ReloadablePolicy};
    /// let policy = Policy::builder().allow_any_origin().build()?;
    /// assert!(PolicySource::from(policy.clone()).fixed().is_some());
    /// assert!(PolicySource::from(ReloadablePolicy::new(policy)).fixed().is_none());
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn fixed(&self) -> Option<&Policy> {
        match &self.0 {
            Source::Fixed(p) => Some(p),
            Source::Reloadable(_) => None,
        }
    }
}

impl From<Policy> for PolicySource {
    fn from(policy: Policy) -> Self {
        PolicySource(Source::Fixed(policy))
    }
}

impl From<ReloadablePolicy> for PolicySource {
    fn from(policy: ReloadablePolicy) -> Self {
        PolicySource(Source::Reloadable(policy))
    }
}

impl From<&ReloadablePolicy> for PolicySource {
    fn from(policy: &ReloadablePolicy) -> Self {
        PolicySource(Source::Reloadable(policy.clone()))
    }
}

/// The policy one request is decided by: from [`PolicySource::current`]; derefs to [`Policy`].
pub struct Current<'a>(CurrentRepr<'a>);

enum CurrentRepr<'a> {
    Fixed(&'a Policy),
    Loaded(Guard<Arc<Policy>>),
}

impl Deref for Current<'_> {
    type Target = Policy;

    fn deref(&self) -> &Policy {
        match &self.0 {
            CurrentRepr::Fixed(p) => p,
            CurrentRepr::Loaded(g) => g,
        }
    }
}

impl fmt::Debug for Current<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
