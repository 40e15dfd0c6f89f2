//! The dispatch: the first bytes choose the parser (formats/sniff.rs), and its result becomes the
//! answer of common.rs. `classify` sees the head only; `inspect` also sees pieces from further in
//! and says which ranges would complete the facts — only ELF files ever want any (docs/native.md
//! has the protocol).

use crate::common::{Classification, Format, Inspection, Piece};
use crate::formats::sniff::{could_start_a_magic, sniff, Magic, SNIFF_MIN};
use crate::formats::{elf, macho, pe};

/// Classifies a file from its first bytes. `file_size` is the size of the whole file; a value
/// below `head.len()` is taken as `head.len()`. Facts whose bytes lie past the head stay unknown.
pub fn classify(head: &[u8], file_size: u64) -> Classification {
    inspect(head, &[], file_size).classification
}

/// Classifies a file from its first bytes plus `more`: pieces from further in (any order, any
/// overlap). Ranges that would complete an ELF file's facts and are not at hand come back as
/// wants — merged, sorted, each inside the file.
pub fn inspect(head: &[u8], more: &[Piece<'_>], file_size: u64) -> Inspection {
    let file_size = file_size.max(head.len() as u64);
    let classification = if head.len() < SNIFF_MIN && (head.len() as u64) < file_size {
        if could_start_a_magic(head) {
            Classification::NeedMore(file_size.min(SNIFF_MIN as u64))
        } else {
            Classification::NotBinary
        }
    } else {
        match sniff(head) {
            Magic::Elf => return elf::inspect(head, more, file_size),
            Magic::MachO { wide, endian } => {
                Classification::settle(Format::MachO, macho::parse_thin(head, file_size, wide, endian))
            }
            Magic::Fat { wide } => Classification::settle(Format::MachO, macho::parse_fat(head, file_size, wide)),
            Magic::Mz => match pe::parse(head, file_size) {
                Ok(Some(facts)) => Classification::Binary(facts),
                Ok(None) => Classification::NotBinary,
                Err(fail) => Classification::settle(Format::Pe, Err(fail)),
            },
            Magic::JavaClass | Magic::Other => Classification::NotBinary,
        }
    };
    Inspection { classification, wants: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_not_a_binary() {
        assert_eq!(classify(b"#!/bin/sh\necho hi\n", 18), Classification::NotBinary);
        assert_eq!(classify(b"", 0), Classification::NotBinary);
        assert_eq!(classify(b"#!", 4096), Classification::NotBinary);
    }

    #[test]
    fn a_head_too_short_to_sniff_asks_for_the_magic_only_if_it_could_be_one() {
        assert_eq!(classify(b"\xca\xfe", 4096), Classification::NeedMore(8));
        assert_eq!(classify(b"", 4096), Classification::NeedMore(8));
        assert_eq!(classify(b"\xca\xfe", 5), Classification::NeedMore(5));
        assert_eq!(classify(b"\xca\xfe\xba\xbe", 4), Classification::NotBinary);
    }

    #[test]
    fn java_class_files_are_not_binaries() {
        let mut class = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61];
        class.resize(400, 0);
        assert_eq!(classify(&class, 400), Classification::NotBinary);
    }
}
