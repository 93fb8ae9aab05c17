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

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

thread_local! {
    /// The middleware built on this thread and not marked yet (at most one: each marks the rest).
    static UNMARKED: RefCell<Vec<Weak<Cell<bool>>>> = const { RefCell::new(Vec::new()) };
}

/// A new middleware's flag, set (now or later) if a `Cors` may enclose it; marks the middleware
/// built before it on this thread.
pub(crate) fn flag() -> Rc<Cell<bool>> {
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
