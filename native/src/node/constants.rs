//! `constants()`: the limits and the magic table, defined once in Rust and handed to
//! src/native.ts, so that the TypeScript side reads them instead of repeating them; and
//! `keptTextCap(path)`, the kept-text policy (layer/kept_text.rs) for the TypeScript collectors.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::env::{Env, JsResult, Value, MAX_ARGS};
use super::inspect::PIECES_MAX;
use crate::common::Want;
use crate::formats::elf::complete::{CALLS_MAX, CAPTURE_MAX, PREFIX_MAX, TAIL_MAX};
use crate::formats::sniff::MAGICS;
use crate::layer::kept_text::{text_cap, SHEBANG_MAX, TEXTS_PER_LAYER, TEXT_BYTES_PER_LAYER, TEXT_MAX};
use crate::layer::scan::{HEAD_BYTES, MAX_HEAD_BYTES};
use crate::tar::error::MAX_HEADER_RECORD;

/// Every limit JS may read, by its name in src/native.ts `NativeLimits`.
const LIMITS: [(&CStr, u64); 13] = [
    (c"headBytes", HEAD_BYTES),
    (c"maxHeadBytes", MAX_HEAD_BYTES),
    (c"textMax", TEXT_MAX),
    (c"textsPerLayer", TEXTS_PER_LAYER as u64),
    (c"textBytesPerLayer", TEXT_BYTES_PER_LAYER),
    (c"shebangMax", SHEBANG_MAX as u64),
    (c"prefixMax", PREFIX_MAX),
    (c"tailMax", TAIL_MAX),
    (c"captureMax", CAPTURE_MAX),
    (c"completionCalls", CALLS_MAX as u64),
    (c"wantMax", Want::MAX),
    (c"headerRecordMax", MAX_HEADER_RECORD),
    (c"piecesMax", PIECES_MAX as u64),
];

/// `constants(): { limits: NativeLimits, magics: number[][] }` — `magics` are the byte strings a
/// binary candidate starts with (formats/sniff.rs MAGICS).
pub fn constants(env: Env, _args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let limits = env.object()?;
    for (name, value) in LIMITS {
        env.set(limits, name, env.f64(value as f64)?)?;
    }
    let magics = env.array(MAGICS.len())?;
    for (i, m) in MAGICS.iter().enumerate() {
        let bytes = env.array(m.bytes.len())?;
        for (j, &b) in m.bytes.iter().enumerate() {
            env.set_element(bytes, j, env.u32(u32::from(b))?)?;
        }
        env.set_element(magics, i, bytes)?;
    }
    let o = env.object()?;
    env.set(o, c"limits", limits)?;
    env.set(o, c"magics", magics)?;
    Ok(o)
}

const BAD_PATH: &CStr = c"elfscan native: keptTextCap(path): path must be a string";

/// `keptTextCap(path): number` — the most bytes of the file at `path` (normalized, absolute)
/// whose whole text a layer keeps, or 0 when its text is not kept.
pub fn kept_text_cap(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let path = env.string_value(args[0], BAD_PATH)?;
    env.f64(text_cap(&path).unwrap_or(0) as f64)
}
