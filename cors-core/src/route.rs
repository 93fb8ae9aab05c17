//! Per-route policies by path prefix: which policy covers a request path, decided once, here.
//!
//! A [`PathPrefix`] covers its own path and every path below it, by whole segments: `/public`
//! covers `/public`, `/public/` and `/public/data`, never `/publicity`. A [`RoutePolicies`] table
//! holds a default policy and one policy per prefix; [`RoutePolicies::select`] picks the policy of
//! the longest prefix that covers the path (the innermost, most specific one wins), else the
//! default. Adapters whose framework allows one middleware per application (Rocket's fairing)
//! take such a table; the conformance servers build one from `--route PATH=FILE`.

use std::fmt;
use std::str::FromStr;

use crate::PolicySource;

/// A path prefix, checked and normalized: starts with `/`, no query or fragment, no empty, `.`
/// or `..` segment, printable ASCII only, no trailing `/` (except the root, `/`, which covers
/// every path).
///
/// ```
/// use cors_core::PathPrefix;
/// let public: PathPrefix = "/public".parse()?;
/// assert!(public.covers("/public"));
/// assert!(public.covers("/public/data?page=2"));
/// assert!(!public.covers("/publicity"));
/// assert_eq!(PathPrefix::new("/api/v1/")?.as_str(), "/api/v1");
/// assert!(PathPrefix::new("api").is_err());
/// # Ok::<(), cors_core::InvalidPathPrefix>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PathPrefix(String);

/// Why a path prefix was refused; its `Display` names the prefix and the fix.
///
/// ```
/// let error = cors_core::PathPrefix::new("/a//b").unwrap_err();
/// assert!(error.to_string().contains("/a//b"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidPathPrefix {
    prefix: String,
    why: &'static str,
}

impl fmt::Display for InvalidPathPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "path prefix {:?}: {}", self.prefix, self.why)
    }
}

impl std::error::Error for InvalidPathPrefix {}

impl PathPrefix {
    /// Checks and normalizes `prefix` (a trailing `/` is dropped).
    ///
    /// ```
    /// assert!(cors_core::PathPrefix::new("/public").is_ok());
    /// assert!(cors_core::PathPrefix::new("/public?x=1").is_err());
    /// ```
    pub fn new(prefix: &str) -> Result<Self, InvalidPathPrefix> {
        let refuse = |why| Err(InvalidPathPrefix { prefix: prefix.to_owned(), why });
        if !prefix.starts_with('/') {
            return refuse("must start with \"/\", as in \"/public\"");
        }
        if !prefix.bytes().all(|b| b.is_ascii_graphic()) {
            return refuse("must be printable ASCII without spaces; percent-encode anything else");
        }
        if prefix.contains(['?', '#']) {
            return refuse("is a path only: remove the query or fragment");
        }
        if prefix == "/" {
            return Ok(PathPrefix(prefix.to_owned()));
        }
        let body = &prefix[1..];
        let body = body.strip_suffix('/').unwrap_or(body);
        for segment in body.split('/') {
            match segment {
                "" => return refuse("has an empty segment (\"//\"); write each segment once"),
                "." | ".." => return refuse("has a \".\" or \"..\" segment; write the path it resolves to"),
                _ => {}
            }
        }
        Ok(PathPrefix(format!("/{body}")))
    }

    /// The normalized prefix.
    ///
    /// ```
    /// assert_eq!(cors_core::PathPrefix::new("/")?.as_str(), "/");
    /// # Ok::<(), cors_core::InvalidPathPrefix>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `path` (a request target's path, a query allowed) is this prefix or below it, by
    /// whole segments. Each segment of `path` is compared after percent-decoding, as routers
    /// decode it, so `/%70ublic/data` is under `/public` too; an encoded `/` (`%2F`) never
    /// splits a segment.
    ///
    /// ```
    /// let p = cors_core::PathPrefix::new("/api/public")?;
    /// assert!(p.covers("/api/public/data"));
    /// assert!(p.covers("/api/%70ublic"));
    /// assert!(!p.covers("/api"));
    /// assert!(!p.covers("/api/public%2Fdata"));
    /// # Ok::<(), cors_core::InvalidPathPrefix>(())
    /// ```
    pub fn covers(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if self.0 == "/" {
            return path.starts_with('/');
        }
        let Some(path) = path.strip_prefix('/') else { return false };
        let mut segments = path.split('/');
        self.0[1..].split('/').all(|want| segments.next().is_some_and(|got| decoded_eq(got, want)))
    }
}

/// Whether the percent-decoded bytes of `segment` equal `want` (which the prefix keeps as written,
/// so a prefix's own `%XX` is decoded too).
fn decoded_eq(segment: &str, want: &str) -> bool {
    let mut a = Decoded(segment.as_bytes());
    let mut b = Decoded(want.as_bytes());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

/// The bytes of a path segment with `%XX` decoded; a `%` not followed by two hex digits stays.
struct Decoded<'a>(&'a [u8]);

impl Iterator for Decoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        if first == b'%' {
            if let [h, l, tail @ ..] = rest {
                if let (Some(h), Some(l)) = (hex(*h), hex(*l)) {
                    self.0 = tail;
                    return Some(h << 4 | l);
                }
            }
        }
        self.0 = rest;
        Some(first)
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

impl FromStr for PathPrefix {
    type Err = InvalidPathPrefix;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PathPrefix::new(s)
    }
}

impl fmt::Display for PathPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PathPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A default policy and one policy per path prefix: the table a single middleware uses to give
/// each part of an application its own policy. The longest prefix that covers a path wins.
///
/// ```
/// use cors_core::{PathPrefix, Policy, RoutePolicies};
/// let private = Policy::builder().allow_origin("https://app.example.com").allow_credentials(true).build()?;
/// let public = Policy::builder().allow_any_origin().build()?;
/// let table = RoutePolicies::new(private).route("/public".parse()?, public);
/// assert!(!table.select("/public/data").current().allows_credentials());
/// assert!(table.select("/publicity").current().allows_credentials());
/// assert!(table.select("/private/data").current().allows_credentials());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct RoutePolicies {
    default: PolicySource,
    /// Longest prefix first, so the first that covers a path is the most specific.
    routes: Vec<(PathPrefix, PolicySource)>,
}

impl RoutePolicies {
    /// A table with only `default`, for every path.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let table = cors_core::RoutePolicies::new(policy);
    /// assert_eq!(table.routes().count(), 0);
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn new(default: impl Into<PolicySource>) -> Self {
        RoutePolicies { default: default.into(), routes: Vec::new() }
    }

    /// Puts the paths under `prefix` under `policy`; a prefix given again replaces its policy.
    ///
    /// ```
    /// let any = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let table = cors_core::RoutePolicies::new(any.clone()).route("/a".parse()?, any.clone()).route("/a/".parse()?, any);
    /// assert_eq!(table.routes().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn route(mut self, prefix: PathPrefix, policy: impl Into<PolicySource>) -> Self {
        self.routes.retain(|(p, _)| *p != prefix);
        let at = self.routes.partition_point(|(p, _)| p.as_str().len() >= prefix.as_str().len());
        self.routes.insert(at, (prefix, policy.into()));
        self
    }

    /// The policy for a request to `path` (a query allowed): the longest covering prefix's, else
    /// the default.
    ///
    /// ```
    /// # let a = cors_core::Policy::builder().allow_any_origin().build()?;
    /// # let b = cors_core::Policy::builder().allow_origin("https://b.example").build()?;
    /// let table = cors_core::RoutePolicies::new(a).route("/b".parse()?, b);
    /// assert!(table.select("/b/x").current().warnings().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn select(&self, path: &str) -> &PolicySource {
        self.routes.iter().find(|(prefix, _)| prefix.covers(path)).map_or(&self.default, |(_, policy)| policy)
    }

    /// The policy of paths no prefix covers.
    ///
    /// ```
    /// # let a = cors_core::Policy::builder().allow_any_origin().build()?;
    /// assert!(!cors_core::RoutePolicies::new(a).default_policy().current().allows_credentials());
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn default_policy(&self) -> &PolicySource {
        &self.default
    }

    /// The prefixes and their policies, longest prefix first.
    ///
    /// ```
    /// # let a = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let table = cors_core::RoutePolicies::new(a.clone()).route("/x".parse()?, a.clone()).route("/x/y".parse()?, a);
    /// let prefixes: Vec<&str> = table.routes().map(|(p, _)| p.as_str()).collect();
    /// assert_eq!(prefixes, ["/x/y", "/x"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn routes(&self) -> impl Iterator<Item = (&PathPrefix, &PolicySource)> {
        self.routes.iter().map(|(p, policy)| (p, policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(p: &str) -> PathPrefix {
        PathPrefix::new(p).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn whole_segments_only() {
        let p = prefix("/public");
        for path in ["/public", "/public/", "/public/data", "/public/data/x", "/public?a=b", "/public#f", "/public/?x"]
        {
            assert!(p.covers(path), "{path}");
        }
        for path in ["/publicity", "/publi", "/", "", "public", "/Public", "/x/public", "/public%2Fdata", "/pub%6cicx"]
        {
            assert!(!p.covers(path), "{path}");
        }
        assert!(p.covers("/%70ublic/data"));
        assert!(prefix("/").covers("/anything") && prefix("/").covers("/"));
        assert!(!prefix("/").covers("*"));
    }

    #[test]
    fn prefixes_are_checked() {
        for bad in ["", "public", "/a//b", "/a/../b", "/./a", "/a b", "/a?b", "/a#b", "/é", "//"] {
            assert!(PathPrefix::new(bad).is_err(), "{bad:?}");
        }
        assert_eq!(prefix("/a/b/").as_str(), "/a/b");
        assert_eq!(prefix("/").as_str(), "/");
    }

    #[test]
    fn the_longest_covering_prefix_wins() {
        let policy = |o: &str| crate::Policy::builder().allow_origin(o).build().unwrap_or_else(|e| panic!("{e}"));
        let table = RoutePolicies::new(policy("https://default.example"))
            .route(prefix("/api"), policy("https://api.example"))
            .route(prefix("/api/public"), policy("https://public.example"));
        let origin_of = |path: &str| {
            let request = http::Request::get(path).header("origin", "https://public.example").body(()).unwrap();
            match table.select(path).current().decide(&request).into_action() {
                crate::Action::Forward(f) => f.is_allowed(),
                crate::Action::Preflight(_) => unreachable!(),
            }
        };
        assert!(origin_of("/api/public/data"));
        assert!(!origin_of("/api/publicity"));
        assert!(!origin_of("/api"));
        assert!(!origin_of("/other"));
    }
}
