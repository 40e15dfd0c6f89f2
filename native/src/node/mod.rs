//! The addon: what Node loads, and the only subtree with `unsafe` code — kept to env/ (`Env`,
//! the one safe wrapper every Node-API call goes through), zlib.rs, zstd.rs and sha.rs (Node's
//! own zlib, libzstd and libcrypto), pipe.rs (one fcntl) and memory.rs (one malloc_trim), plus the entry point below. napi.rs (the declarations)
//! and the callbacks that turn JS arguments into Rust calls and Rust answers into JS values
//! (inspect.rs, handle.rs, scan.rs, outer.rs, pool.rs, progress.rs, constants.rs, paths.rs, values.rs,
//! records.rs, args.rs, fail.rs, codecs.rs) forbid it.

mod args;
mod constants;
mod env;
mod fail;
mod handle;
mod inspect;
mod memory;
mod napi;
mod outer;
mod paths;
mod pipe;
mod pool;
mod progress;
mod records;
mod scan;
mod sha;
mod values;
// Public for the integration tests, which decode with them as the addon does.
pub mod codecs;
pub mod zlib;
pub mod zstd;

use env::{Callback, Env, JsResult, Value};

/// Bumped when the shape of the returned objects changes; src/native.ts refuses a stale build.
pub const INTERFACE_VERSION: u32 = 10;

/// Every function the addon exports, by its JS name.
const EXPORTS: [(&std::ffi::CStr, Callback); 18] = [
    (c"inspect", inspect::inspect_fn),
    (c"constants", constants::constants),
    (c"layerScanStart", scan::start),
    (c"layerScanPush", scan::push),
    (c"layerScanEnd", scan::end),
    (c"layerScanFile", pool::scan_file),
    (c"outerScanStart", outer::start),
    (c"outerScanPush", outer::push),
    (c"outerScanEnd", outer::end),
    (c"outerScanFile", pool::scan_outer_file),
    (c"dirList", pool::list),
    (c"layerScanDir", pool::scan_dir),
    (c"hashFileRange", pool::hash_file),
    (c"normalizePath", paths::normalize_path_fn),
    (c"widenPipe", pipe::widen_pipe_fn),
    (c"releaseFreeMemory", memory::release_free_memory_fn),
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
