//! The allocator of the npm package's WebAssembly: `lol_alloc`'s free-list allocator instead of
//! the standard library's dlmalloc, ≈ 7 KB smaller (≈ 3 KB gzipped, issue #5's size budget).
//!
//! What this module allocates is small and short-lived (dictionaries, messages, futures, the
//! 64×48 thumbnails of the polling frame source); pixels stay in the browser's own objects. A
//! free list kept sorted by address, adjacent blocks merged, first fit: allocation and release
//! cost O(free blocks), a handful here. `LockedAllocator` (a spin lock never contended in
//! single-threaded WebAssembly) keeps it free of `unsafe`.

use lol_alloc::{FreeListAllocator, LockedAllocator};

#[global_allocator]
static ALLOCATOR: LockedAllocator<FreeListAllocator> =
    LockedAllocator::new(FreeListAllocator::new());
