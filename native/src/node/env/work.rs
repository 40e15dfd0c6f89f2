//! Work on libuv's thread pool behind a promise: `queue` hands a `Work` to a pool thread, which
//! runs `execute` (no Node-API calls there), and back on the main thread `complete` says what the
//! promise settles to.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use super::{check, Env, JsFail, JsResult, Value};
use crate::node::napi::*;

/// A job for the thread pool.
pub trait Work: Send + 'static {
    /// On a pool thread: no Node-API calls, and no panic escapes (one is caught and dropped).
    fn execute(&mut self);
    /// On the main thread: Ok(value) resolves the promise, Err(value) rejects it; a failure
    /// leaves it pending (only when not even an Error could be made).
    fn complete(self: Box<Self>, env: Env) -> JsResult<Result<Value, Value>>;
}

/// What the pool and the completion share: the job and the handles to settle and free.
struct Queued {
    work: Box<dyn Work>,
    deferred: napi_deferred,
    async_work: napi_async_work,
}

/// Runs on a pool thread: no Node-API calls here.
unsafe extern "C" fn execute(_env: napi_env, data: *mut c_void) {
    // Safety: `data` is the Queued made in `queue`; only this callback touches it until `complete`.
    let q = unsafe { &mut *data.cast::<Queued>() };
    let _ = catch_unwind(AssertUnwindSafe(|| q.work.execute()));
}

/// Back on the main thread: settles the promise and frees the job.
unsafe extern "C" fn complete(env: napi_env, _status: napi_status, data: *mut c_void) {
    // Safety: `data` is the Queued made in `queue`; the pool is done with it, so this owns it now.
    let q = unsafe { Box::from_raw(data.cast::<Queued>()) };
    // Safety: `async_work` was created by `queue` and is deleted exactly once, here.
    unsafe { napi_delete_async_work(env, q.async_work) };
    let e = Env(env);
    let deferred = q.deferred;
    let settled = match catch_unwind(AssertUnwindSafe(|| q.work.complete(e))) {
        Ok(Ok(s)) => s,
        _ => return,
    };
    // Safety: `deferred` was created by `queue` and is settled exactly once, here.
    unsafe {
        match settled {
            Ok(v) => napi_resolve_deferred(env, deferred, v),
            Err(v) => napi_reject_deferred(env, deferred, v),
        };
    }
}

impl Env {
    /// Queues `work` on the thread pool (`name` names it for async hooks); returns its promise.
    pub fn queue(self, name: &str, work: Box<dyn Work>) -> JsResult<Value> {
        let mut promise = ptr::null_mut();
        let mut deferred = ptr::null_mut();
        // Safety: both are valid out-pointers.
        check(unsafe { napi_create_promise(self.0, &mut deferred, &mut promise) })?;
        let name = self.string(name)?;
        let q = Box::into_raw(Box::new(Queued { work, deferred, async_work: ptr::null_mut() }));
        let mut async_work = ptr::null_mut();
        // Safety: the callbacks are extern "C" fns that live forever; `q` stays valid until
        // `complete` frees it.
        let status = unsafe {
            napi_create_async_work(
                self.0,
                ptr::null_mut(),
                name,
                Some(execute),
                Some(complete),
                q.cast(),
                &mut async_work,
            )
        };
        if status != NAPI_OK {
            // Safety: Node did not take the job.
            drop(unsafe { Box::from_raw(q) });
            return Err(JsFail::Status(status));
        }
        // Safety: `q` is valid and not yet shared with the pool.
        unsafe { (*q).async_work = async_work };
        // Safety: `async_work` was just created.
        let status = unsafe { napi_queue_async_work(self.0, async_work) };
        if status != NAPI_OK {
            // Safety: the work never ran: delete it and free the job here.
            unsafe {
                napi_delete_async_work(self.0, async_work);
                drop(Box::from_raw(q));
            }
            return Err(JsFail::Status(status));
        }
        Ok(promise)
    }
}
