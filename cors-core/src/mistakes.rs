//! # The catalogue of configuration mistakes
//!
//! [`PolicyBuilder::build`](crate::PolicyBuilder::build) checks every setting and reports every
//! mistake at once in a [`ConfigError`](crate::ConfigError). Each mistake is a
//! [`Problem`](crate::Problem): its [`kind`](crate::Problem::kind) (a [`ProblemKind`], to match on
//! in tests), the [`setting`](crate::Problem::setting), the offending
//! [`input`](crate::Problem::input) as written, and a `Display` of the form
//! `setting: "input" what is wrong; the fix`, meant for people.
//!
//! One kind is a warning, not an error: the policy builds, and it is listed by
//! [`Policy::warnings`](crate::Policy::warnings) (and logged through `tracing` at warn level):
//! [`Duplicate`](#duplicate-warning). [`NullOriginWithCredentials`](#nulloriginwithcredentials)
//! is a warning only after an explicit dangerous opt-in.
//!
//! This page is also the catalogue's test: every example below runs as a doc test and asserts the
//! exact text of the problem.
//!
//! [`ProblemKind`]: crate::ProblemKind
//!
//! ## Every mistake at once
//!
//! ```
//! use cors_core::Policy;
//! let err = Policy::builder()
//!     .allow_origin("https://Example.com")
//!     .allow_origin("https://*.com")
//!     .allow_methods(["GET", "TRACE"])
//!     .build()
//!     .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     r#"the CORS policy has 3 mistakes:
//!   - allow_origins: "https://Example.com" has an uppercase host; write "https://example.com"
//!   - allow_origins: "https://*.com" is a pattern over a public suffix, so anyone can register a matching domain; list your own domain instead, as in "https://*.example.com"
//!   - allow_methods: "TRACE" is a forbidden method (Fetch); no browser can send it; remove it"#
//! );
//! ```
//!
//! # Origins (`allow_origins`)
//!
//! An allowed origin is compared byte for byte with the request's `Origin` (Fetch, "CORS check"),
//! which a browser always sends as `scheme://host[:port]`: lowercase, ASCII, no path, no default
//! port. An entry spelled any other way would never match, so it is a mistake, and the fix gives
//! the spelling a browser sends.
//!
//! ## `NoOrigins`
//!
//! Nothing is allowed, so every cross-origin request would be refused.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_methods(["PUT"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::NoOrigins);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: no origin is allowed, so every cross-origin request would be refused; list the origins of your pages, such as "https://app.example.com" (or "*" for a public API without credentials)"#
//! );
//! ```
//!
//! ## `OriginMissingScheme`
//!
//! `app.example.com` is a host, not an origin; the scheme is part of the origin.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("app.example.com").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginMissingScheme);
//! assert_eq!(problem.to_string(), r#"allow_origins: "app.example.com" has no scheme; write "https://app.example.com""#);
//! ```
//!
//! ## `OriginPath`
//!
//! An origin has no path: a page at `https://app.example.com/app` sends `https://app.example.com`.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com/app").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginPath);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app.example.com/app" has a path; an origin is only scheme, host and port; write "https://app.example.com""#
//! );
//! ```
//!
//! ## `OriginTrailingSlash`
//!
//! The most common mistake: copied from the address bar, the origin keeps a `/` no browser sends.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com/").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginTrailingSlash);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app.example.com/" has a trailing slash; an origin is only scheme, host and port; write "https://app.example.com""#
//! );
//! ```
//!
//! ## `OriginQuery`
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com?x=1").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginQuery);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app.example.com?x=1" has a query; an origin is only scheme, host and port; write "https://app.example.com""#
//! );
//! ```
//!
//! ## `OriginFragment`
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com#top").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginFragment);
//! assert_eq!(
//!     problem.to_string(),
//!     r##"allow_origins: "https://app.example.com#top" has a fragment; an origin is only scheme, host and port; write "https://app.example.com""##
//! );
//! ```
//!
//! ## `OriginUserinfo`
//!
//! Userinfo (`user@`) is part of a URL, never of an origin.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://user@app.example.com").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginUserinfo);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://user@app.example.com" has userinfo (user@); an origin is only scheme, host and port; write "https://app.example.com""#
//! );
//! ```
//!
//! ## `OriginUppercase`
//!
//! Browsers lowercase the scheme and host, so `https://App.Example.com` would never match.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://App.Example.com").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginUppercase);
//! assert_eq!(problem.to_string(), r#"allow_origins: "https://App.Example.com" has an uppercase host; write "https://app.example.com""#);
//! ```
//!
//! ## `OriginWhitespace`
//!
//! Often a stray space from a comma-separated environment variable.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin(" https://app.example.com").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginWhitespace);
//! assert_eq!(problem.to_string(), r#"allow_origins: " https://app.example.com" has surrounding whitespace; write "https://app.example.com""#);
//! ```
//!
//! ## `OriginDefaultPort`
//!
//! A browser omits the scheme's default port (443 for https, 80 for http).
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com:443").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginDefaultPort);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app.example.com:443" writes out the scheme's default port (browsers omit it); write "https://app.example.com""#
//! );
//! ```
//!
//! ## `OriginPort`
//!
//! A port is a number from 1 to 65535, written without leading zeros.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com:99999").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginPort);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app.example.com:99999" has a port that is not a number between 1 and 65535; write an origin as a browser sends it, such as "https://app.example.com""#
//! );
//!
//! let err = Policy::builder().allow_origin("http://localhost:03000").build().unwrap_err();
//! assert_eq!(err.problems()[0].kind(), ProblemKind::OriginPort);
//! assert_eq!(
//!     err.problems()[0].to_string(),
//!     r#"allow_origins: "http://localhost:03000" writes the port with leading zeros; write "http://localhost:3000""#
//! );
//! ```
//!
//! ## `OriginNonAscii`
//!
//! Browsers send an internationalized host in its Punycode (`xn--`) form; the fix spells it out.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://bücher.example").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginNonAscii);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://bücher.example" has a non-ASCII host, which browsers send in Punycode; write "https://xn--bcher-kva.example""#
//! );
//! ```
//!
//! A decomposed character (`u` and a combining diaeresis) or a full-width dot (`。`) is mapped
//! as browsers map it (UTS 46), so the fix is the host a browser really sends:
//!
//! ```
//! use cors_core::Policy;
//! for written in ["https://bu\u{308}cher.example", "https://bücher\u{3002}example"] {
//!     let err = Policy::builder().allow_origin(written).build().unwrap_err();
//!     assert_eq!(err.problems()[0].fix(), r#"write "https://xn--bcher-kva.example""#);
//! }
//! ```
//!
//! ## `OriginHostNotCanonical`
//!
//! Browsers write hosts as the URL standard serializes them: IPv4 in four decimal parts, IPv6
//! compressed and lowercase. `http://127.1:8080`, `http://0x7f.0.0.1` or
//! `http://[0:0:0:0:0:0:0:1]:3000` would never match; the fix is the browser's spelling.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("http://[0:0:0:0:0:0:0:1]:3000").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginHostNotCanonical);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "http://[0:0:0:0:0:0:0:1]:3000" writes the IP address as no browser does (browsers serialize it per the URL standard); write "http://[::1]:3000""#
//! );
//! let err = Policy::builder().allow_origin("http://127.1:8080").build().unwrap_err();
//! assert_eq!(err.problems()[0].fix(), r#"write "http://127.0.0.1:8080""#);
//! ```
//!
//! ## `OriginInvalid`
//!
//! A host or scheme with characters no origin has.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app example.com").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginInvalid);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app example.com" has a host with characters or dots no host has; write an origin as a browser sends it, such as "https://app.example.com""#
//! );
//! ```
//!
//! ## `OriginWildcardPosition`
//!
//! A pattern is `scheme://*.domain`: the `*` stands for one or more whole labels on the left,
//! never for part of a label or a label in the middle.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.*.example.com").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginWildcardPosition);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://app.*.example.com" has a `*` that is not the whole leftmost host label (only `https://*.example.com` is supported, never `*` inside a label); write an origin as a browser sends it, such as "https://app.example.com""#
//! );
//! ```
//!
//! ## `PatternOverPublicSuffix`
//!
//! `https://*.co.uk` (or `*.com`, `*.github.io`) matches domains anyone can register.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://*.co.uk").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::PatternOverPublicSuffix);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://*.co.uk" is a pattern over a public suffix, so anyone can register a matching domain; list your own domain instead, as in "https://*.example.co.uk""#
//! );
//! ```
//!
//! Every kind of rule of the Public Suffix List counts, in its ICANN and private sections: a
//! wildcard rule such as `*.sch.uk` makes every name directly under `sch.uk` a public suffix, so
//! `https://*.sch.uk` (and `https://*.kent.sch.uk`) would match any school's domain; an
//! exception rule such as `!city.kawasaki.jp` makes that name registrable again.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://*.sch.uk").build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::PatternOverPublicSuffix);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "https://*.sch.uk" is a pattern over a public suffix: the Public Suffix List makes every name directly under sch.uk a public suffix, so anyone can register a matching domain; list your own domain instead, as in "https://*.example.your-name.sch.uk""#
//! );
//! assert!(Policy::builder().allow_origin("https://*.kent.sch.uk").build().is_err());
//! assert!(Policy::builder().allow_origin("https://*.city.kawasaki.jp").build().is_ok());
//! ```
//!
//! ## `WildcardWithCredentials`
//!
//! Fetch, "CORS check": with credentials, `Access-Control-Allow-Origin: *` never passes, and in
//! `Access-Control-Expose-Headers` a `*` is only a header named `*`.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_any_origin().allow_credentials(true).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::WildcardWithCredentials);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "*" cannot be used with allow_credentials: browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests; list the origins allowed to send credentials, or turn allow_credentials off"#
//! );
//!
//! let err = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .expose_any_header()
//!     .allow_credentials(true)
//!     .build()
//!     .unwrap_err();
//! assert_eq!(err.problems()[0].kind(), ProblemKind::WildcardWithCredentials);
//! assert_eq!(
//!     err.problems()[0].to_string(),
//!     r#"expose_headers: "*" cannot be used with allow_credentials: browsers read `*` as a header named "*" on credentialed requests; list the headers to expose"#
//! );
//! ```
//!
//! `*` for methods and request headers is accepted with credentials: the policy then names the
//! requested method and headers in its answer, as Fetch requires.
//!
//! ## `WildcardWithOthers`
//!
//! `*` already covers every other entry, so listing both is a sign of confusion. The same holds for
//! methods, request headers (except `authorization`, which `*` never covers) and exposed headers.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origins(["*", "https://app.example.com"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::WildcardWithOthers);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "*" is listed together with other origins, which it already covers; list either "*" or the origins"#
//! );
//!
//! let app = || Policy::builder().allow_origin("https://app.example.com");
//! let err = app().allow_methods(["*", "PUT"]).build().unwrap_err();
//! assert_eq!(
//!     err.problems()[0].to_string(),
//!     r#"allow_methods: "*" is listed together with other methods, which it already covers; list either "*" or the methods"#
//! );
//! let err = app().allow_headers(["*", "content-type"]).build().unwrap_err();
//! assert_eq!(
//!     err.problems()[0].to_string(),
//!     r#"allow_headers: "*" is listed together with other headers, which it already covers (only "authorization" needs listing beside "*"); list either "*" (and "authorization" if needed) or the headers"#
//! );
//! assert!(app().allow_headers(["*", "authorization"]).build().is_ok());
//! let err = app().expose_headers(["*", "x-total-count"]).build().unwrap_err();
//! assert_eq!(
//!     err.problems()[0].to_string(),
//!     r#"expose_headers: "*" is listed together with other headers, which it already covers; list either "*" or the headers"#
//! );
//! ```
//!
//! ## `InsecureOriginWithCredentials`
//!
//! Anyone on the network path can forge a plain-`http` page and act as the user. Loopback
//! origins (`http://localhost:3000`, `http://127.0.0.1:8080`) are accepted;
//! `allow_insecure_origins_with_credentials_dangerously()` accepts the others.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("http://app.example.com").allow_credentials(true).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::InsecureOriginWithCredentials);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "http://app.example.com" is plain http (not loopback) together with allow_credentials: anyone on the network path can forge it and act as the user; use the https origin, or call allow_insecure_origins_with_credentials_dangerously() on a network you control"#
//! );
//! assert!(Policy::builder().allow_origin("http://localhost:3000").allow_credentials(true).build().is_ok());
//! ```
//!
//! ## `NullOriginWithCredentials`
//!
//! `null` is the origin of sandboxed iframes, `data:` URLs, `file:` pages and some redirects:
//! any page can produce it, so with credentials any site could read the user's data. An error,
//! unless `allow_null_origin_with_credentials_dangerously()` is called (then a warning).
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_null_origin()
//!     .allow_credentials(true)
//!     .build()
//!     .unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::NullOriginWithCredentials);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_origins: "null" is allowed with credentials: any page can produce the null origin (a sandboxed iframe, a data: URL), so any site could read the user's data; remove "null" and list the origins of your pages, or call allow_null_origin_with_credentials_dangerously() if no untrusted page can reach this server"#
//! );
//! ```
//!
//! # Methods (`allow_methods`)
//!
//! Methods are case-sensitive tokens (Fetch, "methods"), compared byte for byte with
//! `Access-Control-Request-Method`.
//!
//! ## `InvalidMethod`
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com").allow_methods(["GET POST"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::InvalidMethod);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_methods: "GET POST" is not a valid method token; write a method name such as "PATCH", without spaces or separators"#
//! );
//! ```
//!
//! ## `ForbiddenMethod`
//!
//! Fetch, "forbidden method": `CONNECT`, `TRACE` and `TRACK` can never be sent by a page.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com").allow_methods(["TRACE"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::ForbiddenMethod);
//! assert_eq!(problem.to_string(), r#"allow_methods: "TRACE" is a forbidden method (Fetch); no browser can send it; remove it"#);
//! ```
//!
//! ## `LowercaseMethod`
//!
//! Fetch, "normalize a method": `delete`, `get`, `head`, `options`, `post` and `put` are always
//! sent uppercase, so a lowercase entry never matches. Other methods are sent as the page wrote
//! them, so `patch` is a valid (and different) entry from `PATCH`.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com").allow_methods(["delete"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::LowercaseMethod);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_methods: "delete" is never sent that way: browsers normalize it to uppercase (Fetch, "normalize a method"); write "DELETE""#
//! );
//! assert!(Policy::builder().allow_origin("https://app.example.com").allow_methods(["patch"]).build().is_ok());
//! ```
//!
//! # Request headers (`allow_headers`)
//!
//! ## `InvalidHeaderName`
//!
//! Also reported for `expose_headers`.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com").allow_headers(["x request id"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::InvalidHeaderName);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_headers: "x request id" is not a valid header name; write a header name such as "x-request-id", without spaces, colons or separators"#
//! );
//! ```
//!
//! ## `ForbiddenHeaderName`
//!
//! Fetch, "forbidden request-header": `cookie`, `host`, `origin`, any `sec-*` or `proxy-*`, … are
//! set by the browser only; allowing them has no effect.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com").allow_headers(["cookie"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::ForbiddenHeaderName);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_headers: "cookie" is a forbidden request header (Fetch): a page can never set it; remove it"#
//! );
//! ```
//!
//! ## `AccessControlHeaderName`
//!
//! `Access-Control-Allow-*` are response headers: the policy sends them; a page never does.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .allow_headers(["access-control-allow-origin"])
//!     .build()
//!     .unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::AccessControlHeaderName);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"allow_headers: "access-control-allow-origin" is a CORS response header, not a header a page sends; remove it; the policy sends Access-Control-* headers itself"#
//! );
//! ```
//!
//! # Exposed headers (`expose_headers`)
//!
//! ## `ForbiddenExposedHeader`
//!
//! Fetch, "forbidden response-header name": `set-cookie` and `set-cookie2` are never exposed to a
//! page, whatever the server says.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder().allow_origin("https://app.example.com").expose_headers(["set-cookie"]).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::ForbiddenExposedHeader);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"expose_headers: "set-cookie" is never exposed to a page (Fetch, "forbidden response-header name"); remove it"#
//! );
//! ```
//!
//! # Preflight caching and status
//!
//! ## `MaxAgeTooLong`
//!
//! Browsers cap `Access-Control-Max-Age` (Chromium at 7200 s, Firefox at 86400 s); a longer value
//! suggests a cache lifetime that never happens.
//!
//! ```
//! use std::time::Duration;
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .max_age(Duration::from_secs(604_800))
//!     .build()
//!     .unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::MaxAgeTooLong);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"max_age: "604800" is over 86400 seconds; browsers cap it (Chromium at 7200 s, Firefox at 86400 s); use at most 86400 (7200 is what Chromium honours)"#
//! );
//! ```
//!
//! ## `MaxAgeFraction`
//!
//! `Access-Control-Max-Age` is a whole number of seconds.
//!
//! ```
//! use std::time::Duration;
//! use cors_core::{Policy, ProblemKind};
//! let err = Policy::builder()
//!     .allow_origin("https://app.example.com")
//!     .max_age(Duration::from_millis(2500))
//!     .build()
//!     .unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::MaxAgeFraction);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"max_age: "2.5s" has a fraction of a second; Access-Control-Max-Age is whole seconds; use Duration::from_secs(3)"#
//! );
//! ```
//!
//! ## `PreflightStatus`
//!
//! Only a configuration file can name an arbitrary status (the builder takes a
//! [`PreflightStatus`](crate::PreflightStatus)); a preflight answer must have an ok status, and
//! 204 or 200 are the ones clients handle.
//!
//! ```
//! # #[cfg(feature = "serde")]
//! # {
//! use cors_core::{PolicyConfig, ProblemKind};
//! let config: PolicyConfig =
//!     serde_json::from_str(r#"{ "allow_origins": ["https://app.example.com"], "preflight_status": 201 }"#).unwrap();
//! let err = config.build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::PreflightStatus);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"preflight_status: "201" is not a status for a successful preflight; use 204 (the default) or 200"#
//! );
//! # }
//! ```
//!
//! # Origins decided at request time (`allow_origin_async`, `origin_check_timeout`)
//!
//! ## `SeveralAsyncChecks`
//!
//! A policy has one async origin check; two would leave open which one decides.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let check = |_| std::future::ready(Ok::<_, std::io::Error>(true));
//! let err = Policy::builder().allow_origin_async(check).allow_origin_async(check).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::SeveralAsyncChecks);
//! assert_eq!(
//!     problem.to_string(),
//!     "allow_origin_async: is called 2 times, but a policy has one async origin check; combine the lookups in one check (try each in turn inside it)"
//! );
//! ```
//!
//! ## `OriginCheckTimeout`
//!
//! The browser waits for the answer: a timeout of zero refuses every checked origin, one over
//! 30 s keeps the page waiting. Set without an async check, it is a warning.
//!
//! ```
//! use std::time::Duration;
//! use cors_core::{Policy, ProblemKind};
//! let check = |_| std::future::ready(Ok::<_, std::io::Error>(true));
//! let err = Policy::builder().allow_origin_async(check).origin_check_timeout(Duration::ZERO).build().unwrap_err();
//! let problem = &err.problems()[0];
//! assert_eq!(problem.kind(), ProblemKind::OriginCheckTimeout);
//! assert_eq!(
//!     problem.to_string(),
//!     r#"origin_check_timeout: "0ns" is not between zero and 30 s: a zero timeout refuses every checked origin, a long one keeps the browser waiting; use a timeout such as Duration::from_millis(500)"#
//! );
//! ```
//!
//! # Any setting
//!
//! ## `Duplicate` (warning)
//!
//! The same entry twice (origins compared as normalized, header names case-insensitively). The
//! policy builds, with a warning per duplicate.
//!
//! ```
//! use cors_core::{Policy, ProblemKind};
//! let policy = Policy::builder()
//!     .allow_origins(["https://app.example.com", "https://app.example.com"])
//!     .allow_methods(["PUT", "PUT"])
//!     .allow_headers(["Content-Type", "content-type"])
//!     .expose_headers(["x-total-count", "X-Total-Count"])
//!     .build()
//!     .unwrap();
//! assert!(policy.warnings().iter().all(|w| w.kind() == ProblemKind::Duplicate));
//! let texts: Vec<String> = policy.warnings().iter().map(ToString::to_string).collect();
//! assert_eq!(
//!     texts,
//!     [
//!         r#"allow_origins: "https://app.example.com" is listed twice; remove the duplicate"#,
//!         r#"allow_methods: "PUT" is listed twice; remove the duplicate"#,
//!         r#"allow_headers: "content-type" is listed twice (names are case-insensitive); remove the duplicate"#,
//!         r#"expose_headers: "X-Total-Count" is listed twice (names are case-insensitive); remove the duplicate"#,
//!     ]
//! );
//! ```
