//! Progress counters: `progressCounter()` makes one (an external holding an `Arc<AtomicU64>`),
//! a walk on the thread pool stores how far it has got, and `progressCounterValue(c)` reads it
//! on the main thread while the walk's promise is pending.
#![forbid(unsafe_code)]

use std::ffi::CStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::env::{Env, JsFail, JsResult, Value, MAX_ARGS};

const BAD_COUNTER: &CStr = c"elfscan native: progressCounterValue(counter): not a progress counter handle";

/// Bytes of its input a walk on the pool has got through. The walk holds a clone, so the counter
/// outlives a handle collected mid-walk.
pub struct Counter(pub Arc<AtomicU64>);

/// The counter behind a handle; `bad` for anything else.
pub fn counter_of(env: Env, handle: Value, bad: &'static CStr) -> JsResult<Arc<AtomicU64>> {
    env.external_value::<Counter>(handle).map(|c| Arc::clone(&c.0)).ok_or(JsFail::Type(bad))
}

/// `progressCounter(): handle` — a counter at 0, for `layerScanFile`/`outerScanFile` to move.
pub fn new_counter(env: Env, _args: [Value; MAX_ARGS]) -> JsResult<Value> {
    env.external(Counter(Arc::new(AtomicU64::new(0))))
}

/// `progressCounterValue(counter): number` — bytes the walk has got through so far. Relaxed: the
/// value is a hint for a display, ordered with nothing else; the promise carries the result.
pub fn counter_value(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [handle, ..] = args;
    let c = counter_of(env, handle, BAD_COUNTER)?;
    // Exact below 2^53, i.e. for every real file.
    env.f64(c.load(Ordering::Relaxed) as f64)
}
