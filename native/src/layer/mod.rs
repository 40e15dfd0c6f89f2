//! A layer's tar in, one flat list of records out. The per-entry rules (scan.rs: heads,
//! classification, ELF completion; kept_text.rs: which texts are kept; path.rs) are shared by
//! every driver, and the drivers are named by how the bytes arrive: pushed in chunks (push.rs),
//! read from a file range (file.rs), read from a root filesystem directory (dir.rs). decode.rs and unpack.rs choose and run the decoder;
//! archive.rs, outer.rs and outer_push.rs read an outer archive (docker save, oci-archive) at
//! offsets or as it streams.

pub mod archive;
pub mod decode;
pub mod dir;
pub mod fail;
pub mod file;
pub mod kept_text;
pub mod outer;
pub mod outer_push;
pub mod path;
pub mod push;
pub mod read;
pub mod record;
pub mod scan;
pub mod unpack;
