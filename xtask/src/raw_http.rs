//! A raw HTTP/1.1 client: writes the request byte for byte (duplicate and malformed headers
//! included), reads the answer until the server closes the connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use cors_core::conformance::{RawRequest, RawResponse};

/// Sends `request` to 127.0.0.1:`port` on a fresh connection and reads the whole answer.
pub fn send(port: u16, request: &RawRequest, timeout: Duration) -> Result<RawResponse, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let bytes = encode(request, port, true);
    // A server may answer and close before reading a huge request: that is not a failure here.
    let _ = stream.write_all(&bytes);
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if !answer.is_empty() && e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => return Err(format!("read: {e}")),
    }
    parse(&answer, request.method == "HEAD")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses a complete HTTP/1.1 answer.
pub fn parse(answer: &[u8], head: bool) -> Result<RawResponse, String> {
    if answer.is_empty() {
        return Err("the server closed the connection without answering".to_owned());
    }
    let end = find(answer, b"\r\n\r\n").ok_or("the answer has no end of headers")?;
    let mut lines = answer[..end].split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = lines.next().ok_or("empty answer")?;
    let status = status_line
        .split(|&b| b == b' ')
        .nth(1)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {:?}", String::from_utf8_lossy(status_line)))?;
    let mut headers = Vec::new();
    for line in lines {
        let colon = line.iter().position(|&b| b == b':').ok_or("a header line without a colon")?;
        let name = String::from_utf8_lossy(&line[..colon]).to_ascii_lowercase();
        headers.push((name, line[colon + 1..].trim_ascii().to_vec()));
    }
    let rest = &answer[end + 4..];
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
    let mut bytes = Vec::with_capacity(256 + request.headers.iter().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>());
    bytes.extend_from_slice(
        format!("{} {} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n", request.method, request.path).as_bytes(),
    );
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
    }
}
