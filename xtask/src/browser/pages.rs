//! Serving the test page: over plain HTTP from xtask itself (the `http://localhost` and
//! `http://127.0.0.1` page origins, and the results the pages post back), and over TLS through
//! `openssl s_server -WWW` for the `https://*.example.org` origins, which Chromium reaches on
//! loopback through `--host-resolver-rules`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP server for the files of `dir` (`page.html`, `config-*.json`) that also takes the pages'
/// results: `POST /results` bodies arrive on [`PageServer::results`].
pub struct PageServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PageServer {
    pub fn start(dir: &Path, results: Sender<String>) -> Result<PageServer, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("page server: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let s = Arc::clone(&stop);
        let dir = dir.to_path_buf();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (dir, results) = (dir.clone(), results.clone());
                std::thread::spawn(move || serve(stream, &dir, &results));
            }
        });
        Ok(PageServer { port, stop, thread: Some(thread) })
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A results channel for [`PageServer::start`].
pub fn results_channel() -> (Sender<String>, Receiver<String>) {
    mpsc::channel()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn serve(mut stream: TcpStream, dir: &Path, results: &Sender<String>) {
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let mut data = Vec::new();
    let mut buf = [0u8; 16384];
    let end = loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            break end;
        }
        match stream.read(&mut buf) {
            Ok(n) if n > 0 => data.extend_from_slice(&buf[..n]),
            _ => return,
        }
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut words = head.split(' ');
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = data[end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf) {
            Ok(n) if n > 0 => body.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let (status, content_type, content) = match (method, path) {
        ("POST", "/results") => {
            let _ = results.send(String::from_utf8_lossy(&body).into_owned());
            ("200 OK", "text/plain", Vec::new())
        }
        ("GET", _) => match file_name(path).and_then(|name| std::fs::read(dir.join(name)).ok()) {
            Some(bytes) if path.ends_with(".html") => ("200 OK", "text/html; charset=utf-8", bytes),
            Some(bytes) => ("200 OK", "application/json", bytes),
            None => ("404 Not Found", "text/plain", b"not found".to_vec()),
        },
        _ => ("405 Method Not Allowed", "text/plain", Vec::new()),
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        content.len()
    )
    .into_bytes();
    out.extend_from_slice(&content);
    let _ = stream.write_all(&out);
    let _ = stream.shutdown(Shutdown::Write);
}

/// Only the page and the run configurations are served, never another path.
fn file_name(path: &str) -> Option<&str> {
    let name = path.strip_prefix('/')?;
    let ok = name == "page.html"
        || (name.starts_with("config-")
            && name.ends_with(".json")
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
    ok.then_some(name)
}

/// `openssl s_server -WWW` serving `dir` over TLS with a throwaway self-signed certificate
/// (Chromium runs with `--ignore-certificate-errors`); killed on drop.
pub struct TlsPages {
    child: Child,
    pub port: u16,
}

/// The `openssl` command-line tool.
fn openssl() -> PathBuf {
    std::env::var_os("OPENSSL").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("openssl"))
}

impl TlsPages {
    /// `work` gets the key and certificate; `dir` is served.
    pub fn start(work: &Path, dir: &Path, hosts: &[&str]) -> Result<TlsPages, String> {
        let (key, cert) = (work.join("tls-key.pem"), work.join("tls-cert.pem"));
        let san = hosts.iter().map(|h| format!("DNS:{h}")).collect::<Vec<_>>().join(",");
        let out = Command::new(openssl())
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
            .args(["-subj", &format!("/CN={}", hosts.first().copied().unwrap_or("localhost"))])
            .args(["-addext", &format!("subjectAltName={san}")])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                format!("cannot run openssl ({e}): the https page origins need it; install it with `sudo apt-get install -y openssl`")
            })?;
        if !out.status.success() {
            return Err(format!("openssl req failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let port = crate::server::free_port()?;
        let child = Command::new(openssl())
            .args(["s_server", "-quiet", "-WWW", "-accept", &port.to_string()])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start openssl s_server: {e}"))?;
        let mut pages = TlsPages { child, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) || !matches!(pages.child.try_wait(), Ok(None)) {
                return Err(format!("openssl s_server did not listen on port {port}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The probe connection above closed without a handshake; s_server goes on to the next one.
        Ok(pages)
    }
}

impl Drop for TlsPages {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_only_the_page_and_configurations() {
        assert_eq!(file_name("/page.html"), Some("page.html"));
        assert_eq!(file_name("/config-axum-localhost.json"), Some("config-axum-localhost.json"));
        assert_eq!(file_name("/../etc/passwd"), None);
        assert_eq!(file_name("/config-../../x.json"), None);
        assert_eq!(file_name("/tls-key.pem"), None);
    }

    #[test]
    fn takes_results_and_serves_files() {
        let dir = std::env::temp_dir().join(format!("xtask-pages-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("page.html"), "<p>hi</p>").unwrap();
        let (tx, rx) = results_channel();
        let server = PageServer::start(&dir, tx).unwrap();
        let get = |req: &str| {
            let mut c = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            c.write_all(req.as_bytes()).unwrap();
            let mut s = String::new();
            c.read_to_string(&mut s).unwrap();
            s
        };
        assert!(get("GET /page.html HTTP/1.1\r\n\r\n").ends_with("<p>hi</p>"));
        assert!(get("GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get("POST /results HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}").starts_with("HTTP/1.1 200"));
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), "{}");
        drop(server);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
