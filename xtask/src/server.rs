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
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok);
            let _ = tx.send(first);
            // Keep draining so the server never blocks on a full pipe.
            for _ in lines {}
        });
        let expected = format!("listening on 127.0.0.1:{port}");
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(line)) if line.trim() == expected => Ok(Server { child, port }),
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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
