//! ELF headers → facts: class, byte order, machine, type, flags and the program headers, which
//! sit at the front of every ordinary ELF file and must be in the head (a table past it asks for
//! more bytes). Facts that live further in — the PT_INTERP string, PT_DYNAMIC and the strings it
//! names, GNU property notes, `.ARM.attributes` — are read from whatever pieces the caller holds;
//! each one not at hand becomes a wanted range and the fact stays unknown until it comes (see
//! docs/native.md). Every offset and count is checked against the file size: a range past the end
//! of the file is a lie, never a request.

pub mod arm;
pub mod arm_attributes;
pub mod complete;
pub mod dynamic;
pub mod header;
pub mod machine;
pub mod notes;
pub mod segments;
pub mod versions;

use crate::bytes::Reader;
use crate::common::{Classification, ElfExtra, Endian, Facts, Format, Inspection, Kind, Piece, Want};
use crate::error::Fail;
use header::{check_section_table, header};
use machine::{ArmEvidence, EM_ARM, EM_X86_64};
use segments::{interpreter, segments, Segments};

const ET_REL: u16 = 1;
const ET_EXEC: u16 = 2;
const ET_DYN: u16 = 3;
const ET_CORE: u16 = 4;

/// An ELF file's answer from its head and pieces: its classification, and the ranges that would
/// complete its facts — merged, sorted, each inside the file, and none unless it is a binary.
pub fn inspect(head: &[u8], more: &[Piece<'_>], file_size: u64) -> Inspection {
    let mut wants = Vec::new();
    let r = Reader::with_pieces(head, more, file_size, Endian::Little);
    let classification = Classification::settle(Format::Elf, parse(&r, &mut wants));
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

/// Parses what `r` holds; ranges that would complete the facts are appended to `wants`.
pub fn parse(r: &Reader<'_>, wants: &mut Vec<Want>) -> Result<Facts, Fail> {
    let ident = r.bytes(0, 16, "ELF identification is truncated")?;
    let wide = match ident[4] {
        1 => false,
        2 => true,
        _ => return Err(Fail::bad("invalid ELF class (EI_CLASS)", 4)),
    };
    let endian = match ident[5] {
        1 => Endian::Little,
        2 => Endian::Big,
        _ => return Err(Fail::bad("invalid ELF byte order (EI_DATA)", 5)),
    };
    let osabi = ident[7];
    let r = r.with_endian(endian);
    let h = header(&r, wide)?;
    check_section_table(&r, &h)?;
    // A core file's segments are memory, never an interpreter; its tables can be huge.
    let seg = if h.e_type == ET_CORE { Segments::default() } else { segments(&r, &h)? };
    let has_interp = seg.interp.is_some();
    let interpreter = match seg.interp {
        Some(at) => interpreter(&r, at, wants)?,
        None => None,
    };

    let kind = match h.e_type {
        ET_REL => Kind::Relocatable,
        ET_EXEC => Kind::Executable,
        ET_DYN if has_interp => Kind::Executable,
        ET_DYN => Kind::SharedLibrary,
        ET_CORE => Kind::Core,
        _ => Kind::Other,
    };
    let dynamic = match h.e_type {
        ET_EXEC | ET_DYN => dynamic::read(&r, wide, seg.dynamic, &seg.loads, wants),
        _ => dynamic::Dynamic::default(),
    };
    let isa_level =
        if h.e_machine == EM_X86_64 && wide { notes::x86_isa_level(&r, wide, &seg.notes, wants) } else { None };
    let bits = if wide { 64 } else { 32 };
    let (eabi, float_abi, arm_arch) = if h.e_machine == EM_ARM {
        let attrs = arm_attributes::read(&r, &h, wants);
        let fa = arm::float_abi(h.e_flags, attrs.vfp_args, interpreter.as_deref());
        (Some(arm::eabi_version(h.e_flags)), Some(fa), attrs.cpu_arch)
    } else {
        (None, None, None)
    };
    let (short, cpu) = machine::names(h.e_machine);
    let arm = ArmEvidence { float: float_abi, cpu_arch: arm_arch };
    let platform = match machine::platform_arch(h.e_machine, bits, endian, h.e_flags, arm) {
        Some(arch) => format!("{}/{arch}", os_name(osabi)),
        None => format!("elf/{short}"),
    };
    Ok(Facts {
        format: Format::Elf,
        machine: u32::from(h.e_machine),
        cpu,
        bits,
        endian,
        kind,
        osabi,
        flags: h.e_flags,
        eabi,
        float_abi,
        interpreter,
        platform,
        slices: Vec::new(),
        elf: Some(ElfExtra {
            needed: dynamic.needed,
            soname: dynamic.soname,
            rpath: dynamic.rpath,
            runpath: dynamic.runpath,
            load_align: seg.load_align,
            isa_level,
            arm_arch,
            version_needs: dynamic.version_needs,
            version_defs: dynamic.version_defs,
        }),
    })
}

/// EI_OSABI → the OS part of the platform. 0 (System V) is what Linux toolchains write; values
/// from 64 up are processor-specific (ARM EABI, AMDGPU HSA…) and say nothing about the OS.
fn os_name(osabi: u8) -> &'static str {
    match osabi {
        1 => "hpux",
        2 => "netbsd",
        4 => "hurd",
        6 => "solaris",
        7 => "aix",
        8 => "irix",
        9 => "freebsd",
        10 => "tru64",
        11 => "modesto",
        12 => "openbsd",
        13 => "openvms",
        14 => "nsk",
        15 => "aros",
        16 => "fenixos",
        17 => "cloudabi",
        18 => "openvos",
        _ => "linux",
    }
}

#[cfg(test)]
mod tests {
    use super::header::PN_XNUM;
    use super::*;
    use crate::common::FloatAbi;
    use crate::testutil::ElfBuilder;

    /// The head-only parse, as classify() does it.
    fn parse_head(b: &[u8], size: u64) -> Result<Facts, Fail> {
        parse(&Reader::new(b, size, Endian::Little), &mut Vec::new())
    }

    fn ok(b: &[u8]) -> Facts {
        match parse_head(b, b.len() as u64) {
            Ok(f) => f,
            Err(e) => panic!("{e:?}"),
        }
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
    fn an_amd64_executable_with_its_interpreter() {
        let f = ok(&ElfBuilder::new(64, Endian::Little, 62).et(3).interp("/lib64/ld-linux-x86-64.so.2").build());
        assert_eq!(f.platform, "linux/amd64");
        assert_eq!(f.kind, Kind::Executable);
        assert_eq!(f.interpreter.as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
        assert_eq!((f.bits, f.endian, f.machine), (64, Endian::Little, 62));
        assert_eq!(f.eabi, None);
        assert_eq!(f.float_abi, None);
    }

    #[test]
    fn et_dyn_without_interpreter_is_a_shared_library() {
        let f = ok(&ElfBuilder::new(64, Endian::Little, 183).et(3).build());
        assert_eq!((f.kind, f.platform.as_str()), (Kind::SharedLibrary, "linux/arm64"));
        let f = ok(&ElfBuilder::new(64, Endian::Big, 22).et(1).build());
        assert_eq!((f.kind, f.platform.as_str()), (Kind::Relocatable, "linux/s390x"));
        let f = ok(&ElfBuilder::new(64, Endian::Big, 21).et(4).build());
        assert_eq!((f.kind, f.platform.as_str()), (Kind::Core, "linux/ppc64"));
    }

    #[test]
    fn x32_and_freebsd() {
        let f = ok(&ElfBuilder::new(32, Endian::Little, 62).et(2).build());
        assert_eq!(f.platform, "linux/x32");
        let f = ok(&ElfBuilder::new(64, Endian::Little, 62).osabi(9).et(2).build());
        assert_eq!(f.platform, "freebsd/amd64");
        let f = ok(&ElfBuilder::new(64, Endian::Little, 62).osabi(3).et(2).build());
        assert_eq!(f.platform, "linux/amd64");
    }

    #[test]
    fn machines_without_an_oci_platform() {
        assert_eq!(ok(&ElfBuilder::new(64, Endian::Little, 247).et(1).build()).platform, "elf/bpf");
        assert_eq!(ok(&ElfBuilder::new(64, Endian::Little, 224).osabi(64).et(3).build()).platform, "elf/amdgpu");
        assert_eq!(ok(&ElfBuilder::new(64, Endian::Big, 43).et(2).build()).platform, "elf/sparcv9");
        let f = ok(&ElfBuilder::new(64, Endian::Little, 9999).et(2).build());
        assert_eq!((f.platform.as_str(), &*f.cpu), ("elf/em9999", "unknown machine 9999"));
    }

    #[test]
    fn arm_float_abi_from_e_flags_and_from_the_interpreter() {
        let hard = ok(&ElfBuilder::new(32, Endian::Little, 40).flags(0x0500_0400).et(2).build());
        assert_eq!(
            (hard.float_abi, hard.eabi, hard.platform.as_str()),
            (Some(FloatAbi::Hard), Some(5), "linux/arm/v7")
        );
        let soft = ok(&ElfBuilder::new(32, Endian::Little, 40).flags(0x0500_0200).et(2).build());
        assert_eq!((soft.float_abi, soft.platform.as_str()), (Some(FloatAbi::Soft), "linux/arm/v5"));
        let go = ok(&ElfBuilder::new(32, Endian::Little, 40).flags(0x0500_0002).et(2).build());
        assert_eq!((go.float_abi, go.platform.as_str()), (Some(FloatAbi::Unknown), "linux/arm"));
        let by_loader = ok(&ElfBuilder::new(32, Endian::Little, 40)
            .flags(0x0500_0002)
            .et(3)
            .interp("/lib/ld-linux-armhf.so.3")
            .build());
        assert_eq!((by_loader.float_abi, by_loader.platform.as_str()), (Some(FloatAbi::Hard), "linux/arm/v7"));
    }

    #[test]
    fn program_headers_past_the_head_ask_for_exactly_the_table_and_the_interpreter_is_wanted() {
        let b = ElfBuilder::new(64, Endian::Little, 62).et(3).interp("/lib/ld.so").build();
        // One program header (PT_INTERP) of 56 bytes at 64, then the 11-byte path.
        assert_eq!(parse_head(&b[..100], b.len() as u64), Err(Fail::NeedMore(64 + 56)));
        let mut wants = Vec::new();
        let head = parse(&Reader::new(&b[..(64 + 56)], b.len() as u64, Endian::Little), &mut wants).unwrap();
        // What the program headers tell is known at once; the path is wanted.
        assert_eq!((head.kind, head.interpreter.as_deref()), (Kind::Executable, None));
        assert_eq!(wants, vec![Want { offset: 120, length: 11 }]);
        let piece = [Piece { offset: 120, bytes: &b[120..131] }];
        let mut wants = Vec::new();
        let done = parse(&Reader::with_pieces(&b[..64], &piece, b.len() as u64, Endian::Little), &mut wants);
        assert_eq!(done, Err(Fail::NeedMore(120)), "the table itself must be in the head");
        let r = Reader::with_pieces(&b[..(64 + 56)], &piece, b.len() as u64, Endian::Little);
        assert_eq!(parse(&r, &mut wants).unwrap().interpreter.as_deref(), Some("/lib/ld.so"));
        assert!(wants.is_empty());
    }

    #[test]
    fn a_file_shorter_than_its_headers_is_unreadable() {
        let b = ElfBuilder::new(64, Endian::Little, 62).et(3).interp("/lib/ld.so").build();
        let cut = &b[..100];
        assert!(matches!(parse_head(cut, 100), Err(Fail::Bad(e)) if e.what.starts_with("program header table")));
        assert!(matches!(parse_head(&b[..40], 40), Err(Fail::Bad(e)) if e.what == "ELF header is truncated"));
    }

    #[test]
    fn malformed_identification() {
        let mut b = ElfBuilder::new(64, Endian::Little, 62).et(2).build();
        b[4] = 3;
        assert_eq!(parse_head(&b, b.len() as u64), Err(Fail::bad("invalid ELF class (EI_CLASS)", 4)));
        b[4] = 2;
        b[5] = 0;
        assert_eq!(parse_head(&b, b.len() as u64), Err(Fail::bad("invalid ELF byte order (EI_DATA)", 5)));
    }

    #[test]
    fn interpreter_rules_follow_the_kernel() {
        let mut b = ElfBuilder::new(64, Endian::Little, 62).et(3).interp("/lib/ld.so").build();
        let n = b.len();
        b[n - 1] = b'x';
        assert!(matches!(parse_head(&b, n as u64), Err(Fail::Bad(e)) if e.what.contains("NUL-terminated")));
        let b = ElfBuilder::new(64, Endian::Little, 62).et(3).interp("").build();
        assert!(matches!(parse_head(&b, b.len() as u64), Err(Fail::Bad(e)) if e.what.contains("between 2 and 4096")));
    }

    #[test]
    fn a_load_segment_past_the_end_means_truncated() {
        let b = ElfBuilder::new(64, Endian::Little, 62).et(2).load(0, 1 << 20).build();
        assert!(matches!(parse_head(&b, b.len() as u64), Err(Fail::Bad(e)) if e.what.starts_with("loadable segment")));
    }

    #[test]
    fn pn_xnum_reads_the_count_from_section_zero() {
        let b = ElfBuilder::new(64, Endian::Little, 62).et(2).phnum_override(PN_XNUM).build();
        // No section header table: unreadable, not a panic and not a huge loop.
        assert!(matches!(parse_head(&b, b.len() as u64), Err(Fail::Bad(_))));
    }
}
