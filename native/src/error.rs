//! The one error type of the parsers. A malformed header is described by a static sentence and
//! the file offset it concerns, made at the call site: cheap to build, precise to read, and never
//! a panic. `Fail` adds the one non-error reason a parse can stop: the answer lies past the head.

use std::fmt;

/// A header that cannot be right: `what` says what is wrong, `offset` where in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub what: &'static str,
    pub offset: u64,
}

impl ParseError {
    pub const fn new(what: &'static str, offset: u64) -> Self {
        ParseError { what, offset }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (offset {:#x})", self.what, self.offset)
    }
}

/// Why a parse stopped before an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    /// The bytes needed lie inside the file but past the head given: call again with the first
    /// `0` bytes of the file.
    NeedMore(u64),
    /// The header is malformed (or the file is shorter than the header says).
    Bad(ParseError),
}

impl Fail {
    /// A malformed header: `what` is wrong at `offset`.
    pub const fn bad(what: &'static str, offset: u64) -> Fail {
        Fail::Bad(ParseError::new(what, offset))
    }
}

impl From<ParseError> for Fail {
    fn from(e: ParseError) -> Self {
        Fail::Bad(e)
    }
}
