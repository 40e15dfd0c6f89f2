//! `normalizePath(name)`: a name normalized as the walker keys its records (layer/path.rs), so
//! that the paths manifests name are read by the same rule as the archive's own entries.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::env::{Env, JsResult, Value, MAX_ARGS};
use crate::layer::path::normalize_path;

const BAD_NAME: &CStr = c"elfscan native: normalizePath(name): name must be a string";

pub fn normalize_path_fn(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [name, ..] = args;
    env.string(&normalize_path(&env.string_value(name, BAD_NAME)?))
}
