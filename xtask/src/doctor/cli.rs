//! `cargo xtask doctor` arguments (clap), checked the way `fetch()` checks them: a page cannot
//! send a malformed method or header, nor a forbidden one, so neither does the doctor.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use cors_core::browser::{Blocked, BrowserRequest};
use cors_core::http::HeaderName;
use url::Url;

use crate::transport::TlsOptions;

/// Probe a live server as a browser would, and explain a CORS failure.
///
/// Sends what a page at ORIGIN calling `fetch(URL, {method, headers, credentials})` sends: the
/// preflight if one is needed, then the request itself (a POST, PUT or DELETE has its effect,
/// with an empty body); then the same first request from a made-up origin. Prints the exchanges,
/// the verdict of cors-core's browser model, Chromium's console message, the fix and warnings.
///
/// Exit status: 0 allowed, 1 blocked, 2 the probe could not be made.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask doctor", disable_version_flag = true)]
pub struct Args {
    /// The URL the page fetches (http or https).
    pub url: String,
    /// The page's origin: scheme, host and port (such as https://app.example.com), or null.
    #[arg(long)]
    pub origin: String,
    /// The method as the page writes it (only DELETE, GET, HEAD, OPTIONS, POST, PUT are uppercased).
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// A header the page sets, as 'Name: value'; repeat for more.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// `credentials: 'include'` (cookies, HTTP authentication, client certificates).
    #[arg(long)]
    pub credentials: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Trust the certificates of this PEM file too (a private CA).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Do not verify the server's certificate.
    #[arg(long)]
    pub insecure: bool,
    /// Seconds to wait for connecting and for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
}

/// What to probe, checked.
#[derive(Debug)]
pub struct Plan {
    /// The URL, fragment removed (a browser never sends it).
    pub url: Url,
    /// The page's origin as the browser serializes it.
    pub origin: String,
    /// What the user wrote, when it differs from `origin`.
    pub origin_written: Option<String>,
    /// The request as the browser model sees it.
    pub request: BrowserRequest,
    pub tls: TlsOptions,
    pub timeout: Duration,
}

/// Parses `Name: value` the way `Headers.append` checks it (Fetch, "normalize" a value: strip
/// leading and trailing HTTP whitespace; no NUL, CR or LF). A header `fetch()` would drop is
/// refused by [`add_header`], by the browser model's own rule.
fn parse_header(text: &str) -> Result<(String, Vec<u8>), String> {
    let (name, value) = text.split_once(':').ok_or_else(|| format!("--header {text:?}: expected 'Name: value'"))?;
    let name = name.trim();
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(format!("--header {text:?}: {name:?} is not a header name"));
    }
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')) {
        return Err(format!("--header {text:?}: a value cannot hold NUL, CR or LF"));
    }
    Ok((name.to_owned(), value.as_bytes().to_vec()))
}

/// Adds a page header to `request`, or says why `fetch()` would not send it: the model drops a
/// forbidden request-header (Fetch, "forbidden request-header"), silently as `fetch()` does, so a
/// header that did not go in is refused here rather than probed without.
fn add_header(request: BrowserRequest, name: String, value: Vec<u8>) -> Result<BrowserRequest, String> {
    let before = request.headers().len();
    let request = request.header(name.clone(), value);
    if request.headers().len() > before {
        return Ok(request);
    }
    let cookie = name.eq_ignore_ascii_case("cookie");
    Err(format!(
        "--header {name}: a page cannot set this header (Fetch, forbidden request-header); fetch() drops it{}",
        if cookie { ": use --credentials for a request with the user's cookies" } else { "" }
    ))
}

/// The origin a browser sends for a page at `text`: `null`, or scheme://host[:port] with the
/// host lowercased and the default port dropped.
fn parse_origin(text: &str) -> Result<String, String> {
    if text == "null" {
        return Ok(text.to_owned());
    }
    let url = Url::parse(text).map_err(|e| format!("--origin {text:?}: not an origin ({e})"))?;
    let origin = url.origin();
    if !origin.is_tuple() {
        return Err(format!("--origin {text:?}: a {} URL has an opaque origin; write null for it", url.scheme()));
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() {
        return Err(format!(
            "--origin {text:?}: an origin has no path or query (the page's origin is {})",
            origin.ascii_serialization()
        ));
    }
    Ok(origin.ascii_serialization())
}

impl Args {
    /// Checks every argument; the error is one line.
    pub fn plan(self) -> Result<Plan, String> {
        let mut url = Url::parse(&self.url).map_err(|e| format!("{:?}: not a URL ({e})", self.url))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{:?}: only http and https URLs can be fetched across origins", self.url));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("{:?}: fetch() refuses a URL with credentials in it", self.url));
        }
        url.set_fragment(None);
        let origin = parse_origin(&self.origin)?;
        let method = self.method.as_str();
        let mut request = BrowserRequest::new(origin.clone(), method).credentials(self.credentials);
        // Fetch, "method" and "forbidden method": fetch() throws before sending anything.
        match request.method_error() {
            Some(Blocked::InvalidMethod { .. }) => {
                return Err(format!("--method {method:?}: not a method (a token such as GET or PATCH)"))
            }
            Some(blocked) => return Err(format!("--method {method}: fetch() refuses this method: {blocked}")),
            None => {}
        }
        for text in &self.headers {
            let (name, value) = parse_header(text)?;
            request = add_header(request, name, value)?;
        }
        if self.timeout == 0 {
            return Err("--timeout 0: give at least one second".to_owned());
        }
        Ok(Plan {
            url,
            origin_written: (origin != self.origin).then(|| self.origin.clone()),
            origin,
            request,
            tls: TlsOptions { ca: self.ca, insecure: self.insecure },
            timeout: Duration::from_secs(self.timeout),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(args: &[&str]) -> Result<Plan, String> {
        let args =
            Args::try_parse_from(std::iter::once("doctor").chain(args.iter().copied())).map_err(|e| e.to_string())?;
        args.plan()
    }

    #[test]
    fn origins_are_serialized_as_the_browser_sends_them() {
        assert_eq!(parse_origin("https://App.Example.com:443").unwrap(), "https://app.example.com");
        assert_eq!(parse_origin("http://localhost:3000/").unwrap(), "http://localhost:3000");
        assert_eq!(parse_origin("null").unwrap(), "null");
        assert!(parse_origin("https://app.example.com/page").unwrap_err().contains("no path"));
        assert!(parse_origin("app.example.com").is_err());
        assert!(parse_origin("file:///tmp/x").unwrap_err().contains("opaque"));
    }

    #[test]
    fn headers_are_checked_like_fetch_checks_them() {
        assert_eq!(parse_header("X-Api-Key:  k1 ").unwrap(), ("X-Api-Key".to_owned(), b"k1".to_vec()));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: v").is_err());
        let with = |h: &str| plan(&["http://x/", "--origin", "https://a.example", "-H", h]);
        assert!(with("Cookie: a=b").unwrap_err().contains("--credentials"));
        assert!(with("Sec-Fetch-Mode: cors").unwrap_err().contains("forbidden"));
        assert!(with("Origin: https://x.example").is_err());
        // The model's rule, pairs included: an override header naming a forbidden method.
        assert!(with("X-HTTP-Method-Override: TRACE").unwrap_err().contains("forbidden"));
        assert_eq!(with("X-HTTP-Method-Override: PATCH").unwrap().request.headers().len(), 1);
    }

    #[test]
    fn a_plan_normalizes_like_the_browser_and_refuses_what_fetch_refuses() {
        let p = plan(&["http://127.0.0.1:1/x#frag", "--origin", "HTTPS://A.example", "--method", "put"]).unwrap();
        assert_eq!(p.url.as_str(), "http://127.0.0.1:1/x");
        assert_eq!((p.origin.as_str(), p.request.method()), ("https://a.example", "PUT"));
        assert_eq!(p.origin_written.as_deref(), Some("HTTPS://A.example"));
        let p = plan(&["http://[::1]:8080", "--origin", "https://a.example", "--method", "patch"]).unwrap();
        assert_eq!((p.url.as_str(), p.request.method()), ("http://[::1]:8080/", "patch"));
        assert!(plan(&["ftp://x/", "--origin", "https://a.example"]).is_err());
        assert!(plan(&["http://x/", "--origin", "https://a.example", "--method", "TRACE"]).is_err());
        assert!(plan(&["http://x/", "--origin", "https://a.example", "--method", "GE T"]).is_err());
        assert!(plan(&["http://u:p@x/", "--origin", "https://a.example"]).is_err());
        assert!(plan(&["http://x/"]).is_err(), "--origin is required");
    }
}
