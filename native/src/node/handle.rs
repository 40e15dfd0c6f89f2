//! A streaming scan behind an external handle: made by a `…Start`, fed by a `…Push` with a chunk
//! (lent, never copied), taken by an `…End` — after which the handle is dead. One shape for the
//! layer scan (scan.rs) and the outer archive scan (outer.rs).
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::ffi::CStr;

use super::env::{Env, JsFail, JsResult, Value};

/// A chunk that is not a Uint8Array.
const BAD_CHUNK: &CStr = c"elfscan native: a pushed chunk must be a Uint8Array";

/// What a handle holds; `None` once ended.
struct Handle<T>(RefCell<Option<T>>);

pub fn make<T: 'static>(env: Env, scan: T) -> JsResult<Value> {
    env.external(Handle(RefCell::new(Some(scan))))
}

/// `push(scan, chunk)` on the live scan behind `handle`; `bad` when it is not one.
pub fn push<T: Send + 'static, R: Send>(
    env: Env,
    handle: Value,
    chunk: Value,
    bad: &'static CStr,
    push: impl FnOnce(&mut T, &[u8]) -> R + Send,
) -> JsResult<R> {
    let h = env.external_value::<Handle<T>>(handle).ok_or(JsFail::Type(bad))?;
    let mut state = h.0.try_borrow_mut().map_err(|_| JsFail::Type(bad))?;
    let state = &mut *state;
    let pushed = env.with_bytes(chunk, &[], BAD_CHUNK, |bytes, _| Some(push(state.as_mut()?, bytes)));
    // The chunk is checked before the handle's state, as a caller reads the arguments.
    pushed.map_err(|_| JsFail::Type(BAD_CHUNK))?.ok_or(JsFail::Type(bad))
}

/// The scan behind `handle`, which is dead from now on.
pub fn take<T: 'static>(env: Env, handle: Value, bad: &'static CStr) -> JsResult<T> {
    let h = env.external_value::<Handle<T>>(handle).ok_or(JsFail::Type(bad))?;
    let taken = h.0.try_borrow_mut().map_err(|_| JsFail::Type(bad))?.take();
    taken.ok_or(JsFail::Type(bad))
}
