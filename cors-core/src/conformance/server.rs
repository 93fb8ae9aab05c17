//! The command-line contract every adapter's conformance server follows:
//! `--config FILE --port N`; bind 127.0.0.1:N; print `listening on 127.0.0.1:N`; a bad config
//! prints the validation errors and exits non-zero.

use crate::{Policy, PolicyConfig};

/// The parsed arguments of a conformance server.
#[derive(Debug)]
pub struct ServerArgs {
    /// The policy read from `--config`.
    pub policy: Policy,
    /// `--port`.
    pub port: u16,
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

    /// Parses `--config FILE --port N` (in any order).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut config = None;
        let mut port = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--config" => config = args.next(),
                "--port" => {
                    let value = args.next().ok_or("--port needs a number")?;
                    port = Some(value.parse::<u16>().map_err(|_| format!("--port {value}: not a port number"))?);
                }
                other => return Err(format!("unknown argument {other:?}; usage: --config FILE --port N")),
            }
        }
        let config = config.ok_or("missing --config FILE")?;
        let port = port.ok_or("missing --port N")?;
        Ok(ServerArgs { policy: load_policy(&config)?, port })
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
