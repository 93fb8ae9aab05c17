//! A configured list of header names (`allow_headers`, `expose_headers`): `*`, or tokens,
//! lowercased, checked, duplicates reported as warnings.

use crate::error::{Problem, ProblemKind};
use crate::header_names::is_token;

/// Why a valid token is still not acceptable in this list: kind, what is wrong, and the fix.
pub(crate) type Rejection = (ProblemKind, &'static str, &'static str);

/// The parsed list.
pub(crate) struct HeaderList {
    /// `*` was listed.
    pub(crate) any: bool,
    /// Every other name, lowercase, without duplicates.
    pub(crate) names: Vec<String>,
}

/// Parses `entries` for `setting`; `reject` sees each lowercase name that is a valid token.
pub(crate) fn header_list(
    entries: &[String],
    setting: &'static str,
    example: &str,
    reject: impl Fn(&str) -> Option<Rejection>,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> HeaderList {
    let mut list = HeaderList { any: false, names: Vec::new() };
    for h in entries {
        if h == "*" {
            list.any = true;
            continue;
        }
        let lower = h.to_ascii_lowercase();
        if !is_token(h.as_bytes()) {
            let fix = format!("write a header name such as {example:?}, without spaces, colons or separators");
            problems.push(Problem::new(ProblemKind::InvalidHeaderName, setting, h, "is not a valid header name", fix));
        } else if let Some((kind, what, fix)) = reject(&lower) {
            problems.push(Problem::new(kind, setting, h, what, fix));
        } else if list.names.contains(&lower) {
            let what = "is listed twice (names are case-insensitive)";
            warnings.push(Problem::new(ProblemKind::Duplicate, setting, h, what, "remove the duplicate"));
        } else {
            list.names.push(lower);
        }
    }
    list
}
