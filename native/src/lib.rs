//! elfscan's native classifier: a file's first bytes (and, for ELF files, pieces from further
//! in) in, what kind of binary it is out.
//! Everything but the last two modules is plain Rust that knows nothing of Node and is tested
//! with `cargo test`; napi.rs and glue.rs are the only files with `unsafe`.

// Bytes in, plain data out — never a panic.
pub mod bytes; //      bounds-checked, endian-aware reader every parser uses
pub mod error; //      ParseError (what + offset) and Fail (need more bytes / malformed)
pub mod classify; //   the answer (Classification, Facts) and the dispatch to a parser
pub mod formats; //    sniff, ELF (headers, dynamic, notes, machines, ARM, completion), Mach-O, PE

// The layer walker: a layer's tar in, one flat list of records out — streamed or read at offsets.
pub mod tar; //        header blocks, PAX records, the push parser that can skip bodies
pub mod layer; //      per-entry rules and the drivers

#[cfg(test)]
mod testutil;

// The addon: Node-API declarations and the JS ⇄ Rust glue, and Node's own zlib.
pub mod node;

pub use bytes::Piece;
pub use classify::{classify, inspect, Classification, ElfExtra, Facts, Format, Kind, Want};

/// Node looks this symbol up when it loads the addon.
///
/// # Safety
/// Called by Node only, with the env and exports object of the loading context.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(
    env: node::napi::napi_env,
    exports: node::napi::napi_value,
) -> node::napi::napi_value {
    node::register(env, exports)
}
