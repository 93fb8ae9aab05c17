//! `Access-Control-Expose-Headers`: which response headers a page's JavaScript may read beyond
//! the CORS-safelisted response-header names (Fetch, "CORS-safelisted response-header name").

use http::HeaderValue;

use crate::error::{Problem, ProblemKind};
use crate::header_list::{header_list, HeaderList, Rejection};
use crate::header_names::is_forbidden_response_header;

const SETTING: &str = "expose_headers";

/// Validates the exposed headers and precomputes the header value (`None` when nothing is exposed).
pub(crate) fn expose_headers(
    entries: &[String],
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<HeaderValue> {
    let reject = |name: &str| -> Option<Rejection> {
        is_forbidden_response_header(name).then_some((
            ProblemKind::ForbiddenExposedHeader,
            "is never exposed to a page (Fetch, \"forbidden response-header name\")",
            "remove it",
        ))
    };
    let HeaderList { any, names: list } = header_list(entries, SETTING, "x-total-count", reject, problems, warnings);
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
