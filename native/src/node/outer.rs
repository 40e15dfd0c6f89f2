//! A streamed outer archive behind an external handle: `outerScanStart()`, `outerScanPush(handle,
//! chunk)` — what passed: the layer blobs' bytes for their digests, the layers done — and
//! `outerScanEnd(handle)`: the archive's entries, documents, layers and its walk as a root
//! filesystem (layer/outer_push.rs).
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::codecs::decoders;
use super::env::{Env, JsResult, Value, MAX_ARGS};
use super::fail::code_and_message;
use super::handle;
use super::records::{outer_to_js, records_to_js};
use super::scan::throw_walk;
use crate::layer::fail::WalkFail;
use crate::layer::outer_push::{Outer, OuterPush, Piece, Report};
use crate::layer::record::Record;

const BAD_HANDLE: &CStr = c"elfscan native: outerScanPush/End(handle, …): not a live outer scan handle";

/// `outerScanStart(): handle`.
pub fn start(env: Env, _args: [Value; MAX_ARGS]) -> JsResult<Value> {
    handle::make(env, OuterPush::new(decoders))
}

/// `outerScanPush(handle, chunk): null | { started: [entry, path][], pieces: ([entry, from, to] |
/// [entry, Buffer])[], done: number[], ended: boolean }` — throws an Error with its code when the archive is bad.
pub fn push(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [h, chunk, ..] = args;
    match handle::push(env, h, chunk, BAD_HANDLE, |s: &mut OuterPush, bytes| s.push(bytes))? {
        Ok(report) if report.is_empty() => env.null(),
        Ok(report) => report_to_js(env, report),
        Err(e) => Err(throw_walk(env, e)),
    }
}

/// `[entry, …values]`: an entry of the archive and what goes with it.
fn tuple(env: Env, entry: usize, values: &[Value]) -> JsResult<Value> {
    let a = env.array(values.len() + 1)?;
    env.set_element(a, 0, env.f64(entry as f64)?)?;
    for (i, &v) in values.iter().enumerate() {
        env.set_element(a, i + 1, v)?;
    }
    Ok(a)
}

/// `items` made into one JS array.
fn array<T>(env: Env, items: &[T], each: impl Fn(&T) -> JsResult<Value>) -> JsResult<Value> {
    let a = env.array(items.len())?;
    for (i, item) in items.iter().enumerate() {
        env.set_element(a, i, each(item)?)?;
    }
    Ok(a)
}

fn report_to_js(env: Env, r: Report) -> JsResult<Value> {
    let started = array(env, &r.started, |(entry, path)| tuple(env, *entry, &[env.string(path)?]))?;
    let pieces = array(env, &r.pieces, |p| match p {
        Piece::Range { entry, from, to } => tuple(env, *entry, &[env.f64(*from as f64)?, env.f64(*to as f64)?]),
        Piece::Bytes { entry, bytes } => tuple(env, *entry, &[env.buffer(bytes)?]),
    })?;
    let done = array(env, &r.done, |entry| env.f64(*entry as f64))?;
    let o = env.object()?;
    env.set(o, c"started", started)?;
    env.set(o, c"pieces", pieces)?;
    env.set(o, c"done", done)?;
    env.set(o, c"ended", env.boolean(r.ended)?)?;
    Ok(o)
}

/// Records, or the failure as an Error value (not thrown: it matters only if a manifest names it).
fn walked(env: Env, r: &Result<Vec<Record>, WalkFail>) -> JsResult<Value> {
    match r {
        Ok(records) => records_to_js(env, records),
        Err(e) => {
            let (code, msg) = code_and_message(e.clone());
            env.error(code, &msg)
        }
    }
}

/// `outerScanEnd(handle): { entries: OuterRecords, documents: [entry, Buffer][], layers: [entry,
/// LayerRecords | Error][], rootfs: LayerRecords | Error }` — throws when the archive is
/// truncated or its compressed data is.
pub fn end(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [h, ..] = args;
    let outer: Outer = handle::take::<OuterPush>(env, h, BAD_HANDLE)?.finish().map_err(|e| throw_walk(env, e))?;
    let documents = array(env, &outer.documents, |(entry, bytes)| tuple(env, *entry, &[env.buffer(bytes)?]))?;
    let layers = array(env, &outer.layers, |(entry, r)| tuple(env, *entry, &[walked(env, r)?]))?;
    let o = env.object()?;
    env.set(o, c"entries", outer_to_js(env, &outer.entries)?)?;
    env.set(o, c"documents", documents)?;
    env.set(o, c"layers", layers)?;
    env.set(o, c"rootfs", walked(env, &outer.rootfs)?)?;
    Ok(o)
}
