//! Where the Fetch standard and the browsers that ship today part ways.

/// Which rules the model applies where the standard and shipping browsers differ. Everything
/// else is the same under both.
///
/// The one difference today: Fetch, "CORS non-wildcard request-header name" says `*` in
/// `Access-Control-Allow-Headers` never covers `authorization`. Stock Chromium 156, Firefox and
/// Safari still let it through by default (whatwg/fetch#1919 discusses whether the rule is
/// web-compatible); Chromium enforces it with `--enable-features=CorsNonWildcardRequestHeadersSupport`.
/// This library answers as the standard says, so a page that relies on `*` for `authorization`
/// works in today's browsers and breaks when they enforce the rule.
///
/// ```
/// use cors_core::browser::{BrowserRequest, Rules};
/// let request = BrowserRequest::new("https://app.example.com", "GET").header("authorization", "Bearer x");
/// let mut answer = http::HeaderMap::new();
/// answer.insert("access-control-allow-origin", "https://app.example.com".parse().unwrap());
/// answer.insert("access-control-allow-headers", "*".parse().unwrap());
/// assert!(request.check_preflight_under(Rules::Standard, 204, &answer).is_err());
/// assert!(request.check_preflight_under(Rules::ShippingBrowsers, 204, &answer).is_ok());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rules {
    /// The Fetch standard, which this library follows (the default).
    #[default]
    Standard,
    /// What stock Chromium 156, Firefox and Safari do by default in 2026.
    ShippingBrowsers,
}

impl Rules {
    /// Both, standard first.
    pub const ALL: [Rules; 2] = [Rules::Standard, Rules::ShippingBrowsers];

    /// Whether `*` in `Access-Control-Allow-Headers` covers `authorization` (without credentials).
    pub fn wildcard_covers_authorization(self) -> bool {
        self == Rules::ShippingBrowsers
    }
}
