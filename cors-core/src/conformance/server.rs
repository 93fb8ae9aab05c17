//! The command-line contract every adapter's conformance server follows:
//! `--config FILE --port N [--route PATH=FILE]...`; bind 127.0.0.1:N; print
//! `listening on 127.0.0.1:N`; a bad config prints the validation errors and exits non-zero.
//!
//! `--route PATH=FILE`, repeatable: requests to PATH or below it (whole path segments: `/public`
//! covers `/public/data`, not `/publicity`) are under FILE's policy, preflights too; the rest
//! under `--config`. The server serves its usual routes under each PATH as well: `PATH/data`
//! (GET, HEAD, PUT, POST, DELETE, the same answers) and `PATH/error` (500 `boom`).

use crate::{PathPrefix, Policy, PolicyConfig, RoutePolicies};

/// The parsed arguments of a conformance server.
#[derive(Debug)]
pub struct ServerArgs {
    /// The policy read from `--config`.
    pub policy: Policy,
    /// `--port`.
    pub port: u16,
    /// Each `--route PATH=FILE`, in the order given: the prefix and FILE's policy.
    pub routes: Vec<(PathPrefix, Policy)>,
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
        const USAGE: &str = "usage: --config FILE --port N [--route PATH=FILE]...";
        let mut config = None;
        let mut port = None;
        let mut route_args: Vec<(PathPrefix, String)> = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--config" => config = Some(args.next().ok_or("--config needs a FILE")?),
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
        let policy = load_policy(&config)?;
        let mut routes = Vec::with_capacity(route_args.len());
        for (prefix, file) in route_args {
            let route_policy = load_policy(&file).map_err(|e| format!("--route {prefix}={e}"))?;
            routes.push((prefix, route_policy));
        }
        Ok(ServerArgs { policy, port, routes })
    }

    /// The policies as a table: `--config` for every path, each `--route`'s below its PATH.
    ///
    /// ```
    /// let policy = cors_core::Policy::builder().allow_any_origin().build()?;
    /// let args = cors_core::conformance::ServerArgs { policy, port: 8080, routes: Vec::new() };
    /// assert_eq!(args.route_policies().routes().count(), 0);
    /// # Ok::<(), cors_core::ConfigError>(())
    /// ```
    pub fn route_policies(&self) -> RoutePolicies {
        self.routes.iter().fold(RoutePolicies::new(self.policy.clone()), |table, (prefix, policy)| {
            table.route(prefix.clone(), policy.clone())
        })
    }

    /// The line printed once the server accepts connections.
    pub fn listening_line(&self) -> String {
        format!("listening on 127.0.0.1:{}", self.port)
    }
}

/// Reads a [`PolicyConfig`] TOML file and builds it; the error names the file and every mistake.
pub fn load_policy(path: &str) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let config: PolicyConfig = toml::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    config.build().map_err(|e| format!("{path}: {e}"))
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
        assert!(table.select("/public/data").warnings().is_empty());
        assert_eq!(format!("{:?}", table.select("/publicity")), format!("{:?}", args.policy));

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
