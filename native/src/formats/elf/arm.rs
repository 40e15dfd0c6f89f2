//! 32-bit ARM's float ABI, which the CPU number does not tell: armhf and armel binaries are both
//! EM_ARM. Spec §3's fallback chain lives here in one function so that later evidence
//! (`.ARM.attributes` Tag_ABI_VFP_args, read from section headers near the end of the file) slots
//! in without touching the ELF parser: e_flags (EABI 5 only) → attributes → interpreter name →
//! unknown. "unknown" is never a finding: Go's static ARM binaries carry e_flags 0x5000002.
//! The platform variant (v5/v6/v7) has the same seam: Tag_CPU_arch when known, else the float
//! ABI as the head-only approximation (hard → v7, soft → v5 as Debian builds them).

use crate::common::FloatAbi;

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
/// Tag_CPU_arch when it was read; it is graded as src/platform.ts's judge() grades it (the one
/// table in docs/platforms.md): v6T2 (8) needs v7 — Thumb-2 and movw/movt, which ARM1176 lacks —
/// and ARMv8-A and later A-profile (14, 18–20, 22) need arm/v8. M- and R-profile values and
/// values past 22 name no Linux variant and count as absent. Without a usable Tag_CPU_arch the
/// float ABI stands in (hard → v7, soft → v5, as Debian builds them), and an unknown float ABI
/// gives plain "arm" (no variant claimed).
pub fn platform_arch(float: FloatAbi, cpu_arch: Option<u8>) -> &'static str {
    match cpu_arch {
        // pre-v4 .. v5TEJ
        Some(0..=5) => "arm/v5",
        // v6, v6KZ, v6K
        Some(6 | 7 | 9) => "arm/v6",
        // v6T2, v7
        Some(8 | 10) => "arm/v7",
        // v8-A, v8.1-A .. v8.3-A, v9-A
        Some(14 | 18..=20 | 22) => "arm/v8",
        _ => match float {
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
    }

    /// The same grading as src/platform.ts TAG_CPU_ARCH (docs/platforms.md): each value, the
    /// variant it needs, or the float-ABI fallback where the value names no Linux variant.
    #[test]
    fn tag_cpu_arch_agrees_with_judge() {
        let table: [(u8, &str); 24] = [
            (0, "arm/v5"),
            (1, "arm/v5"),
            (2, "arm/v5"),
            (3, "arm/v5"),
            (4, "arm/v5"),
            (5, "arm/v5"),
            (6, "arm/v6"),
            (7, "arm/v6"),
            (8, "arm/v7"),
            (9, "arm/v6"),
            (10, "arm/v7"),
            (11, "fallback"),
            (12, "fallback"),
            (13, "fallback"),
            (14, "arm/v8"),
            (15, "fallback"),
            (16, "fallback"),
            (17, "fallback"),
            (18, "arm/v8"),
            (19, "arm/v8"),
            (20, "arm/v8"),
            (21, "fallback"),
            (22, "arm/v8"),
            (23, "fallback"),
        ];
        for (tag, want) in table {
            for float in [FloatAbi::Hard, FloatAbi::Soft, FloatAbi::Unknown] {
                let want = if want == "fallback" { platform_arch(float, None) } else { want };
                assert_eq!(platform_arch(float, Some(tag)), want, "Tag_CPU_arch {tag}, {float:?}");
            }
        }
        assert_eq!(platform_arch(FloatAbi::Hard, Some(255)), "arm/v7");
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
