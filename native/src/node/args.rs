//! How the addon's functions read their arguments: non-negative numbers, optional arguments,
//! command lines — each refusing a wrong value with the TypeError sentence the caller names.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use super::env::{Env, JsFail, JsResult, Value};
use super::napi::{NAPI_NULL, NAPI_NUMBER_EXPECTED, NAPI_UNDEFINED};

/// A finite, non-negative number (truncated to an integer); `bad` otherwise.
pub fn number(env: Env, value: Value, bad: &'static CStr) -> JsResult<u64> {
    match env.double(value) {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n as u64),
        Ok(_) | Err(NAPI_NUMBER_EXPECTED) => Err(JsFail::Type(bad)),
        Err(status) => Err(JsFail::Status(status)),
    }
}

/// None for undefined or null (or absent), else `some(value)`.
pub fn optional<T>(env: Env, value: Value, some: impl FnOnce(Value) -> JsResult<T>) -> JsResult<Option<T>> {
    let ty = env.value_type(value)?;
    if ty == NAPI_UNDEFINED || ty == NAPI_NULL {
        Ok(None)
    } else {
        some(value).map(Some)
    }
}

/// A command line: an array of 1 to 64 strings; `bad` otherwise.
pub fn string_list(env: Env, list: Value, bad: &'static CStr) -> JsResult<Vec<String>> {
    let n = env.array_length(list).map_err(|_| JsFail::Type(bad))?;
    if n == 0 || n > 64 {
        return Err(JsFail::Type(bad));
    }
    let mut argv = Vec::with_capacity(n as usize);
    for i in 0..n {
        argv.push(env.string_value(env.element(list, i)?, bad).map_err(|_| JsFail::Type(bad))?);
    }
    Ok(argv)
}
