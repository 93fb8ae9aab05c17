//! Finding and driving Debian's headless Chromium, and reading its console messages from the
//! `--enable-logging=stderr` log (`INFO:CONSOLE` lines).

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use cors_core::browser::Rules;

/// Without it, Chromium 156 lets `authorization` through under `Access-Control-Allow-Headers: *`;
/// with it, Chromium follows Fetch ("CORS non-wildcard request-header name").
pub const FEATURE: &str = "CorsNonWildcardRequestHeadersSupport";

/// Which Chromium a run uses: the one that follows the standard on `*` and `authorization`
/// (with [`FEATURE`]), or stock Chromium as users have it. Each is judged by the model under the
/// matching [`Rules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `--enable-features=CorsNonWildcardRequestHeadersSupport`.
    Standard,
    /// No feature flag.
    Stock,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Standard, Mode::Stock];

    pub fn rules(self) -> Rules {
        match self {
            Mode::Standard => Rules::Standard,
            Mode::Stock => Rules::ShippingBrowsers,
        }
    }

    pub fn describe(self) -> String {
        match self {
            Mode::Standard => format!("Chromium with --enable-features={FEATURE} (the Fetch standard)"),
            Mode::Stock => "stock Chromium (as users have it)".to_owned(),
        }
    }
}

const DEFAULT: &str = "/usr/bin/chromium";

/// The Chromium binary: `$CHROMIUM`, else `/usr/bin/chromium`. Never downloads one.
pub fn find() -> Result<PathBuf, String> {
    let wanted = std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT));
    let found = if wanted.components().count() > 1 {
        wanted.is_file().then(|| wanted.clone())
    } else {
        // A bare name: look it up on PATH.
        std::env::var_os("PATH")
            .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(&wanted)).find(|p| p.is_file()))
    };
    found.ok_or_else(|| {
        format!(
            "Chromium not found at {}.\n\
             The browser suite runs Debian's Chromium; install it with:\n\
             \n    sudo apt-get update && sudo apt-get install -y chromium\n\n\
             or point CHROMIUM=/path/to/chromium at another build.",
            wanted.display()
        )
    })
}

/// `chromium --version`, trimmed.
pub fn version(binary: &Path) -> String {
    Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown version".to_owned())
}

/// The flags a run in `mode` uses, besides the profile, the resolver rules and the page.
pub fn flags(mode: Mode) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--ignore-certificate-errors",
        "--enable-logging=stderr",
        "--v=0",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain((mode == Mode::Standard).then(|| format!("--enable-features={FEATURE}")))
    .collect()
}

/// A running Chromium showing one page; killed (with its whole process group) on drop.
pub struct Chromium {
    child: Child,
    lines: Receiver<String>,
}

impl Chromium {
    /// Starts Chromium on `url` with a fresh profile in `profile`.
    pub fn launch(
        binary: &Path,
        mode: Mode,
        profile: &Path,
        resolver_rules: &str,
        url: &str,
    ) -> Result<Chromium, String> {
        std::fs::create_dir_all(profile).map_err(|e| format!("{}: {e}", profile.display()))?;
        let mut child = Command::new(binary)
            .args(flags(mode))
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--host-resolver-rules={resolver_rules}"))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own process group, so stopping it ends the renderers and helpers too.
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Chromium { child, lines })
    }

    /// Whether the browser process still runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops Chromium and returns every line it wrote to stderr.
    pub fn stop(mut self) -> Vec<String> {
        self.kill();
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(3);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => out.push(line),
                Err(_) => break,
            }
        }
        out
    }

    /// The lines written so far (without stopping).
    pub fn drain(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    fn kill(&mut self) {
        if !self.is_running() {
            return;
        }
        let group = format!("-{}", self.child.id());
        // SIGTERM to the group lets the browser end its children; SIGKILL if it lingers.
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while self.is_running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if self.is_running() {
            let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The text of a console message in a Chromium log line:
/// `[pid:tid:time:INFO:CONSOLE:0] "TEXT", source: URL (LINE)`.
pub fn console_text(line: &str) -> Option<&str> {
    let marker = line.find(":INFO:CONSOLE")?;
    let rest = &line[marker..];
    let start = rest.find("] \"")? + 3;
    let rest = &rest[start..];
    let end = rest.rfind("\", source: ")?;
    Some(&rest[..end])
}

/// The CORS console messages in a log, each with the URL it names.
pub fn cors_messages(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter_map(|l| console_text(l))
        .filter(|t| t.contains("has been blocked by CORS policy"))
        .filter_map(|t| {
            let url = t.strip_prefix("Access to fetch at '")?.split('\'').next()?;
            Some((url.to_owned(), t.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "[29600:29600:1124/150606.119192:INFO:CONSOLE:0] \"Access to fetch at 'http://127.0.0.1:18999/x?call=1' from origin 'http://localhost:18998' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\", source: http://localhost:18998/index.html (0)";

    #[test]
    fn reads_console_lines() {
        assert_eq!(console_text("[1:2:3:INFO:CONSOLE:4] \"hi \"x\"\", source: http://a/ (4)"), Some("hi \"x\""));
        assert_eq!(console_text("[1:2:3:ERROR:dbus/bus.cc:405] Failed"), None);
        let found = cors_messages(&[LINE.to_owned(), "noise".to_owned()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "http://127.0.0.1:18999/x?call=1");
        assert!(found[0].1.ends_with("present on the requested resource."));
    }

    #[test]
    fn runs_with_the_fetch_feature() {
        assert!(flags(Mode::Standard).iter().any(|f| f == "--enable-features=CorsNonWildcardRequestHeadersSupport"));
        assert!(!flags(Mode::Stock).iter().any(|f| f.starts_with("--enable-features")));
    }
}
