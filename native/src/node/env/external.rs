//! Rust values held by JS: an external owns one value of any type until it is garbage-collected,
//! and hands back a shared reference-counted pointer to it only when asked for that very type —
//! so a handle of one kind passed where another is expected is refused, never misread.

use std::any::Any;
use std::ffi::c_void;
use std::ptr;
use std::rc::Rc;

use super::{check, Env, JsResult, Value};
use crate::node::napi::*;

/// What an external's data points to.
type Held = Rc<dyn Any>;

/// Drops what an external holds when it is garbage-collected.
unsafe extern "C" fn finalize(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    if !data.is_null() {
        // Safety: `data` is the Box made in `external`, handed to Node once and freed only here.
        drop(unsafe { Box::from_raw(data.cast::<Held>()) });
    }
}

impl Env {
    /// A new external owning `value`.
    pub fn external<T: Any>(self, value: T) -> JsResult<Value> {
        let held: Held = Rc::new(value);
        let data = Box::into_raw(Box::new(held));
        let mut v = ptr::null_mut();
        // Safety: `data` is a valid heap pointer whose ownership passes to Node's finalizer.
        let status = unsafe { napi_create_external(self.0, data.cast(), Some(finalize), ptr::null_mut(), &mut v) };
        if status != NAPI_OK {
            // Safety: Node did not take the pointer; free it here.
            drop(unsafe { Box::from_raw(data) });
        }
        check(status)?;
        Ok(v)
    }

    /// The value an external made by `external::<T>` holds; None for any other value.
    pub fn external_value<T: Any>(self, value: Value) -> Option<Rc<T>> {
        let mut data: *mut c_void = ptr::null_mut();
        // Safety: `value` is a handle of this callback; a non-external fails with a status.
        if unsafe { napi_get_value_external(self.0, value, &mut data) } != NAPI_OK || data.is_null() {
            return None;
        }
        // Safety: every external this addon makes holds a Box<Held> (`external`), alive until
        // Node finalizes it, which cannot happen while the handle is an argument of the current
        // call; the Rc is cloned here, so the value lives as long as its user needs it. The addon
        // runs on Node's main thread only, where Rc is used.
        let held = unsafe { &*data.cast::<Held>().cast_const() };
        Rc::clone(held).downcast::<T>().ok()
    }
}
