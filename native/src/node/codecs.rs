//! Node's own decoders, by compression: what node/ hands the layer drivers as their `Decoders`
//! (zlib for gzip, libzstd for zstd — the libraries node:zlib wraps).
#![forbid(unsafe_code)]

use super::zlib::Gunzip;
use super::zstd::Zstd;
use crate::layer::decode::{Compression, Decode};
use crate::layer::fail::WalkFail;

pub fn decoders(c: Compression) -> Result<Box<dyn Decode>, WalkFail> {
    match c {
        Compression::Gzip => Ok(Box::new(Gunzip::new().map_err(WalkFail::Data)?)),
        Compression::Zstd => Ok(Box::new(Zstd::new().map_err(WalkFail::Data)?)),
        Compression::None => Err(WalkFail::Data("plain data needs no decoder".into())),
    }
}
