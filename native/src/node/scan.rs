//! A streaming layer scan behind an external handle: `layerScanStart()`, `layerScanPush(handle,
//! chunk)`, `layerScanEnd(handle)` — the layer's first bytes choose plain, gzip or zstd, decoded
//! inside the addon by Node's own zlib and libzstd on the way in.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::codecs::decoders;
use super::env::{Env, JsFail, JsResult, Value, MAX_ARGS};
use super::fail::code_and_message;
use super::handle;
use super::records::records_to_js;
use crate::layer::fail::WalkFail;
use crate::layer::push::LayerPush;

const BAD_HANDLE: &CStr = c"elfscan native: layerScanPush/End(handle, …): not a live layer scan handle";

/// A walk's failure as a thrown JS Error with its code.
pub fn throw_walk(env: Env, e: WalkFail) -> JsFail {
    let (code, msg) = code_and_message(e);
    match env.error(code, &msg) {
        Ok(error) => env.throw_value(error),
        Err(f) => f,
    }
}

/// `layerScanStart(): handle`.
pub fn start(env: Env, _args: [Value; MAX_ARGS]) -> JsResult<Value> {
    handle::make(env, LayerPush::new(decoders))
}

/// `layerScanPush(handle, chunk)`: throws an Error with its code (fail.rs) when the layer is bad.
pub fn push(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [h, chunk, ..] = args;
    match handle::push(env, h, chunk, BAD_HANDLE, |s: &mut LayerPush, bytes| s.push(bytes))? {
        Ok(()) => env.null(),
        Err(e) => Err(throw_walk(env, e)),
    }
}

/// `layerScanEnd(handle): LayerRecords`: throws when the data stopped early.
pub fn end(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [h, ..] = args;
    match handle::take::<LayerPush>(env, h, BAD_HANDLE)?.finish() {
        Ok(records) => records_to_js(env, &records),
        Err(e) => Err(throw_walk(env, e)),
    }
}
