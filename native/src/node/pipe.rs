//! Larger pipe buffers on Linux (fcntl F_SETPIPE_SZ, within the unprivileged default limit), so
//! that a producer like `cat` or `docker save` and elfscan's stdin trade large chunks instead of
//! a context switch per 64 KiB. The one call into libc of the addon.

use std::ffi::CStr;

use super::args::number;
use super::env::{Env, JsResult, Value, MAX_ARGS};

const BAD_WIDEN: &CStr = c"elfscan native: widenPipe(fd, bytes): two non-negative numbers";

/// Asks for `bytes` of buffer on the pipe at `fd`: the new size, or -1 (not a pipe, refused, or
/// not Linux).
#[cfg(target_os = "linux")]
pub fn set_pipe_size(fd: i32, bytes: i32) -> i32 {
    extern "C" {
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    }
    const F_SETPIPE_SZ: i32 = 1031;
    // Safety: F_SETPIPE_SZ takes an int and touches no memory of ours; a bad descriptor is an
    // error return, not undefined behaviour.
    unsafe { fcntl(fd, F_SETPIPE_SZ, bytes) }
}

#[cfg(not(target_os = "linux"))]
pub fn set_pipe_size(_fd: i32, _bytes: i32) -> i32 {
    -1
}

/// `widenPipe(fd, bytes): number` — asks Linux to give the pipe at `fd` (stdin) `bytes` of
/// buffer; the new size, or -1.
pub fn widen_pipe_fn(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [fd, bytes, ..] = args;
    let fd = number(env, fd, BAD_WIDEN)?;
    let bytes = number(env, bytes, BAD_WIDEN)?;
    env.f64(f64::from(set_pipe_size(fd.min(i32::MAX as u64) as i32, bytes.min(1 << 30) as i32)))
}
