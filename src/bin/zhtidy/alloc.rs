/*!
The program's allocator: the system's, counting the bytes each thread
holds, so that a file's budget can limit its memory
([`zhtidy::budget::Budget::memory`], `--file-memory-limit`).

A thread's count goes up when it allocates and down when it frees, so a
block freed on another thread than the one that allocated it moves the two
counts apart; a budget uses only its own thread's growth during one
document, for which that is close enough. The count is a thread-local
`Cell` with a constant initializer and no destructor, so reading it never
allocates (which inside an allocator would recurse).
*/

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static HELD: Cell<i64> = const { Cell::new(0) };
}

/// Adds `bytes` (negative: freed) to this thread's count. After the
/// thread's locals are gone (its last frees), nothing is counted.
fn count(bytes: i64) {
    let _ = HELD.try_with(|held| held.set(held.get().wrapping_add(bytes)));
}

/// The bytes this thread holds allocated, counted from when it started
/// (may be below zero: see the module doc).
pub fn held() -> i64 {
    HELD.try_with(Cell::get).unwrap_or(0)
}

fn size(bytes: usize) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}

/// [`System`], counting per thread.
pub struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees are this allocator's; counting
// only reads the layout and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract (non-zero size),
        // which is `System.alloc`'s.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(size(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(size(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller gives a block this allocator (that is,
        // `System`) allocated with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        count(-size(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller gives a block `System` allocated with
        // `layout` and a valid new size, as `System.realloc` requires.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(size(new_size) - size(layout.size()));
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::held;

    #[test]
    fn a_thread_counts_what_it_holds() {
        std::thread::spawn(|| {
            let before = held();
            let block = vec![0u8; 1 << 20];
            assert!(held() - before >= 1 << 20);
            drop(block);
            assert!(held() - before < 1 << 10);
        })
        .join()
        .unwrap();
    }
}
