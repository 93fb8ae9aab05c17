//! HTTP/1.1 on the wire for `soak` and `hostile`: request bytes, a reader that takes one framed
//! answer at a time off a connection (so keep-alive connections can be reused), and one-shot
//! exchanges of arbitrary bytes on a fresh connection, written and read concurrently so a server
//! that answers before reading a huge request is seen answering.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use cors_core::conformance::RawResponse;

/// The longest answer head read before giving up on the answer.
const MAX_HEAD: usize = 1 << 20;
/// The longest line (chunk size, trailer) read before giving up on the answer.
const MAX_LINE: usize = 8 * 1024;

pub use crate::raw_http::encode;

/// Why no (complete) answer was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoAnswer {
    /// The server closed the connection (FIN) before the first byte of an answer.
    Closed,
    /// The connection was reset (or the write failed) before the first byte of an answer.
    Reset,
    /// No byte for the read timeout.
    TimedOut,
    /// The connection ended (FIN or reset) in the middle of an answer.
    Truncated,
    /// The bytes are not an HTTP/1.1 answer.
    Malformed(String),
    /// Any other I/O error.
    Io(String),
}

impl NoAnswer {
    /// The server ended the connection on purpose, without answering: FIN, or a reset (which is
    /// what a close with unread request bytes looks like from this side).
    pub fn is_close(&self) -> bool {
        matches!(self, NoAnswer::Closed | NoAnswer::Reset)
    }

    /// A short label for tables.
    pub fn label(&self) -> &'static str {
        match self {
            NoAnswer::Closed => "closed",
            NoAnswer::Reset => "reset",
            NoAnswer::TimedOut => "timeout",
            NoAnswer::Truncated => "truncated",
            NoAnswer::Malformed(_) => "malformed",
            NoAnswer::Io(_) => "io error",
        }
    }
}

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoAnswer::Malformed(why) => write!(f, "malformed answer: {why}"),
            NoAnswer::Io(why) => write!(f, "i/o error: {why}"),
            other => f.write_str(other.label()),
        }
    }
}

fn classify(e: &io::Error, started: bool) -> NoAnswer {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => NoAnswer::TimedOut,
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
            if started {
                NoAnswer::Truncated
            } else {
                NoAnswer::Reset
            }
        }
        _ => NoAnswer::Io(e.to_string()),
    }
}

/// One answer read off a connection.
#[derive(Debug)]
pub struct Answer {
    pub response: RawResponse,
    /// The server closes the connection after this answer (`connection: close`, or a body
    /// delimited by the close).
    pub close: bool,
}

/// How the body of an answer ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(usize),
    Chunked,
    UntilClose,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Headers in order, names lowercase, values as bytes.
pub type Headers = Vec<(String, Vec<u8>)>;

/// Parses an answer head (status line and header lines, without the blank line): the status and
/// the headers with lowercase names and trimmed values.
pub fn parse_head(head: &[u8]) -> Result<(u16, Headers), String> {
    let mut lines = head.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next().unwrap_or_default();
    let shown = || String::from_utf8_lossy(status_line).chars().take(80).collect::<String>();
    if !status_line.starts_with(b"HTTP/1.") {
        return Err(format!("bad status line {:?}", shown()));
    }
    let status = status_line
        .split(|&b| b == b' ')
        .nth(1)
        .filter(|s| s.len() == 3)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| format!("bad status line {:?}", shown()))?;
    let mut headers = Vec::new();
    for line in lines {
        let colon = line.iter().position(|&b| b == b':').ok_or("a header line without a colon")?;
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        headers.push((name, line[colon + 1..].trim_ascii().to_vec()));
    }
    Ok((status, headers))
}

fn framing(status: u16, headers: &[(String, Vec<u8>)], head_request: bool) -> Result<Framing, String> {
    if head_request || (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(Framing::Empty);
    }
    let chunked = headers.iter().filter(|(n, _)| n == "transfer-encoding").any(|(_, v)| {
        v.split(|&b| b == b',').next_back().is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"))
    });
    if chunked {
        return Ok(Framing::Chunked);
    }
    let mut length = None;
    for (_, value) in headers.iter().filter(|(n, _)| n == "content-length") {
        let parsed: usize = std::str::from_utf8(value)
            .ok()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("bad content-length {:?}", String::from_utf8_lossy(value)))?;
        if length.is_some_and(|l| l != parsed) {
            return Err("conflicting content-length headers".to_owned());
        }
        length = Some(parsed);
    }
    Ok(length.map_or(Framing::UntilClose, Framing::Length))
}

fn says_close(headers: &[(String, Vec<u8>)]) -> bool {
    headers
        .iter()
        .filter(|(n, _)| n == "connection")
        .any(|(_, v)| v.split(|&b| b == b',').any(|t| t.trim_ascii().eq_ignore_ascii_case(b"close")))
}

/// Reads answers one at a time off a byte stream, keeping what follows an answer for the next.
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
}

impl<R: Read> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader { inner, buf: Vec::with_capacity(4096), pos: 0 }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads more bytes into the buffer; `false` at end of stream.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        } else if self.pos > 64 * 1024 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.inner.read(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Like `fill`, with the end of the stream and errors as [`NoAnswer`]; `started` says whether
    /// part of the answer has been read already.
    fn more(&mut self, started: bool) -> Result<(), NoAnswer> {
        match self.fill() {
            Ok(true) => Ok(()),
            Ok(false) if started => Err(NoAnswer::Truncated),
            Ok(false) => Err(NoAnswer::Closed),
            Err(e) => Err(classify(&e, started)),
        }
    }

    fn line(&mut self) -> Result<Vec<u8>, NoAnswer> {
        loop {
            if let Some(i) = find(self.pending(), b"\r\n") {
                let line = self.pending()[..i].to_vec();
                self.pos += i + 2;
                return Ok(line);
            }
            if self.pending().len() > MAX_LINE {
                return Err(NoAnswer::Malformed("a chunk line over 8 KiB".to_owned()));
            }
            self.more(true)?;
        }
    }

    fn take(&mut self, n: usize) -> Result<Vec<u8>, NoAnswer> {
        while self.pending().len() < n {
            self.more(true)?;
        }
        let bytes = self.pending()[..n].to_vec();
        self.pos += n;
        Ok(bytes)
    }

    fn dechunk(&mut self) -> Result<Vec<u8>, NoAnswer> {
        let mut body = Vec::new();
        loop {
            let line = self.line()?;
            let text = String::from_utf8_lossy(&line);
            let size = usize::from_str_radix(text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| NoAnswer::Malformed(format!("bad chunk size {text:?}")))?;
            if size == 0 {
                // Trailers, up to the blank line.
                while !self.line()?.is_empty() {}
                return Ok(body);
            }
            body.extend_from_slice(&self.take(size)?);
            if self.take(2)? != b"\r\n" {
                return Err(NoAnswer::Malformed("a chunk not followed by CRLF".to_owned()));
            }
        }
    }

    /// Reads the next answer (skipping interim 1xx answers). `head_request`: the answer has no
    /// body whatever its headers say.
    pub fn read_answer(&mut self, head_request: bool) -> Result<Answer, NoAnswer> {
        loop {
            let end = loop {
                if let Some(i) = find(self.pending(), b"\r\n\r\n") {
                    break i;
                }
                if self.pending().len() > MAX_HEAD {
                    return Err(NoAnswer::Malformed("an answer head over 1 MiB".to_owned()));
                }
                let started = !self.pending().is_empty();
                self.more(started)?;
            };
            let (status, headers) = parse_head(&self.pending()[..end]).map_err(NoAnswer::Malformed)?;
            self.pos += end + 4;
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            let close = says_close(&headers);
            let (body, close) = match framing(status, &headers, head_request).map_err(NoAnswer::Malformed)? {
                Framing::Empty => (Vec::new(), close || status == 101),
                Framing::Length(n) => (self.take(n)?, close),
                Framing::Chunked => (self.dechunk()?, close),
                Framing::UntilClose => {
                    loop {
                        match self.fill() {
                            Ok(true) => {}
                            Ok(false) => break,
                            Err(e) => return Err(classify(&e, true)),
                        }
                    }
                    let body = self.pending().to_vec();
                    self.pos = self.buf.len();
                    (body, true)
                }
            };
            return Ok(Answer { response: RawResponse { status, headers, body }, close });
        }
    }
}

/// A keep-alive connection to 127.0.0.1: one request written, one answer read, again.
pub struct Conn {
    reader: Reader<TcpStream>,
}

impl Conn {
    pub fn open(port: u16, timeout: Duration) -> io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        Ok(Conn { reader: Reader::new(stream) })
    }

    /// Writes `request` (already encoded) and reads its answer.
    pub fn exchange(&mut self, request: &[u8], head_request: bool) -> Result<Answer, NoAnswer> {
        if let Err(e) = self.reader.inner.write_all(request) {
            return Err(classify(&e, false));
        }
        self.reader.read_answer(head_request)
    }
}

/// What became of one request on a fresh connection.
#[derive(Debug)]
pub struct Shot {
    pub result: Result<RawResponse, NoAnswer>,
    /// From the connection being established to the answer (or the close) being read.
    pub elapsed: Duration,
}

impl Shot {
    /// The status, or how the connection ended without one.
    pub fn label(&self) -> String {
        match &self.result {
            Ok(r) => r.status.to_string(),
            Err(e) => e.label().to_owned(),
        }
    }
}

/// Sends `request` (any bytes) on a fresh connection to 127.0.0.1:`port` and reads one answer.
/// The request is written on another thread while this one reads, so an answer sent before the
/// server has read everything is seen; once it is read (or the connection ends), the socket is
/// shut down. `Err` only when the connection cannot be established.
pub fn one_shot(port: u16, request: &[u8], head_request: bool, timeout: Duration) -> Result<Shot, String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    let setup = |s: &TcpStream| -> io::Result<()> {
        s.set_read_timeout(Some(timeout))?;
        s.set_write_timeout(Some(timeout))?;
        s.set_nodelay(true)
    };
    setup(&stream).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let shot = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut out = &stream;
            // A server may answer and close before reading everything: not a failure here.
            let _ = out.write_all(request);
        });
        let result = Reader::new(&stream).read_answer(head_request).map(|a| a.response);
        let elapsed = started.elapsed();
        // Unblocks a writer the server no longer reads from.
        let _ = stream.shutdown(Shutdown::Both);
        let _ = writer.join();
        Shot { result, elapsed }
    });
    Ok(shot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cors_core::conformance::RawRequest;

    fn reader(bytes: &[u8]) -> Reader<&[u8]> {
        Reader::new(bytes)
    }

    #[test]
    fn encodes_keep_alive_and_close_requests() {
        let request = RawRequest {
            method: "PUT".to_owned(),
            path: "/data".to_owned(),
            headers: vec![("origin".to_owned(), b"https://a\xff".to_vec())],
        };
        assert_eq!(
            encode(&request, 8080, false),
            b"PUT /data HTTP/1.1\r\nhost: 127.0.0.1:8080\r\norigin: https://a\xff\r\ncontent-length: 0\r\n\r\n"
        );
        assert!(encode(&RawRequest::follow_up(), 1, true).ends_with(b"\r\nconnection: close\r\n\r\n"));
    }

    #[test]
    fn parses_heads() {
        let (status, headers) = parse_head(b"HTTP/1.1 204 No Content\r\nVary: Origin\r\nX-Empty:").unwrap();
        assert_eq!(status, 204);
        assert_eq!(headers, vec![("vary".to_owned(), b"Origin".to_vec()), ("x-empty".to_owned(), Vec::new())]);
        assert!(parse_head(b"SSH-2.0 hello").is_err());
        assert!(parse_head(b"HTTP/1.1 2000 Huh").is_err());
        assert!(parse_head(b"HTTP/1.1 200 OK\r\nno colon here").is_err());
    }

    #[test]
    fn reads_pipelined_answers_one_at_a_time() {
        let wire = b"HTTP/1.1 100 Continue\r\n\r\n\
            HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok\
            HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n\
            HTTP/1.1 500 Internal\r\ntransfer-encoding: chunked\r\n\r\n2;x=y\r\nbo\r\n2\r\nom\r\n0\r\ntrailer: t\r\n\r\n\
            HTTP/1.1 204 No Content\r\nconnection: keep-alive, Close\r\n\r\n\
            HTTP/1.1 404 Not Found\r\n\r\nuntil the end";
        let mut r = reader(wire);
        let a = r.read_answer(false).unwrap();
        assert_eq!((a.response.status, a.response.body.as_slice(), a.close), (200, &b"ok"[..], false));
        // A HEAD answer: content-length without a body.
        let a = r.read_answer(true).unwrap();
        assert_eq!((a.response.status, a.response.body.len()), (200, 0));
        let a = r.read_answer(false).unwrap();
        assert_eq!((a.response.status, a.response.body.as_slice()), (500, &b"boom"[..]));
        let a = r.read_answer(false).unwrap();
        assert_eq!((a.response.status, a.close), (204, true));
        let a = r.read_answer(false).unwrap();
        assert_eq!((a.response.status, a.response.body.as_slice(), a.close), (404, &b"until the end"[..], true));
        assert_eq!(r.read_answer(false).unwrap_err(), NoAnswer::Closed);
    }

    #[test]
    fn tells_closed_from_truncated_and_malformed() {
        assert_eq!(reader(b"").read_answer(false).unwrap_err(), NoAnswer::Closed);
        assert_eq!(reader(b"HTTP/1.1 200 OK\r\n").read_answer(false).unwrap_err(), NoAnswer::Truncated);
        assert_eq!(
            reader(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nok").read_answer(false).unwrap_err(),
            NoAnswer::Truncated
        );
        assert!(matches!(
            reader(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok").read_answer(false),
            Err(NoAnswer::Malformed(_))
        ));
        assert!(matches!(
            reader(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n").read_answer(false),
            Err(NoAnswer::Malformed(_))
        ));
    }
}
