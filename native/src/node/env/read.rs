//! Reading what JS passed in: value types, array items, properties, numbers, strings, and the
//! bytes of Uint8Arrays — lent to a closure that cannot run JS while it holds them.

use std::ffi::CStr;
use std::ptr;

use super::{check, Env, JsFail, JsResult, Value};
use crate::node::napi::*;

impl Env {
    /// `napi_valuetype` of `v` (NAPI_UNDEFINED, NAPI_NULL, …).
    pub fn value_type(self, v: Value) -> JsResult<i32> {
        let mut ty = 0;
        // Safety: `v` is a handle of this callback; `ty` a valid out-pointer.
        check(unsafe { napi_typeof(self.0, v, &mut ty) })?;
        Ok(ty)
    }

    pub fn is_array(self, v: Value) -> JsResult<bool> {
        let mut is = false;
        // Safety: as in `value_type`.
        check(unsafe { napi_is_array(self.0, v, &mut is) })?;
        Ok(is)
    }

    /// The length of an array; a failed status for anything else.
    pub fn array_length(self, v: Value) -> JsResult<u32> {
        let mut n = 0u32;
        // Safety: as in `value_type`; a non-array fails with a status.
        check(unsafe { napi_get_array_length(self.0, v, &mut n) })?;
        Ok(n)
    }

    pub fn element(self, array: Value, i: u32) -> JsResult<Value> {
        let mut item = ptr::null_mut();
        // Safety: `array` is a handle of this callback; `item` a valid out-pointer.
        check(unsafe { napi_get_element(self.0, array, i, &mut item) })?;
        Ok(item)
    }

    /// `obj[name]` (may run a getter); a failed status when `obj` is not an object.
    pub fn property(self, obj: Value, name: &CStr) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: `obj` is a handle of this callback; `name` is NUL-terminated.
        check(unsafe { napi_get_named_property(self.0, obj, name.as_ptr(), &mut v) })?;
        Ok(v)
    }

    /// A number's value, or the status Node gave (NAPI_NUMBER_EXPECTED for a non-number).
    pub fn double(self, v: Value) -> Result<f64, napi_status> {
        let mut n = 0f64;
        // Safety: `v` is a handle of this callback; `n` a valid out-pointer.
        match unsafe { napi_get_value_double(self.0, v, &mut n) } {
            NAPI_OK => Ok(n),
            status => Err(status),
        }
    }

    /// A string's UTF-8 value; `bad` (a TypeError) for a non-string or invalid UTF-8.
    pub fn string_value(self, v: Value, bad: &'static CStr) -> JsResult<String> {
        let mut len = 0usize;
        // Safety: a null buffer asks only for the length; `len` is a valid out-pointer.
        check(unsafe { napi_get_value_string_utf8(self.0, v, ptr::null_mut(), 0, &mut len) })
            .map_err(|_| JsFail::Type(bad))?;
        let mut buf = vec![0u8; len + 1];
        let mut got = 0usize;
        // Safety: `buf` has room for `len` bytes plus the NUL Node writes.
        check(unsafe { napi_get_value_string_utf8(self.0, v, buf.as_mut_ptr().cast(), buf.len(), &mut got) })?;
        buf.truncate(got);
        String::from_utf8(buf).map_err(|_| JsFail::Type(bad))
    }

    /// The data pointer and length of a Uint8Array; `bad` for anything else. Reading them runs
    /// no JS.
    fn u8_array(self, value: Value, bad: &'static CStr) -> JsResult<(*const u8, usize)> {
        let mut is_ta = false;
        // Safety: `value` is a handle of this callback; `is_ta` a valid out-pointer.
        check(unsafe { napi_is_typedarray(self.0, value, &mut is_ta) })?;
        if !is_ta {
            return Err(JsFail::Type(bad));
        }
        let mut kind = 0;
        let mut len = 0usize;
        let mut data = ptr::null_mut();
        // Safety: `value` is a typed array (checked above); null pointers mark outputs we skip.
        check(unsafe {
            napi_get_typedarray_info(self.0, value, &mut kind, &mut len, &mut data, ptr::null_mut(), ptr::null_mut())
        })?;
        if kind != NAPI_UINT8_ARRAY {
            return Err(JsFail::Type(bad));
        }
        Ok((data.cast::<u8>().cast_const(), len))
    }

    /// Runs `f` over the bytes of the Uint8Arrays `first` and `rest` (`bad` when one is not a
    /// Uint8Array), without copying them. `f` is `Send`, so it can hold neither this env nor a
    /// JS value: nothing can run JS — which could detach or shrink a buffer — while the bytes
    /// are lent, and they are lent no longer than `f` runs.
    pub fn with_bytes<R>(
        self,
        first: Value,
        rest: &[Value],
        bad: &'static CStr,
        f: impl FnOnce(&[u8], &[&[u8]]) -> R + Send,
    ) -> JsResult<R> {
        let head = self.u8_array(first, bad)?;
        let mut raw = Vec::with_capacity(rest.len());
        for &v in rest {
            raw.push(self.u8_array(v, bad)?);
        }
        let slice = |(data, len): (*const u8, usize)| -> &[u8] {
            if data.is_null() || len == 0 {
                &[]
            } else {
                // Safety: Node guarantees `len` bytes at `data` (already adjusted by the view's
                // offset), alive for this callback; no JS runs while `f` holds the slice (see
                // above), and the slice does not outlive this call.
                unsafe { std::slice::from_raw_parts(data, len) }
            }
        };
        let more: Vec<&[u8]> = raw.into_iter().map(slice).collect();
        Ok(f(slice(head), &more))
    }
}
