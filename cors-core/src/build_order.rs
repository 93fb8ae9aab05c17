//! The order in which the CORS layers of this process were built, for adapters whose framework
//! cannot tell a layer what is around it or inside it.
//!
//! A layer takes what it wraps by value, once that is built. So a layer can only be inside one
//! built after it, and only a layer built before it can be inside it. Two facts follow, and
//! adapters use them:
//!
//! - The last layer built is outermost: it need not leave the [`Answered`](crate::Answered)
//!   marker, which only a layer further out reads ([`BuildOrder::is_latest`]; warp).
//! - A layer built while no other layer's services were alive (its own siblings aside) has none
//!   inside it: the nesting rule's answer to a preflight is its own, and it may answer without
//!   calling the inner service ([`BuildOrder::may_enclose_layers`]; axum, with warp's wrappers
//!   counted, since a warp app can sit inside a tower layer through `warp::service`).
//!
//! A framework may make several services of one layer (axum's `Router::layer` wraps each route,
//! and the fallback, in a service of its own): those share a [`LayerId`] and are siblings, never
//! inside one another. Everything here errs the safe way: a layer that may have another inside
//! calls its inner service, as every layer did before; it only costs time.

use std::sync::atomic::{AtomicU64, Ordering};

/// Ids handed out so far.
static LAYER_IDS: AtomicU64 = AtomicU64::new(0);
/// Services recorded so far: each one's number is its place.
static RECORDED: AtomicU64 = AtomicU64::new(0);
/// The live services, as one word ([`Live`]), changed only when a service is built or dropped,
/// never per request: one compare-and-swap, no lock.
static LIVE: AtomicU64 = AtomicU64::new(0);

/// What is known of the live services: enough to tell whether all of them belong to one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Live {
    None,
    /// All of one layer: its id, and how many.
    One {
        layer: u64,
        count: u64,
    },
    /// Of more than one layer at some point since none was alive: how many live now. It stays
    /// so until they are all dropped, which only errs the safe way.
    Several {
        count: u64,
    },
}

/// Bits of a packed word: the kind (2), then for `One` the layer id (40) and the count (22).
const COUNT_BITS: u32 = 22;
const ID_BITS: u32 = 40;
const COUNT_MASK: u64 = (1 << COUNT_BITS) - 1;
const ID_MASK: u64 = (1 << ID_BITS) - 1;

impl Live {
    fn unpack(word: u64) -> Self {
        match word >> 62 {
            0 => Live::None,
            1 => Live::One { layer: (word >> COUNT_BITS) & ID_MASK, count: word & COUNT_MASK },
            _ => Live::Several { count: word & ((1 << 62) - 1) },
        }
    }

    fn pack(self) -> u64 {
        match self {
            Live::None => 0,
            Live::One { layer, count } => (1 << 62) | (layer << COUNT_BITS) | count,
            Live::Several { count } => (2 << 62) | count,
        }
    }

    /// With one more service of `layer` (an id that fits in [`ID_BITS`]).
    fn with(self, layer: u64) -> Self {
        match self {
            Live::None => Live::One { layer, count: 1 },
            Live::One { layer: only, count } if only == layer && count < COUNT_MASK => {
                Live::One { layer, count: count + 1 }
            }
            Live::One { count, .. } | Live::Several { count } => Live::Several { count: count + 1 },
        }
    }

    /// With one service fewer.
    fn without_one(self) -> Self {
        match self {
            Live::None | Live::One { count: 0..=1, .. } | Live::Several { count: 0..=1 } => Live::None,
            Live::One { layer, count } => Live::One { layer, count: count - 1 },
            Live::Several { count } => Live::Several { count: count - 1 },
        }
    }
}

/// Applies `change` to [`LIVE`] atomically; returns the state it replaced.
fn update_live(change: impl Fn(Live) -> Live) -> Live {
    let mut current = LIVE.load(Ordering::SeqCst);
    loop {
        let next = change(Live::unpack(current)).pack();
        match LIVE.compare_exchange_weak(current, next, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(previous) => return Live::unpack(previous),
            Err(actual) => current = actual,
        }
    }
}

/// One CORS layer as its user wrote it; the services a framework makes of it share it.
///
/// ```
/// use cors_core::LayerId;
/// let layer = LayerId::new();
/// assert_eq!(layer, layer.clone());
/// assert_ne!(layer, LayerId::new());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LayerId(u64);

impl LayerId {
    /// A new id, unlike every other of this process (ids past 2^40 - 1, a trillion layers, all
    /// count as one that may enclose others).
    pub fn new() -> Self {
        LayerId((LAYER_IDS.fetch_add(1, Ordering::Relaxed) + 1).min(ID_MASK))
    }
}

impl Default for LayerId {
    fn default() -> Self {
        Self::new()
    }
}

/// One service of a CORS layer, recorded when it is built around what it wraps, and counted
/// among the live ones until it is dropped (keep it where the service's clones share it, say an
/// `Arc`). See the [module](self) documentation.
///
/// ```
/// use cors_core::{BuildOrder, LayerId};
///
/// let inner = BuildOrder::record(LayerId::new());
/// assert!(!inner.may_enclose_layers()); // nothing else was alive: nothing is inside it
/// assert!(inner.is_latest());
/// let outer = BuildOrder::record(LayerId::new());
/// assert!(outer.may_enclose_layers()); // `inner` may be inside it
/// assert!(!inner.is_latest()); // `outer` may be around it: `inner` marks its answers
/// drop((inner, outer));
///
/// // One layer applied to two routes: siblings, neither inside the other.
/// let layer = LayerId::new();
/// let (a, b) = (BuildOrder::record(layer), BuildOrder::record(layer));
/// assert!(!a.may_enclose_layers() && !b.may_enclose_layers());
/// ```
#[derive(Debug)]
pub struct BuildOrder {
    place: u64,
    may_enclose: bool,
}

impl BuildOrder {
    /// Records a service of `layer`, built now around what it wraps.
    pub fn record(layer: LayerId) -> Self {
        let before = update_live(|live| live.with(layer.0));
        // Only services of its own layer alive (siblings), and the id not the shared last one.
        let alone = match before {
            Live::None => true,
            Live::One { layer: only, .. } => only == layer.0,
            Live::Several { .. } => false,
        };
        let place = RECORDED.fetch_add(1, Ordering::SeqCst) + 1;
        BuildOrder { place, may_enclose: !alone || layer.0 == ID_MASK }
    }

    /// Whether no service was recorded after this one: then none can be around it, and its
    /// answers need no [`Answered`](crate::Answered) marker. One relaxed load.
    #[inline]
    pub fn is_latest(&self) -> bool {
        RECORDED.load(Ordering::Relaxed) == self.place
    }

    /// Whether a CORS layer may be inside this one: a service of another layer was alive when it
    /// was built. When not, no policy further in can answer, and a preflight this policy answers
    /// may be answered without calling the inner service.
    pub fn may_enclose_layers(&self) -> bool {
        self.may_enclose
    }
}

impl Drop for BuildOrder {
    fn drop(&mut self) {
        update_live(Live::without_one);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_state_says_whether_one_layer_holds_them_all() {
        let (a, b) = (5, 7);
        let one = Live::None.with(a);
        assert_eq!(one, Live::One { layer: a, count: 1 });
        assert_eq!(Live::unpack(one.with(a).pack()), Live::One { layer: a, count: 2 });
        let several = one.with(b);
        assert_eq!(Live::unpack(several.pack()), Live::Several { count: 2 });
        // Several stays several until none is left, then starts afresh.
        assert_eq!(several.without_one(), Live::Several { count: 1 });
        assert_eq!(several.without_one().without_one(), Live::None);
        assert_eq!(one.with(a).without_one(), one);
        // The largest values survive packing; a full count turns into several.
        let full = Live::One { layer: ID_MASK, count: COUNT_MASK };
        assert_eq!(Live::unpack(full.pack()), full);
        assert_eq!(full.with(ID_MASK), Live::Several { count: COUNT_MASK + 1 });
        assert_eq!(Live::unpack(Live::Several { count: 1 << 40 }.pack()), Live::Several { count: 1 << 40 });
    }
}
