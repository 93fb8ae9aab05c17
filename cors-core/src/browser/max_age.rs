//! Fetch, "CORS-preflight fetch", step 7.8: how long the browser caches a preflight answer.

use std::time::Duration;

use http::HeaderMap;

/// Chromium's cap on `Access-Control-Max-Age`.
pub const CHROMIUM_MAX_AGE: Duration = Duration::from_secs(7200);
/// Firefox's cap on `Access-Control-Max-Age`.
pub const FIREFOX_MAX_AGE: Duration = Duration::from_secs(86_400);
/// How long a preflight answer is cached without a valid `Access-Control-Max-Age` (Fetch).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5);

/// Fetch, "extract header list values" for `Access-Control-Max-Age` (`delta-seconds`, one
/// value): all lines combined, then exactly one element of ASCII digits. Anything else (two
/// values, `5, 5`, a sign, a fraction, an empty value) is failure, which means the default 5 s.
/// The value is not clamped here.
pub fn parse_max_age(headers: &HeaderMap) -> Option<Duration> {
    let mut lines = headers.get_all("access-control-max-age").iter();
    let first = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let value = first.as_bytes().trim_ascii();
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Saturates: a number too large for u64 is still "very long", then capped.
    let secs = value.iter().fold(0u64, |n, &d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    Some(Duration::from_secs(secs))
}

/// What Chromium caches a passed preflight for: the parsed max-age, or 5 s, capped at 7200 s.
pub(crate) fn chromium_max_age(headers: &HeaderMap) -> Duration {
    parse_max_age(headers).unwrap_or(DEFAULT_MAX_AGE).min(CHROMIUM_MAX_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("access-control-max-age", http::HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn one_value_of_digits_or_the_default() {
        assert_eq!(parse_max_age(&with(&["600"])), Some(Duration::from_secs(600)));
        assert_eq!(parse_max_age(&with(&[" 600 "])), Some(Duration::from_secs(600)));
        assert_eq!(parse_max_age(&with(&[])), None);
        for bad in [&["600", "600"][..], &["5, 5"], &["-1"], &["+5"], &["1.5"], &[""], &["ten"]] {
            assert_eq!(parse_max_age(&with(bad)), None, "{bad:?}");
        }
        assert_eq!(chromium_max_age(&with(&["5, 600"])), DEFAULT_MAX_AGE);
        assert_eq!(chromium_max_age(&with(&["99999999999999999999999"])), CHROMIUM_MAX_AGE);
    }
}
