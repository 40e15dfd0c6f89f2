//! What the layer walker hands back per tar entry: its header, and for a regular file the one
//! thing the TypeScript side needs to finish it. node/ turns a list of these into the flat
//! `LayerRecords` of src/native.ts.

use crate::common::Inspection;
use crate::tar::entry::TarEntry;

/// What a regular file's record carries beyond its header.
#[derive(Debug)]
pub enum Extra {
    None,
    /// Not a binary candidate: the bytes its `#!` line comes from.
    Head(Vec<u8>),
    /// A loader configuration file's whole text (kept_text.rs).
    Text(Vec<u8>),
    /// A binary candidate: the classifier's final answer.
    Class(Box<Inspection>),
}

#[derive(Debug)]
pub struct Record {
    pub entry: TarEntry,
    pub extra: Extra,
}
