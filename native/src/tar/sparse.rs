//! The map that opens a PAX 1.0 sparse file's body: decimal lines, the number of segments first,
//! then an offset and a length per segment, padded to whole blocks; the stored data follows it.
//! The walker needs only to know where the map ends and that it is well formed — where the
//! segments go does not matter to a reader that never rebuilds the file.

use super::error::{WalkError, MAX_HEADER_RECORD};
use super::header::BLOCK;
use super::pax::{decimal, Decimal};

pub struct SparseMap {
    buf: Vec<u8>,
    /// Newlines seen so far.
    lines: u64,
    /// Lines the map has (1 + 2 × segments), once its first line is in.
    need: u64,
    /// The entry's header offset, which the error names.
    at: u64,
}

impl SparseMap {
    pub fn new(at: u64) -> SparseMap {
        SparseMap { buf: Vec::new(), lines: 0, need: u64::MAX, at }
    }

    /// Takes one block of the map; `left` is how many stored bytes follow it. True when the map
    /// is complete (its padding included) and the data begins with the next byte.
    pub fn block(&mut self, b: &[u8], left: u64) -> Result<bool, WalkError> {
        if self.buf.len() as u64 + BLOCK as u64 > MAX_HEADER_RECORD {
            return Err(WalkError::header_too_large());
        }
        let from = self.buf.len();
        self.buf.extend_from_slice(&b[..BLOCK]);
        for i in from..self.buf.len() {
            if self.buf[i] != 0x0a {
                continue;
            }
            self.lines += 1;
            if self.lines == 1 {
                match decimal(&self.buf[..i]) {
                    Decimal::Val(count) if count <= MAX_HEADER_RECORD => self.need = 1 + 2 * count,
                    _ => return Err(WalkError::corrupt_sparse_map(self.at)),
                }
            }
        }
        if self.lines < self.need {
            if left < BLOCK as u64 {
                return Err(WalkError::corrupt_sparse_map(self.at));
            }
            return Ok(false);
        }
        // Every field must be a decimal number; the values themselves are not needed: digits are
        // all that is checked, however large.
        let m = &self.buf;
        let mut s = 0;
        for _ in 0..self.need {
            let e = s + m[s..].iter().position(|&c| c == 0x0a).unwrap_or(m.len() - s);
            if decimal(&m[s..e]) == Decimal::NotDigits {
                return Err(WalkError::corrupt_sparse_map(self.at));
            }
            s = e + 1;
        }
        Ok(true)
    }
}
