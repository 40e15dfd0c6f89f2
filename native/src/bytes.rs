//! The bounds-checked, endian-aware reader every parser goes through. It knows both the head it
//! was given and the size of the whole file, so a read past the head says exactly how many bytes
//! are needed, and a read past the end of the file says the header lies.

use crate::common::{Endian, Piece};
use crate::error::{Fail, ParseError};

/// A view of a file's first bytes. Offsets are u64 (ELF64 offsets are) and every range check is
/// written so that it cannot overflow: `len <= size && off <= size - len`.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    head: &'a [u8],
    more: &'a [Piece<'a>],
    file_size: u64,
    endian: Endian,
}

impl<'a> Reader<'a> {
    /// `file_size` smaller than the head is taken as the head's length: the bytes are there.
    pub fn new(head: &'a [u8], file_size: u64, endian: Endian) -> Self {
        Reader { head, more: &[], file_size: file_size.max(head.len() as u64), endian }
    }

    /// A reader that also sees `more`: pieces further into the file, in any order.
    pub fn with_pieces(head: &'a [u8], more: &'a [Piece<'a>], file_size: u64, endian: Endian) -> Self {
        Reader { more, ..Reader::new(head, file_size, endian) }
    }

    pub fn with_endian(self, endian: Endian) -> Self {
        Reader { endian, ..self }
    }

    pub fn endian(&self) -> Endian {
        self.endian
    }

    pub fn file_size(&self) -> u64 {
        self.file_size
    }

    pub fn head_len(&self) -> u64 {
        self.head.len() as u64
    }

    /// Whether `[off, off + len)` lies inside the file; `what` names the range for the error.
    pub fn check_in_file(&self, off: u64, len: u64, what: &'static str) -> Result<(), ParseError> {
        if len <= self.file_size && off <= self.file_size - len {
            Ok(())
        } else {
            Err(ParseError::new(what, off))
        }
    }

    /// The bytes `[off, off + len)`: `Bad(what)` if they are not in the file, `NeedMore` if they
    /// are in the file but not in the head.
    pub fn bytes(&self, off: u64, len: u64, what: &'static str) -> Result<&'a [u8], Fail> {
        self.check_in_file(off, len, what)?;
        let have = self.head.len() as u64;
        if len <= have && off <= have - len {
            // Both values are <= head.len(), so they fit in usize.
            let start = off as usize;
            Ok(&self.head[start..start + len as usize])
        } else {
            Err(Fail::NeedMore(off + len))
        }
    }

    /// The bytes `[off, off + len)` when the head or one piece holds all of them; `Ok(None)` when
    /// they are in the file but not at hand (a fact that stays unknown, or a range to ask for);
    /// `Err` when they are not in the file at all.
    pub fn optional(&self, off: u64, len: u64, what: &'static str) -> Result<Option<&'a [u8]>, ParseError> {
        self.check_in_file(off, len, what)?;
        if len == 0 {
            return Ok(Some(&[]));
        }
        let pieces = std::iter::once(Piece { offset: 0, bytes: self.head }).chain(self.more.iter().copied());
        for p in pieces {
            let have = p.bytes.len() as u64;
            // off >= p.offset, and off + len <= p.offset + have, written without overflow.
            if off >= p.offset && len <= have && off - p.offset <= have - len {
                let start = (off - p.offset) as usize;
                return Ok(Some(&p.bytes[start..start + len as usize]));
            }
        }
        Ok(None)
    }

    fn array<const N: usize>(&self, off: u64, what: &'static str) -> Result<[u8; N], Fail> {
        let b = self.bytes(off, N as u64, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub fn u8(&self, off: u64, what: &'static str) -> Result<u8, Fail> {
        Ok(self.array::<1>(off, what)?[0])
    }

    pub fn u16(&self, off: u64, what: &'static str) -> Result<u16, Fail> {
        let a = self.array(off, what)?;
        Ok(match self.endian {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        })
    }

    pub fn u32(&self, off: u64, what: &'static str) -> Result<u32, Fail> {
        let a = self.array(off, what)?;
        Ok(match self.endian {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        })
    }

    pub fn u64(&self, off: u64, what: &'static str) -> Result<u64, Fail> {
        let a = self.array(off, what)?;
        Ok(match self.endian {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        })
    }

    /// A 32-bit or 64-bit word, as ELF's class decides.
    pub fn word(&self, off: u64, wide: bool, what: &'static str) -> Result<u64, Fail> {
        if wide {
            self.u64(off, what)
        } else {
            self.u32(off, what).map(u64::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHAT: &str = "test range";

    #[test]
    fn reads_both_byte_orders() {
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let le = Reader::new(&b, 8, Endian::Little);
        let be = le.with_endian(Endian::Big);
        assert_eq!(le.u16(0, WHAT), Ok(0x0201));
        assert_eq!(be.u16(0, WHAT), Ok(0x0102));
        assert_eq!(le.u32(4, WHAT), Ok(0x0807_0605));
        assert_eq!(be.u64(0, WHAT), Ok(0x0102_0304_0506_0708));
        assert_eq!(be.word(4, false, WHAT), Ok(0x0506_0708));
    }

    #[test]
    fn a_read_past_the_head_but_inside_the_file_asks_for_exactly_what_it_needs() {
        let b = [0u8; 8];
        let r = Reader::new(&b, 100, Endian::Little);
        assert_eq!(r.u32(6, WHAT), Err(Fail::NeedMore(10)));
        assert_eq!(r.bytes(50, 50, WHAT), Err(Fail::NeedMore(100)));
    }

    #[test]
    fn a_read_past_the_end_of_the_file_is_a_parse_error_at_its_offset() {
        let b = [0u8; 8];
        let r = Reader::new(&b, 100, Endian::Little);
        assert_eq!(r.bytes(98, 4, WHAT), Err(Fail::Bad(ParseError::new(WHAT, 98))));
        assert_eq!(r.bytes(50, 51, WHAT), Err(Fail::Bad(ParseError::new(WHAT, 50))));
    }

    #[test]
    fn offsets_near_u64_max_do_not_overflow() {
        let b = [0u8; 8];
        let r = Reader::new(&b, u64::MAX, Endian::Little);
        assert_eq!(r.u64(u64::MAX - 8, WHAT), Err(Fail::NeedMore(u64::MAX)));
        assert!(matches!(r.u64(u64::MAX - 7, WHAT), Err(Fail::Bad(_))));
        assert!(matches!(r.u64(u64::MAX - 3, WHAT), Err(Fail::Bad(_))));
        assert!(matches!(r.bytes(1, u64::MAX, WHAT), Err(Fail::Bad(_))));
        let small = Reader::new(&b, 8, Endian::Little);
        assert!(matches!(small.bytes(u64::MAX, 1, WHAT), Err(Fail::Bad(_))));
    }

    #[test]
    fn optional_reads_come_from_the_head_or_a_piece_that_holds_the_whole_range() {
        let head = [1u8, 2, 3, 4];
        let far = [7u8, 8, 9];
        let more = [Piece { offset: 100, bytes: &far }];
        let r = Reader::with_pieces(&head, &more, 200, Endian::Little);
        assert_eq!(r.optional(1, 2, WHAT), Ok(Some(&head[1..3])));
        assert_eq!(r.optional(101, 2, WHAT), Ok(Some(&far[1..3])));
        assert_eq!(r.optional(101, 3, WHAT), Ok(None));
        assert_eq!(r.optional(3, 2, WHAT), Ok(None));
        assert_eq!(r.optional(199, 2, WHAT), Err(ParseError::new(WHAT, 199)));
        assert_eq!(r.optional(u64::MAX, 1, WHAT), Err(ParseError::new(WHAT, u64::MAX)));
        let edge = [Piece { offset: u64::MAX - 1, bytes: &far }];
        let r = Reader::with_pieces(&head, &edge, u64::MAX, Endian::Little);
        assert_eq!(r.optional(u64::MAX - 1, 1, WHAT), Ok(Some(&far[..1])));
    }

    #[test]
    fn a_file_size_below_the_head_length_is_the_head_length() {
        let b = [9u8; 4];
        let r = Reader::new(&b, 0, Endian::Little);
        assert_eq!(r.file_size(), 4);
        assert_eq!(r.u8(3, WHAT), Ok(9));
    }
}
