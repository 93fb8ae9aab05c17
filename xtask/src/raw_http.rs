//! A raw HTTP/1.1 client: writes the request byte for byte (duplicate and malformed headers
//! included), reads one answer (until its framing ends it, or the server closes the connection).
//! Any stream will do: plain TCP, or TLS from [`crate::transport`].

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use cors_core::conformance::{RawRequest, RawResponse};

/// Sends `request` to 127.0.0.1:`port` on a fresh connection and reads the whole answer.
pub fn send(port: u16, request: &RawRequest, timeout: Duration) -> Result<RawResponse, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    exchange(&mut stream, &encode(request, port, true), request.method == "HEAD")
}

/// Writes `bytes` (one request) to `stream` and reads one whole answer: until its framing
/// (content-length, chunked, or no body) says it is complete, or the server closes.
pub fn exchange(stream: &mut (impl Read + Write), bytes: &[u8], head: bool) -> Result<RawResponse, String> {
    // A server may answer and close before reading a huge request: that is not a failure here.
    let _ = stream.write_all(bytes).and_then(|()| stream.flush());
    let mut answer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&chunk[..n]);
                if is_complete(&answer, head) {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // A reset after the answer, or a TLS peer closing without close_notify, ends it.
            Err(e)
                if !answer.is_empty()
                    && matches!(e.kind(), std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof) =>
            {
                break
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(format!("no complete answer within the timeout ({} bytes received)", answer.len()))
            }
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    parse(&answer, head)
}

/// Whether `answer` holds a whole response by its own framing (without one, only the close ends it).
fn is_complete(answer: &[u8], head: bool) -> bool {
    let Ok((status, headers, start)) = parse_head(answer) else { return false };
    let rest = &answer[start..];
    if head || status == 204 || status == 304 {
        return true;
    }
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case(b"chunked")) {
        return dechunk(rest).is_ok();
    }
    match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, len)) => String::from_utf8_lossy(len).parse::<usize>().is_ok_and(|len| rest.len() >= len),
        None => false,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

type Head = (u16, Vec<(String, Vec<u8>)>, usize);

/// The status, headers (names lowercase) and body offset of the final answer in `answer`;
/// informational (1xx) answers before it are skipped.
fn parse_head(answer: &[u8]) -> Result<Head, String> {
    let mut offset = 0;
    loop {
        let part = &answer[offset..];
        let end = find(part, b"\r\n\r\n").ok_or("the answer has no end of headers")?;
        let mut lines = part[..end].split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
        let status_line = lines.next().ok_or("empty answer")?;
        let status = status_line
            .split(|&b| b == b' ')
            .nth(1)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("bad status line {:?}", String::from_utf8_lossy(status_line)))?;
        if (100..200).contains(&status) && status != 101 {
            offset += end + 4;
            continue;
        }
        let mut headers = Vec::new();
        for line in lines {
            let colon = line.iter().position(|&b| b == b':').ok_or("a header line without a colon")?;
            let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
            headers.push((name, line[colon + 1..].trim_ascii().to_vec()));
        }
        return Ok((status, headers, offset + end + 4));
    }
}

/// Parses a complete HTTP/1.1 answer.
pub fn parse(answer: &[u8], head: bool) -> Result<RawResponse, String> {
    if answer.is_empty() {
        return Err("the server closed the connection without answering".to_owned());
    }
    let (status, headers, start) = parse_head(answer)?;
    let rest = &answer[start..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case(b"chunked"));
    let body = if head || status == 204 || status == 304 {
        Vec::new()
    } else if chunked {
        dechunk(rest)?
    } else if let Some((_, len)) = headers.iter().find(|(n, _)| n == "content-length") {
        let len: usize = String::from_utf8_lossy(len).parse().map_err(|_| "bad content-length")?;
        rest.get(..len).ok_or("the body is shorter than content-length")?.to_vec()
    } else {
        rest.to_vec()
    };
    Ok(RawResponse { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n").ok_or("truncated chunk size")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(data.get(..size).ok_or("truncated chunk")?);
        data = data.get(size + 2..).ok_or("truncated chunk end")?;
    }
}

/// The bytes of `request` for 127.0.0.1:`port`: a `host` header first, `content-length: 0` for
/// methods that carry a body, and `connection: close` when `close`.
pub fn encode(request: &RawRequest, port: u16, close: bool) -> Vec<u8> {
    encode_for_host(request, &format!("127.0.0.1:{port}"), close)
}

/// [`encode`] with `host` (`name[:port]`, brackets around an IPv6 address) as the `host` header.
pub fn encode_for_host(request: &RawRequest, host: &str, close: bool) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(256 + request.headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>());
    bytes.extend_from_slice(format!("{} {} HTTP/1.1\r\nhost: {host}\r\n", request.method, request.path).as_bytes());
    for (name, value) in &request.headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    if matches!(request.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") {
        bytes.extend_from_slice(b"content-length: 0\r\n");
    }
    if close {
        bytes.extend_from_slice(b"connection: close\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_answers() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nVary: origin\r\n\r\nok", false).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
        assert_eq!(r.headers[1], ("vary".to_owned(), b"origin".to_vec()));
        let r =
            parse(b"HTTP/1.1 500 Internal\r\ntransfer-encoding: chunked\r\n\r\n2\r\nbo\r\n2\r\nom\r\n0\r\n\r\n", false)
                .unwrap();
        assert_eq!(r.body, b"boom");
        assert!(parse(b"", false).is_err());
        let r = parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nvary: origin\r\n\r\n", false).unwrap();
        assert_eq!((r.status, r.headers.len()), (204, 1));
    }

    #[test]
    fn an_answer_is_complete_by_its_framing() {
        assert!(is_complete(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", false));
        assert!(!is_complete(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\no", false));
        assert!(is_complete(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", true));
        assert!(is_complete(b"HTTP/1.1 204 No Content\r\n\r\n", false));
        assert!(!is_complete(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n", false));
        assert!(is_complete(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false));
        // Without framing only the close ends the body.
        assert!(!is_complete(b"HTTP/1.1 200 OK\r\n\r\nok", false));
        assert!(!is_complete(b"HTTP/1.1 200 OK\r\n", false));
    }

    #[test]
    fn exchange_reads_one_answer_without_waiting_for_the_close() {
        let mut stream = Duplex {
            input: std::io::Cursor::new(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".to_vec()),
            output: Vec::new(),
        };
        let r = exchange(&mut stream, b"GET / HTTP/1.1\r\n\r\n", false).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
        assert_eq!(stream.output, b"GET / HTTP/1.1\r\n\r\n");
    }

    struct Duplex {
        input: std::io::Cursor<Vec<u8>>,
        output: Vec<u8>,
    }

    impl Read for Duplex {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Duplex {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.output.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
