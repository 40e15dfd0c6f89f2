//! `constants()`: the limits, defined once in Rust and handed to src/native.ts, so that the
//! TypeScript side reads them instead of repeating them.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::env::{Env, JsResult, Value, MAX_ARGS};
use super::inspect::PIECES_MAX;
use crate::common::Want;
use crate::formats::elf::complete::{CALLS_MAX, CAPTURE_MAX, PREFIX_MAX, TAIL_MAX};
use crate::layer::archive::DOCUMENT_MAX;
use crate::layer::kept_text::{SHEBANG_MAX, TEXTS_PER_LAYER, TEXT_MAX};
use crate::layer::scan::{HEAD_BYTES, MAX_HEAD_BYTES};
use crate::tar::error::MAX_HEADER_RECORD;

/// Every limit JS may read, by its name in src/native.ts `NativeLimits`.
const LIMITS: [(&CStr, u64); 13] = [
    (c"headBytes", HEAD_BYTES),
    (c"maxHeadBytes", MAX_HEAD_BYTES),
    (c"textMax", TEXT_MAX),
    (c"textsPerLayer", TEXTS_PER_LAYER as u64),
    (c"shebangMax", SHEBANG_MAX as u64),
    (c"prefixMax", PREFIX_MAX),
    (c"tailMax", TAIL_MAX),
    (c"captureMax", CAPTURE_MAX),
    (c"completionCalls", CALLS_MAX as u64),
    (c"wantMax", Want::MAX),
    (c"headerRecordMax", MAX_HEADER_RECORD),
    (c"piecesMax", PIECES_MAX as u64),
    (c"documentMax", DOCUMENT_MAX),
];

/// `constants(): { limits: NativeLimits }`.
pub fn constants(env: Env, _args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let limits = env.object()?;
    for (name, value) in LIMITS {
        env.set(limits, name, env.f64(value as f64)?)?;
    }
    let o = env.object()?;
    env.set(o, c"limits", limits)?;
    Ok(o)
}
