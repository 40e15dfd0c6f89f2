//! ELF headers → facts: class, byte order, machine, type, flags and the program headers, which
//! sit at the front of every ordinary ELF file and must be in the head (a table past it asks for
//! more bytes). Facts that live further in — the PT_INTERP string, PT_DYNAMIC and the strings it
//! names, GNU property notes, `.ARM.attributes` — are read from whatever pieces the caller holds;
//! each one not at hand becomes a wanted range and the fact stays unknown until it comes (see
//! docs/native.md). Every offset and count is checked against the file size: a range past the end
//! of the file is a lie, never a request.
#![forbid(unsafe_code)]

pub mod arm;
pub mod arm_attributes;
pub mod complete;
pub mod dynamic;
pub mod machine;
pub mod notes;

use crate::bytes::{Endian, Reader};
use crate::classify::{Facts, Format, Kind, Want};
use crate::error::{Fail, ParseError};
use dynamic::Load;
use machine::{ArmEvidence, EM_ARM, EM_X86_64};
use notes::Note;

const ET_REL: u16 = 1;
const ET_EXEC: u16 = 2;
const ET_DYN: u16 = 3;
const ET_CORE: u16 = 4;

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_NOTE: u32 = 4;
const PT_GNU_PROPERTY: u32 = 0x6474_e553;

/// e_phnum's escape value: the real count is in section header 0's sh_info.
const PN_XNUM: u16 = 0xffff;

/// The kernel refuses an interpreter path outside 2..=PATH_MAX bytes (fs/binfmt_elf.c).
const INTERP_MIN: u64 = 2;
const INTERP_MAX: u64 = 4096;

/// The kernel refuses a program header table over 64 KiB (load_elf_phdrs), so no request for
/// more bytes ever covers more than that past e_phoff.
const PHDR_TABLE_MAX: u64 = 65536;

/// Most one wanted range may cover (a dynamic section, a note segment, a section header table,
/// `.ARM.attributes`): real ones are a few KiB; a larger one leaves its fact unknown.
pub const WANT_MAX: u64 = 65536;

/// At most this many notes segments are read (real files have 2–4).
const NOTES_MAX: usize = 16;

fn bad(what: &'static str, offset: u64) -> Fail {
    Fail::Bad(ParseError::new(what, offset))
}

/// The fields of the file header this parser uses.
pub struct Header {
    pub wide: bool,
    pub e_type: u16,
    pub e_machine: u16,
    pub e_flags: u32,
    pub phoff: u64,
    pub phentsize: u16,
    pub phnum: u16,
    pub shoff: u64,
    pub shentsize: u16,
    pub shnum: u16,
}

/// What the program headers say, before any segment's contents are read.
#[derive(Default)]
struct Segments {
    /// (offset of the program header, p_offset, p_filesz) of the first PT_INTERP.
    interp: Option<(u64, u64, u64)>,
    dynamic: Option<(u64, u64)>,
    notes: Vec<Note>,
    loads: Vec<Load>,
    /// Smallest p_align of the PT_LOAD segments.
    load_align: Option<u64>,
}

/// Parses what `r` holds; ranges that would complete the facts are appended to `wants`.
pub fn parse(r: &Reader<'_>, wants: &mut Vec<Want>) -> Result<Facts, Fail> {
    let ident = r.bytes(0, 16, "ELF identification is truncated")?;
    let wide = match ident[4] {
        1 => false,
        2 => true,
        _ => return Err(bad("invalid ELF class (EI_CLASS)", 4)),
    };
    let endian = match ident[5] {
        1 => Endian::Little,
        2 => Endian::Big,
        _ => return Err(bad("invalid ELF byte order (EI_DATA)", 5)),
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
        elf: Some(crate::classify::ElfExtra {
            needed: dynamic.needed,
            soname: dynamic.soname,
            rpath: dynamic.rpath,
            runpath: dynamic.runpath,
            load_align: seg.load_align,
            isa_level,
            arm_arch,
        }),
    })
}

fn header(r: &Reader<'_>, wide: bool) -> Result<Header, Fail> {
    const W: &str = "ELF header is truncated";
    r.bytes(0, if wide { 64 } else { 52 }, W)?;
    let e_type = r.u16(16, W)?;
    let e_machine = r.u16(18, W)?;
    Ok(if wide {
        Header {
            wide,
            e_type,
            e_machine,
            phoff: r.u64(32, W)?,
            shoff: r.u64(40, W)?,
            e_flags: r.u32(48, W)?,
            phentsize: r.u16(54, W)?,
            phnum: r.u16(56, W)?,
            shentsize: r.u16(58, W)?,
            shnum: r.u16(60, W)?,
        }
    } else {
        Header {
            wide,
            e_type,
            e_machine,
            phoff: u64::from(r.u32(28, W)?),
            shoff: u64::from(r.u32(32, W)?),
            e_flags: r.u32(36, W)?,
            phentsize: r.u16(42, W)?,
            phnum: r.u16(44, W)?,
            shentsize: r.u16(46, W)?,
            shnum: r.u16(48, W)?,
        }
    })
}

/// The section header table usually sits at the very end of the file, so a file cut short
/// (a partial download, a truncated layer) shows here first. No bytes are read.
fn check_section_table(r: &Reader<'_>, h: &Header) -> Result<(), Fail> {
    if h.shoff == 0 {
        return Ok(());
    }
    // shnum 0 with a table present means the real count is in entry 0: at least that one exists.
    let count = u64::from(h.shnum.max(1));
    let size = count * u64::from(h.shentsize);
    r.check_in_file(h.shoff, size, "section header table lies past the end of the file")?;
    Ok(())
}

/// Scans the program headers: every PT_LOAD must lie inside the file; the first PT_INTERP (the
/// one the kernel uses), PT_DYNAMIC and the note segments are noted for later reads.
fn segments(r: &Reader<'_>, h: &Header) -> Result<Segments, Fail> {
    let mut seg = Segments::default();
    let phnum = program_header_count(r, h)?;
    if phnum == 0 {
        return Ok(seg);
    }
    // Both the kernel and ld.so insist on the exact entry size.
    let (entsize, entsize_at) = if h.wide { (56, 54) } else { (32, 42) };
    if u64::from(h.phentsize) != entsize {
        return Err(bad("program header entry size is wrong for the ELF class", entsize_at));
    }
    // phnum <= u32::MAX: the product fits in u64.
    let table = phnum * entsize;
    if table > PHDR_TABLE_MAX {
        return Err(bad("program header table is larger than 64 KiB", h.phoff));
    }
    r.bytes(h.phoff, table, "program header table lies past the end of the file")?;

    const W: &str = "program header is truncated";
    for i in 0..phnum {
        let at = h.phoff + i * entsize;
        let p_type = r.u32(at, W)?;
        let (p_offset, p_vaddr, p_filesz, p_align) = if h.wide {
            (r.u64(at + 8, W)?, r.u64(at + 16, W)?, r.u64(at + 32, W)?, r.u64(at + 48, W)?)
        } else {
            let w = |o| r.u32(at + o, W).map(u64::from);
            (w(4)?, w(8)?, w(16)?, w(28)?)
        };
        match p_type {
            PT_LOAD => {
                r.check_in_file(p_offset, p_filesz, "loadable segment lies past the end of the file")?;
                seg.loads.push(Load { vaddr: p_vaddr, offset: p_offset, filesz: p_filesz });
                seg.load_align = Some(seg.load_align.map_or(p_align, |a| a.min(p_align)));
            }
            PT_INTERP if seg.interp.is_none() => seg.interp = Some((at, p_offset, p_filesz)),
            PT_DYNAMIC if seg.dynamic.is_none() => seg.dynamic = Some((p_offset, p_filesz)),
            PT_NOTE | PT_GNU_PROPERTY if seg.notes.len() < NOTES_MAX => {
                seg.notes.push(Note { offset: p_offset, size: p_filesz, align: p_align })
            }
            _ => {}
        }
    }
    Ok(seg)
}

/// The PT_INTERP path, checked as the kernel checks it; None (and a want) while its bytes are not
/// at hand. glibc's libc.so.6 keeps it in .rodata, 1.4–1.7 MB into the file.
fn interpreter(
    r: &Reader<'_>,
    (at, off, size): (u64, u64, u64),
    wants: &mut Vec<Want>,
) -> Result<Option<String>, Fail> {
    if !(INTERP_MIN..=INTERP_MAX).contains(&size) {
        return Err(bad("interpreter path (PT_INTERP) is not between 2 and 4096 bytes long", at));
    }
    let Some(bytes) = r.optional(off, size, "interpreter path (PT_INTERP) lies past the end of the file")? else {
        wants.push(Want { offset: off, length: size });
        return Ok(None);
    };
    let Some((&0, path)) = bytes.split_last() else {
        return Err(bad("interpreter path (PT_INTERP) is not NUL-terminated", off));
    };
    let path = path.split(|&b| b == 0).next().unwrap_or(path);
    if path.is_empty() {
        return Err(bad("interpreter path (PT_INTERP) is empty", off));
    }
    Ok(Some(String::from_utf8_lossy(path).into_owned()))
}

fn program_header_count(r: &Reader<'_>, h: &Header) -> Result<u64, Fail> {
    if h.phnum != PN_XNUM {
        return Ok(u64::from(h.phnum));
    }
    let (shentsize, sh_info_at) = if h.wide { (64, 44) } else { (40, 28) };
    if h.shoff == 0 || u64::from(h.shentsize) != shentsize {
        return Err(bad("extended program header count (PN_XNUM) without section header 0", 0));
    }
    let real = r.u32(h.shoff + sh_info_at, "section header 0 lies past the end of the file")?;
    Ok(u64::from(real))
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
    use super::*;
    use crate::formats::elf::arm::FloatAbi;
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
        let piece = [crate::bytes::Piece { offset: 120, bytes: &b[120..131] }];
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
        assert_eq!(parse_head(&b, b.len() as u64), Err(bad("invalid ELF class (EI_CLASS)", 4)));
        b[4] = 2;
        b[5] = 0;
        assert_eq!(parse_head(&b, b.len() as u64), Err(bad("invalid ELF byte order (EI_DATA)", 5)));
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
