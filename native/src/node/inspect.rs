//! `inspect(head, fileSize, pieces?)`: the classifier for one file, as src/native.ts calls it.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::args::number;
use super::env::{Env, JsFail, JsResult, Value, MAX_ARGS};
use super::napi::NAPI_UNDEFINED;
use super::values::classification_to_js;
use crate::classify::inspect;
use crate::common::Piece;

/// Most pieces one call may pass (the pipeline passes a prefix, a tail and a few captures).
pub const PIECES_MAX: u32 = 256;

const NOT_U8: &CStr =
    c"elfscan native: inspect(head, fileSize, pieces): head and every piece's bytes must be a Uint8Array";
const BAD_PIECES: &CStr =
    c"elfscan native: inspect(head, fileSize, pieces): pieces must be an array of at most 256 { offset, bytes } objects";
const BAD_SIZE: &CStr = c"elfscan native: inspect(head, fileSize, pieces): fileSize must be a non-negative number";

/// The `{ offset, bytes }` objects of the pieces array. Reading properties may run JS (a
/// getter), so this happens before any bytes are borrowed.
fn piece_values(env: Env, value: Value) -> JsResult<(Vec<u64>, Vec<Value>)> {
    if env.value_type(value)? == NAPI_UNDEFINED {
        return Ok((Vec::new(), Vec::new()));
    }
    if !env.is_array(value)? {
        return Err(JsFail::Type(BAD_PIECES));
    }
    let n = env.array_length(value)?;
    if n > PIECES_MAX {
        return Err(JsFail::Type(BAD_PIECES));
    }
    let (mut offsets, mut bytes) = (Vec::with_capacity(n as usize), Vec::with_capacity(n as usize));
    for i in 0..n {
        let item = env.element(value, i)?;
        // A non-object item fails with a status, which is the caller's mistake.
        let offset = env.property(item, c"offset").map_err(|_| JsFail::Type(BAD_PIECES))?;
        let b = env.property(item, c"bytes").map_err(|_| JsFail::Type(BAD_PIECES))?;
        offsets.push(number(env, offset, BAD_PIECES)?);
        bytes.push(b);
    }
    Ok((offsets, bytes))
}

/// `inspect(head: Uint8Array, fileSize: number, pieces?: { offset: number, bytes: Uint8Array }[]): Classification`
/// — with `wants: { offset, length }[]` on a binary's answer.
pub fn inspect_fn(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [head, size, pieces, ..] = args;
    let size = number(env, size, BAD_SIZE)?;
    let (offsets, pieces) = piece_values(env, pieces)?;
    // Every byte slice is borrowed after all handles were gathered, and released before any JS
    // value is made.
    let i = env.with_bytes(head, &pieces, NOT_U8, |head, more| {
        let more: Vec<Piece<'_>> = offsets.iter().zip(more).map(|(&offset, &bytes)| Piece { offset, bytes }).collect();
        inspect(head, &more, size)
    })?;
    classification_to_js(env, &i)
}
