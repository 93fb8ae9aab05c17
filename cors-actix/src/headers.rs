//! The core's header names and values in actix's `http` 0.2 types: the names as constants (no
//! parsing per request), the values converted once and kept.

use std::cell::{Cell, RefMut};

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, ORIGIN};
use actix_web::HttpRequest;
use cors_core::ResponseHeaders;

/// How many of [`CORE`]'s names the core writes: `Vary` and the seven CORS response headers.
/// Their values are kept in [`Converted`], a slot per name.
const WRITTEN: usize = 8;

/// Every name the core passes, first the ones it writes (in [`Converted`]'s slot order), then the
/// ones it reads; [`ACTIX`] holds the same names in actix's type.
static CORE: [http::HeaderName; 13] = {
    use http::header as h;
    [
        h::VARY,
        h::ACCESS_CONTROL_ALLOW_ORIGIN,
        h::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        h::ACCESS_CONTROL_EXPOSE_HEADERS,
        h::ACCESS_CONTROL_ALLOW_METHODS,
        h::ACCESS_CONTROL_ALLOW_HEADERS,
        h::ACCESS_CONTROL_MAX_AGE,
        http::HeaderName::from_static("access-control-allow-private-network"),
        h::ORIGIN,
        h::ACCESS_CONTROL_REQUEST_METHOD,
        h::ACCESS_CONTROL_REQUEST_HEADERS,
        h::HOST,
        http::HeaderName::from_static("access-control-request-private-network"),
    ]
};

/// [`CORE`]'s names in actix's type, in the same order.
static ACTIX: [HeaderName; 13] = {
    use actix_web::http::header as a;
    [
        a::VARY,
        a::ACCESS_CONTROL_ALLOW_ORIGIN,
        a::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        a::ACCESS_CONTROL_EXPOSE_HEADERS,
        a::ACCESS_CONTROL_ALLOW_METHODS,
        a::ACCESS_CONTROL_ALLOW_HEADERS,
        a::ACCESS_CONTROL_MAX_AGE,
        HeaderName::from_static("access-control-allow-private-network"),
        a::ORIGIN,
        a::ACCESS_CONTROL_REQUEST_METHOD,
        a::ACCESS_CONTROL_REQUEST_HEADERS,
        a::HOST,
        HeaderName::from_static("access-control-request-private-network"),
    ]
};

/// [`CORE`]'s names as the core's `'static` items ([`cors_core::header_names`]), which are what it
/// passes: found by address, a comparison of pointers.
static STATICS: [&http::HeaderName; 13] = {
    use cors_core::header_names as n;
    [
        &n::VARY,
        &n::ACCESS_CONTROL_ALLOW_ORIGIN,
        &n::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        &n::ACCESS_CONTROL_EXPOSE_HEADERS,
        &n::ACCESS_CONTROL_ALLOW_METHODS,
        &n::ACCESS_CONTROL_ALLOW_HEADERS,
        &n::ACCESS_CONTROL_MAX_AGE,
        &n::ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
        &n::ORIGIN,
        &n::ACCESS_CONTROL_REQUEST_METHOD,
        &n::ACCESS_CONTROL_REQUEST_HEADERS,
        &n::HOST,
        &n::ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
    ]
};

/// The position of a core name in [`CORE`]: by address for the core's own items, else by
/// comparing names (`http`'s standard-header tags, the bytes of the two private-network names).
#[inline]
fn index(name: &http::HeaderName) -> Option<usize> {
    STATICS.iter().position(|s| std::ptr::eq(*s, name)).or_else(|| CORE.iter().position(|core| core == name))
}

/// A core name in actix's type: by constant for the names the core passes, any other by parsing.
pub(crate) fn actix_name(name: &http::HeaderName) -> Option<HeaderName> {
    match index(name).and_then(|i| ACTIX.get(i)) {
        Some(actix) => Some(actix.clone()),
        None => HeaderName::from_bytes(name.as_str().as_bytes()).ok(),
    }
}

/// Calls `f` with each value of the header `name` in `headers` (a request's or a response's).
pub(crate) fn each_value<'s>(headers: &'s HeaderMap, name: &http::HeaderName, f: &mut dyn FnMut(&'s [u8])) {
    let each = |actix: &HeaderName, f: &mut dyn FnMut(&'s [u8])| {
        for value in headers.get_all(actix) {
            f(value.as_bytes());
        }
    };
    // `Origin` first: every request but a preflight reads only it.
    if std::ptr::eq(name, &cors_core::header_names::ORIGIN) {
        return each(&ORIGIN, f);
    }
    match index(name).and_then(|i| ACTIX.get(i)) {
        Some(actix) => each(actix, f),
        None => {
            if let Ok(actix) = HeaderName::from_bytes(name.as_str().as_bytes()) {
                each(&actix, f);
            }
        }
    }
}

/// Up to this many names, several headers are read in one pass over the map rather than by a
/// lookup per name (a hash, a probe and a comparison each): a preflight reads four.
const SCAN_LIMIT: usize = 16;

/// Calls `f(i, value)` with each value of each header named `names[i]` in `headers`.
pub(crate) fn each_value_of<'s>(
    headers: &'s HeaderMap,
    names: &[&http::HeaderName],
    f: &mut dyn FnMut(usize, &'s [u8]),
) {
    if headers.len_keys() > SCAN_LIMIT {
        for (i, name) in names.iter().enumerate() {
            each_value(headers, name, &mut |v| f(i, v));
        }
        return;
    }
    // Both types keep names in lowercase.
    for (name, value) in headers {
        let name = name.as_str();
        if let Some(i) = names.iter().position(|n| n.as_str() == name) {
            f(i, value.as_bytes());
        }
    }
}

/// A value the core wrote, with its conversion.
#[derive(Debug)]
struct Kept {
    /// The core's value, kept alive so that a value at the same address is this one.
    core: http::HeaderValue,
    /// Its conversion, or the request's `Origin` it equals (sharing the request's bytes).
    actix: HeaderValue,
}

impl Kept {
    /// Whether `value` has this value's bytes: the same bytes (the policy's own value, the common
    /// case) or equal ones.
    fn matches(&self, value: &http::HeaderValue) -> bool {
        let (kept, value) = (self.core.as_bytes(), value.as_bytes());
        kept.len() == value.len() && (kept.as_ptr() == value.as_ptr() || kept == value)
    }
}

/// The values the core wrote lately, converted to actix's type: two per name (`Vary` differs
/// between preflights and other requests). A policy's values are the same `http::HeaderValue`s on
/// every response, so after the first responses each is found by its address and shared (a
/// reference count) rather than copied; after a reload, the new policy's values replace the old
/// ones as they are written. Values from the request (an echoed method) are converted each time.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    slots: [[Option<Kept>; 2]; WRITTEN],
}

impl Converted {
    /// `value`, written under the name of slot `slot`, if it is kept.
    fn find(&self, slot: usize, value: &http::HeaderValue) -> Option<HeaderValue> {
        let kept = self.slots.get(slot)?.iter().flatten().find(|kept| kept.matches(value))?;
        Some(kept.actix.clone())
    }

    /// `value` converted, and kept in slot `slot`.
    fn insert(&mut self, slot: usize, value: &http::HeaderValue) -> Option<HeaderValue> {
        Some(self.keep(slot, value, convert(value)?))
    }

    /// Keeps `actix`, the conversion of `value`, in slot `slot` in place of the older of its two
    /// values.
    fn keep(&mut self, slot: usize, value: &http::HeaderValue, actix: HeaderValue) -> HeaderValue {
        if let Some(pair) = self.slots.get_mut(slot) {
            pair.swap(0, 1);
            pair[0] = Some(Kept { core: value.clone(), actix: actix.clone() });
        }
        actix
    }
}

/// actix uses `http` 0.2; the core's values are valid header values, so this does not fail.
fn convert(value: &http::HeaderValue) -> Option<HeaderValue> {
    HeaderValue::from_bytes(value.as_bytes()).ok()
}

/// actix's response headers as the core writes them.
pub(crate) struct Headers<'h> {
    pub(crate) map: &'h mut HeaderMap,
    /// The request, whose `Origin` is the value an allowed origin is answered with.
    pub(crate) request: Option<&'h HttpRequest>,
    /// The converted values; `None` only if they are in use (they never are while a response is
    /// written): then each value is converted.
    converted: Option<RefMut<'h, Converted>>,
    /// Whether the response has a `Vary` header, when the scan of its names for
    /// `Access-Control-*` (which the core makes before it reads `Vary`) found out; `None` once
    /// unknown.
    vary: Cell<Option<bool>>,
}

impl<'h> Headers<'h> {
    pub(crate) fn new(
        map: &'h mut HeaderMap,
        request: Option<&'h HttpRequest>,
        converted: Option<RefMut<'h, Converted>>,
    ) -> Self {
        Headers { map, request, converted, vary: Cell::new(None) }
    }
}

/// The slots of `Vary` and `Access-Control-Allow-Origin` in [`CORE`] and [`Converted`].
const VARY: usize = 0;
const ALLOW_ORIGIN: usize = 1;

impl Headers<'_> {
    /// `value`, written under the name of slot `slot`, in actix's type.
    fn value(&mut self, slot: usize, value: &http::HeaderValue) -> Option<HeaderValue> {
        let Some(converted) = &mut self.converted else { return convert(value) };
        if let Some(actix) = converted.find(slot, value) {
            return Some(actix);
        }
        // An allowed origin the policy lists is one of its values, but with many listed origins
        // it changes from request to request: it is the request's `Origin`, shared.
        if slot == ALLOW_ORIGIN {
            if let Some(origin) = self.request.and_then(|r| r.headers().get(ORIGIN)) {
                if origin.as_bytes() == value.as_bytes() {
                    return Some(converted.keep(slot, value, origin.clone()));
                }
            }
        }
        converted.insert(slot, value)
    }
}

impl ResponseHeaders for Headers<'_> {
    fn remove_all(&mut self, name: &'static http::HeaderName) {
        self.vary.set(None);
        if let Some(name) = actix_name(name) {
            drop(self.map.remove(&name));
        }
    }

    fn append_value(&mut self, name: &'static http::HeaderName, value: &http::HeaderValue) {
        if let Some(i) = index(name).filter(|&i| i < WRITTEN) {
            if i == VARY {
                self.vary.set(None);
            }
            if let (Some(name), Some(value)) = (ACTIX.get(i), self.value(i, value)) {
                self.map.append(name.clone(), value);
            }
        } else if let (Some(name), Some(value)) = (actix_name(name), convert(value)) {
            self.map.append(name, value);
        }
    }

    fn for_each_value(&self, name: &'static http::HeaderName, f: &mut dyn FnMut(&[u8])) {
        if std::ptr::eq(name, &cors_core::header_names::VARY) && self.vary.get() == Some(false) {
            return;
        }
        each_value(self.map, name, &mut |v| f(v));
    }

    // One pass over the names, which also finds out whether `Vary` is there.
    fn may_have_access_control(&self) -> bool {
        let (mut access_control, mut vary) = (false, false);
        for name in self.map.keys() {
            vary |= *name == actix_web::http::header::VARY;
            access_control |= name.as_str().starts_with(cors_core::header_names::ACCESS_CONTROL_PREFIX);
        }
        self.vary.set(Some(vary));
        access_control
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core(value: &'static str) -> http::HeaderValue {
        http::HeaderValue::from_static(value)
    }

    #[test]
    fn every_name_has_its_actix_counterpart() {
        for ((core, actix), item) in CORE.iter().zip(&ACTIX).zip(&STATICS) {
            assert_eq!(core.as_str(), actix.as_str());
            assert_eq!(core, *item);
            assert_eq!(index(core), index(item));
        }
        assert_eq!(index(&http::HeaderName::from_static("x-other")), None);
        assert_eq!(
            actix_name(&http::HeaderName::from_static("x-other")).map(|n| n.to_string()),
            Some("x-other".into())
        );
    }

    // What a reload changes is written from then on: values are kept by their bytes, two a name.
    #[test]
    fn kept_values_follow_the_values_written() {
        let mut converted = Converted::default();
        let (actual, preflight) = (core("origin"), core("origin, access-control-request-method"));
        for _ in 0..3 {
            let a = converted.find(0, &actual).or_else(|| converted.insert(0, &actual));
            let p = converted.find(0, &preflight).or_else(|| converted.insert(0, &preflight));
            assert_eq!(a.as_ref().map(HeaderValue::as_bytes), Some(&b"origin"[..]));
            assert_eq!(p.as_ref().map(HeaderValue::as_bytes), Some(preflight.as_bytes()));
        }
        // Equal bytes elsewhere are the same value.
        let copy = http::HeaderValue::from_bytes(b"origin").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(converted.find(0, &copy).as_ref().map(HeaderValue::as_bytes), Some(&b"origin"[..]));
        // A new policy's value, of the same length: not the old one.
        let reloaded = http::HeaderValue::from_bytes(b"GET, PUT").unwrap_or_else(|e| panic!("{e}"));
        converted.insert(4, &core("GET, POS"));
        assert_eq!(converted.find(4, &reloaded), None);
        assert_eq!(converted.insert(4, &reloaded).as_ref().map(HeaderValue::as_bytes), Some(&b"GET, PUT"[..]));
        assert_eq!(converted.find(4, &reloaded).as_ref().map(HeaderValue::as_bytes), Some(&b"GET, PUT"[..]));
    }
}
