//! The command-line contract every adapter's conformance server follows:
//! `--config FILE --port N [--route PATH=FILE]...`; bind 127.0.0.1:N; print
//! `listening on 127.0.0.1:N`; a bad config prints the validation errors and exits non-zero.
//!
//! `--route PATH=FILE`, repeatable: requests to PATH or below it (whole path segments: `/public`
//! covers `/public/data`, not `/publicity`) are under FILE's policy, preflights too; the rest
//! under `--config`. The server serves its usual routes under each PATH as well: `PATH/data`
//! (GET, HEAD, PUT, POST, DELETE, the same answers) and `PATH/error` (500 `boom`).
//!
//! `--origin-check FILE`: the `--config` policy also asks a simulated async origin lookup (an
//! [`OriginCheckSpec`] as TOML; see `conformance/origin_checks.toml`).
//!
//! On `SIGHUP` the server re-reads every policy file (`--config`, each `--route`). When all parse
//! and build, they replace the running policies at once and the server prints `reloaded` on
//! stdout; otherwise it prints the errors on stderr and `reload refused` on stdout, and the
//! running policies stay. It keeps serving either way.

use std::sync::Arc;

use super::dynamic::{OriginCheckSpec, RELOADED, RELOAD_REFUSED};
use crate::{PathPrefix, Policy, PolicyConfig, ReloadablePolicy, RoutePolicies};

/// The parsed arguments of a conformance server.
#[derive(Debug)]
pub struct ServerArgs {
    /// The policy read from `--config`, as the server starts.
    pub policy: Policy,
    /// `--port`.
    pub port: u16,
    /// Each `--route PATH=FILE`, in the order given: the prefix and FILE's policy.
    pub routes: Vec<(PathPrefix, Policy)>,
    /// The files and the live policies, for [`reload_on_sighup`](Self::reload_on_sighup).
    pub live: LivePolicies,
}

/// The running policies of a conformance server, replaced on `SIGHUP`: give [`policy`](Self::policy)
/// (and each route's) to the adapter in place of a [`Policy`].
#[derive(Clone, Debug)]
pub struct LivePolicies {
    config: String,
    origin_check: Option<OriginCheckSpec>,
    /// The `--config` policy.
    pub policy: ReloadablePolicy,
    /// Each `--route`: the prefix, its file, its policy.
    pub routes: Vec<(PathPrefix, String, ReloadablePolicy)>,
}

impl LivePolicies {
    /// Re-reads every file; replaces every policy only if all of them parse and build.
    pub fn reload(&self) -> Result<(), String> {
        let policy = load_policy_with(&self.config, self.origin_check.as_ref())?;
        let mut routes = Vec::with_capacity(self.routes.len());
        for (prefix, file, _) in &self.routes {
            routes.push(load_policy(file).map_err(|e| format!("--route {prefix}={e}"))?);
        }
        self.policy.replace(policy);
        for ((_, _, live), policy) in self.routes.iter().zip(routes) {
            live.replace(policy);
        }
        Ok(())
    }
}

impl ServerArgs {
    /// Parses the process's arguments; on error prints it to stderr and exits with status 2.
    pub fn from_env_or_exit() -> Self {
        match Self::parse(std::env::args().skip(1)) {
            Ok(args) => args,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    }

    /// Parses `--config FILE --port N` and any number of `--route PATH=FILE` (in any order).
    ///
    /// ```no_run
    /// let args = cors_core::conformance::ServerArgs::parse(
    ///     ["--config", "private.toml", "--port", "8080", "--route", "/public=public.toml"].map(String::from),
    /// )?;
    /// assert_eq!(args.routes[0].0.as_str(), "/public");
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        const USAGE: &str = "usage: --config FILE --port N [--route PATH=FILE]... [--origin-check FILE]";
        let mut config = None;
        let mut origin_check = None;
        let mut port = None;
        let mut route_args: Vec<(PathPrefix, String)> = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--config" => config = Some(args.next().ok_or("--config needs a FILE")?),
                "--origin-check" => {
                    let file = args.next().ok_or("--origin-check needs a FILE")?;
                    let text = std::fs::read_to_string(&file).map_err(|e| format!("--origin-check {file}: {e}"))?;
                    let spec: OriginCheckSpec =
                        toml::from_str(&text).map_err(|e| format!("--origin-check {file}: {e}"))?;
                    origin_check = Some(spec);
                }
                "--route" => {
                    let value = args.next().ok_or("--route needs PATH=FILE, as in /public=public.toml")?;
                    let (path, file) = value
                        .split_once('=')
                        .filter(|(p, f)| !p.is_empty() && !f.is_empty())
                        .ok_or_else(|| format!("--route {value:?}: expected PATH=FILE, as in /public=public.toml"))?;
                    let prefix = PathPrefix::new(path).map_err(|e| format!("--route {value:?}: {e}"))?;
                    if route_args.iter().any(|(p, _)| *p == prefix) {
                        return Err(format!("--route {value:?}: the path {prefix} is given twice"));
                    }
                    route_args.push((prefix, file.to_owned()));
                }
                "--port" => {
                    let value = args.next().ok_or("--port needs a number")?;
                    port = Some(value.parse::<u16>().map_err(|_| format!("--port {value}: not a port number"))?);
                }
                other => return Err(format!("unknown argument {other:?}; {USAGE}")),
            }
        }
        let config = config.ok_or("missing --config FILE")?;
        let port = port.ok_or("missing --port N")?;
        let policy = load_policy_with(&config, origin_check.as_ref())?;
        let mut routes = Vec::with_capacity(route_args.len());
        let mut live_routes = Vec::with_capacity(route_args.len());
        for (prefix, file) in route_args {
            let route_policy = load_policy(&file).map_err(|e| format!("--route {prefix}={e}"))?;
            live_routes.push((prefix.clone(), file, ReloadablePolicy::new(route_policy.clone())));
            routes.push((prefix, route_policy));
        }
        let live =
            LivePolicies { config, origin_check, policy: ReloadablePolicy::new(policy.clone()), routes: live_routes };
        Ok(ServerArgs { policy, port, routes, live })
    }

    /// Starts a thread that re-reads the policy files on every `SIGHUP` (see the module docs).
    /// An error only if the signal handler cannot be installed.
    pub fn reload_on_sighup(&self) -> std::io::Result<()> {
        let live = Arc::new(self.live.clone());
        let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP])?;
        std::thread::spawn(move || {
            for _ in signals.forever() {
                match live.reload() {
                    Ok(()) => println!("{RELOADED}"),
                    Err(e) => {
                        eprintln!("{e}");
                        println!("{RELOAD_REFUSED}");
                    }
                }
            }
        });
        Ok(())
    }

    /// The policies as a table: `--config` for every path, each `--route`'s below its PATH. The
    /// table holds the live policies, so a `SIGHUP` ([`reload_on_sighup`](Self::reload_on_sighup))
    /// reaches every adapter given it.
    ///
    /// ```
    /// let file = std::env::temp_dir().join(format!("route-policies-{}.toml", std::process::id()));
    /// std::fs::write(&file, "allow_origins = [\"*\"]\n").unwrap();
    /// let config = file.to_str().unwrap().to_owned();
    /// let args = cors_core::conformance::ServerArgs::parse(["--config".into(), config, "--port".into(), "8080".into()])?;
    /// assert_eq!(args.route_policies().routes().count(), 0);
    /// # Ok::<(), String>(())
    /// ```
    pub fn route_policies(&self) -> RoutePolicies {
        self.live
            .routes
            .iter()
            .fold(RoutePolicies::new(&self.live.policy), |table, (prefix, _, live)| table.route(prefix.clone(), live))
    }

    /// The line printed once the server accepts connections.
    pub fn listening_line(&self) -> String {
        format!("listening on 127.0.0.1:{}", self.port)
    }
}

/// Reads a [`PolicyConfig`] TOML file and builds it; the error names the file and every mistake.
pub fn load_policy(path: &str) -> Result<Policy, String> {
    load_policy_with(path, None)
}

fn load_policy_with(path: &str, origin_check: Option<&OriginCheckSpec>) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let config: PolicyConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let builder = config.into_builder();
    let builder = match origin_check {
        Some(spec) => spec.apply(builder),
        None => builder,
    };
    builder.build().map_err(|e| format!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ServerArgs, String> {
        ServerArgs::parse(args.iter().map(|s| (*s).to_owned()))
    }

    fn policy_file(name: &str, text: &str) -> String {
        let path = std::env::temp_dir().join(format!("cors-core-server-{}-{name}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn routes_are_parsed_checked_and_loaded() {
        let private = policy_file("private", "allow_origins = [\"https://app.example.com\"]\n");
        let public = policy_file("public", "allow_origins = [\"*\"]\n");
        let route = format!("/public/={public}");
        let args = parse(&["--route", &route, "--config", &private, "--port", "1"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.routes.len(), 1);
        assert_eq!(args.routes[0].0.as_str(), "/public");
        let table = args.route_policies();
        assert!(table.select("/public/data").current().warnings().is_empty());
        assert_eq!(format!("{:?}", *table.select("/publicity").current()), format!("{:?}", args.policy));

        for (bad, says) in [
            (vec!["--route", "/public"], "PATH=FILE"),
            (vec!["--route", "=x.toml"], "PATH=FILE"),
            (vec!["--route", "public=x.toml"], "must start with"),
            (vec!["--route"], "needs PATH=FILE"),
        ] {
            let mut all = vec!["--config", private.as_str(), "--port", "1"];
            all.extend(bad);
            let error = parse(&all).err().unwrap_or_default();
            assert!(error.contains(says), "{error}");
        }
        let twice = parse(&["--config", &private, "--port", "1", "--route", &route, "--route", &route]);
        assert!(twice.err().unwrap_or_default().contains("twice"));
        let missing = parse(&["--config", &private, "--port", "1", "--route", "/p=/nonexistent/p.toml"]);
        assert!(missing.err().unwrap_or_default().contains("/nonexistent/p.toml"));
        let bad_policy = policy_file("bad", "allow_origins = [\"*\"]\nallow_credentials = true\n");
        let bad_route = format!("/p={bad_policy}");
        let refused = parse(&["--config", &private, "--port", "1", "--route", &bad_route]);
        assert!(refused.err().unwrap_or_default().contains("allow_credentials"));
    }
}
