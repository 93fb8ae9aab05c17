//! Fetch, "CORS-safelisted request-header", "CORS-unsafe request-header names", and
//! "CORS-safelisted response-header name".

/// Fetch, "CORS-unsafe request-header byte".
fn is_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09)
        || matches!(b, b'"' | b'(' | b')' | b':' | b'<' | b'>' | b'?' | b'@' | b'[' | b'\\' | b']' | b'{' | b'}' | 0x7f)
}

/// Fetch, "CORS-safelisted request-header": whether a page may send `name: value` without a preflight.
pub fn is_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.iter().any(|&b| is_unsafe_byte(b)),
        "accept-language" | "content-language" => value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')),
        "content-type" => {
            if value.iter().any(|&b| is_unsafe_byte(b)) {
                return false;
            }
            // Fetch: parse a MIME type and compare its essence.
            let text = String::from_utf8_lossy(value);
            let essence = text.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            matches!(essence.as_str(), "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain")
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// Fetch, "simple range header value": `bytes=` then a start and an optional end, both digits.
fn is_simple_range(value: &[u8]) -> bool {
    let Some(rest) = value.strip_prefix(b"bytes=") else { return false };
    let Some(dash) = rest.iter().position(|&b| b == b'-') else { return false };
    let (start, end) = (&rest[..dash], &rest[dash + 1..]);
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if start.is_empty() || !digits(start) || !digits(end) {
        return false;
    }
    // Chromium reads both as 64-bit numbers: a start (or end) that overflows is not simple.
    let num = |s: &[u8]| std::str::from_utf8(s).ok().and_then(|t| t.parse::<u64>().ok());
    let Some(start) = num(start) else { return false };
    end.is_empty() || num(end).is_some_and(|end| start <= end)
}

/// Fetch, "CORS-unsafe request-header names": lowercase, sorted, unique.
pub fn unsafe_request_header_names(headers: &[(String, Vec<u8>)]) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut safelisted_size = 0usize;
    let mut potentially = Vec::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if is_safelisted_request_header(&lower, value) {
            safelisted_size += value.len();
            potentially.push(lower);
        } else {
            unsafe_names.push(lower);
        }
    }
    // Fetch: when safelisted values add up to more than 1024 bytes, they become unsafe too.
    if safelisted_size > 1024 {
        unsafe_names.extend(potentially);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// Fetch, "CORS-safelisted response-header name" (without the exposed list).
pub fn is_safelisted_response_header(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "cache-control"
            | "content-language"
            | "content-length"
            | "content-type"
            | "expires"
            | "last-modified"
            | "pragma"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fetch, "CORS-safelisted request-header".
    #[test]
    fn content_type_rule() {
        assert!(is_safelisted_request_header("Content-Type", b"text/plain;charset=UTF-8"));
        assert!(is_safelisted_request_header("content-type", b"multipart/form-data; boundary=x"));
        assert!(!is_safelisted_request_header("content-type", b"application/json"));
        assert!(!is_safelisted_request_header("content-type", b"text/plain\"x"));
        assert!(is_safelisted_request_header("accept", b"application/json"));
        assert!(!is_safelisted_request_header("accept", &[b'a'; 129]));
        assert!(!is_safelisted_request_header("x-requested-with", b"XMLHttpRequest"));
        assert!(!is_safelisted_request_header("authorization", b"Bearer x"));
        assert!(is_safelisted_request_header("range", b"bytes=0-10"));
        assert!(!is_safelisted_request_header("range", b"bytes=10-0"));
        assert!(!is_safelisted_request_header("range", b"bytes=-10"));
        assert!(is_safelisted_request_header("range", b"bytes=18446744073709551615-"));
        assert!(!is_safelisted_request_header("range", b"bytes=18446744073709551616-"));
        assert!(!is_safelisted_request_header("range", b"bytes=99999999999999999999999999999999999999999-"));
        assert!(!is_safelisted_request_header("range", b"bytes=0-18446744073709551616"));
    }

    #[test]
    fn unsafe_names_are_sorted_lowercase_unique() {
        let h = |n: &str, v: &str| (n.to_owned(), v.as_bytes().to_vec());
        let names = unsafe_request_header_names(&[
            h("X-B", "1"),
            h("content-type", "application/json"),
            h("x-a", "1"),
            h("X-A", "2"),
            h("accept", "*/*"),
        ]);
        assert_eq!(names, ["content-type", "x-a", "x-b"]);
    }
}
