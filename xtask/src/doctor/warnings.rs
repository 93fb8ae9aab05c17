//! What passes today but is fragile, or is wrong in a way no browser reports: found on the
//! answers the probe got.

use cors_core::browser::{parse_max_age, Blocked, BrowserRequest, CHROMIUM_MAX_AGE, DEFAULT_MAX_AGE, FIREFOX_MAX_AGE};
use cors_core::conformance::RawResponse;
use url::Url;

use super::probe::{Exchange, Findings, Step, MADE_UP_ORIGIN};

/// One warning: a stable code (for `--json` readers) and the explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

fn warn(code: &'static str, message: String) -> Warning {
    Warning { code, message }
}

fn allow_origin(response: &RawResponse) -> Option<String> {
    let values: Vec<String> =
        response.values("access-control-allow-origin").map(|v| String::from_utf8_lossy(v).into_owned()).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn has_token(response: &RawResponse, name: &str, token: &str) -> bool {
    response
        .values(name)
        .flat_map(|v| v.split(|&b| b == b','))
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

fn answer(step: Step) -> &'static str {
    match step {
        Step::Preflight => "the preflight's answer",
        Step::Request => "the response",
    }
}

/// Every warning, in a fixed order.
pub fn warnings(url: &Url, request: &BrowserRequest, findings: &Findings) -> Vec<Warning> {
    let mut out = Vec::new();
    mixed_content(url, request, &mut out);
    for exchange in &findings.exchanges {
        let made_up = findings.made_up.as_ref().ok().filter(|m| m.exchange.step == exchange.step);
        no_vary(exchange, made_up.map(|m| &m.exchange.response), &mut out);
        duplicates(exchange, &mut out);
        redirects(exchange, &mut out);
        if exchange.step == Step::Preflight {
            max_age(&exchange.response, &mut out);
        }
    }
    wildcard_authorization(findings, &mut out);
    match &findings.made_up {
        Ok(m) if m.origin_granted && allow_origin(&m.exchange.response).as_deref() == Some(MADE_UP_ORIGIN) => {
            let credentials = m.exchange.response.values("access-control-allow-credentials").any(|v| v == b"true");
            out.push(if credentials {
                warn(
                    "any-origin-granted",
                    format!(
                        "the server grants whatever origin it is sent: {MADE_UP_ORIGIN} was answered \
                         `Access-Control-Allow-Origin: {MADE_UP_ORIGIN}` with `Access-Control-Allow-Credentials: true`, \
                         so any site can read your users' data with their cookies; check the Origin against an \
                         allowed list instead of echoing it"
                    ),
                )
            } else {
                warn(
                    "any-origin-granted",
                    format!(
                        "the server grants whatever origin it is sent: {MADE_UP_ORIGIN} was granted too (its origin \
                         echoed); that is `*` in disguise, and the day credentials are allowed any site can read your \
                         users' data; check the Origin against an allowed list"
                    ),
                )
            });
        }
        Ok(_) => {}
        Err(e) => out.push(warn("made-up-origin-not-probed", format!("the request from {MADE_UP_ORIGIN} failed: {e}"))),
    }
    out
}

/// A page on https cannot fetch http (mixed content), loopback excepted: blocked before CORS.
fn mixed_content(url: &Url, request: &BrowserRequest, out: &mut Vec<Warning>) {
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    };
    if request.origin().starts_with("https://") && url.scheme() == "http" && !loopback {
        out.push(warn(
            "mixed-content",
            format!(
                "a page on https cannot fetch an http URL (mixed content): the browser blocks {url} before any CORS \
                 check; serve the API over https"
            ),
        ));
    }
}

/// Fetch leaves it to HTTP caching: an answer that depends on `Origin` must say so in `Vary`.
fn no_vary(exchange: &Exchange, made_up: Option<&RawResponse>, out: &mut Vec<Warning>) {
    let response = &exchange.response;
    let ours = allow_origin(response);
    let echoed = ours.as_deref().is_some_and(|v| v != "*");
    let differs = made_up.is_some_and(|m| allow_origin(m) != ours);
    if (echoed || differs) && !has_token(response, "vary", "origin") && !has_token(response, "vary", "*") {
        let shown =
            ours.map_or("no Access-Control-Allow-Origin".to_owned(), |v| format!("`Access-Control-Allow-Origin: {v}`"));
        out.push(warn(
            "no-vary-origin",
            format!(
                "{} depends on the origin ({shown} here{}) but has no `Vary: Origin`: a shared cache (a CDN, a proxy, \
                 the browser's) can hand one origin's answer to another, which then fails; add `Vary: Origin`",
                answer(exchange.step),
                if differs { ", another for a made-up origin" } else { "" }
            ),
        ));
    }
}

/// The same CORS header twice: a proxy and the application both adding CORS.
fn duplicates(exchange: &Exchange, out: &mut Vec<Warning>) {
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in &exchange.response.headers {
        if name.starts_with("access-control-") && !seen.contains(&name.as_str()) {
            seen.push(name);
        }
    }
    for name in seen {
        let count = exchange.response.values(name).count();
        if count < 2 {
            continue;
        }
        let (code, effect) = if name == "access-control-allow-origin" {
            ("two-allow-origin", "every browser blocks two values, even equal ones")
        } else {
            ("duplicate-cors-header", "it passes only while both copies agree")
        };
        out.push(warn(
            code,
            format!(
                "{} carries `{name}` {count} times: usually a proxy (nginx, a CDN, an API gateway) and the \
                 application both add CORS headers, and {effect}; let only one of them do it",
                answer(exchange.step)
            ),
        ));
    }
}

/// Fetch, "redirect status".
fn redirects(exchange: &Exchange, out: &mut Vec<Warning>) {
    let response = &exchange.response;
    if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
        return;
    }
    let location =
        response.values("location").next().map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default();
    out.push(match exchange.step {
        Step::Preflight => warn(
            "preflight-redirect",
            format!(
                "the preflight was redirected ({} to `{location}`): a network error in every browser, whatever \
                 the headers; fetch the final URL, or let OPTIONS through without the redirect",
                response.status
            ),
        ),
        Step::Request => warn(
            "redirect",
            format!(
                "the response is a redirect ({} to `{location}`): the browser follows it and checks CORS again on \
                 the next answer (with `Origin: null` once it crosses origins); run the doctor on that URL too",
                response.status
            ),
        ),
    });
}

/// Fetch, "CORS-preflight fetch": the cache lifetime browsers actually use, parsed as the model
/// parses it (`parse_max_age`: one value of digits, or the default 5 s).
fn max_age(response: &RawResponse, out: &mut Vec<Warning>) {
    let values: Vec<String> =
        response.values("access-control-max-age").map(|v| String::from_utf8_lossy(v).trim().to_owned()).collect();
    if values.is_empty() {
        return;
    }
    let text = values.join(", ");
    match parse_max_age(&response.header_map()) {
        Some(age) if age > CHROMIUM_MAX_AGE => {
            let firefox = if age > FIREFOX_MAX_AGE {
                format!(" and Firefox to {} s", FIREFOX_MAX_AGE.as_secs())
            } else {
                format!(" (Firefox allows up to {} s)", FIREFOX_MAX_AGE.as_secs())
            };
            out.push(warn(
                "max-age-above-cap",
                format!(
                    "`Access-Control-Max-Age: {text}` is above the browsers' caps: Chromium caches a preflight \
                     for {} s at most{firefox}; send at most {} so the value says what browsers do",
                    CHROMIUM_MAX_AGE.as_secs(),
                    CHROMIUM_MAX_AGE.as_secs()
                ),
            ));
        }
        Some(_) => {}
        None => out.push(warn(
            "max-age-invalid",
            format!(
                "`Access-Control-Max-Age: {text}` is not one number of seconds: browsers ignore it and cache {} s",
                DEFAULT_MAX_AGE.as_secs()
            ),
        )),
    }
}

/// Fetch, "CORS non-wildcard request-header name": where the standard blocks what today's
/// browsers let through (the probe checked the preflight under both rules), the page is fragile.
fn wildcard_authorization(findings: &Findings, out: &mut Vec<Warning>) {
    if findings.standard == Some(Blocked::HeaderNotAllowed { header: "authorization".to_owned() }) {
        out.push(warn(
            "wildcard-authorization",
            "`Access-Control-Allow-Headers: *` does not cover `authorization` in the Fetch standard: today's \
             Chromium, Firefox and Safari still let it through (Chromium enforces the rule with \
             CorsNonWildcardRequestHeadersSupport; whatwg/fetch#1919), so this works until they do; list \
             `authorization` by name"
                .to_owned(),
        ));
    }
}
