//! The addon: what Node loads, and the only subtree with `unsafe` code — kept to env/ (`Env`,
//! the one safe wrapper every Node-API call goes through), zlib.rs (Node's own zlib) and
//! pipe.rs (one fcntl), plus the entry point below. napi.rs (the declarations) and the callbacks
//! that turn JS arguments into Rust calls and Rust answers into JS values (inspect.rs, scan.rs,
//! pool.rs, progress.rs, constants.rs, values.rs, records.rs, args.rs, fail.rs) forbid it.

mod args;
mod constants;
mod env;
mod fail;
mod inspect;
mod napi;
mod pipe;
mod pool;
mod progress;
mod records;
mod scan;
mod values;
// Public for the integration tests, which inflate with it as the addon does.
pub mod zlib;

use env::{Callback, Env, JsResult, Value};

/// Bumped when the shape of the returned objects changes; src/native.ts refuses a stale build.
pub const INTERFACE_VERSION: u32 = 6;

/// Every function the addon exports, by its JS name.
const EXPORTS: [(&std::ffi::CStr, Callback); 11] = [
    (c"inspect", inspect::inspect_fn),
    (c"constants", constants::constants),
    (c"keptTextCap", constants::kept_text_cap),
    (c"layerScanStart", scan::start),
    (c"layerScanPush", scan::push),
    (c"layerScanEnd", scan::end),
    (c"layerScanFile", pool::scan_file),
    (c"layerScanCommand", pool::scan_command),
    (c"widenPipe", pipe::widen_pipe_fn),
    (c"progressCounter", progress::new_counter),
    (c"progressCounterValue", progress::counter_value),
];

fn register(env: Env, exports: Value) -> JsResult<Value> {
    for (name, f) in EXPORTS {
        env.set(exports, name, env.function(name, f)?)?;
    }
    env.set(exports, c"interfaceVersion", env.u32(INTERFACE_VERSION)?)?;
    Ok(exports)
}

/// Node looks this symbol up when it loads the addon.
///
/// # Safety
/// Called by Node only, with the env and exports object of the loading context.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi::napi_env, exports: napi::napi_value) -> napi::napi_value {
    // Safety: Node calls this on the main thread of the env the module is loaded into.
    unsafe { Env::registering(env, |env| register(env, exports)) }
}
