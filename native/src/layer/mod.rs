//! A layer's tar in, one flat list of records out. The per-entry rules (scan.rs: heads,
//! classification, ELF completion; kept_text.rs: which texts are kept; path.rs) are shared by
//! every driver, and the drivers are named by how the bytes arrive: pushed in chunks (push.rs),
//! read from a file range at offsets (file.rs), or written by a decompressing command
//! (command.rs). outer.rs lists an outer archive's entries instead.

pub mod command;
pub mod fail;
pub mod file;
pub mod gzip;
pub mod kept_text;
pub mod outer;
pub mod path;
pub mod push;
pub mod read;
pub mod record;
pub mod scan;
