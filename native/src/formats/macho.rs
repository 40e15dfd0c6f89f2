//! Mach-O headers → facts, for thin files and for every slice of a fat (universal) file. macOS
//! binaries in a Linux image are foreign whatever their CPU, so this reads only what names them:
//! the header's cputype and filetype, or the fat architecture table.

use std::borrow::Cow;

use crate::bytes::Reader;
use crate::common::{Endian, Facts, Format, Kind};
use crate::error::Fail;

const CPU_ARCH_ABI64: u32 = 0x0100_0000;
const CPU_ARCH_ABI64_32: u32 = 0x0200_0000;

/// A fat file lists 1–19 architectures (see formats/sniff.rs for why the bound matters).
const FAT_MAX_ARCHS: u32 = 19;

struct Cpu {
    cputype: u32,
    /// The platform arch after "macho/".
    arch: &'static str,
    name: &'static str,
    endian: Endian,
}

const fn cpu(cputype: u32, arch: &'static str, name: &'static str, endian: Endian) -> Cpu {
    Cpu { cputype, arch, name, endian }
}

#[rustfmt::skip]
static CPUS: &[Cpu] = &[
    cpu(6, "m68k", "Motorola 68000", Endian::Big),
    cpu(7, "386", "Intel 80386", Endian::Little),
    cpu(7 | CPU_ARCH_ABI64, "amd64", "x86-64", Endian::Little),
    cpu(11, "hppa", "HPPA", Endian::Big),
    cpu(12, "arm", "ARM", Endian::Little),
    cpu(12 | CPU_ARCH_ABI64, "arm64", "ARM64", Endian::Little),
    cpu(12 | CPU_ARCH_ABI64_32, "arm64_32", "ARM64_32", Endian::Little),
    cpu(13, "m88k", "Motorola 88000", Endian::Big),
    cpu(14, "sparc", "SPARC", Endian::Big),
    cpu(15, "i860", "Intel i860", Endian::Big),
    cpu(18, "ppc", "PowerPC", Endian::Big),
    cpu(18 | CPU_ARCH_ABI64, "ppc64", "PowerPC64", Endian::Big),
];

fn cpu_names(cputype: u32) -> (Cow<'static, str>, Cow<'static, str>) {
    match CPUS.iter().find(|c| c.cputype == cputype) {
        Some(c) => (Cow::Borrowed(c.arch), Cow::Borrowed(c.name)),
        None => (Cow::Owned(format!("cpu{cputype}")), Cow::Owned(format!("unknown Mach-O CPU {cputype}"))),
    }
}

fn kind(filetype: u32) -> Kind {
    match filetype {
        1 => Kind::Relocatable,                        // MH_OBJECT
        2 | 5 => Kind::Executable,                     // MH_EXECUTE, MH_PRELOAD
        4 => Kind::Core,                               // MH_CORE
        3 | 6 | 7 | 8 | 9 | 11 => Kind::SharedLibrary, // fvmlib, dylib, dyld, bundle (.node), stub, kext
        _ => Kind::Other,
    }
}

fn facts(cputype: u32, cpusubtype: u32, bits: u8, endian: Endian, kind: Kind) -> Facts {
    let (arch, name) = cpu_names(cputype);
    Facts {
        format: Format::MachO,
        machine: cputype,
        cpu: name,
        bits,
        endian,
        kind,
        osabi: 0,
        flags: cpusubtype,
        eabi: None,
        float_abi: None,
        interpreter: None,
        platform: format!("macho/{arch}"),
        slices: Vec::new(),
        elf: None,
    }
}

pub fn parse_thin(head: &[u8], file_size: u64, wide: bool, endian: Endian) -> Result<Facts, Fail> {
    let r = Reader::new(head, file_size, endian);
    const W: &str = "Mach-O header is truncated";
    let size = if wide { 32 } else { 28 };
    r.bytes(0, size, W)?;
    let cputype = r.u32(4, W)?;
    let cpusubtype = r.u32(8, W)?;
    let filetype = r.u32(12, W)?;
    let ncmds = r.u32(16, W)?;
    let sizeofcmds = r.u32(20, W)?;
    r.check_in_file(size, u64::from(sizeofcmds), "load commands lie past the end of the file")?;
    // Each load command is at least 8 bytes (cmd, cmdsize).
    if u64::from(ncmds) * 8 > u64::from(sizeofcmds) {
        return Err(Fail::bad("more load commands than their total size can hold", 16));
    }
    Ok(facts(cputype, cpusubtype, if wide { 64 } else { 32 }, endian, kind(filetype)))
}

/// A fat file's slices are described from its architecture table: cputype gives the platform,
/// bits and byte order. A slice's kind needs its own header, at the slice's offset — often
/// megabytes in — so it is read only when it lies inside the head and is "other" otherwise
/// (never a reason to ask for more bytes: holding half a file to name a foreign file's type is
/// not worth it). The fat file's own kind is its slices' kind when they all agree.
pub fn parse_fat(head: &[u8], file_size: u64, wide: bool) -> Result<Facts, Fail> {
    let r = Reader::new(head, file_size, Endian::Big);
    let nfat = r.u32(4, "fat Mach-O header is truncated")?;
    if nfat == 0 || nfat > FAT_MAX_ARCHS {
        return Err(Fail::bad("fat Mach-O architecture count is not between 1 and 19", 4));
    }
    let entsize: u64 = if wide { 32 } else { 20 };
    let count = u64::from(nfat);
    r.bytes(8, count * entsize, "fat Mach-O architecture table lies past the end of the file")?;
    const W: &str = "fat Mach-O architecture table is truncated";
    let mut slices = Vec::with_capacity(nfat as usize);
    for i in 0..count {
        let at = 8 + i * entsize;
        let cputype = r.u32(at, W)?;
        let cpusubtype = r.u32(at + 4, W)?;
        let (offset, size) = if wide {
            (r.u64(at + 8, W)?, r.u64(at + 16, W)?)
        } else {
            (u64::from(r.u32(at + 8, W)?), u64::from(r.u32(at + 12, W)?))
        };
        r.check_in_file(offset, size, "Mach-O slice lies past the end of the file")?;
        let bits = if cputype & CPU_ARCH_ABI64 != 0 { 64 } else { 32 };
        let endian = CPUS.iter().find(|c| c.cputype == cputype).map_or(Endian::Little, |c| c.endian);
        let kind = slice_kind(head, offset, cputype);
        slices.push(facts(cputype, cpusubtype, bits, endian, kind));
    }
    let (bits, endian) = slices.first().map_or((32, Endian::Big), |s| (s.bits, s.endian));
    let kind = match slices.split_first() {
        Some((first, rest)) if rest.iter().all(|s| s.kind == first.kind) => first.kind,
        _ => Kind::Other,
    };
    Ok(Facts {
        format: Format::MachO,
        machine: 0,
        cpu: Cow::Borrowed("universal"),
        bits,
        endian,
        kind,
        osabi: 0,
        flags: 0,
        eabi: None,
        float_abi: None,
        interpreter: None,
        platform: "macho/universal".to_owned(),
        slices,
        elf: None,
    })
}

/// The filetype of the thin Mach-O at `offset`, if its header is in `head` and names the CPU the
/// architecture table promised.
fn slice_kind(head: &[u8], offset: u64, cputype: u32) -> Kind {
    let r = Reader::new(head, head.len() as u64, Endian::Little);
    let Ok(magic) = r.bytes(offset, 4, "") else { return Kind::Other };
    let endian = match magic {
        [0xce | 0xcf, 0xfa, 0xed, 0xfe] => Endian::Little,
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] => Endian::Big,
        _ => return Kind::Other,
    };
    let r = r.with_endian(endian);
    match (r.u32(offset + 4, ""), r.u32(offset + 12, "")) {
        (Ok(c), Ok(filetype)) if c == cputype => kind(filetype),
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Writer;

    fn thin(wide: bool, endian: Endian, cputype: u32, filetype: u32) -> Vec<u8> {
        let mut w = Writer::new(endian);
        w.u32(0, if wide { 0xfeed_facf } else { 0xfeed_face });
        w.u32(4, cputype);
        w.u32(8, 3);
        w.u32(12, filetype);
        w.u32(16, 1);
        w.u32(20, 16);
        w.bytes(if wide { 32 } else { 28 }, &[0; 16]);
        w.buf
    }

    #[test]
    fn thin_files_by_cpu_and_type() {
        let b = thin(true, Endian::Little, 12 | CPU_ARCH_ABI64, 8);
        let f = parse_thin(&b, b.len() as u64, true, Endian::Little).unwrap();
        assert_eq!((f.platform.as_str(), f.kind, f.bits), ("macho/arm64", Kind::SharedLibrary, 64));
        let b = thin(true, Endian::Little, 7 | CPU_ARCH_ABI64, 2);
        let f = parse_thin(&b, b.len() as u64, true, Endian::Little).unwrap();
        assert_eq!((f.platform.as_str(), f.kind, &*f.cpu), ("macho/amd64", Kind::Executable, "x86-64"));
        let b = thin(false, Endian::Big, 18, 1);
        let f = parse_thin(&b, b.len() as u64, false, Endian::Big).unwrap();
        assert_eq!((f.platform.as_str(), f.kind, f.endian), ("macho/ppc", Kind::Relocatable, Endian::Big));
    }

    #[test]
    fn load_commands_past_the_end_are_unreadable() {
        let mut b = thin(true, Endian::Little, 7 | CPU_ARCH_ABI64, 2);
        b[20..24].copy_from_slice(&1000u32.to_le_bytes());
        assert!(matches!(parse_thin(&b, b.len() as u64, true, Endian::Little), Err(Fail::Bad(_))));
    }

    fn fat(archs: &[(u32, u32, u32)], file_len: usize) -> Vec<u8> {
        let mut w = Writer::new(Endian::Big);
        w.u32(0, 0xcafe_babe);
        w.u32(4, archs.len() as u32);
        for (i, &(cputype, offset, size)) in archs.iter().enumerate() {
            let at = 8 + i * 20;
            w.u32(at, cputype);
            w.u32(at + 4, 0);
            w.u32(at + 8, offset);
            w.u32(at + 12, size);
            w.u32(at + 16, 14);
        }
        w.bytes(file_len - 1, &[0]);
        w.buf
    }

    /// Puts a thin 64-bit little-endian header at `at`.
    fn put_slice(b: &mut [u8], at: usize, cputype: u32, filetype: u32) {
        b[at..at + 4].copy_from_slice(&0xfeed_facf_u32.to_le_bytes());
        b[at + 4..at + 8].copy_from_slice(&cputype.to_le_bytes());
        b[at + 12..at + 16].copy_from_slice(&filetype.to_le_bytes());
    }

    #[test]
    fn slice_kinds_are_read_when_their_headers_are_in_the_head() {
        let mut b = fat(&[(7 | CPU_ARCH_ABI64, 0x1000, 0x100), (12 | CPU_ARCH_ABI64, 0x4000, 0x100)], 0x4100);
        put_slice(&mut b, 0x1000, 7 | CPU_ARCH_ABI64, 8);
        put_slice(&mut b, 0x4000, 12 | CPU_ARCH_ABI64, 8);
        let whole = parse_fat(&b, b.len() as u64, false).unwrap();
        assert_eq!(whole.kind, Kind::SharedLibrary);
        assert!(whole.slices.iter().all(|s| s.kind == Kind::SharedLibrary));
        let part = parse_fat(&b[..0x2000], b.len() as u64, false).unwrap();
        assert_eq!(
            (part.slices[0].kind, part.slices[1].kind, part.kind),
            (Kind::SharedLibrary, Kind::Other, Kind::Other)
        );
        // A slice whose header names another CPU than the table is not trusted.
        put_slice(&mut b, 0x4000, 18, 2);
        assert_eq!(parse_fat(&b, b.len() as u64, false).unwrap().slices[1].kind, Kind::Other);
    }

    #[test]
    fn every_slice_of_a_universal_binary() {
        let b = fat(&[(7 | CPU_ARCH_ABI64, 0x4000, 0x100), (12 | CPU_ARCH_ABI64, 0x8000, 0x100)], 0x8100);
        let f = parse_fat(&b[..4096], b.len() as u64, false).unwrap();
        assert_eq!(f.platform, "macho/universal");
        assert_eq!(f.machine, 0);
        let plats: Vec<_> = f.slices.iter().map(|s| s.platform.as_str()).collect();
        assert_eq!(plats, ["macho/amd64", "macho/arm64"]);
    }

    #[test]
    fn a_slice_past_the_end_is_unreadable() {
        let b = fat(&[(7 | CPU_ARCH_ABI64, 0x4000, 0x100)], 0x4080);
        assert!(matches!(parse_fat(&b, b.len() as u64, false), Err(Fail::Bad(e)) if e.what.contains("slice")));
    }
}
