use std::alloc::System;
use std::cell::Cell;
use std::hint::black_box;

use super::*;

#[global_allocator]
static ALLOC: Counting = Counting::new(System);

const MIB: usize = 1 << 20;

#[test]
fn counts_live_bytes_in_a_scope() {
    let (v, report) = within(64 * MIB, None, || black_box(vec![0u8; MIB]));
    assert!(!report.exceeded);
    assert!(report.peak >= MIB, "peak {}", report.peak);
    assert!(report.live >= MIB as isize);
    drop(v);
}

#[test]
fn freed_memory_is_not_live() {
    let ((), report) = within(4 * MIB, None, || {
        for _ in 0..100 {
            black_box(vec![0u8; MIB]);
        }
    });
    assert!(!report.exceeded, "{report:?}");
    assert!(report.peak < 2 * MIB, "{report:?}");
    assert!(report.live.unsigned_abs() < 4096, "{report:?}");
}

#[test]
fn passing_the_limit_calls_the_hook_once_and_marks_the_scope() {
    let calls = Cell::new(0);
    let hook = || calls.set(calls.get() + 1);
    let (seen, report) = within(MIB, Some(&hook), || {
        let mut keep = Vec::new();
        for _ in 0..4 {
            keep.push(black_box(vec![0u8; MIB]));
        }
        exceeded()
    });
    assert!(seen);
    assert!(report.exceeded);
    assert!(report.peak >= 4 * MIB);
    assert_eq!(calls.get(), 1);
}

#[test]
fn the_budget_is_released_after_the_scope() {
    let ((), first) = within(MIB, None, || {
        black_box(vec![0u8; 2 * MIB]);
    });
    assert!(first.exceeded);
    assert!(!exceeded(), "outside a scope nothing is exceeded");
    assert_eq!(remaining(), usize::MAX);
    let ((), second) = within(MIB, None, || {
        black_box(vec![0u8; MIB / 2]);
    });
    assert!(!second.exceeded, "{second:?}");
}

#[test]
fn remaining_shrinks_as_memory_is_held() {
    let ((), _) = within(8 * MIB, None, || {
        let before = remaining();
        let v = black_box(vec![0u8; 2 * MIB]);
        let after = remaining();
        assert!(before - after >= 2 * MIB, "{before} {after}");
        drop(v);
    });
}

#[test]
fn nested_scopes_count_towards_the_outer_one() {
    let (inner, outer) = within(8 * MIB, None, || {
        let (v, inner) = within(MIB, None, || black_box(vec![0u8; 2 * MIB]));
        assert!(exceeded(), "the outer scope sees the inner one's excess");
        drop(v);
        inner
    });
    assert!(inner.exceeded);
    assert!(outer.exceeded);
    assert!(outer.peak >= 2 * MIB);
}

#[test]
fn a_panic_in_the_scope_restores_the_thread() {
    let hook = || {};
    let r = std::panic::catch_unwind(|| {
        within(MIB, Some(&hook), || {
            black_box(vec![0u8; 2 * MIB]);
            panic!("boom");
        })
    });
    assert!(r.is_err());
    assert!(!exceeded());
    assert_eq!(remaining(), usize::MAX);
    // An allocation after the scope must not call the (gone) hook.
    black_box(vec![0u8; 4 * MIB]);
}

#[test]
fn other_threads_are_not_counted() {
    let ((), report) = within(MIB, None, || {
        std::thread::spawn(|| black_box(vec![0u8; 4 * MIB]).len())
            .join()
            .unwrap();
    });
    assert!(!report.exceeded, "{report:?}");
}
