//! Writing the policy's answer into a response's headers, whatever the framework's header type,
//! and merging `Vary` with what the handler set.

use http::HeaderValue;

use crate::header_names::VARY;

/// The response headers the core writes into. Implemented here for `http::HeaderMap`; adapters
/// for frameworks with their own types implement it in a few lines.
///
/// ```
/// use cors_core::ResponseHeaders;
/// let mut headers = http::HeaderMap::new();
/// headers.append_value("vary", &http::HeaderValue::from_static("origin"));
/// let mut seen = Vec::new();
/// headers.for_each_value("vary", &mut |v| seen.push(v.to_vec()));
/// assert_eq!(seen, [b"origin".to_vec()]);
/// ```
pub trait ResponseHeaders {
    /// Removes every value of `name` (lowercase).
    fn remove_all(&mut self, name: &'static str);
    /// Adds a value for `name` (lowercase), keeping existing ones.
    fn append_value(&mut self, name: &'static str, value: &HeaderValue);
    /// Calls `f` with each value of `name` (lowercase).
    fn for_each_value(&self, name: &'static str, f: &mut dyn FnMut(&[u8]));
}

impl ResponseHeaders for http::HeaderMap {
    fn remove_all(&mut self, name: &'static str) {
        if self.contains_key(name) {
            while self.remove(name).is_some() {}
        }
    }

    fn append_value(&mut self, name: &'static str, value: &HeaderValue) {
        self.append(http::HeaderName::from_static(name), value.clone());
    }

    fn for_each_value(&self, name: &'static str, f: &mut dyn FnMut(&[u8])) {
        for v in self.get_all(name) {
            f(v.as_bytes());
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
    headers.for_each_value(VARY, &mut |line| {
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
        headers.append_value(VARY, all);
    } else if n_missing > 0 {
        // Rare: the handler varies on some of the tokens already; allocate only here.
        let rest: Vec<&str> = tokens.iter().enumerate().filter(|(i, _)| missing(*i)).map(|(_, t)| *t).collect();
        if let Ok(v) = HeaderValue::from_str(&rest.join(", ")) {
            headers.append_value(VARY, &v);
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
