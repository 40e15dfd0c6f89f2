//! PE (Windows) headers → facts. `MZ` alone proves nothing — DOS programs and plenty of text
//! start with it — so a file is PE only when e_lfanew points at a `PE\0\0` signature; anything
//! else is "not a binary", not "unreadable".

use std::borrow::Cow;

use crate::bytes::Reader;
use crate::common::{Endian, Facts, Format, Kind};
use crate::error::Fail;

/// Real DOS stubs are a few hundred bytes. A larger e_lfanew is taken as "not a PE file", so
/// that a text file starting with "MZ" never makes the caller buffer megabytes to find out.
const E_LFANEW_MAX: u64 = 1 << 20;

const IMAGE_FILE_EXECUTABLE_IMAGE: u16 = 0x0002;
const IMAGE_FILE_DLL: u16 = 0x2000;

/// COFF Machine → (platform arch after "pe/", CPU name, 64-bit).
#[rustfmt::skip]
static MACHINES: &[(u16, &str, &str, bool)] = &[
    (0x014c, "386", "Intel 80386", false),
    (0x0166, "mipsle", "MIPS R4000", false),
    (0x0184, "alpha", "Alpha", false),
    (0x01c0, "arm", "ARM", false),
    (0x01c2, "arm", "ARM Thumb", false),
    (0x01c4, "arm", "ARM Thumb-2", false),
    (0x01f0, "ppc", "PowerPC", false),
    (0x0200, "ia64", "Intel IA-64", true),
    (0x0ebc, "ebc", "EFI byte code", false),
    (0x5032, "riscv32", "RISC-V 32", false),
    (0x5064, "riscv64", "RISC-V 64", true),
    (0x6232, "loong32", "LoongArch32", false),
    (0x6264, "loong64", "LoongArch64", true),
    (0x8664, "amd64", "x86-64", true),
    (0xa641, "arm64", "ARM64EC", true),
    (0xa64e, "arm64", "ARM64X", true),
    (0xaa64, "arm64", "ARM64", true),
];

/// Ok(None): not a PE file at all.
pub fn parse(head: &[u8], file_size: u64) -> Result<Option<Facts>, Fail> {
    let r = Reader::new(head, file_size, Endian::Little);
    if r.file_size() < 0x40 {
        return Ok(None);
    }
    let pe = u64::from(r.u32(0x3c, "DOS header is truncated")?);
    // Signature (4) + COFF file header (20).
    if pe > E_LFANEW_MAX || r.check_in_file(pe, 24, "").is_err() {
        return Ok(None);
    }
    const W: &str = "COFF header is truncated";
    if &r.bytes(pe, 24, W)?[..4] != b"PE\0\0" {
        return Ok(None);
    }
    let machine = r.u16(pe + 4, W)?;
    let opt_size = r.u16(pe + 20, W)?;
    let characteristics = r.u16(pe + 22, W)?;
    let opt = pe + 24;
    r.check_in_file(opt, u64::from(opt_size), "optional header lies past the end of the file")?;

    let known = MACHINES.iter().find(|m| m.0 == machine);
    let bits = if opt_size >= 2 {
        match r.u16(opt, "optional header is truncated")? {
            0x10b => 32,
            0x20b => 64,
            _ => return Err(Fail::bad("unknown optional header magic", opt)),
        }
    } else if known.is_some_and(|m| m.3) {
        64
    } else {
        32
    };
    let (arch, cpu) = match known {
        Some(&(_, arch, cpu, _)) => (Cow::Borrowed(arch), Cow::Borrowed(cpu)),
        None => {
            (Cow::Owned(format!("machine{machine:#06x}")), Cow::Owned(format!("unknown PE machine {machine:#06x}")))
        }
    };
    let kind = if characteristics & IMAGE_FILE_DLL != 0 {
        Kind::SharedLibrary
    } else if characteristics & IMAGE_FILE_EXECUTABLE_IMAGE != 0 {
        Kind::Executable
    } else {
        Kind::Other
    };
    Ok(Some(Facts {
        format: Format::Pe,
        machine: u32::from(machine),
        cpu,
        bits,
        endian: Endian::Little,
        kind,
        osabi: 0,
        flags: u32::from(characteristics),
        eabi: None,
        float_abi: None,
        interpreter: None,
        platform: format!("pe/{arch}"),
        slices: Vec::new(),
        elf: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Writer;

    fn pe(machine: u16, magic: u16, characteristics: u16) -> Vec<u8> {
        let mut w = Writer::new(Endian::Little);
        w.bytes(0, b"MZ");
        w.u32(0x3c, 0x80);
        w.bytes(0x80, b"PE\0\0");
        w.u16(0x84, machine);
        w.u16(0x94, 240);
        w.u16(0x96, characteristics);
        w.u16(0x98, magic);
        w.bytes(0x98 + 239, &[0]);
        w.buf
    }

    #[test]
    fn executables_and_dlls() {
        let b = pe(0x8664, 0x20b, 0x0022);
        let f = parse(&b, b.len() as u64).unwrap().unwrap();
        assert_eq!((f.platform.as_str(), f.bits, f.kind), ("pe/amd64", 64, Kind::Executable));
        let b = pe(0x014c, 0x10b, 0x2102);
        let f = parse(&b, b.len() as u64).unwrap().unwrap();
        assert_eq!((f.platform.as_str(), f.bits, f.kind), ("pe/386", 32, Kind::SharedLibrary));
        let b = pe(0xaa64, 0x20b, 0x0022);
        assert_eq!(parse(&b, b.len() as u64).unwrap().unwrap().platform, "pe/arm64");
        let b = pe(0x01c4, 0x10b, 0x0022);
        assert_eq!(parse(&b, b.len() as u64).unwrap().unwrap().platform, "pe/arm");
    }

    #[test]
    fn mz_without_pe_is_not_a_binary() {
        let mut b = b"MZ is how this README starts, and it goes on for a while longer than 64 bytes.".to_vec();
        assert_eq!(parse(&b, b.len() as u64), Ok(None));
        b.truncate(10);
        assert_eq!(parse(&b, 10), Ok(None));
        let mut dos = pe(0x14c, 0x10b, 2);
        dos[0x80..0x84].copy_from_slice(b"NE\0\0");
        assert_eq!(parse(&dos, dos.len() as u64), Ok(None));
    }

    #[test]
    fn a_pe_header_past_the_head_asks_for_it() {
        let b = pe(0x8664, 0x20b, 0x0022);
        assert_eq!(parse(&b[..0x40], b.len() as u64), Err(Fail::NeedMore(0x98)));
        assert_eq!(parse(&b[..0x98], b.len() as u64), Err(Fail::NeedMore(0x9a)));
    }

    #[test]
    fn bad_optional_header_magic_is_unreadable() {
        let b = pe(0x8664, 0x999, 0x0022);
        assert!(matches!(parse(&b, b.len() as u64), Err(Fail::Bad(_))));
    }
}
