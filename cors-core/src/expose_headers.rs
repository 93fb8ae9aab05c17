//! `Access-Control-Expose-Headers`: which response headers a page's JavaScript may read beyond
//! the CORS-safelisted response-header names (Fetch, "CORS-safelisted response-header name").

use http::HeaderValue;

use crate::error::{Problem, ProblemKind};
use crate::header_names::{is_forbidden_response_header, is_token};

const SETTING: &str = "expose_headers";

/// Validates the exposed headers and precomputes the header value (`None` when nothing is exposed).
pub(crate) fn expose_headers(
    entries: &[String],
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<HeaderValue> {
    let mut list: Vec<String> = Vec::new();
    let mut any = false;
    for h in entries {
        if h == "*" {
            any = true;
            continue;
        }
        let lower = h.to_ascii_lowercase();
        if !is_token(h.as_bytes()) {
            problems.push(Problem::new(
                ProblemKind::InvalidHeaderName,
                SETTING,
                h,
                "is not a valid header name",
                "write a header name such as \"x-total-count\"",
            ));
        } else if is_forbidden_response_header(&lower) {
            problems.push(Problem::new(
                ProblemKind::ForbiddenExposedHeader,
                SETTING,
                h,
                "is never exposed to a page (Fetch, \"forbidden response-header name\")",
                "remove it",
            ));
        } else if list.contains(&lower) {
            warnings.push(Problem::new(
                ProblemKind::Duplicate,
                SETTING,
                h,
                "is listed twice (names are case-insensitive)",
                "remove the duplicate",
            ));
        } else {
            list.push(lower);
        }
    }
    if any && !list.is_empty() {
        problems.push(Problem::new(
            ProblemKind::WildcardWithOthers,
            SETTING,
            "*",
            "is listed together with other headers, which it already covers",
            "list either \"*\" or the headers",
        ));
    }
    let text = if any { "*".to_owned() } else { list.join(", ") };
    let value = if text.is_empty() { None } else { HeaderValue::from_str(&text).ok() };
    if let Some(v) = &value {
        let _shared = v.clone();
    }
    value
}
