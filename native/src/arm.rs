//! 32-bit ARM's float ABI, which the CPU number does not tell: armhf and armel binaries are both
//! EM_ARM. Spec §3's fallback chain lives here in one function so that later evidence
//! (`.ARM.attributes` Tag_ABI_VFP_args, read from section headers near the end of the file) slots
//! in without touching the ELF parser: e_flags (EABI 5 only) → attributes → interpreter name →
//! unknown. "unknown" is never a finding: Go's static ARM binaries carry e_flags 0x5000002.
//! The platform variant (v5/v6/v7) has the same seam: Tag_CPU_arch when known, else the float
//! ABI as the head-only approximation (hard → v7, soft → v5 as Debian builds them).
#![forbid(unsafe_code)]

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

const EF_ARM_EABIMASK_SHIFT: u32 = 24;
const EF_ARM_ABI_FLOAT_SOFT: u32 = 0x200;
const EF_ARM_ABI_FLOAT_HARD: u32 = 0x400;

/// The EABI version in the top byte of e_flags (0 for old-ABI / GNU binaries).
pub fn eabi_version(e_flags: u32) -> u8 {
    (e_flags >> EF_ARM_EABIMASK_SHIFT) as u8
}

/// What e_flags alone says. Before EABI 5 the 0x200 / 0x400 bits meant other things, so only
/// version 5 is trusted.
pub fn float_abi_from_flags(e_flags: u32) -> FloatAbi {
    if eabi_version(e_flags) != 5 {
        return FloatAbi::Unknown;
    }
    if e_flags & EF_ARM_ABI_FLOAT_HARD != 0 {
        FloatAbi::Hard
    } else if e_flags & EF_ARM_ABI_FLOAT_SOFT != 0 {
        FloatAbi::Soft
    } else {
        FloatAbi::Unknown
    }
}

/// What the dynamic loader's name says: glibc and musl both name the hard-float loader apart.
pub fn float_abi_from_interpreter(interpreter: &str) -> FloatAbi {
    let base = interpreter.rsplit('/').next().unwrap_or(interpreter);
    match base {
        "ld-linux-armhf.so.3" | "ld-musl-armhf.so.1" | "ld-musl-armebhf.so.1" => FloatAbi::Hard,
        "ld-linux.so.3" | "ld-musl-arm.so.1" | "ld-musl-armeb.so.1" => FloatAbi::Soft,
        _ => FloatAbi::Unknown,
    }
}

/// Spec §3's chain. `vfp_args` is Tag_ABI_VFP_args from `.ARM.attributes` when a caller has
/// read it (the head-only classifier passes None).
pub fn float_abi(e_flags: u32, vfp_args: Option<FloatAbi>, interpreter: Option<&str>) -> FloatAbi {
    let known = |f: FloatAbi| (f != FloatAbi::Unknown).then_some(f);
    known(float_abi_from_flags(e_flags))
        .or_else(|| vfp_args.and_then(known))
        .or_else(|| interpreter.map(float_abi_from_interpreter).and_then(known))
        .unwrap_or(FloatAbi::Unknown)
}

/// The "arm/vN" platform arch for little-endian 32-bit ARM. `cpu_arch` is `.ARM.attributes`
/// Tag_CPU_arch when a caller has read it; without it the float ABI stands in, and an unknown
/// float ABI gives plain "arm" (no variant claimed).
pub fn platform_arch(float: FloatAbi, cpu_arch: Option<u8>) -> &'static str {
    match cpu_arch {
        // pre-v4 .. v5TEJ
        Some(0..=5) => "arm/v5",
        // v6, v6KZ, v6T2, v6K, v6-M, v6S-M
        Some(6..=9 | 11 | 12) => "arm/v6",
        // v7, v7E-M, and v8+ running AArch32 code: all arm/v7 userland
        Some(_) => "arm/v7",
        None => match float {
            FloatAbi::Hard => "arm/v7",
            FloatAbi::Soft => "arm/v5",
            FloatAbi::Unknown => "arm",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eabi5_float_bits_decide() {
        assert_eq!(float_abi(0x0500_0400, None, None), FloatAbi::Hard);
        assert_eq!(float_abi(0x0500_0200, None, None), FloatAbi::Soft);
        assert_eq!(eabi_version(0x0500_0400), 5);
    }

    #[test]
    fn variants_from_tag_cpu_arch_else_from_the_float_abi() {
        assert_eq!(platform_arch(FloatAbi::Hard, None), "arm/v7");
        assert_eq!(platform_arch(FloatAbi::Soft, None), "arm/v5");
        assert_eq!(platform_arch(FloatAbi::Unknown, None), "arm");
        assert_eq!(platform_arch(FloatAbi::Hard, Some(6)), "arm/v6");
        assert_eq!(platform_arch(FloatAbi::Unknown, Some(4)), "arm/v5");
        assert_eq!(platform_arch(FloatAbi::Hard, Some(10)), "arm/v7");
        assert_eq!(platform_arch(FloatAbi::Hard, Some(14)), "arm/v7");
    }

    #[test]
    fn go_static_arm_binaries_are_unknown() {
        assert_eq!(float_abi(0x0500_0002, None, None), FloatAbi::Unknown);
    }

    #[test]
    fn float_bits_before_eabi5_are_not_trusted() {
        assert_eq!(float_abi(0x0400_0400, None, None), FloatAbi::Unknown);
        assert_eq!(float_abi(0x0000_0200, None, None), FloatAbi::Unknown);
    }

    #[test]
    fn attributes_then_interpreter_fill_in_when_flags_are_silent() {
        assert_eq!(float_abi(0x0500_0002, Some(FloatAbi::Hard), Some("/lib/ld-linux.so.3")), FloatAbi::Hard);
        assert_eq!(float_abi(0x0500_0002, None, Some("/lib/ld-linux-armhf.so.3")), FloatAbi::Hard);
        assert_eq!(float_abi(0x0500_0002, None, Some("/lib/ld-linux.so.3")), FloatAbi::Soft);
        assert_eq!(float_abi(0x0500_0002, None, Some("/lib/ld-musl-armhf.so.1")), FloatAbi::Hard);
        assert_eq!(float_abi(0x0500_0002, Some(FloatAbi::Unknown), Some("/x/ld.so")), FloatAbi::Unknown);
        // e_flags win over a contradicting loader name.
        assert_eq!(float_abi(0x0500_0200, None, Some("/lib/ld-linux-armhf.so.3")), FloatAbi::Soft);
    }
}
