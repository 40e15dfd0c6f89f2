//! What the addon answers for one file head, as plain Rust data, and the dispatch from magic bytes
//! to the parser that fills it. Nothing here knows about Node: glue.rs turns these values into
//! the JS objects of src/model.ts (`Classification`, `BinaryFacts`).
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

use crate::arm::FloatAbi;
use crate::bytes::Endian;
use crate::error::{Fail, ParseError};
use crate::sniff::{sniff, Magic};
use crate::{elf, macho, pe};

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
}

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
/// below `head.len()` is taken as `head.len()`.
pub fn classify(head: &[u8], file_size: u64) -> Classification {
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
        Magic::Elf => settle(Format::Elf, elf::parse(head, file_size)),
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
    fn java_class_files_are_not_binaries() {
        let mut class = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61];
        class.resize(400, 0);
        assert_eq!(classify(&class, 400), Classification::NotBinary);
    }
}
