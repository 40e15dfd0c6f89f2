//! Gives the C library's free memory back to the system once an image's layers are walked. The
//! walks' buffers, decoders and records are freed into glibc's arenas (one per pool thread),
//! which keep the pages; the overlay and the rules then grow the JavaScript heap on top of them,
//! so the scan's peak RSS held 15–30 MB that nothing used (docs/performance.md, issue 14).

use super::env::{Env, JsResult, Value, MAX_ARGS};

/// `releaseFreeMemory(): null` — returns the free pages of every malloc arena to the system.
pub fn release_free_memory_fn(env: Env, _args: [Value; MAX_ARGS]) -> JsResult<Value> {
    trim();
    env.null()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // Safety: malloc_trim takes a number and touches only glibc's own arenas, under their locks.
    unsafe {
        malloc_trim(0);
    }
}

/// musl's and the other systems' allocators return freed pages themselves.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
