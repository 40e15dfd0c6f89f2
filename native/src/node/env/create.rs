//! Making JS values: objects and arrays, strings, numbers and booleans, null, Errors with a code, Buffers
//! and Float64Arrays copied from Rust memory.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;

use super::{check, Env, JsResult, Value};
use crate::node::napi::*;

impl Env {
    pub fn object(self) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: `v` is a valid out-pointer; the env is the current callback's.
        check(unsafe { napi_create_object(self.0, &mut v) })?;
        Ok(v)
    }

    pub fn array(self, len: usize) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_create_array_with_length(self.0, len, &mut v) })?;
        Ok(v)
    }

    pub fn string(self, s: &str) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: pointer and length describe `s`, valid UTF-8 that Node copies.
        check(unsafe { napi_create_string_utf8(self.0, s.as_ptr().cast::<c_char>(), s.len(), &mut v) })?;
        Ok(v)
    }

    pub fn u32(self, n: u32) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_create_uint32(self.0, n, &mut v) })?;
        Ok(v)
    }

    pub fn f64(self, n: f64) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_create_double(self.0, n, &mut v) })?;
        Ok(v)
    }

    pub fn null(self) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_get_null(self.0, &mut v) })?;
        Ok(v)
    }

    pub fn boolean(self, b: bool) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_get_boolean(self.0, b, &mut v) })?;
        Ok(v)
    }

    pub fn opt_f64(self, n: Option<f64>) -> JsResult<Value> {
        match n {
            Some(n) => self.f64(n),
            None => self.null(),
        }
    }

    pub fn set(self, obj: Value, name: &CStr, value: Value) -> JsResult<()> {
        // Safety: `obj` and `value` are handles of this callback; `name` is NUL-terminated.
        check(unsafe { napi_set_named_property(self.0, obj, name.as_ptr(), value) })
    }

    pub fn set_str(self, obj: Value, name: &CStr, s: &str) -> JsResult<()> {
        self.set(obj, name, self.string(s)?)
    }

    pub fn set_opt_str(self, obj: Value, name: &CStr, s: Option<&str>) -> JsResult<()> {
        let v = match s {
            Some(s) => self.string(s)?,
            None => self.null()?,
        };
        self.set(obj, name, v)
    }

    /// `array[i] = v`; `i` is below the array's length (the index is a u32 in Node-API).
    pub fn set_element(self, array: Value, i: usize, v: Value) -> JsResult<()> {
        // Safety: `array` and `v` are handles of this callback.
        check(unsafe { napi_set_element(self.0, array, i as u32, v) })
    }

    /// An Error whose `code` is `code` and whose message is `msg`.
    pub fn error(self, code: &CStr, msg: &str) -> JsResult<Value> {
        let code = self.string(code.to_str().unwrap_or("ELFSCAN"))?;
        let msg = self.string(msg)?;
        let mut v = ptr::null_mut();
        // Safety: both values were created in this callback; `v` is a valid out-pointer.
        check(unsafe { napi_create_error(self.0, code, msg, &mut v) })?;
        Ok(v)
    }

    /// A Buffer holding a copy of `bytes`.
    pub fn buffer(self, bytes: &[u8]) -> JsResult<Value> {
        let mut v = ptr::null_mut();
        // Safety: pointer and length describe `bytes`, which Node copies; the data out-pointer is unused.
        check(unsafe { napi_create_buffer_copy(self.0, bytes.len(), bytes.as_ptr().cast(), ptr::null_mut(), &mut v) })?;
        Ok(v)
    }

    /// A Float64Array holding a copy of `values`.
    pub fn float64_array(self, values: &[f64]) -> JsResult<Value> {
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let bytes = std::mem::size_of_val(values);
        // Safety: `data` and `ab` are valid out-pointers; Node allocates `bytes` bytes.
        check(unsafe { napi_create_arraybuffer(self.0, bytes, &mut data, &mut ab) })?;
        if bytes > 0 && !data.is_null() {
            // Safety: Node allocated `bytes` writable bytes at `data`, suitably aligned for any
            // element type; no JS runs while this copy happens.
            unsafe { ptr::copy_nonoverlapping(values.as_ptr(), data.cast::<f64>(), values.len()) };
        }
        let mut v = ptr::null_mut();
        // Safety: `ab` was created above with room for `values.len()` doubles.
        check(unsafe { napi_create_typedarray(self.0, NAPI_FLOAT64_ARRAY, values.len(), ab, 0, &mut v) })?;
        Ok(v)
    }
}
