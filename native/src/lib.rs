//! elfscan's native side, as a table of contents: a file's first bytes (and, for ELF files,
//! pieces from further in) in, what kind of binary it is out; a layer's tar in, one flat list of
//! records out. Everything outside node/ is plain Rust that knows nothing of Node, is tested with
//! `cargo test`, and forbids `unsafe`; docs/native.md has the layout.

// Bytes in, plain data out — never a panic.
pub mod common; //     the types every module shares: the answer (Classification, Facts, Want…)
pub mod error; //      ParseError (what + offset) and Fail (need more bytes / malformed)
pub mod bytes; //      bounds-checked, endian-aware reader every parser uses
pub mod formats; //    sniff (the magic table), ELF, Mach-O, PE: headers → facts
pub mod classify; //   the dispatch from the first bytes to a parser

// The layer walker: a layer's tar in, one flat list of records out — streamed or read at offsets.
pub mod tar; //        header blocks, PAX records, entries, the push parser that can skip bodies
pub mod layer; //      per-entry rules, and the drivers named by how the bytes arrive

#[cfg(test)]
mod testutil;

// The addon: Node-API declarations, the one wrapper every call goes through, the callbacks, and
// Node's own zlib.
pub mod node;

pub use classify::{classify, inspect};
pub use common::{Classification, ElfExtra, Facts, FloatAbi, Format, Kind, Piece, Want};

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
