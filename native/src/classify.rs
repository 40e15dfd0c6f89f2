//! What the addon answers for one file, as plain Rust data, and the dispatch from magic bytes to
//! the parser that fills it. `classify` sees the head only; `inspect` also sees pieces from
//! further in and says which ranges would complete the facts (docs/native.md has the protocol).
//! Nothing here knows about Node: glue.rs turns these values into the JS objects of
//! src/model.ts (`Classification`, `BinaryFacts`).
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

use crate::bytes::{Endian, Piece, Reader};
use crate::error::{Fail, ParseError};
use crate::formats::elf::arm::FloatAbi;
use crate::formats::sniff::{sniff, Magic};
use crate::formats::{elf, macho, pe};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Elf,
    MachO,
    Pe,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Elf => "elf",
            Format::MachO => "macho",
            Format::Pe => "pe",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Executable,
    SharedLibrary,
    Relocatable,
    Core,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Executable => "executable",
            Kind::SharedLibrary => "shared-library",
            Kind::Relocatable => "relocatable",
            Kind::Core => "core",
            Kind::Other => "other",
        }
    }
}

/// `BinaryFacts` of src/model.ts, field for field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub format: Format,
    /// e_machine (ELF), cputype (Mach-O), COFF Machine (PE); 0 for a fat Mach-O.
    pub machine: u32,
    pub cpu: Cow<'static, str>,
    pub bits: u8,
    pub endian: Endian,
    pub kind: Kind,
    pub osabi: u8,
    /// e_flags (ELF), cpusubtype (Mach-O), Characteristics (PE).
    pub flags: u32,
    /// ARM EABI version (ELF EM_ARM only).
    pub eabi: Option<u8>,
    /// ARM float ABI (ELF EM_ARM only).
    pub float_abi: Option<FloatAbi>,
    pub interpreter: Option<String>,
    pub platform: String,
    pub slices: Vec<Facts>,
    /// Facts only ELF files have; None for Mach-O and PE.
    pub elf: Option<ElfExtra>,
}

/// What an ELF file says beyond its headers. Every None is "unknown" — not read, not at hand, or
/// not there — and an unknown fact is never a finding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElfExtra {
    /// DT_NEEDED in order; Some(empty) for a file without PT_DYNAMIC.
    pub needed: Option<Vec<String>>,
    pub soname: Option<String>,
    /// DT_RPATH and DT_RUNPATH as written (colon-separated, `$ORIGIN` unexpanded).
    pub rpath: Option<String>,
    pub runpath: Option<String>,
    /// Smallest p_align of the PT_LOAD segments.
    pub load_align: Option<u64>,
    /// x86-64 level 1–4 from GNU_PROPERTY_X86_ISA_1_NEEDED.
    pub isa_level: Option<u8>,
    /// ARM Tag_CPU_arch from `.ARM.attributes`.
    pub arm_arch: Option<u8>,
}

/// A range of the file `[offset, offset + length)` that would complete the facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Want {
    pub offset: u64,
    pub length: u64,
}

/// `inspect`'s answer: the classification from the bytes at hand, and the ranges still wanted
/// (only ever with `Classification::Binary`, never past the end of the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub classification: Classification,
    pub wants: Vec<Want>,
}

// One value per file, never stored in bulk: boxing the facts would cost an allocation for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classification {
    Binary(Facts),
    Unreadable {
        format: Format,
        reason: ParseError,
    },
    /// Call again with at least this many bytes from the start of the file.
    NeedMore(u64),
    NotBinary,
}

/// Bytes `sniff` needs to tell a fat Mach-O from a Java class (magic + the word after it).
const MAGIC_LEN: usize = 8;

const MAGICS: [&[u8]; 8] = [
    b"\x7fELF",
    &[0xfe, 0xed, 0xfa, 0xce],
    &[0xce, 0xfa, 0xed, 0xfe],
    &[0xfe, 0xed, 0xfa, 0xcf],
    &[0xcf, 0xfa, 0xed, 0xfe],
    &[0xca, 0xfe, 0xba, 0xbe],
    &[0xca, 0xfe, 0xba, 0xbf],
    b"MZ",
];

/// Classifies a file from its first bytes. `file_size` is the size of the whole file; a value
/// below `head.len()` is taken as `head.len()`. Facts whose bytes lie past the head stay unknown.
pub fn classify(head: &[u8], file_size: u64) -> Classification {
    inspect(head, &[], file_size).classification
}

/// Classifies a file from its first bytes plus `more`: pieces from further in (any order, any
/// overlap). Ranges that would complete an ELF file's facts and are not at hand come back as
/// wants — merged, sorted, each inside the file.
pub fn inspect(head: &[u8], more: &[Piece<'_>], file_size: u64) -> Inspection {
    let mut wants = Vec::new();
    let classification = dispatch(head, more, file_size, &mut wants);
    if !matches!(classification, Classification::Binary(_)) {
        wants.clear();
    }
    Inspection { classification, wants: merge(wants) }
}

/// Sorted, with overlapping or touching ranges joined.
fn merge(mut wants: Vec<Want>) -> Vec<Want> {
    wants.sort_by_key(|w| (w.offset, w.length));
    let mut out: Vec<Want> = Vec::with_capacity(wants.len());
    for w in wants {
        if let Some(last) = out.last_mut() {
            let last_end = last.offset + last.length;
            if w.offset <= last_end {
                last.length = last.length.max(w.offset + w.length - last.offset);
                continue;
            }
        }
        out.push(w);
    }
    out
}

fn dispatch(head: &[u8], more: &[Piece<'_>], file_size: u64, wants: &mut Vec<Want>) -> Classification {
    let file_size = file_size.max(head.len() as u64);
    if head.len() < MAGIC_LEN && (head.len() as u64) < file_size {
        let n = head.len();
        let could_be = MAGICS.iter().any(|m| m[..n.min(m.len())] == head[..n.min(m.len())]);
        return if could_be {
            Classification::NeedMore(file_size.min(MAGIC_LEN as u64))
        } else {
            Classification::NotBinary
        };
    }
    match sniff(head) {
        Magic::Elf => {
            settle(Format::Elf, elf::parse(&Reader::with_pieces(head, more, file_size, Endian::Little), wants))
        }
        Magic::MachO { wide, endian } => settle(Format::MachO, macho::parse_thin(head, file_size, wide, endian)),
        Magic::Fat { wide } => settle(Format::MachO, macho::parse_fat(head, file_size, wide)),
        Magic::Mz => match pe::parse(head, file_size) {
            Ok(Some(facts)) => Classification::Binary(facts),
            Ok(None) => Classification::NotBinary,
            Err(fail) => settle(Format::Pe, Err(fail)),
        },
        Magic::JavaClass | Magic::Other => Classification::NotBinary,
    }
}

fn settle(format: Format, parsed: Result<Facts, Fail>) -> Classification {
    match parsed {
        Ok(facts) => Classification::Binary(facts),
        Err(Fail::NeedMore(n)) => Classification::NeedMore(n),
        Err(Fail::Bad(reason)) => Classification::Unreadable { format, reason },
    }
}

/// One line per binary (plus one per slice): the form of the golden files and of test failures.
impl fmt::Display for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} machine={} cpu={:?} bits={} endian={} kind={} osabi={} flags={:#x}",
            self.format.as_str(),
            self.platform,
            self.machine,
            self.cpu,
            self.bits,
            self.endian.as_str(),
            self.kind.as_str(),
            self.osabi,
            self.flags,
        )?;
        if let Some(eabi) = self.eabi {
            write!(f, " eabi={eabi}")?;
        }
        if let Some(fa) = self.float_abi {
            write!(f, " float={}", fa.as_str())?;
        }
        if let Some(interp) = &self.interpreter {
            write!(f, " interpreter={interp:?}")?;
        }
        if let Some(e) = &self.elf {
            if let Some(n) = &e.needed {
                write!(f, " needed={n:?}")?;
            }
            for (name, v) in [("soname", &e.soname), ("rpath", &e.rpath), ("runpath", &e.runpath)] {
                if let Some(v) = v {
                    write!(f, " {name}={v:?}")?;
                }
            }
            if let Some(a) = e.load_align {
                write!(f, " load_align={a:#x}")?;
            }
            if let Some(l) = e.isa_level {
                write!(f, " isa_level={l}")?;
            }
            if let Some(a) = e.arm_arch {
                write!(f, " arm_arch={a}")?;
            }
        }
        for s in &self.slices {
            write!(f, "\n  slice {s}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Classification::Binary(facts) => write!(f, "binary {facts}"),
            Classification::Unreadable { format, reason } => {
                write!(f, "unreadable {} {reason}", format.as_str())
            }
            Classification::NeedMore(n) => write!(f, "need-more {n}"),
            Classification::NotBinary => write!(f, "not-binary"),
        }
    }
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
    fn wants_are_merged_and_sorted() {
        let w = |offset, length| Want { offset, length };
        assert_eq!(
            merge(vec![w(100, 10), w(0, 5), w(105, 10), w(5, 1), w(300, 1)]),
            vec![w(0, 6), w(100, 15), w(300, 1)]
        );
        assert_eq!(merge(vec![w(10, 100), w(20, 5)]), vec![w(10, 100)]);
    }

    #[test]
    fn java_class_files_are_not_binaries() {
        let mut class = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61];
        class.resize(400, 0);
        assert_eq!(classify(&class, 400), Classification::NotBinary);
    }
}
