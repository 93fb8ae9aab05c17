//! The fairing's table of policies by path prefix, each fixed or reloadable.
//!
//! The same table as [`cors_core::RoutePolicies`] (whose policies are fixed), holding
//! [`PolicySource`]s so that each route's policy can be a [`cors_core::ReloadablePolicy`]. Which
//! prefix covers a path is the core's rule ([`PathPrefix::covers`]); as in the core's table the
//! longest covering prefix wins.

use cors_core::{PathPrefix, PolicySource, RoutePolicies};

/// A default policy and one per path prefix, longest prefix first.
#[derive(Clone, Debug)]
pub(crate) struct PolicyTable {
    default: PolicySource,
    routes: Vec<(PathPrefix, PolicySource)>,
}

impl PolicyTable {
    pub(crate) fn new(default: PolicySource) -> Self {
        PolicyTable { default, routes: Vec::new() }
    }

    /// Puts the paths under `prefix` under `policy`; a prefix given again replaces its policy.
    pub(crate) fn route(mut self, prefix: PathPrefix, policy: PolicySource) -> Self {
        self.routes.retain(|(p, _)| *p != prefix);
        let at = self.routes.partition_point(|(p, _)| p.as_str().len() >= prefix.as_str().len());
        self.routes.insert(at, (prefix, policy));
        self
    }

    /// Where the policy for a request to `path` comes from.
    pub(crate) fn select(&self, path: &str) -> &PolicySource {
        self.routes.iter().find(|(prefix, _)| prefix.covers(path)).map_or(&self.default, |(_, policy)| policy)
    }
}

impl From<RoutePolicies> for PolicyTable {
    fn from(table: RoutePolicies) -> Self {
        let default = PolicyTable::new(table.default_policy().clone().into());
        table.routes().fold(default, |t, (prefix, policy)| t.route(prefix.clone(), policy.clone().into()))
    }
}

#[cfg(test)]
mod tests {
    use cors_core::Policy;

    use super::*;

    fn policy(origin: &str) -> Policy {
        Policy::builder().allow_origin(origin).build().unwrap_or_else(|e| panic!("{e}"))
    }

    fn prefix(p: &str) -> PathPrefix {
        PathPrefix::new(p).unwrap_or_else(|e| panic!("{e}"))
    }

    // The table picks the same policy as the core's for every path.
    #[test]
    fn selects_as_the_core_table_does() {
        let core = RoutePolicies::new(policy("https://default.example"))
            .route(prefix("/api"), policy("https://api.example"))
            .route(prefix("/api/public"), policy("https://public.example"))
            .route(prefix("/api"), policy("https://api2.example"));
        let table = PolicyTable::from(core.clone());
        for path in ["/api/public/data", "/api/publicity", "/api", "/api/x?y", "/other", "/", "/%61pi"] {
            assert_eq!(format!("{:?}", *table.select(path).current()), format!("{:?}", core.select(path)), "{path}");
        }
    }
}
