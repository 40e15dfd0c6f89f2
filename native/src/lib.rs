//! elfscan's native side, as a table of contents: a file's first bytes (and, for ELF files,
//! pieces from further in) in, what kind of binary it is out; a layer's tar in, one flat list of
//! records out. Everything outside node/ is plain Rust that knows nothing of Node, is tested with
//! `cargo test`, and forbids `unsafe`; docs/native.md has the layout.
#![deny(unsafe_op_in_unsafe_fn)]

// Bytes in, plain data out — never a panic.
#[forbid(unsafe_code)]
pub mod common; //     the types every module shares: the answer (Classification, Facts, Want…)
#[forbid(unsafe_code)]
pub mod error; //      ParseError (what + offset) and Fail (need more bytes / malformed)
#[forbid(unsafe_code)]
pub mod bytes; //      bounds-checked, endian-aware reader every parser uses
#[forbid(unsafe_code)]
pub mod formats; //    sniff (the magic table), ELF, Mach-O, PE: headers → facts
#[forbid(unsafe_code)]
pub mod classify; //   the dispatch from the first bytes to a parser

// The layer walker: a layer's tar in, one flat list of records out — streamed or read at offsets.
#[forbid(unsafe_code)]
pub mod tar; //        header blocks, PAX records, entries, the push parser that can skip bodies
#[forbid(unsafe_code)]
pub mod layer; //      per-entry rules, and the drivers named by how the bytes arrive

#[cfg(test)]
#[forbid(unsafe_code)]
mod testutil;

// The addon: the Node-API declarations, the one wrapper every call goes through (the only
// `unsafe` code, with Node's own zlib and one fcntl), and the callbacks.
pub mod node;

pub use classify::{classify, inspect};
pub use common::{Classification, ElfExtra, Facts, FloatAbi, Format, Kind, Piece, Want};
