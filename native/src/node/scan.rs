//! A streaming layer scan behind an external handle: `layerScanStart(kind?, argv?)`,
//! `layerScanPush(handle, chunk)`, `layerScanEnd(handle)` — a plain tar, a gzip layer inflated by
//! Node's zlib on the way in, or compressed bytes through a decompressing command (zstd).
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::ffi::CStr;
use std::rc::Rc;

use super::args::{number, string_list};
use super::env::{Env, JsFail, JsResult, Value, MAX_ARGS};
use super::fail::code_and_message;
use super::pipe::set_pipe_size;
use super::records::records_to_js;
use super::zlib::Gunzip;
use crate::layer::command::CommandPushScan;
use crate::layer::fail::WalkFail;
use crate::layer::push::{GzPushScan, PushScan};

const BAD_HANDLE: &CStr = c"elfscan native: layerScanPush/End(handle, …): not a live layer scan handle";
const BAD_CHUNK: &CStr = c"elfscan native: layerScanPush(handle, chunk): chunk must be a Uint8Array";
pub const BAD_COMMAND: &CStr = c"elfscan native: a command line must be an array of 1 to 64 strings";

/// A streaming scan: a plain layer, or a gzip layer inflated on the way in.
enum Pushing {
    Plain(PushScan),
    Gzip(GzPushScan<Gunzip>),
    /// Compressed bytes through a decompressing command (zstd on stdin).
    Command(CommandPushScan),
}

/// What a scan handle holds; `None` once ended.
struct Scan(RefCell<Option<Pushing>>);

/// A push failure as a thrown JS Error with its code.
pub fn throw_walk(env: Env, e: WalkFail) -> JsFail {
    let (code, msg) = code_and_message(e);
    match env.error(code, &msg) {
        Ok(error) => env.throw_value(error),
        Err(f) => f,
    }
}

/// `layerScanStart(kind?: 0 | 1 | 2, argv?: string[]): handle` — 1: the pushed bytes are a gzip
/// layer; 2: they go through the decompressing command `argv` (zstd).
pub fn start(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [kind, command, ..] = args;
    let scan = match number(env, kind, BAD_HANDLE).unwrap_or(0) {
        1 => Pushing::Gzip(GzPushScan::new(Gunzip::new().map_err(|e| throw_walk(env, WalkFail::Gzip(e)))?)),
        2 => {
            let argv = string_list(env, command, BAD_COMMAND)?;
            let started = CommandPushScan::start(&argv, &|fd| {
                set_pipe_size(fd, 1 << 20);
            });
            Pushing::Command(started.map_err(|e| throw_walk(env, e))?)
        }
        _ => Pushing::Plain(PushScan::default()),
    };
    env.external(Scan(RefCell::new(Some(scan))))
}

fn scan_of(env: Env, handle: Value) -> JsResult<Rc<Scan>> {
    env.external_value::<Scan>(handle).ok_or(JsFail::Type(BAD_HANDLE))
}

/// `layerScanPush(handle, chunk)`: throws an Error with code ELFSCAN_TAR when the tar is malformed.
pub fn push(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [handle, chunk, ..] = args;
    let scan = scan_of(env, handle)?;
    let mut state = scan.0.try_borrow_mut().map_err(|_| JsFail::Type(BAD_HANDLE))?;
    let state = &mut *state;
    let pushed = env
        .with_bytes(chunk, &[], BAD_CHUNK, |bytes, _| {
            Some(match state.as_mut()? {
                Pushing::Plain(p) => p.push(bytes).map_err(WalkFail::Tar),
                Pushing::Gzip(g) => g.push(bytes),
                Pushing::Command(c) => {
                    c.push(bytes);
                    Ok(())
                }
            })
        })
        .map_err(|_| JsFail::Type(BAD_CHUNK))?;
    // The chunk is checked before the handle's state, as a caller reads the arguments.
    let Some(r) = pushed else { return Err(JsFail::Type(BAD_HANDLE)) };
    match r {
        Ok(()) => env.null(),
        Err(e) => Err(throw_walk(env, e)),
    }
}

/// `layerScanEnd(handle): LayerRecords`: throws (code ELFSCAN_TAR) when the data stopped early.
pub fn end(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [handle, ..] = args;
    let scan = scan_of(env, handle)?;
    let taken = scan.0.try_borrow_mut().map_err(|_| JsFail::Type(BAD_HANDLE))?.take();
    let Some(s) = taken else { return Err(JsFail::Type(BAD_HANDLE)) };
    let r = match s {
        Pushing::Plain(p) => p.finish().map_err(WalkFail::Tar),
        Pushing::Gzip(g) => g.finish(),
        Pushing::Command(c) => c.finish(),
    };
    match r {
        Ok(records) => records_to_js(env, &records),
        Err(e) => Err(throw_walk(env, e)),
    }
}
