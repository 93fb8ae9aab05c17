//! Writing the policy's answer into a response's headers, whatever the framework's header type,
//! and merging `Vary` with what the handler set.

use http::{HeaderName, HeaderValue};

use crate::header_names::{RESPONSE_HEADERS, VARY};

/// The response headers the core writes into. Implemented here for `http::HeaderMap`; adapters
/// for frameworks with their own types implement it in a few lines. Names are the `'static`
/// items of [`header_names`](crate::header_names): a framework that wants `&'static str` names
/// takes `name.as_str()` without a copy.
///
/// ```
/// use cors_core::ResponseHeaders;
/// let mut headers = http::HeaderMap::new();
/// headers.append_value(&cors_core::header_names::VARY, &http::HeaderValue::from_static("origin"));
/// let mut seen = Vec::new();
/// headers.for_each_value(&cors_core::header_names::VARY, &mut |v| seen.push(v.to_vec()));
/// assert_eq!(seen, [b"origin".to_vec()]);
/// ```
pub trait ResponseHeaders {
    /// Removes every value of `name` (`name.as_str()` is lowercase).
    fn remove_all(&mut self, name: &'static HeaderName);
    /// Adds a value for `name`, keeping existing ones.
    fn append_value(&mut self, name: &'static HeaderName, value: &HeaderValue);
    /// Calls `f` with each value of `name`.
    fn for_each_value(&self, name: &'static HeaderName, f: &mut dyn FnMut(&[u8]));
    /// Whether a header named `access-control-*` may be present. The core removes its own
    /// names one by one only when it may; the default says it may, which is always correct.
    fn may_have_access_control(&self) -> bool {
        true
    }
}

impl ResponseHeaders for http::HeaderMap {
    fn remove_all(&mut self, name: &'static HeaderName) {
        // `remove` takes every value of `name` out and returns the first.
        drop(self.remove(name));
    }

    fn append_value(&mut self, name: &'static HeaderName, value: &HeaderValue) {
        self.append(name.clone(), value.clone());
    }

    fn for_each_value(&self, name: &'static HeaderName, f: &mut dyn FnMut(&[u8])) {
        for v in self.get_all(name) {
            f(v.as_bytes());
        }
    }

    /// One pass over the names, cheaper than looking up the seven names the core writes.
    fn may_have_access_control(&self) -> bool {
        self.keys().any(|name| name.as_str().starts_with(crate::header_names::ACCESS_CONTROL_PREFIX))
    }
}

/// Removes every response header the core writes ([`RESPONSE_HEADERS`]), so the policy's answer
/// is the only one.
pub(crate) fn remove_cors_headers<H: ResponseHeaders + ?Sized>(headers: &mut H) {
    if headers.may_have_access_control() {
        for name in &RESPONSE_HEADERS {
            headers.remove_all(name);
        }
    }
}

/// Adds the `Vary` entries in `tokens` (lowercase) that the response does not already vary on,
/// as one more `Vary` line (RFC 9110, section 5.3: lines of a list header combine). Nothing is
/// added under `Vary: *`, which already covers everything. `all` is the precomputed line for the
/// common case where none is present yet.
pub(crate) fn merge_vary<H: ResponseHeaders + ?Sized>(headers: &mut H, tokens: &[&str], all: &HeaderValue) {
    let mut present = [false; 8];
    let mut star = false;
    headers.for_each_value(&VARY, &mut |line| {
        for item in line.split(|&b| b == b',') {
            let item = item.trim_ascii();
            if item == b"*" {
                star = true;
            }
            for (i, t) in tokens.iter().enumerate().take(present.len()) {
                if item.eq_ignore_ascii_case(t.as_bytes()) {
                    present[i] = true;
                }
            }
        }
    });
    if star {
        return;
    }
    let missing = |i: usize| !present.get(i).copied().unwrap_or(false);
    let n_missing = (0..tokens.len()).filter(|&i| missing(i)).count();
    if n_missing == tokens.len() {
        headers.append_value(&VARY, all);
    } else if n_missing > 0 {
        // Rare: the handler varies on some of the tokens already; allocate only here.
        let rest: Vec<&str> = tokens.iter().enumerate().filter(|(i, _)| missing(*i)).map(|(_, t)| *t).collect();
        if let Ok(v) = HeaderValue::from_str(&rest.join(", ")) {
            headers.append_value(&VARY, &v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_lines(h: &http::HeaderMap) -> Vec<&str> {
        h.get_all("vary").iter().map(|v| v.to_str().unwrap()).collect()
    }

    // RFC 9110 section 12.5.5: Vary is a list; never duplicate, never add to `*`.
    #[test]
    fn merges_with_the_handler_vary() {
        let all = HeaderValue::from_static("origin, access-control-request-method");
        let tokens = ["origin", "access-control-request-method"];
        let mut h = http::HeaderMap::new();
        merge_vary(&mut h, &tokens, &all);
        assert_eq!(vary_lines(&h), ["origin, access-control-request-method"]);
        merge_vary(&mut h, &tokens, &all);
        assert_eq!(vary_lines(&h), ["origin, access-control-request-method"]);

        let mut h = http::HeaderMap::new();
        h.insert("vary", HeaderValue::from_static("Accept-Encoding, Origin"));
        merge_vary(&mut h, &tokens, &all);
        assert_eq!(vary_lines(&h), ["Accept-Encoding, Origin", "access-control-request-method"]);

        let mut h = http::HeaderMap::new();
        h.insert("vary", HeaderValue::from_static("*"));
        merge_vary(&mut h, &tokens, &all);
        assert_eq!(vary_lines(&h), ["*"]);
    }
}
