//! The first bytes of a file decide which parser, if any, looks at it — never its name.
//! `0xCAFEBABE` opens both Java class files and fat Mach-O files; the word after it tells them
//! apart as file(1) does: a Java class version is above 30 (major 45+), a fat Mach-O's
//! architecture count is 1–19.
//!
//! `MAGICS` is the one table of what makes a file a binary candidate: `sniff` decides by it, the
//! layer walker asks `is_candidate` before it classifies a file, and the addon hands the table to
//! src/native.ts (`isCandidate`), so no other place lists a magic number.

use crate::common::Endian;

/// Bytes `sniff` needs to tell a fat Mach-O from a Java class (the magic and the word after it);
/// a shorter head of a longer file is asked to grow this far when it could start a magic.
pub const SNIFF_MIN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Magic {
    /// `\x7fELF`; class and byte order are checked by the ELF parser.
    Elf,
    /// A thin Mach-O: `wide` for the 64-bit header.
    MachO {
        wide: bool,
        endian: Endian,
    },
    /// A fat (universal) Mach-O: `wide` for `FAT_MAGIC_64` (64-bit slice offsets).
    Fat {
        wide: bool,
    },
    /// A Java class file (same magic as a fat Mach-O).
    JavaClass,
    /// `MZ`: a PE file if a `PE\0\0` header follows, else a DOS program or text.
    Mz,
    Other,
}

/// What a magic number opens, before the bytes after it are looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opens {
    Elf,
    MachO {
        wide: bool,
        endian: Endian,
    },
    /// A fat Mach-O, or (`0xCAFEBABE` only) a Java class: the next word decides.
    FatOrJava {
        wide: bool,
    },
    Mz,
}

pub struct MagicNumber {
    pub bytes: &'static [u8],
    pub opens: Opens,
}

const fn magic(bytes: &'static [u8], opens: Opens) -> MagicNumber {
    MagicNumber { bytes, opens }
}

/// Every magic number a binary candidate starts with, ELF first (the most common).
#[rustfmt::skip]
pub static MAGICS: [MagicNumber; 8] = [
    magic(b"\x7fELF", Opens::Elf),
    magic(&[0xfe, 0xed, 0xfa, 0xce], Opens::MachO { wide: false, endian: Endian::Big }),
    magic(&[0xce, 0xfa, 0xed, 0xfe], Opens::MachO { wide: false, endian: Endian::Little }),
    magic(&[0xfe, 0xed, 0xfa, 0xcf], Opens::MachO { wide: true, endian: Endian::Big }),
    magic(&[0xcf, 0xfa, 0xed, 0xfe], Opens::MachO { wide: true, endian: Endian::Little }),
    magic(&[0xca, 0xfe, 0xba, 0xbe], Opens::FatOrJava { wide: false }),
    magic(&[0xca, 0xfe, 0xba, 0xbf], Opens::FatOrJava { wide: true }),
    magic(b"MZ", Opens::Mz),
];

fn magic_of(head: &[u8]) -> Option<&'static MagicNumber> {
    MAGICS.iter().find(|m| head.starts_with(m.bytes))
}

/// Whether a head starts like something the classifier can call a binary. Java class files pass
/// (they share 0xCAFEBABE with fat Mach-O) and are told apart by `sniff`.
pub fn is_candidate(head: &[u8]) -> bool {
    magic_of(head).is_some()
}

/// Whether a head shorter than `SNIFF_MIN` bytes could be the start of a magic number.
pub fn could_start_a_magic(head: &[u8]) -> bool {
    MAGICS.iter().any(|m| {
        let n = head.len().min(m.bytes.len());
        m.bytes[..n] == head[..n]
    })
}

pub fn sniff(head: &[u8]) -> Magic {
    let Some(m) = magic_of(head) else { return Magic::Other };
    let after = head.get(4..8).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    match m.opens {
        Opens::Elf => Magic::Elf,
        Opens::MachO { wide, endian } => Magic::MachO { wide, endian },
        Opens::Mz => Magic::Mz,
        Opens::FatOrJava { wide } => match after {
            Some(1..=19) => Magic::Fat { wide },
            Some(31..) if !wide => Magic::JavaClass,
            _ => Magic::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_class_files_are_not_fat_mach_o() {
        // Java 8 class: minor 0, major 52.
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), Magic::JavaClass);
        // Java 1.1: minor 3, major 45 — the word is 0x0003002d.
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 3, 0, 45]), Magic::JavaClass);
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), Magic::Fat { wide: false });
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 19]), Magic::Fat { wide: false });
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 20]), Magic::Other);
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0]), Magic::Other);
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbe]), Magic::Other);
        assert_eq!(sniff(&[0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 2]), Magic::Fat { wide: true });
    }

    #[test]
    fn mach_o_magic_in_both_byte_orders() {
        assert_eq!(sniff(&[0xcf, 0xfa, 0xed, 0xfe]), Magic::MachO { wide: true, endian: Endian::Little });
        assert_eq!(sniff(&[0xfe, 0xed, 0xfa, 0xce]), Magic::MachO { wide: false, endian: Endian::Big });
    }

    #[test]
    fn candidates_are_the_heads_sniff_can_name() {
        for m in &MAGICS {
            assert!(is_candidate(m.bytes));
            assert_ne!(sniff(&[m.bytes, &[0, 0, 0, 2]].concat()), Magic::Other, "{:x?}", m.bytes);
        }
        assert!(is_candidate(b"MZ"));
        assert!(!is_candidate(b"M"));
        assert!(!is_candidate(b"\x7fEL"));
        assert!(!is_candidate(b"#!/bin/sh"));
        assert!(could_start_a_magic(b"\xca\xfe"));
        assert!(could_start_a_magic(b""));
        assert!(!could_start_a_magic(b"#!"));
    }

    #[test]
    fn elf_mz_and_everything_else() {
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), Magic::Elf);
        assert_eq!(sniff(b"MZ"), Magic::Mz);
        assert_eq!(sniff(b"MZ\x90\x00"), Magic::Mz);
        assert_eq!(sniff(b"#!/bin/sh\n"), Magic::Other);
        assert_eq!(sniff(b""), Magic::Other);
        assert_eq!(sniff(b"\x7fEL"), Magic::Other);
    }
}
