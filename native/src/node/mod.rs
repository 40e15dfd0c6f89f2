//! JS ⇄ Rust: a callback's arguments in, a `Classification` out as the plain objects of
//! src/model.ts. Every callback runs inside `catch_unwind`, because a panic unwinding into Node
//! would abort the whole process; a caught panic becomes a JS Error instead.
#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::classify::inspect;
use crate::common::{Classification, Facts, Inspection, Piece};
use crate::node::napi::*;

// The hand-written Node-API declarations.
pub mod napi;
// The layer walker's callbacks (layerScanStart/Push/End, layerScanFile/Command, progressCounter).
mod walk;
// gzip layers inflated by the zlib Node exports (the one node:zlib wraps).
pub mod zlib;

/// Bumped when the shape of the returned objects changes; src/native.ts refuses a stale build.
pub const INTERFACE_VERSION: u32 = 3;

/// Most pieces one call may pass (the pipeline passes a prefix, a tail and a few captures).
const PIECES_MAX: u32 = 256;

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

    fn opt_f64(self, n: Option<f64>) -> JsResult<napi_value> {
        match n {
            Some(n) => self.f64(n),
            None => self.null(),
        }
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

const NOT_U8: &CStr =
    c"elfscan native: inspect(head, fileSize, pieces): head and every piece's bytes must be a Uint8Array";
const BAD_PIECES: &CStr =
    c"elfscan native: inspect(head, fileSize, pieces): pieces must be an array of at most 256 { offset, bytes } objects";

/// The data pointer and length of a Uint8Array. Reading them runs no JS; the pointer stays valid
/// while no JS runs (nothing can detach or move the buffer), which `with_bytes` relies on.
fn u8_array(env: Env, value: napi_value) -> JsResult<(*const u8, usize)> {
    let mut is_ta = false;
    // Safety: `value` was handed to this callback or read from one of its arguments; `is_ta` a valid out-pointer.
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
    Ok((data.cast::<u8>().cast_const(), len))
}

/// The `{ offset, bytes }` objects of the pieces array, as handles. Reading properties may run JS
/// (a getter), so this happens before any bytes are borrowed.
fn piece_values(env: Env, value: napi_value) -> JsResult<Vec<(u64, napi_value)>> {
    let mut ty = 0;
    // Safety: `value` is an argument of this callback; `ty` a valid out-pointer.
    check(unsafe { napi_typeof(env.0, value, &mut ty) })?;
    if ty == NAPI_UNDEFINED {
        return Ok(Vec::new());
    }
    let mut is_array = false;
    // Safety: as above.
    check(unsafe { napi_is_array(env.0, value, &mut is_array) })?;
    if !is_array {
        return Err(JsFail::Type(BAD_PIECES));
    }
    let mut n = 0u32;
    // Safety: `value` is an array (checked above).
    check(unsafe { napi_get_array_length(env.0, value, &mut n) })?;
    if n > PIECES_MAX {
        return Err(JsFail::Type(BAD_PIECES));
    }
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let mut item = ptr::null_mut();
        // Safety: `value` is an array; `item` a valid out-pointer.
        check(unsafe { napi_get_element(env.0, value, i, &mut item) })?;
        let mut offset = ptr::null_mut();
        let mut bytes = ptr::null_mut();
        // Safety: `item` came from the array; names are NUL-terminated literals. A non-object
        // item fails with a status, which becomes an exception.
        check(unsafe { napi_get_named_property(env.0, item, c"offset".as_ptr(), &mut offset) })
            .map_err(|_| JsFail::Type(BAD_PIECES))?;
        // Safety: as above; `bytes` is a valid out-pointer.
        check(unsafe { napi_get_named_property(env.0, item, c"bytes".as_ptr(), &mut bytes) })
            .map_err(|_| JsFail::Type(BAD_PIECES))?;
        out.push((number(env, offset, BAD_PIECES)?, bytes));
    }
    Ok(out)
}

/// Runs the classifier over the head and the pieces. Every byte slice is borrowed here, after all
/// handles were gathered and before any JS value is created, so no JS runs while Rust reads them.
fn with_bytes(env: Env, head: napi_value, pieces: &[(u64, napi_value)], file_size: u64) -> JsResult<Inspection> {
    let (data, len) = u8_array(env, head)?;
    let mut raw = Vec::with_capacity(pieces.len());
    for &(offset, bytes) in pieces {
        raw.push((offset, u8_array(env, bytes)?));
    }
    let slice = |(data, len): (*const u8, usize)| -> &[u8] {
        if data.is_null() || len == 0 {
            &[]
        } else {
            // Safety: Node guarantees `len` bytes at `data` (already adjusted by the view's
            // offset), alive for this callback; no JS runs and no JS value is created while the
            // slice lives (it is dropped before this function returns).
            unsafe { std::slice::from_raw_parts(data, len) }
        }
    };
    let more: Vec<Piece<'_>> = raw.iter().map(|&(offset, ptr_len)| Piece { offset, bytes: slice(ptr_len) }).collect();
    Ok(inspect(slice((data, len)), &more, file_size))
}

fn number(env: Env, value: napi_value, bad: &'static CStr) -> JsResult<u64> {
    let mut n = 0f64;
    // Safety: `value` is a handle of this callback; `n` a valid out-pointer.
    match unsafe { napi_get_value_double(env.0, value, &mut n) } {
        NAPI_OK if n.is_finite() && n >= 0.0 => Ok(n as u64),
        NAPI_OK | NAPI_NUMBER_EXPECTED => Err(JsFail::Type(bad)),
        status => Err(JsFail::Status(status)),
    }
}

fn file_size(env: Env, value: napi_value) -> JsResult<u64> {
    number(env, value, c"elfscan native: inspect(head, fileSize, pieces): fileSize must be a non-negative number")
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
    if let Some(e) = &f.elf {
        let needed = match &e.needed {
            Some(names) => {
                let a = env.array(names.len())?;
                for (i, n) in names.iter().enumerate() {
                    let v = env.string(n)?;
                    // Safety: `a` was created above; `i` < its length (at most 1024 names).
                    check(unsafe { napi_set_element(env.0, a, i as u32, v) })?;
                }
                a
            }
            None => env.null()?,
        };
        env.set(o, c"needed", needed)?;
        env.set_opt_str(o, c"soname", e.soname.as_deref())?;
        env.set_opt_str(o, c"rpath", e.rpath.as_deref())?;
        env.set_opt_str(o, c"runpath", e.runpath.as_deref())?;
        env.set(o, c"loadAlign", env.opt_f64(e.load_align.map(|a| a as f64))?)?;
        env.set(o, c"isaLevel", env.opt_f64(e.isa_level.map(f64::from))?)?;
        env.set(o, c"armArch", env.opt_f64(e.arm_arch.map(f64::from))?)?;
    }
    Ok(o)
}

fn classification_to_js(env: Env, i: &Inspection) -> JsResult<napi_value> {
    let o = env.object()?;
    match &i.classification {
        Classification::Binary(facts) => {
            env.set_str(o, c"status", "binary")?;
            env.set(o, c"facts", facts_to_js(env, facts)?)?;
            let wants = env.array(i.wants.len())?;
            for (n, w) in i.wants.iter().enumerate() {
                let r = env.object()?;
                // Exact for every offset below 2^53, i.e. every real file.
                env.set(r, c"offset", env.f64(w.offset as f64)?)?;
                env.set(r, c"length", env.f64(w.length as f64)?)?;
                // Safety: `wants` was created above; `n` < its length.
                check(unsafe { napi_set_element(env.0, wants, n as u32, r) })?;
            }
            env.set(o, c"wants", wants)?;
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

/// `inspect(head: Uint8Array, fileSize: number, pieces?: { offset: number, bytes: Uint8Array }[]): Classification`
/// — with `wants: { offset, length }[]` on a binary's answer.
unsafe extern "C" fn inspect_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [head, size, pieces] = args::<3>(env, info)?;
        let size = file_size(env, size)?;
        let pieces = piece_values(env, pieces)?;
        let i = with_bytes(env, head, &pieces, size)?;
        classification_to_js(env, &i)
    })
}

/// Called by Node when the addon is loaded (the `napi_register_module_v1` symbol).
pub fn register(env: napi_env, exports: napi_value) -> napi_value {
    guarded(env, |env| {
        env.set(exports, c"inspect", env.function(c"inspect", inspect_cb)?)?;
        env.set(exports, c"interfaceVersion", env.u32(INTERFACE_VERSION)?)?;
        walk::register(env, exports)?;
        Ok(exports)
    })
}
