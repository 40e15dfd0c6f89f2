//! The one table of ELF machines: e_machine value → short name, human CPU name, and the Linux
//! platform arch (spec §3) for each class/byte-order layout. Classification and the messages
//! built from it both read this table, so a CPU is named the same way everywhere.

use std::borrow::Cow;

use super::arm;
use crate::common::Endian;
use crate::common::FloatAbi;

pub const EM_386: u16 = 3;
pub const EM_MIPS: u16 = 8;
pub const EM_PPC64: u16 = 21;
pub const EM_S390: u16 = 22;
pub const EM_ARM: u16 = 40;
pub const EM_X86_64: u16 = 62;
pub const EM_AARCH64: u16 = 183;
pub const EM_RISCV: u16 = 243;
pub const EM_BPF: u16 = 247;
pub const EM_LOONGARCH: u16 = 258;

pub struct Machine {
    pub value: u16,
    /// Lower-case, no spaces; used in "elf/<short>" when there is no OCI platform.
    pub short: &'static str,
    /// What a person calls the CPU, for messages and `BinaryFacts.cpu`.
    pub cpu: &'static str,
    /// Linux platform arch by layout: [32-bit little, 32-bit big, 64-bit little, 64-bit big].
    pub linux: [Option<&'static str>; 4],
}

const fn m(value: u16, short: &'static str, cpu: &'static str) -> Machine {
    Machine { value, short, cpu, linux: [None; 4] }
}

const fn linux(value: u16, short: &'static str, cpu: &'static str, linux: [Option<&'static str>; 4]) -> Machine {
    Machine { value, short, cpu, linux }
}

/// Sorted by value (a test checks), searched by binary search.
#[rustfmt::skip]
pub static MACHINES: &[Machine] = &[
    m(0, "none", "no machine"),
    m(1, "m32", "AT&T WE 32100"),
    m(2, "sparc", "SPARC"),
    linux(EM_386, "i386", "Intel 80386", [Some("386"), None, None, None]),
    m(4, "m68k", "Motorola 68000"),
    m(5, "m88k", "Motorola 88000"),
    m(6, "iamcu", "Intel MCU"),
    m(7, "i860", "Intel 80860"),
    linux(EM_MIPS, "mips", "MIPS", [Some("mipsle"), Some("mips"), Some("mips64le"), Some("mips64")]),
    m(10, "mips-rs3-le", "MIPS R3000 little-endian"),
    m(15, "parisc", "HPPA"),
    m(18, "sparc32plus", "SPARC v8+"),
    linux(20, "ppc", "PowerPC", [None, Some("ppc"), None, None]),
    linux(EM_PPC64, "ppc64", "PowerPC64", [None, None, Some("ppc64le"), Some("ppc64")]),
    linux(EM_S390, "s390", "IBM S/390", [None, Some("s390"), None, Some("s390x")]),
    m(23, "spu", "Cell SPU"),
    linux(EM_ARM, "arm", "ARM", [Some("arm"), Some("armbe"), None, None]),
    m(41, "alpha", "Alpha"),
    m(42, "sh", "SuperH"),
    m(43, "sparcv9", "SPARC v9"),
    m(50, "ia64", "Intel IA-64"),
    linux(EM_X86_64, "x86_64", "x86-64", [Some("x32"), None, Some("amd64"), None]),
    m(75, "vax", "VAX"),
    m(83, "avr", "Atmel AVR"),
    m(87, "v850", "NEC v850"),
    m(88, "m32r", "Renesas M32R"),
    m(92, "openrisc", "OpenRISC"),
    m(93, "arc", "ARCompact"),
    m(94, "xtensa", "Xtensa"),
    m(95, "videocore", "VideoCore"),
    m(105, "msp430", "TI MSP430"),
    m(106, "blackfin", "Blackfin"),
    m(113, "nios2", "Altera Nios II"),
    m(137, "videocore3", "VideoCore III"),
    m(140, "c6000", "TI C6000 DSP"),
    m(164, "hexagon", "Qualcomm Hexagon"),
    m(167, "nds32", "Andes NDS32"),
    linux(EM_AARCH64, "aarch64", "AArch64", [None, None, Some("arm64"), Some("arm64be")]),
    m(188, "tilepro", "TILEPro"),
    m(189, "microblaze", "MicroBlaze"),
    m(190, "cuda", "NVIDIA CUDA"),
    m(191, "tilegx", "TILE-Gx"),
    m(195, "arcv2", "ARCv2"),
    m(205, "intelgt", "Intel Graphics Technology"),
    m(220, "z80", "Zilog Z80"),
    m(224, "amdgpu", "AMD GPU"),
    linux(EM_RISCV, "riscv", "RISC-V", [None, None, Some("riscv64"), None]),
    m(244, "lanai", "Lanai"),
    m(EM_BPF, "bpf", "BPF"),
    m(251, "ve", "NEC SX-Aurora VE"),
    m(252, "csky", "C-SKY"),
    linux(EM_LOONGARCH, "loongarch", "LoongArch", [None, None, Some("loong64"), None]),
    m(0x9026, "alpha", "Alpha"),
];

pub fn lookup(value: u16) -> Option<&'static Machine> {
    MACHINES.binary_search_by_key(&value, |m| m.value).ok().map(|i| &MACHINES[i])
}

/// Short name and CPU name, including machines the table does not know ("em1234").
pub fn names(value: u16) -> (Cow<'static, str>, Cow<'static, str>) {
    match lookup(value) {
        Some(m) => (Cow::Borrowed(m.short), Cow::Borrowed(m.cpu)),
        None => (Cow::Owned(format!("em{value}")), Cow::Owned(format!("unknown machine {value}"))),
    }
}

/// MIPS n32: 32-bit ELF for a 64-bit CPU (EF_MIPS_ABI2).
const EF_MIPS_ABI2: u32 = 0x20;

/// What decides 32-bit ARM's platform variant (see arm.rs): the float ABI, and Tag_CPU_arch once
/// something has read `.ARM.attributes`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArmEvidence {
    pub float: Option<FloatAbi>,
    pub cpu_arch: Option<u8>,
}

/// The Linux platform arch (with variant) for an ELF layout, or None when no OCI platform fits.
pub fn platform_arch(value: u16, bits: u8, endian: Endian, e_flags: u32, arm: ArmEvidence) -> Option<&'static str> {
    let machine = lookup(value)?;
    let slot = match (bits, endian) {
        (32, Endian::Little) => 0,
        (32, Endian::Big) => 1,
        (_, Endian::Little) => 2,
        (_, Endian::Big) => 3,
    };
    let arch = machine.linux[slot]?;
    Some(match (value, slot) {
        (EM_ARM, 0) => arm::platform_arch(arm.float.unwrap_or(FloatAbi::Unknown), arm.cpu_arch),
        (EM_MIPS, 0) if e_flags & EF_MIPS_ABI2 != 0 => "mips64p32le",
        (EM_MIPS, 1) if e_flags & EF_MIPS_ABI2 != 0 => "mips64p32",
        _ => arch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_has_no_duplicates() {
        for pair in MACHINES.windows(2) {
            assert!(pair[0].value < pair[1].value, "{} before {}", pair[0].value, pair[1].value);
        }
    }

    #[test]
    fn short_names_fit_in_a_platform_string() {
        for m in MACHINES {
            assert!(
                m.short.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'),
                "{}",
                m.short
            );
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn spec_section_3_table() {
        use Endian::{Big as B, Little as L};
        let cases: &[(u16, u8, Endian, u32, Option<FloatAbi>, Option<&str>)] = &[
            (EM_X86_64, 64, L, 0, None, Some("amd64")),
            (EM_X86_64, 32, L, 0, None, Some("x32")),
            (EM_386, 32, L, 0, None, Some("386")),
            (EM_AARCH64, 64, L, 0, None, Some("arm64")),
            (EM_AARCH64, 32, L, 0, None, None),
            (EM_ARM, 32, L, 0x0500_0400, Some(FloatAbi::Hard), Some("arm/v7")),
            (EM_ARM, 32, L, 0x0500_0200, Some(FloatAbi::Soft), Some("arm/v5")),
            (EM_ARM, 32, L, 0x0500_0002, Some(FloatAbi::Unknown), Some("arm")),
            (EM_PPC64, 64, L, 0, None, Some("ppc64le")),
            (EM_PPC64, 64, B, 0, None, Some("ppc64")),
            (EM_S390, 64, B, 0, None, Some("s390x")),
            (EM_RISCV, 64, L, 0, None, Some("riscv64")),
            (EM_MIPS, 64, L, 0, None, Some("mips64le")),
            (EM_MIPS, 64, B, 0, None, Some("mips64")),
            (EM_MIPS, 32, L, 0, None, Some("mipsle")),
            (EM_MIPS, 32, B, 0, None, Some("mips")),
            (EM_MIPS, 32, B, 0x20, None, Some("mips64p32")),
            (EM_LOONGARCH, 64, L, 0, None, Some("loong64")),
            (EM_BPF, 64, L, 0, None, None),
            (43, 64, B, 0, None, None),
            (4321, 64, L, 0, None, None),
        ];
        for &(value, bits, endian, flags, float, want) in cases {
            let arm = ArmEvidence { float, cpu_arch: None };
            assert_eq!(platform_arch(value, bits, endian, flags, arm), want, "e_machine {value} {bits} {endian:?}");
        }
    }

    #[test]
    fn unknown_machines_still_have_names() {
        assert_eq!(names(4321).0, "em4321");
        assert_eq!(names(EM_BPF).0, "bpf");
        assert_eq!(names(EM_X86_64).1, "x86-64");
    }
}
