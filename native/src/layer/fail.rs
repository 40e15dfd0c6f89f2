//! Why a walk stopped, whichever way its bytes came: the tar is malformed, a read failed, the
//! decompressing command failed, or the gzip data is bad. node/ turns each into a JS Error code.

use std::io;

use super::gzip::GzFail;
use crate::tar::error::WalkError;

/// Why a walk stopped.
#[derive(Debug)]
pub enum WalkFail {
    /// The archive is malformed (tar/error.rs has the sentences).
    Tar(WalkError),
    /// Reading the file failed.
    Io(io::Error),
    /// The decompressing command failed: what it said on stderr.
    Decoder(String),
    /// The gzip data is bad: the sentence src/layers/decompress.ts says too.
    Gzip(String),
}

impl From<GzFail<WalkError>> for WalkFail {
    fn from(e: GzFail<WalkError>) -> Self {
        match e {
            GzFail::Gzip(s) => WalkFail::Gzip(s),
            GzFail::Out(e) => WalkFail::Tar(e),
        }
    }
}

impl From<WalkError> for WalkFail {
    fn from(e: WalkError) -> Self {
        WalkFail::Tar(e)
    }
}

impl From<io::Error> for WalkFail {
    fn from(e: io::Error) -> Self {
        WalkFail::Io(e)
    }
}
