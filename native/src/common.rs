//! The types more than one module shares — the classifier's answer (Classification, Facts, Want)
//! and the words it is made of (Format, Kind, Endian, FloatAbi, Piece) — in a leaf that imports
//! nothing of the crate but error.rs, so that parsers, the layer walker and the Node-API glue can
//! all use them without depending on one another. node/ turns them into the JS objects of
//! src/model.ts (`Classification`, `BinaryFacts`).

use std::borrow::Cow;
use std::fmt;

use crate::error::{Fail, ParseError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    pub fn as_str(self) -> &'static str {
        match self {
            Endian::Little => "little",
            Endian::Big => "big",
        }
    }
}

/// Bytes of a file at an offset: a range the caller captured past the head.
#[derive(Clone, Copy, Debug)]
pub struct Piece<'a> {
    pub offset: u64,
    pub bytes: &'a [u8],
}

/// A range of the file `[offset, offset + length)` that would complete the facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Want {
    pub offset: u64,
    pub length: u64,
}

impl Want {
    /// Most one wanted range may cover (a dynamic section, a note segment, a section header
    /// table, `.ARM.attributes`): real ones are a few KiB; a larger one leaves its fact unknown.
    pub const MAX: u64 = 65536;
}

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

/// 32-bit ARM's float ABI (formats/elf/arm.rs decides it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatAbi {
    Hard,
    Soft,
    Unknown,
}

impl FloatAbi {
    pub fn as_str(self) -> &'static str {
        match self {
            FloatAbi::Hard => "hard",
            FloatAbi::Soft => "soft",
            FloatAbi::Unknown => "unknown",
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
    /// DT_VERNEED: per library, the symbol versions needed; Some(empty) without it.
    pub version_needs: Option<Vec<VersionNeed>>,
    /// DT_VERDEF: the versions defined (not the base entry); Some(empty) without it.
    pub version_defs: Option<Vec<String>>,
}

/// The versions a file needs from one library (one DT_VERNEED record), in the file's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionNeed {
    /// vn_file: the library's name as DT_NEEDED writes it.
    pub library: String,
    /// Versions the loader insists on.
    pub versions: Vec<String>,
    /// Versions whose every reference is weak (VER_FLG_WEAK): a miss is no error.
    pub weak: Vec<String>,
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

impl Classification {
    /// What a parser's result means to the caller.
    pub fn settle(format: Format, parsed: Result<Facts, Fail>) -> Classification {
        match parsed {
            Ok(facts) => Classification::Binary(facts),
            Err(Fail::NeedMore(n)) => Classification::NeedMore(n),
            Err(Fail::Bad(reason)) => Classification::Unreadable { format, reason },
        }
    }
}

/// `inspect`'s answer: the classification from the bytes at hand, and the ranges still wanted
/// (only ever with `Classification::Binary`, never past the end of the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub classification: Classification,
    pub wants: Vec<Want>,
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
            if let Some(needs) = &e.version_needs {
                write!(f, " version_needs=[")?;
                for (i, n) in needs.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}:{:?}", n.library, n.versions)?;
                    if !n.weak.is_empty() {
                        write!(f, "+weak{:?}", n.weak)?;
                    }
                }
                write!(f, "]")?;
            }
            if let Some(defs) = &e.version_defs {
                write!(f, " version_defs={defs:?}")?;
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
