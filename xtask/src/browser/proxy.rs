//! A recording proxy in front of a conformance server: Chromium talks to it, it forwards each
//! request on a fresh connection with `connection: close`, records the request and the server's
//! real answer, and hands the answer back. The records give the preflights Chromium sent (and how
//! many) and the exact responses the browser model then judges.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use cors_core::conformance::{RawRequest, RawResponse};

use crate::raw_http;

const TIMEOUT: Duration = Duration::from_secs(10);
/// Requests larger than this are refused (the page sends small ones).
const MAX_REQUEST: usize = 1 << 20;

/// One request Chromium sent, and the server's answer (or why there was none).
#[derive(Clone, Debug)]
pub struct Exchange {
    pub request: RawRequest,
    pub response: Result<RawResponse, String>,
}

impl Exchange {
    /// Fetch: an `OPTIONS` with `Access-Control-Request-Method` is a preflight.
    pub fn is_preflight(&self) -> bool {
        self.request.method == "OPTIONS" && self.header("access-control-request-method").is_some()
    }

    /// A request header's value (the first one).
    pub fn header(&self, name: &str) -> Option<String> {
        self.request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    /// The `call` number in the query string.
    pub fn call(&self) -> Option<usize> {
        let query = self.request.path.split_once('?')?.1;
        query.split('&').find_map(|kv| kv.strip_prefix("call=")).and_then(|n| n.parse().ok())
    }
}

/// A running proxy; stops on drop.
pub struct Proxy {
    pub port: u16,
    records: Arc<Mutex<Vec<Exchange>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to 127.0.0.1:`upstream`.
    pub fn start(upstream: u16) -> Result<Proxy, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("proxy: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let records = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (Arc::clone(&records), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let r = Arc::clone(&r);
                std::thread::spawn(move || handle(stream, upstream, &r));
            }
        });
        Ok(Proxy { port, records, stop, thread: Some(thread) })
    }

    /// Everything recorded since the last `take`, in arrival order; clears the record.
    pub fn take(&self) -> Vec<Exchange> {
        self.records.lock().map(|mut r| std::mem::take(&mut *r)).unwrap_or_default()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one request: its head, then `content-length` bytes of body. `None` when the client
/// closed without sending one (Chromium opens spare connections).
fn read_request(stream: &mut TcpStream) -> Result<Option<(RawRequest, Vec<u8>)>, String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut buf).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return if data.is_empty() { Ok(None) } else { Err("the request ends inside its head".to_owned()) };
        }
        data.extend_from_slice(&buf[..n]);
        if data.len() > MAX_REQUEST {
            return Err("request too large".to_owned());
        }
    };
    let (request, length) = parse_head(&data[..end])?;
    let mut body = data[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("the body is shorter than content-length".to_owned());
        }
        body.extend_from_slice(&buf[..n]);
        if body.len() > MAX_REQUEST {
            return Err("request too large".to_owned());
        }
    }
    body.truncate(length);
    Ok(Some((request, body)))
}

/// Parses a request head; returns the request (header names lowercase) and its content-length.
fn parse_head(head: &[u8]) -> Result<(RawRequest, usize), String> {
    let mut lines = head.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let mut parts = line.split(' ');
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(format!("bad request line {line:?}"));
    };
    let mut headers = Vec::new();
    let mut length = 0;
    for l in lines {
        let colon = l.iter().position(|&b| b == b':').ok_or("a header line without a colon")?;
        let name = String::from_utf8_lossy(&l[..colon]).to_ascii_lowercase();
        let value = l[colon + 1..].trim_ascii().to_vec();
        if name == "content-length" {
            length = String::from_utf8_lossy(&value).parse().map_err(|_| "bad content-length")?;
        }
        if name == "transfer-encoding" {
            return Err("chunked request bodies are not supported".to_owned());
        }
        headers.push((name, value));
    }
    Ok((RawRequest { method: method.to_owned(), path: path.to_owned(), headers }, length))
}

/// Hop-by-hop headers the proxy replaces.
fn hop_by_hop(name: &str) -> bool {
    matches!(name, "connection" | "keep-alive" | "proxy-connection" | "transfer-encoding")
}

fn forward(request: &RawRequest, body: &[u8], upstream: u16) -> Result<(RawResponse, String), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", upstream)).map_err(|e| format!("connect to the server: {e}"))?;
    stream.set_read_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
    let mut bytes = format!("{} {} HTTP/1.1\r\n", request.method, request.path).into_bytes();
    for (name, value) in request.headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"connection: close\r\n\r\n");
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).map_err(|e| format!("write to the server: {e}"))?;
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if !answer.is_empty() && e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => return Err(format!("read from the server: {e}")),
    }
    let response = raw_http::parse(&answer, request.method == "HEAD")?;
    let status_line = answer.split(|&b| b == b'\r').next().unwrap_or_default();
    let reason = String::from_utf8_lossy(status_line).splitn(3, ' ').nth(2).unwrap_or("").to_owned();
    Ok((response, reason))
}

/// The answer as Chromium gets it: the server's status, headers and (de-chunked) body, with
/// `connection: close` and a `content-length` that matches.
fn serialize(response: &RawResponse, reason: &str, head: bool) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", response.status).into_bytes();
    let keep_length = head || response.status == 204 || response.status == 304;
    for (name, value) in &response.headers {
        if hop_by_hop(name) || (name == "content-length" && !keep_length) {
            continue;
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    if !keep_length {
        out.extend_from_slice(format!("content-length: {}\r\n", response.body.len()).as_bytes());
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(&response.body);
    out
}

fn handle(mut stream: TcpStream, upstream: u16, records: &Mutex<Vec<Exchange>>) {
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let (request, body) = match read_request(&mut stream) {
        Ok(Some(r)) => r,
        Ok(None) | Err(_) => return,
    };
    let answer = forward(&request, &body, upstream);
    let bytes = match &answer {
        Ok((response, reason)) => serialize(response, reason, request.method == "HEAD"),
        Err(e) => format!(
            "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{e}",
            e.len()
        )
        .into_bytes(),
    };
    if let Ok(mut r) = records.lock() {
        r.push(Exchange { request, response: answer.map(|(r, _)| r) });
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.shutdown(Shutdown::Write);
    // Let the client read the answer before the socket closes.
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_head() {
        let (r, len) = parse_head(
            b"OPTIONS /data?call=7 HTTP/1.1\r\nHost: x\r\nAccess-Control-Request-Method: PUT\r\nContent-Length: 3",
        )
        .unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str(), len), ("OPTIONS", "/data?call=7", 3));
        let e = Exchange { request: r, response: Err(String::new()) };
        assert!(e.is_preflight());
        assert_eq!(e.call(), Some(7));
        assert_eq!(e.header("HOST").as_deref(), Some("x"));
    }

    #[test]
    fn serializes_with_a_matching_length() {
        let r = RawResponse {
            status: 200,
            headers: vec![("transfer-encoding".into(), b"chunked".to_vec()), ("x-total-count".into(), b"42".to_vec())],
            body: b"ok".to_vec(),
        };
        let bytes = serialize(&r, "OK", false);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "HTTP/1.1 200 OK\r\nx-total-count: 42\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    }

    #[test]
    fn records_what_passes_through() {
        // An upstream that answers once.
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let up = upstream.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = upstream.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 204 No Content\r\naccess-control-allow-origin: *\r\n\r\n").unwrap();
        });
        let proxy = Proxy::start(up).unwrap();
        let mut c = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
        c.write_all(b"OPTIONS /data?call=3 HTTP/1.1\r\nhost: a\r\naccess-control-request-method: PUT\r\nconnection: keep-alive\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        c.read_to_string(&mut answer).unwrap();
        server.join().unwrap();
        assert!(answer.starts_with("HTTP/1.1 204 No Content\r\n"), "{answer}");
        assert!(answer.contains("connection: close"));
        let records = proxy.take();
        assert_eq!(records.len(), 1);
        assert!(records[0].is_preflight());
        assert_eq!(records[0].response.as_ref().unwrap().status, 204);
        assert!(proxy.take().is_empty());
    }
}
