//! The first bytes of a file decide which parser, if any, looks at it — never its name.
//! `0xCAFEBABE` opens both Java class files and fat Mach-O files; the word after it tells them
//! apart as file(1) does: a Java class version is above 30 (major 45+), a fat Mach-O's
//! architecture count is 1–19.
#![forbid(unsafe_code)]

use crate::bytes::Endian;

/// How many leading bytes `sniff` looks at (ELF's e_ident is the longest).
pub const SNIFF_LEN: usize = 16;

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

pub fn sniff(head: &[u8]) -> Magic {
    let Some(m4) = head.get(..4) else {
        return if head.starts_with(b"MZ") { Magic::Mz } else { Magic::Other };
    };
    let after = head.get(4..8).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    match m4 {
        b"\x7fELF" => Magic::Elf,
        [0xfe, 0xed, 0xfa, 0xce] => Magic::MachO { wide: false, endian: Endian::Big },
        [0xce, 0xfa, 0xed, 0xfe] => Magic::MachO { wide: false, endian: Endian::Little },
        [0xfe, 0xed, 0xfa, 0xcf] => Magic::MachO { wide: true, endian: Endian::Big },
        [0xcf, 0xfa, 0xed, 0xfe] => Magic::MachO { wide: true, endian: Endian::Little },
        [0xca, 0xfe, 0xba, 0xbe] => match after {
            Some(1..=19) => Magic::Fat { wide: false },
            Some(31..) => Magic::JavaClass,
            _ => Magic::Other,
        },
        [0xca, 0xfe, 0xba, 0xbf] => match after {
            Some(1..=19) => Magic::Fat { wide: true },
            _ => Magic::Other,
        },
        [b'M', b'Z', _, _] => Magic::Mz,
        _ => Magic::Other,
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
    fn elf_mz_and_everything_else() {
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), Magic::Elf);
        assert_eq!(sniff(b"MZ"), Magic::Mz);
        assert_eq!(sniff(b"MZ\x90\x00"), Magic::Mz);
        assert_eq!(sniff(b"#!/bin/sh\n"), Magic::Other);
        assert_eq!(sniff(b""), Magic::Other);
        assert_eq!(sniff(b"\x7fEL"), Magic::Other);
    }
}
