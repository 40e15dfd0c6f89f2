//! JS ⇄ Rust: a callback's arguments in, a `Classification` out as the plain objects of
//! src/model.ts. Every callback runs inside `catch_unwind`, because a panic unwinding into Node
//! would abort the whole process; a caught panic becomes a JS Error instead.
#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::classify::{classify, Classification, Facts};
use crate::napi::*;

/// Bumped when the shape of the returned objects changes; src/native.ts refuses a stale build.
pub const INTERFACE_VERSION: u32 = 1;

/// Why a callback returns without a value.
enum JsFail {
    /// A Node-API call failed; an exception may already be pending.
    Status(napi_status),
    /// The caller passed the wrong kind of argument.
    Type(&'static CStr),
}

type JsResult<T> = Result<T, JsFail>;

fn check(status: napi_status) -> JsResult<()> {
    if status == NAPI_OK {
        Ok(())
    } else {
        Err(JsFail::Status(status))
    }
}

/// The env of one callback. Its methods wrap single Node-API calls whose pointer arguments are
/// all locals or values Node handed to this callback.
#[derive(Clone, Copy)]
struct Env(napi_env);

impl Env {
    fn object(self) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: `v` is a valid out-pointer; the env is the current callback's.
        check(unsafe { napi_create_object(self.0, &mut v) })?;
        Ok(v)
    }

    fn array(self, len: usize) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_create_array_with_length(self.0, len, &mut v) })?;
        Ok(v)
    }

    fn string(self, s: &str) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: pointer and length describe `s`, valid UTF-8 that Node copies.
        check(unsafe { napi_create_string_utf8(self.0, s.as_ptr().cast::<c_char>(), s.len(), &mut v) })?;
        Ok(v)
    }

    fn u32(self, n: u32) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_create_uint32(self.0, n, &mut v) })?;
        Ok(v)
    }

    fn f64(self, n: f64) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_create_double(self.0, n, &mut v) })?;
        Ok(v)
    }

    fn null(self) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: as in `object`.
        check(unsafe { napi_get_null(self.0, &mut v) })?;
        Ok(v)
    }

    fn set(self, obj: napi_value, name: &CStr, value: napi_value) -> JsResult<()> {
        // Safety: `obj` and `value` were created in this callback; `name` is NUL-terminated.
        check(unsafe { napi_set_named_property(self.0, obj, name.as_ptr(), value) })
    }

    fn set_str(self, obj: napi_value, name: &CStr, s: &str) -> JsResult<()> {
        self.set(obj, name, self.string(s)?)
    }

    fn set_opt_str(self, obj: napi_value, name: &CStr, s: Option<&str>) -> JsResult<()> {
        let v = match s {
            Some(s) => self.string(s)?,
            None => self.null()?,
        };
        self.set(obj, name, v)
    }

    fn function(
        self,
        name: &CStr,
        cb: unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value,
    ) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: `name` is NUL-terminated; `cb` is an extern "C" fn that lives forever.
        check(unsafe {
            napi_create_function(self.0, name.as_ptr(), NAPI_AUTO_LENGTH, Some(cb), ptr::null_mut(), &mut v)
        })?;
        Ok(v)
    }

    /// Throws what `fail` describes, unless an exception is already pending.
    fn throw(self, fail: JsFail) {
        let msg: CString = match fail {
            JsFail::Type(m) => {
                // Safety: both strings are NUL-terminated.
                unsafe { napi_throw_type_error(self.0, ptr::null(), m.as_ptr()) };
                return;
            }
            JsFail::Status(status) => {
                let mut pending = false;
                // Safety: `pending` is a valid out-pointer.
                let st = unsafe { napi_is_exception_pending(self.0, &mut pending) };
                if status == NAPI_PENDING_EXCEPTION || (st == NAPI_OK && pending) {
                    return;
                }
                CString::new(format!("elfscan native: a Node-API call failed (status {status})")).unwrap_or_default()
            }
        };
        // Safety: `msg` is NUL-terminated and outlives the call.
        unsafe { napi_throw_error(self.0, ptr::null(), msg.as_ptr()) };
    }
}

/// Runs a callback body with panics caught: the only way out of the addon is a value or a JS
/// exception.
fn guarded(env: napi_env, body: impl FnOnce(Env) -> JsResult<napi_value>) -> napi_value {
    let env = Env(env);
    match catch_unwind(AssertUnwindSafe(|| body(env))) {
        Ok(Ok(v)) => v,
        Ok(Err(fail)) => {
            env.throw(fail);
            ptr::null_mut()
        }
        Err(_) => {
            let msg =
                c"elfscan native: internal error (the classifier panicked); please report the file that caused it";
            // Safety: `msg` is a NUL-terminated literal.
            unsafe { napi_throw_error(env.0, ptr::null(), msg.as_ptr()) };
            ptr::null_mut()
        }
    }
}

fn args<const N: usize>(env: Env, info: napi_callback_info) -> JsResult<[napi_value; N]> {
    let mut argc = N;
    let mut argv = [ptr::null_mut(); N];
    // Safety: `argv` has room for `argc` values; Node fills missing ones with undefined.
    check(unsafe { napi_get_cb_info(env.0, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) })?;
    Ok(argv)
}

/// Classifies the bytes of a Uint8Array. The bytes are borrowed only inside this function, before
/// any JS value is created, so a GC cannot move or free them while Rust reads them.
fn classify_bytes(env: Env, value: napi_value, file_size: u64) -> JsResult<Classification> {
    const NOT_U8: &CStr = c"elfscan native: classify(head, fileSize): head must be a Uint8Array";
    let mut is_ta = false;
    // Safety: `value` is an argument of this callback; `is_ta` a valid out-pointer.
    check(unsafe { napi_is_typedarray(env.0, value, &mut is_ta) })?;
    if !is_ta {
        return Err(JsFail::Type(NOT_U8));
    }
    let mut kind = 0;
    let mut len = 0usize;
    let mut data = ptr::null_mut();
    // Safety: `value` is a typed array (checked above); null pointers mark outputs we skip.
    check(unsafe {
        napi_get_typedarray_info(env.0, value, &mut kind, &mut len, &mut data, ptr::null_mut(), ptr::null_mut())
    })?;
    if kind != NAPI_UINT8_ARRAY {
        return Err(JsFail::Type(NOT_U8));
    }
    let head: &[u8] = if data.is_null() || len == 0 {
        &[]
    } else {
        // Safety: Node guarantees `len` bytes at `data` (already adjusted by the view's offset),
        // alive for this callback; no JS runs and no JS value is created while `head` lives.
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }
    };
    Ok(classify(head, file_size))
}

fn file_size(env: Env, value: napi_value) -> JsResult<u64> {
    const BAD: &CStr = c"elfscan native: classify(head, fileSize): fileSize must be a non-negative number";
    let mut n = 0f64;
    // Safety: `value` is an argument of this callback; `n` a valid out-pointer.
    match unsafe { napi_get_value_double(env.0, value, &mut n) } {
        NAPI_OK if n.is_finite() && n >= 0.0 => Ok(n as u64),
        NAPI_OK | NAPI_NUMBER_EXPECTED => Err(JsFail::Type(BAD)),
        status => Err(JsFail::Status(status)),
    }
}

fn facts_to_js(env: Env, f: &Facts) -> JsResult<napi_value> {
    let o = env.object()?;
    env.set_str(o, c"format", f.format.as_str())?;
    env.set(o, c"machine", env.u32(f.machine)?)?;
    env.set_str(o, c"cpu", &f.cpu)?;
    env.set(o, c"bits", env.u32(u32::from(f.bits))?)?;
    env.set_str(o, c"endian", f.endian.as_str())?;
    env.set_str(o, c"kind", f.kind.as_str())?;
    env.set(o, c"osabi", env.u32(u32::from(f.osabi))?)?;
    env.set(o, c"flags", env.u32(f.flags)?)?;
    let eabi = match f.eabi {
        Some(v) => env.u32(u32::from(v))?,
        None => env.null()?,
    };
    env.set(o, c"eabi", eabi)?;
    env.set_opt_str(o, c"floatAbi", f.float_abi.map(|fa| fa.as_str()))?;
    env.set_opt_str(o, c"interpreter", f.interpreter.as_deref())?;
    env.set_str(o, c"platform", &f.platform)?;
    let slices = env.array(f.slices.len())?;
    for (i, s) in f.slices.iter().enumerate() {
        let v = facts_to_js(env, s)?;
        // Safety: `slices` was created above; `i` < its length (at most 19 slices).
        check(unsafe { napi_set_element(env.0, slices, i as u32, v) })?;
    }
    env.set(o, c"slices", slices)?;
    Ok(o)
}

fn classification_to_js(env: Env, c: &Classification) -> JsResult<napi_value> {
    let o = env.object()?;
    match c {
        Classification::Binary(facts) => {
            env.set_str(o, c"status", "binary")?;
            env.set(o, c"facts", facts_to_js(env, facts)?)?;
        }
        Classification::Unreadable { format, reason } => {
            env.set_str(o, c"status", "unreadable")?;
            env.set_str(o, c"format", format.as_str())?;
            env.set_str(o, c"reason", &reason.to_string())?;
        }
        Classification::NeedMore(n) => {
            env.set_str(o, c"status", "need-more")?;
            // Exact for every size below 2^53, i.e. every real file.
            env.set(o, c"bytes", env.f64(*n as f64)?)?;
        }
        Classification::NotBinary => env.set_str(o, c"status", "not-binary")?,
    }
    Ok(o)
}

/// `classify(head: Uint8Array, fileSize: number): Classification`
unsafe extern "C" fn classify_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [head, size] = args::<2>(env, info)?;
        let size = file_size(env, size)?;
        let c = classify_bytes(env, head, size)?;
        classification_to_js(env, &c)
    })
}

/// Called by Node when the addon is loaded (the `napi_register_module_v1` symbol).
pub fn register(env: napi_env, exports: napi_value) -> napi_value {
    guarded(env, |env| {
        env.set(exports, c"classify", env.function(c"classify", classify_cb)?)?;
        env.set(exports, c"interfaceVersion", env.u32(INTERFACE_VERSION)?)?;
        Ok(exports)
    })
}
