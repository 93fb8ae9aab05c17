//! Whether a middleware may have another `Cors` further out, known when the app is built: only
//! then does it leave the [`Answered`](cors_core::Answered) marker on the responses it finishes
//! (actix's response extensions allocate a map for it, on every response).
//!
//! actix builds an app's services inside out, on the worker thread that runs them: a middleware
//! is built (`Transform::new_transform`) from the service it wraps, so after every middleware
//! inside it. Each `Cors` middleware built marks those built before it on the thread and not
//! marked since as possibly enclosed. So a middleware that a `Cors` encloses is always marked (by
//! that one, or by one built in between); one marked though nothing encloses it (a sibling
//! scope's, another app's) leaves the marker as every one did before, which costs only time.
//!
//! The other way round, a middleware built while no other `Cors` middleware lives on its thread
//! has none inside it: it answers a preflight itself, without calling the service it wraps (the
//! nesting rule gives the same answer). One built while another lives (a sibling scope's,
//! another app's on a test thread) calls it, as every one did before.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

thread_local! {
    /// The middleware built on this thread and not marked yet (at most one: each marks the rest).
    static UNMARKED: RefCell<Vec<Weak<Cell<bool>>>> = const { RefCell::new(Vec::new()) };
    /// `Cors` middleware alive on this thread.
    static LIVE: Cell<usize> = const { Cell::new(0) };
}

/// A middleware's place among the others of its thread; counted among the live ones until
/// dropped.
#[derive(Debug)]
pub(crate) struct Place {
    /// Set (now or later) if a `Cors` may enclose the middleware.
    pub(crate) enclosed: Rc<Cell<bool>>,
    /// Whether a `Cors` may be inside it: another one lived on the thread when it was built.
    pub(crate) may_enclose: bool,
}

impl Place {
    pub(crate) fn new() -> Self {
        // While the thread's locals are torn down nothing is known: assume another one lives.
        let may_enclose = LIVE.try_with(|live| live.replace(live.get() + 1) > 0).unwrap_or(true);
        Place { enclosed: flag(), may_enclose }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(1)));
    }
}

/// A new middleware's flag, set (now or later) if a `Cors` may enclose it; marks the middleware
/// built before it on this thread.
fn flag() -> Rc<Cell<bool>> {
    let flag = Rc::new(Cell::new(false));
    let registered = UNMARKED.try_with(|unmarked| {
        let Ok(mut unmarked) = unmarked.try_borrow_mut() else { return false };
        for earlier in unmarked.drain(..) {
            if let Some(earlier) = earlier.upgrade() {
                earlier.set(true);
            }
        }
        unmarked.push(Rc::downgrade(&flag));
        true
    });
    // Only while the thread's locals are torn down: then nothing is known, so assume enclosed.
    if registered != Ok(true) {
        flag.set(true);
    }
    flag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_middleware_built_while_no_other_lives_has_none_inside() {
        let inner = Place::new();
        assert!(!inner.may_enclose);
        let outer = Place::new();
        assert!(outer.may_enclose && inner.enclosed.get() && !outer.enclosed.get());
        drop((inner, outer));
        assert!(!Place::new().may_enclose);
    }

    #[test]
    fn each_middleware_marks_those_built_before_it() {
        let inner = flag();
        let sibling = flag();
        assert!(inner.get() && !sibling.get());
        let outer = flag();
        assert!(sibling.get() && !outer.get());
        drop(outer);
        // A dropped middleware is skipped.
        let next = flag();
        assert!(!next.get());
    }
}
