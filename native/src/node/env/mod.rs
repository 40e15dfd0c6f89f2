//! `Env`, the one safe wrapper through which every Node-API call of the addon goes: its methods
//! wrap single calls (each `unsafe` block with its `// Safety:` line) and take and return plain
//! Rust values and `napi_value` handles, so that the callbacks in node/ hold no `unsafe` at all.
//! An `Env` is made only here, by the trampolines Node calls, so safe code cannot make one up;
//! every callback runs inside `catch_unwind`, because a panic unwinding into Node would abort
//! the process — a caught panic becomes a JS Error instead.
//!
//! The submodules add methods by what they do: create.rs makes JS values, read.rs reads
//! arguments (and borrows typed arrays' bytes), external.rs holds Rust values in externals,
//! work.rs runs work on libuv's thread pool behind a promise.

mod create;
mod external;
mod read;
pub mod work;

use std::ffi::{c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use super::napi::*;

/// A JS value handle, valid while the callback that got or made it runs.
pub type Value = napi_value;

/// The env of one callback (or of one completion on the main thread).
#[derive(Clone, Copy)]
pub struct Env(napi_env);

/// Why a callback returns without a value.
pub enum JsFail {
    /// A Node-API call failed; an exception may already be pending.
    Status(napi_status),
    /// The caller passed the wrong kind of argument: a TypeError with this sentence.
    Type(&'static CStr),
}

pub type JsResult<T> = Result<T, JsFail>;

/// Arguments a callback receives: the first `MAX_ARGS`, the missing ones undefined.
pub const MAX_ARGS: usize = 6;

/// A function of the addon, as JS calls it.
pub type Callback = fn(Env, [Value; MAX_ARGS]) -> JsResult<Value>;

fn check(status: napi_status) -> JsResult<()> {
    if status == NAPI_OK {
        Ok(())
    } else {
        Err(JsFail::Status(status))
    }
}

/// What Node calls for every function of the addon: `data` is the `Callback` that `function`
/// stored, run with the call's arguments and panics caught.
unsafe extern "C" fn trampoline(env: napi_env, info: napi_callback_info) -> napi_value {
    let e = Env(env);
    guarded(e, || {
        let mut argc = MAX_ARGS;
        let mut argv = [ptr::null_mut(); MAX_ARGS];
        let mut data: *mut c_void = ptr::null_mut();
        // Safety: `argv` has room for `argc` values (Node fills missing ones with undefined);
        // `data` is a valid out-pointer; `info` is this call's.
        check(unsafe { napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), &mut data) })?;
        // Safety: every function made by `Env::function` carries a leaked, never freed
        // `Callback` as its data.
        let f = unsafe { *data.cast::<Callback>().cast_const() };
        f(e, argv)
    })
}

/// Runs a callback body with panics caught: the only way out of the addon is a value or a JS
/// exception.
fn guarded(env: Env, body: impl FnOnce() -> JsResult<Value>) -> napi_value {
    match catch_unwind(AssertUnwindSafe(body)) {
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

impl Env {
    /// The env Node hands to `napi_register_module_v1`; `body` fills the exports object.
    ///
    /// # Safety
    /// `env` must be the env of the module being registered, and the call on its main thread.
    pub unsafe fn registering(env: napi_env, body: impl FnOnce(Env) -> JsResult<Value>) -> napi_value {
        let e = Env(env);
        guarded(e, || body(e))
    }

    /// A JS function named `name` that runs `f`.
    pub fn function(self, name: &CStr, f: Callback) -> JsResult<Value> {
        // Lives as long as the function may be called: for the life of the process.
        let data: *mut Callback = Box::leak(Box::new(f));
        let mut v = ptr::null_mut();
        // Safety: `name` is NUL-terminated; `trampoline` is an extern "C" fn that lives forever;
        // `data` is never freed.
        check(unsafe {
            napi_create_function(self.0, name.as_ptr(), NAPI_AUTO_LENGTH, Some(trampoline), data.cast(), &mut v)
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

    /// Throws `error` (an Error value made in this callback); the callback then returns.
    pub fn throw_value(self, error: Value) -> JsFail {
        // Safety: `error` was created in this callback.
        unsafe { napi_throw(self.0, error) };
        JsFail::Status(NAPI_PENDING_EXCEPTION)
    }
}
