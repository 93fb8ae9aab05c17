//! Starting a conformance server on a free port with a policy, and stopping it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running conformance server; killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    /// The lines it prints after `listening on`.
    lines: mpsc::Receiver<String>,
}

/// A free port on loopback (the OS picks one; a race with other processes is possible but rare).
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

impl Server {
    /// Starts `binary --config config --port <free>` and waits for its `listening on` line.
    pub fn start(binary: &Path, config: &Path) -> Result<Server, String> {
        Server::start_with(binary, config, &[])
    }

    /// [`Server::start`] with more arguments (`--route PATH=FILE`, ...).
    pub fn start_with(binary: &Path, config: &Path, extra: &[String]) -> Result<Server, String> {
        let port = free_port()?;
        let mut child = Command::new(binary)
            .arg("--config")
            .arg(config)
            .arg("--port")
            .arg(port.to_string())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        let (line_tx, lines_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            let _ = tx.send(first);
            // Keep draining so the server never blocks on a full pipe; later lines are kept for
            // whoever waits for them (reload acknowledgements).
            for line in lines.map_while(Result::ok) {
                let _ = line_tx.send(line);
            }
        });
        let expected = format!("listening on 127.0.0.1:{port}");
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(line)) if line.trim() == expected => Ok(Server { child, port, lines: lines_rx }),
            Ok(other) => {
                let _ = child.kill();
                Err(format!("{} printed {other:?} instead of {expected:?}", binary.display()))
            }
            Err(_) => {
                let _ = child.kill();
                Err(format!("{} did not print {expected:?} within 60 s", binary.display()))
            }
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The process id (for `/proc/PID/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `SIGHUP` and waits (up to 10 s) for the server's answer on stdout: `Ok(true)` for
    /// `reloaded`, `Ok(false)` for `reload refused`.
    pub fn sighup_and_wait(&mut self) -> Result<bool, String> {
        while self.lines.try_recv().is_ok() {}
        let status = Command::new("kill")
            .args(["-HUP", &self.pid().to_string()])
            .status()
            .map_err(|e| format!("kill -HUP: {e}"))?;
        if !status.success() {
            return Err(format!("kill -HUP {} failed", self.pid()));
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.trim() == cors_core::conformance::RELOADED => return Ok(true),
                Ok(line) if line.trim() == cors_core::conformance::RELOAD_REFUSED => return Ok(false),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Err("the server did not answer SIGHUP with `reloaded` or `reload refused` within 10 s".to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
