//! How the addon's functions read their arguments: non-negative numbers and optional arguments,
//! each refusing a wrong value with the TypeError sentence the caller names.
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
