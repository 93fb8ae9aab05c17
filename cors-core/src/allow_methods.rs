//! Which methods a preflight may ask for. Methods are case-sensitive tokens (Fetch, "methods").

use http::HeaderValue;

use crate::error::{Problem, ProblemKind};
use crate::header_names::is_token;
use crate::lookup_hash::load_word;

/// Longest `Access-Control-Request-Method` considered: the longest registered HTTP methods are
/// under 20 bytes. A longer value is refused without further work, and never echoed or copied.
pub const MAX_REQUEST_METHOD_LEN: usize = 64;

const SETTING: &str = "allow_methods";

/// The methods a browser normalizes to uppercase (Fetch, "normalize a method"); every other
/// method, `patch` included, is sent exactly as the page wrote it.
pub(crate) const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Fetch, "CORS-safelisted method": a preflight never fails for these.
pub(crate) fn is_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// Fetch, "forbidden method": a page can never send these (byte-case-insensitive).
pub(crate) fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"].iter().any(|m| m.eq_ignore_ascii_case(method))
}

#[derive(Debug)]
pub(crate) struct AllowMethods {
    pub(crate) any: bool,
    list: Vec<Box<[u8]>>,
    /// Each listed method's length and first eight bytes (zero-padded): a method of up to eight
    /// bytes is found by comparing integers.
    words: Vec<(usize, u64)>,
    /// `Access-Control-Allow-Methods` as sent: the joined list, or `*`.
    pub(crate) header: HeaderValue,
    pub(crate) display: String,
}

impl AllowMethods {
    /// Validates the configured methods. `None` means the default: GET, HEAD, POST.
    pub(crate) fn new(entries: Option<&[String]>, problems: &mut Vec<Problem>, warnings: &mut Vec<Problem>) -> Self {
        let default = ["GET".to_owned(), "HEAD".to_owned(), "POST".to_owned()];
        let entries = entries.unwrap_or(&default);
        let mut list: Vec<Box<[u8]>> = Vec::new();
        let mut any = false;
        for m in entries {
            if m == "*" {
                any = true;
                continue;
            }
            if !is_token(m.as_bytes()) {
                problems.push(Problem::new(
                    ProblemKind::InvalidMethod,
                    SETTING,
                    m,
                    "is not a valid method token",
                    "write a method name such as \"PATCH\", without spaces or separators",
                ));
            } else if is_forbidden_method(m) {
                problems.push(Problem::new(
                    ProblemKind::ForbiddenMethod,
                    SETTING,
                    m,
                    "is a forbidden method (Fetch); no browser can send it",
                    "remove it",
                ));
            } else if NORMALIZED.iter().any(|n| n.eq_ignore_ascii_case(m) && *n != m) {
                problems.push(Problem::new(
                    ProblemKind::LowercaseMethod,
                    SETTING,
                    m,
                    "is never sent that way: browsers normalize it to uppercase (Fetch, \"normalize a method\")",
                    format!("write {:?}", m.to_ascii_uppercase()),
                ));
            } else if list.iter().any(|x| **x == *m.as_bytes()) {
                warnings.push(Problem::new(
                    ProblemKind::Duplicate,
                    SETTING,
                    m,
                    "is listed twice",
                    "remove the duplicate",
                ));
            } else {
                list.push(m.as_bytes().into());
            }
        }
        if any && !list.is_empty() {
            problems.push(Problem::new(
                ProblemKind::WildcardWithOthers,
                SETTING,
                "*",
                "is listed together with other methods, which it already covers",
                "list either \"*\" or the methods",
            ));
        }
        let joined = entries.iter().filter(|m| *m != "*").cloned().collect::<Vec<_>>().join(", ");
        let header = if any {
            HeaderValue::from_static("*")
        } else {
            HeaderValue::from_str(&joined).unwrap_or_else(|_| HeaderValue::from_static(""))
        };
        let _shared = header.clone();
        let display = if any { "*".to_owned() } else { joined };
        let words = list.iter().map(|m| (m.len(), load_word(m))).collect();
        AllowMethods { any, list, words, header, display }
    }

    /// Fetch, "CORS-preflight fetch", step "if methods does not contain request's method": a
    /// safelisted method passes whatever the answer says; any other must be listed byte for byte.
    pub(crate) fn allows(&self, method: &[u8]) -> bool {
        if self.any || is_safelisted_method(method) {
            return true;
        }
        if method.len() <= 8 {
            let word = (method.len(), load_word(method));
            return self.words.contains(&word);
        }
        self.list.iter().any(|m| **m == *method)
    }

    /// Whether the policy lists this method in another case (for the refusal's hint).
    pub(crate) fn lists_in_other_case(&self, method: &[u8]) -> bool {
        self.list.iter().any(|m| m.eq_ignore_ascii_case(method))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(list: &[&str]) -> (AllowMethods, Vec<Problem>) {
        let mut problems = Vec::new();
        let owned: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
        let m = AllowMethods::new(Some(&owned), &mut problems, &mut Vec::new());
        (m, problems)
    }

    // Fetch, "normalize a method": `patch` is sent as written, so PATCH does not allow it.
    #[test]
    fn methods_are_case_sensitive() {
        let (m, _) = methods(&["PATCH", "PUT"]);
        assert!(m.allows(b"PATCH"));
        assert!(!m.allows(b"patch"));
        assert!(m.lists_in_other_case(b"patch"));
        assert_eq!(m.header, "PATCH, PUT");
    }

    // Fetch, "CORS-safelisted method".
    #[test]
    fn safelisted_methods_always_pass() {
        let (m, _) = methods(&["PUT"]);
        assert!(m.allows(b"POST"));
        assert!(!m.allows(b"DELETE"));
    }

    // Fetch, "forbidden method"; "normalize a method".
    #[test]
    fn mistakes() {
        let kinds = |l: &[&str]| methods(l).1.iter().map(Problem::kind).collect::<Vec<_>>();
        assert_eq!(kinds(&["TRACE"]), [ProblemKind::ForbiddenMethod]);
        assert_eq!(kinds(&["connect"]), [ProblemKind::ForbiddenMethod]);
        assert_eq!(kinds(&["get"]), [ProblemKind::LowercaseMethod]);
        assert_eq!(kinds(&["GE T"]), [ProblemKind::InvalidMethod]);
        assert_eq!(kinds(&["*", "GET"]), [ProblemKind::WildcardWithOthers]);
        assert!(kinds(&["patch"]).is_empty());
    }
}
