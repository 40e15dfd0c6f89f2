//! Why a walk stopped, whichever way its bytes came: the tar is malformed, a read failed, or the
//! compressed data is bad. node/ turns each into a JS Error code.

use std::io;

use crate::tar::error::WalkError;

/// Why a walk stopped. Cloneable, so that a stopped walk can say it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkFail {
    /// The archive is malformed (tar/error.rs has the sentences).
    Tar(WalkError),
    /// Reading the file failed: the system's message.
    Io(String),
    /// The compressed data is bad: the whole sentence ("gzip data is truncated", "data is not
    /// valid zstd (…)").
    Data(String),
}

impl From<WalkError> for WalkFail {
    fn from(e: WalkError) -> Self {
        WalkFail::Tar(e)
    }
}

impl From<io::Error> for WalkFail {
    fn from(e: io::Error) -> Self {
        WalkFail::Io(e.to_string())
    }
}
