//! A walk's failure as the JS Error the TypeScript side tells apart by its code: src/layers/
//! layer-scanner.ts turns each into one ElfscanError sentence.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use crate::layer::fail::WalkFail;

/// The tar is malformed; the message is the sentence (tar/error.rs).
pub const TAR_ERROR: &CStr = c"ELFSCAN_TAR";
/// A read failed.
pub const IO_ERROR: &CStr = c"ELFSCAN_IO";
/// The decompressing command failed; the message is its stderr.
pub const DECODER_ERROR: &CStr = c"ELFSCAN_DECODER";
/// The gzip data is bad; the message is the whole sentence.
pub const GZIP_ERROR: &CStr = c"ELFSCAN_GZIP";

/// The code and the message of a failed walk.
pub fn code_and_message(e: WalkFail) -> (&'static CStr, String) {
    match e {
        WalkFail::Tar(e) => (TAR_ERROR, e.0),
        WalkFail::Io(e) => (IO_ERROR, e.to_string()),
        WalkFail::Decoder(said) => (DECODER_ERROR, said),
        WalkFail::Gzip(sentence) => (GZIP_ERROR, sentence),
    }
}
