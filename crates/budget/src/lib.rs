//! A memory budget for one expression evaluation.
//!
//! An allocator cannot refuse an allocation gracefully: a `GlobalAlloc` that returns null
//! makes Rust abort the process, and one that unwinds is undefined behaviour. So the budget
//! is enforced in two halves:
//!
//! - [`Counting`], a global allocator wrapper, keeps a per-thread count of the bytes
//!   allocated minus the bytes freed while a budget scope is open on that thread. When the
//!   count passes the scope's limit it marks the scope exceeded and calls the scope's hook
//!   once (for JSONata: cancel the evaluation's token, which the evaluator checks at every
//!   node and every callback of a higher-order built-in). The allocation itself still
//!   succeeds; the evaluation stops at its next checkpoint.
//! - The code that evaluates ([`within`]'s caller) asks [`exceeded`] at its own checkpoints
//!   and after the evaluation, and pre-checks the few operations that turn a small input
//!   into one giant allocation (a padding width, a range length), which no counter can stop
//!   in time.
//!
//! Outside a scope the allocator costs one thread-local read per call. Without
//! [`Counting`] installed as the global allocator nothing is counted: [`within`] still
//! runs its closure, and [`exceeded`] stays false (the pre-checks still hold).

#![deny(unsafe_op_in_unsafe_fn)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// A global allocator that counts, per thread, the live bytes of an open budget scope.
///
/// Install it in a binary (or a test binary) with
/// `#[global_allocator] static ALLOC: budget::Counting = budget::Counting::new(std::alloc::System);`.
pub struct Counting<A = System> {
    inner: A,
}

impl<A> Counting<A> {
    pub const fn new(inner: A) -> Self {
        Counting { inner }
    }
}

/// The budget state of one thread. `Cell`s of `Copy` data with a `const` initialiser: reading
/// it never allocates and never registers a destructor, so the allocator may use it.
struct State {
    /// A scope is open on this thread.
    active: Cell<bool>,
    /// Bytes allocated minus bytes freed since the scope opened (frees of older memory
    /// make it go below zero).
    live: Cell<isize>,
    /// The highest `live` seen in the scope.
    peak: Cell<isize>,
    limit: Cell<isize>,
    exceeded: Cell<bool>,
    /// Called once when `live` first passes `limit`. Points into the frame of [`within`],
    /// which clears it before it returns (or unwinds).
    hook: Cell<Option<*const (dyn Fn() + 'static)>>,
}

thread_local! {
    static STATE: State = const {
        State {
            active: Cell::new(false),
            live: Cell::new(0),
            peak: Cell::new(0),
            limit: Cell::new(isize::MAX),
            exceeded: Cell::new(false),
            hook: Cell::new(None),
        }
    };
}

#[inline]
fn grew(bytes: usize) {
    let _ = STATE.try_with(|s| {
        if !s.active.get() {
            return;
        }
        let live = s.live.get().saturating_add(bytes as isize);
        s.live.set(live);
        if live > s.peak.get() {
            s.peak.set(live);
        }
        if live > s.limit.get() && !s.exceeded.get() {
            s.exceeded.set(true);
            if let Some(hook) = s.hook.get() {
                // SAFETY: set by `within` from a reference that outlives the scope, and
                // cleared by its guard before that reference goes away.
                unsafe { (*hook)() };
            }
        }
    });
}

#[inline]
fn shrank(bytes: usize) {
    let _ = STATE.try_with(|s| {
        if s.active.get() {
            s.live.set(s.live.get().saturating_sub(bytes as isize));
        }
    });
}

// SAFETY: every call is forwarded unchanged to `inner`; the bookkeeping neither allocates
// nor unwinds (the hook must not either; see `within`).
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.inner.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// What a budget scope saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The live bytes passed the limit at some point.
    pub exceeded: bool,
    /// The most bytes live at once (0 when nothing was counted).
    pub peak: usize,
    /// The bytes still live when the scope closed (allocated in it, not yet freed; may be
    /// negative when the scope freed older memory).
    pub live: isize,
}

/// The saved state of an enclosing scope, put back when this one closes.
struct Saved {
    active: bool,
    live: isize,
    peak: isize,
    limit: isize,
    exceeded: bool,
    hook: Option<*const (dyn Fn() + 'static)>,
}

/// Restores the enclosing scope on return and on unwind, so the hook pointer never outlives
/// its referent.
struct Restore {
    saved: Saved,
    done: bool,
}

impl Restore {
    /// Puts the enclosing scope back and says what this one saw.
    fn finish(&mut self) -> Report {
        let mut report = Report {
            exceeded: false,
            peak: 0,
            live: 0,
        };
        if self.done {
            return report;
        }
        self.done = true;
        let saved = &self.saved;
        let _ = STATE.try_with(|s| {
            report = Report {
                exceeded: s.exceeded.get(),
                peak: s.peak.get().max(0) as usize,
                live: s.live.get(),
            };
            s.hook.set(saved.hook);
            s.limit.set(saved.limit);
            s.exceeded.set(saved.exceeded || (saved.active && report.exceeded));
            s.live.set(saved.live.saturating_add(report.live));
            s.peak
                .set(saved.peak.max(saved.live.saturating_add(report.peak as isize)));
            s.active.set(saved.active);
        });
        report
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Runs `f` with a budget of `limit` live bytes on this thread and reports what it used.
///
/// `on_exceed` is called once, from inside the allocator, when the live bytes first pass
/// `limit`: it must neither allocate nor panic (setting an atomic flag is the intended use).
/// Scopes nest: an inner scope counts towards the enclosing one too, and exceeding the inner
/// one marks the enclosing one exceeded.
pub fn within<R>(limit: usize, on_exceed: Option<&dyn Fn()>, f: impl FnOnce() -> R) -> (R, Report) {
    let saved = STATE.with(|s| Saved {
        active: s.active.get(),
        live: s.live.get(),
        peak: s.peak.get(),
        limit: s.limit.get(),
        exceeded: s.exceeded.get(),
        hook: s.hook.get(),
    });
    let mut guard = Restore { saved, done: false };
    STATE.with(|s| {
        // SAFETY (of the erased lifetime): `guard` clears the pointer before `on_exceed`'s
        // borrow ends, on return and on unwind alike.
        let hook = on_exceed.map(|h| unsafe {
            std::mem::transmute::<*const (dyn Fn() + '_), *const (dyn Fn() + 'static)>(h as *const dyn Fn())
        });
        s.hook.set(hook);
        s.limit.set(isize::try_from(limit).unwrap_or(isize::MAX));
        s.live.set(0);
        s.peak.set(0);
        s.exceeded.set(false);
        s.active.set(true);
    });
    let r = f();
    let report = guard.finish();
    (r, report)
}

/// Whether the innermost open scope on this thread has passed its limit (false outside a
/// scope).
pub fn exceeded() -> bool {
    STATE.try_with(|s| s.active.get() && s.exceeded.get()).unwrap_or(false)
}

/// Bytes the innermost open scope may still allocate before it is exceeded (`usize::MAX`
/// outside a scope or when nothing is counted yet). Pre-checks compare a size they are
/// about to allocate with this.
pub fn remaining() -> usize {
    STATE
        .try_with(|s| {
            if !s.active.get() {
                return usize::MAX;
            }
            let left = s.limit.get().saturating_sub(s.live.get().max(0));
            left.max(0) as usize
        })
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests;
