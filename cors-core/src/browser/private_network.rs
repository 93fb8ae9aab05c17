//! Private Network Access (WICG), and what replaced it.
//!
//! Chromium 104 to 141 sent a preflight with `Access-Control-Request-Private-Network: true` before
//! a page reached a more private address space, and required
//! `Access-Control-Allow-Private-Network: true` in the answer. Chromium 142 (October 2025)
//! replaced it with Local Network Access: a permission prompt that the user answers (Chromium
//! 145 splits it into `local-network` and `loopback-network` permissions). No response header
//! grants or skips that prompt: a server can only keep answering PNA preflights for the browsers
//! that still send them; the page must be a secure context and, in an iframe, be delegated the
//! permission by the embedder's `allow` attribute.

use std::fmt;

/// The address space a Private Network Access request targets, as Chromium names it in its
/// console message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressSpace {
    /// Private addresses (`10/8`, `172.16/12`, `192.168/16`, `fc00::/7`).
    Private,
    /// Loopback (`127/8`, `::1`); Chromium's PNA called it `local`.
    Local,
}

impl fmt::Display for AddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressSpace::Private => "private",
            AddressSpace::Local => "local",
        })
    }
}
