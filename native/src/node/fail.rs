//! A walk's failure as the JS Error the TypeScript side tells apart by its code: src/native.ts
//! `nativeError` turns each into one ElfscanError sentence.
#![forbid(unsafe_code)]

use std::ffi::CStr;

use crate::layer::fail::WalkFail;

/// The tar is malformed; the message is the sentence (tar/error.rs).
pub const TAR_ERROR: &CStr = c"ELFSCAN_TAR";
/// A read failed.
pub const IO_ERROR: &CStr = c"ELFSCAN_IO";
/// The compressed data is bad; the message is the whole sentence.
pub const DATA_ERROR: &CStr = c"ELFSCAN_DATA";

/// The code and the message of a failed walk.
pub fn code_and_message(e: WalkFail) -> (&'static CStr, String) {
    match e {
        WalkFail::Tar(e) => (TAR_ERROR, e.0),
        WalkFail::Io(msg) => (IO_ERROR, msg),
        WalkFail::Data(sentence) => (DATA_ERROR, sentence),
    }
}
