//! Servers on loopback for the doctor's and `conformance --url`'s end-to-end tests: a handler
//! per server, plain or TLS (with a certificate generated here), and a run of the xtask binary.
// Test setup: a failure to bind or to make a certificate is a broken test machine, not a finding.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A request as the test server received it.
#[derive(Debug)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The same headers with their values as bytes.
    pub raw_headers: Vec<(String, Vec<u8>)>,
}

impl Req {
    /// The first value of `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Fetch: `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS"
            && self.header("origin").is_some()
            && self.header("access-control-request-method").is_some()
    }
}

/// What the test server answers.
#[derive(Debug, Default)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn new(status: u16) -> Self {
        Resp { status, ..Resp::default() }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.as_bytes().to_vec();
        self
    }
}

type Handler = Arc<dyn Fn(&Req) -> Resp + Send + Sync>;

/// A running server; its threads end with the test process.
pub struct TestServer {
    pub port: u16,
    /// `http://127.0.0.1:PORT` (or https, or `[::1]`), no trailing slash.
    pub base: String,
}

fn read_request(stream: &mut impl Read) -> Option<Req> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let mut lines = data[..end].split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let first = String::from_utf8_lossy(lines.next()?).into_owned();
    let mut first = first.split(' ');
    let method = first.next()?.to_owned();
    let path = first.next()?.to_owned();
    let raw_headers: Vec<(String, Vec<u8>)> = lines
        .filter_map(|l| {
            let colon = l.iter().position(|&b| b == b':')?;
            Some((String::from_utf8_lossy(&l[..colon]).trim().to_owned(), l[colon + 1..].trim_ascii().to_vec()))
        })
        .collect();
    let headers = raw_headers.iter().map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned())).collect();
    let length: usize = raw_headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse().ok())
        .unwrap_or(0);
    let mut body = data[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Req { method, path, headers, raw_headers })
}

fn write_response(stream: &mut impl Write, method: &str, resp: &Resp) {
    let mut out = format!("HTTP/1.1 {} Test\r\n", resp.status);
    for (n, v) in &resp.headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", resp.body.len()));
    let mut bytes = out.into_bytes();
    if method != "HEAD" {
        bytes.extend_from_slice(&resp.body);
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}

fn answer(stream: &mut (impl Read + Write), handler: &Handler) {
    if let Some(req) = read_request(stream) {
        let resp = handler(&req);
        write_response(stream, &req.method, &resp);
    }
}

fn spawn(listener: TcpListener, scheme: &str, handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> TestServer {
    let address = listener.local_addr().unwrap();
    let host = if address.is_ipv6() { format!("[{}]", address.ip()) } else { address.ip().to_string() };
    let base = format!("{scheme}://{host}:{}", address.port());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut tcp) = stream else { continue };
            let handler = handler.clone();
            let tls = tls.clone();
            std::thread::spawn(move || {
                tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                match tls {
                    None => answer(&mut tcp, &handler),
                    Some(config) => {
                        let Ok(conn) = rustls::ServerConnection::new(config) else { return };
                        let mut stream = rustls::StreamOwned::new(conn, tcp);
                        answer(&mut stream, &handler);
                        stream.conn.send_close_notify();
                        let _ = stream.flush();
                    }
                }
            });
        }
    });
    TestServer { port: address.port(), base }
}

/// A plain HTTP server on 127.0.0.1.
pub fn serve(handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> TestServer {
    spawn(TcpListener::bind("127.0.0.1:0").unwrap(), "http", Arc::new(handler), None)
}

/// A plain HTTP server on [::1].
pub fn serve_ipv6(handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> TestServer {
    spawn(TcpListener::bind("[::1]:0").unwrap(), "http", Arc::new(handler), None)
}

/// A certificate for `localhost` and 127.0.0.1, made now; its PEM is the CA to trust.
pub struct TestCert {
    pub pem: String,
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

pub fn certificate() -> TestCert {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    TestCert { pem: made.cert.pem(), cert: made.cert.der().clone(), key: made.signing_key.serialize_der() }
}

/// An HTTPS server on 127.0.0.1 with `cert`.
pub fn serve_tls(cert: &TestCert, handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> TestServer {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key.clone()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.clone()], key)
        .unwrap();
    spawn(TcpListener::bind("127.0.0.1:0").unwrap(), "https", Arc::new(handler), Some(Arc::new(config)))
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The xtask binary's exit status, stdout and stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not one JSON object ({e}): {}", self.stdout))
    }
}

/// Runs `cargo xtask ARGS` (the built binary).
pub fn xtask(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Whether a TCP connection to 127.0.0.1:`port` is accepted (the server is up).
pub fn is_up(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}
