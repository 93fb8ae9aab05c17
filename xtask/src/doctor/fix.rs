//! What to change on the server, in its own terms, for each reason the browser model blocks.

use cors_core::browser::{Blocked, BrowserRequest};
use cors_core::conformance::RawResponse;

use super::probe::Step;

fn values(response: &RawResponse, name: &str) -> Vec<String> {
    response.values(name).map(|v| String::from_utf8_lossy(v).into_owned()).collect()
}

fn list_has(response: &RawResponse, name: &str, token: &str) -> bool {
    values(response, name).iter().flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token))
}

fn answer(step: Step) -> &'static str {
    match step {
        Step::Preflight => "the preflight's answer",
        Step::Request => "the response",
    }
}

/// The grant a credentialed request needs besides the origin.
fn credentials_too(request: &BrowserRequest) -> &'static str {
    if request.includes_credentials() {
        " and `Access-Control-Allow-Credentials: true` (the request carries credentials, so `*` will not do)"
    } else {
        ""
    }
}

/// The fix for `blocked`, seen on the answer `response` to `step` of `request`.
pub fn fix(blocked: &Blocked, step: Step, request: &BrowserRequest, response: &RawResponse) -> String {
    let origin = request.origin();
    let vary = "; since the value depends on the request's origin, add `Vary: Origin` too";
    match blocked {
        Blocked::NoAllowOrigin { .. } => {
            let mut text = format!(
                "add `Access-Control-Allow-Origin: {origin}` to {} for this origin{}",
                answer(step),
                credentials_too(request)
            );
            if step == Step::Preflight && matches!(response.status, 404 | 405 | 501) {
                text.push_str(&format!(
                    ": the preflight (OPTIONS with Access-Control-Request-Method) was answered {} without CORS \
                     headers, so nothing on the server answers preflights on this path; let the CORS layer answer \
                     them before routing",
                    response.status
                ));
            } else if step == Step::Request && response.status >= 400 {
                text.push_str(&format!(
                    ": the {} error answer lacks them; CORS headers belong on error responses too, or the page \
                     cannot read the error",
                    response.status
                ));
            }
            text
        }
        Blocked::WildcardWithCredentials { .. } => format!(
            "answer a credentialed request with the origin itself, not `*`: `Access-Control-Allow-Origin: {origin}`, \
             `Access-Control-Allow-Credentials: true` and `Vary: Origin` (or call fetch() without credentials)"
        ),
        Blocked::MultipleAllowOrigins { value, .. } => {
            let sent = values(response, "access-control-allow-origin");
            if sent.len() > 1 {
                format!(
                    "send `Access-Control-Allow-Origin` once: {} carries it {} times ({value}), usually because a proxy \
                     (nginx, a CDN, an API gateway) and the application both add CORS headers; let only one of them do it",
                    answer(step),
                    sent.len()
                )
            } else {
                format!(
                    "send one origin, not a list: check the request's Origin against your allowed list and answer \
                     `Access-Control-Allow-Origin: {origin}` for it{vary}"
                )
            }
        }
        Blocked::InvalidAllowOrigin { value, .. } | Blocked::OriginMismatch { value, .. } => {
            let near = value.trim_end_matches('/').eq_ignore_ascii_case(origin)
                || value.eq_ignore_ascii_case(origin)
                || value
                    .trim_end_matches('/')
                    .rsplit_once(':')
                    .is_some_and(|(o, p)| o.eq_ignore_ascii_case(origin) && matches!(p, "80" | "443"));
            if near {
                format!(
                    "send the origin byte for byte as the browser serializes it: `Access-Control-Allow-Origin: {origin}` \
                     instead of `{value}` (lowercase scheme and host, no path, no trailing slash, no default port)"
                )
            } else {
                format!(
                    "the server granted `{value}`, not this origin: send `Access-Control-Allow-Origin: {origin}` when \
                     the request comes from {origin} (echo the Origin when it is in your allowed list){vary}"
                )
            }
        }
        Blocked::CredentialsNotTrue { value, .. } if value.is_empty() => format!(
            "add `Access-Control-Allow-Credentials: true` to {} (the request carries credentials)",
            answer(step)
        ),
        Blocked::CredentialsNotTrue { value, .. } => {
            format!("send `Access-Control-Allow-Credentials: true` exactly once, in lowercase, instead of `{value}`")
        }
        Blocked::PreflightRedirect { status } => {
            let location = values(response, "location").into_iter().next().unwrap_or_default();
            format!(
                "answer the preflight at this URL itself with a 2xx: it was redirected ({status} to `{location}`), \
                 and no browser follows a redirect on a preflight; have the page fetch the final URL (often https:// \
                 or a trailing slash), or exempt OPTIONS from the redirect"
            )
        }
        Blocked::PreflightNotOk { status } => {
            let why = match status {
                401 | 403 => {
                    ": authentication must not apply to preflights, which never carry credentials or the page's \
                     headers; let the CORS layer answer OPTIONS before authentication"
                }
                404 | 405 | 501 => {
                    ": the router has no OPTIONS route here; let the CORS layer answer preflights before routing"
                }
                _ => "",
            };
            format!(
                "answer the preflight (OPTIONS with Access-Control-Request-Method) with a 2xx, 204 or 200: it was \
                 answered {status}{why}"
            )
        }
        Blocked::MethodNotAllowed { method } => {
            if list_has(response, "access-control-allow-methods", method) {
                format!(
                    "list `{method}` in Access-Control-Allow-Methods exactly as the page sends it: methods compare byte \
                     for byte and the browser uppercases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so `{method}` \
                     is sent as written (or have the page write it in uppercase)"
                )
            } else if request.includes_credentials() && list_has(response, "access-control-allow-methods", "*") {
                format!(
                    "list `{method}` by name in Access-Control-Allow-Methods: with credentials `*` is not a wildcard"
                )
            } else {
                format!("add `{method}` to Access-Control-Allow-Methods on the preflight's answer")
            }
        }
        Blocked::HeaderNotAllowed { header } => {
            let star = list_has(response, "access-control-allow-headers", "*");
            if header == "authorization" && star {
                "list `authorization` in Access-Control-Allow-Headers: `*` does not cover it".to_owned()
            } else if star && request.includes_credentials() {
                format!(
                    "list `{header}` by name in Access-Control-Allow-Headers: with credentials `*` is not a wildcard"
                )
            } else {
                format!("add `{header}` to Access-Control-Allow-Headers on the preflight's answer")
            }
        }
        Blocked::UnparsableList { header } => {
            let sent = values(response, &header.to_ascii_lowercase()).join(", ");
            format!("send {header} as a comma-separated list of names (such as `GET, PUT`), not `{sent}`")
        }
        other => format!("change the server's answer so that this passes: {other}"),
    }
}
