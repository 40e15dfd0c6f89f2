//! `.ARM.attributes` → Tag_CPU_arch (which arm variant the code needs) and Tag_ABI_VFP_args
//! (the float ABI when e_flags do not say). The section is found through the section header
//! table, which linkers put at the very end of the file with `.ARM.attributes` just before it —
//! so in a stream both arrive last, from the kept tail window (docs/native.md).

use super::header::Header;
use crate::bytes::Reader;
use crate::common::FloatAbi;
use crate::common::Want;

const SHT_ARM_ATTRIBUTES: u32 = 0x7000_0003;
const SHENTSIZE_32: u16 = 40;

const TAG_FILE: u64 = 1;
const TAG_CPU_RAW_NAME: u64 = 4;
const TAG_CPU_NAME: u64 = 5;
const TAG_CPU_ARCH: u64 = 6;
const TAG_ABI_VFP_ARGS: u64 = 28;
const TAG_COMPATIBILITY: u64 = 32;

/// None means absent or unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArmAttributes {
    pub cpu_arch: Option<u8>,
    pub vfp_args: Option<FloatAbi>,
}

pub fn read(r: &Reader<'_>, h: &Header, wants: &mut Vec<Want>) -> ArmAttributes {
    let none = ArmAttributes::default();
    if h.shoff == 0 || h.shentsize != SHENTSIZE_32 || h.shnum == 0 {
        return none;
    }
    let table = u64::from(h.shnum) * u64::from(SHENTSIZE_32);
    if table > Want::MAX {
        return none;
    }
    let shdrs = match r.optional(h.shoff, table, "section header table lies past the end of the file") {
        Ok(Some(b)) => b,
        Ok(None) => {
            wants.push(Want { offset: h.shoff, length: table });
            return none;
        }
        Err(_) => return none,
    };
    let s = Reader::new(shdrs, table, r.endian());
    const W: &str = "section header is truncated";
    for i in 0..u64::from(h.shnum) {
        let at = i * u64::from(SHENTSIZE_32);
        if s.u32(at + 4, W).ok() != Some(SHT_ARM_ATTRIBUTES) {
            continue;
        }
        let (Ok(off), Ok(size)) = (s.u32(at + 16, W), s.u32(at + 20, W)) else { return none };
        let (off, size) = (u64::from(off), u64::from(size));
        if size > Want::MAX {
            return none;
        }
        return match r.optional(off, size, ".ARM.attributes lies past the end of the file") {
            Ok(Some(b)) => parse(b),
            Ok(None) => {
                wants.push(Want { offset: off, length: size });
                none
            }
            Err(_) => none,
        };
    }
    none
}

/// The "aeabi" File-scope attributes of a section ('A', then vendor subsections).
pub fn parse(b: &[u8]) -> ArmAttributes {
    let mut out = ArmAttributes::default();
    if b.first() != Some(&b'A') {
        return out;
    }
    let mut at = 1usize;
    while at + 4 <= b.len() {
        let len = u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
        if len < 4 || len > b.len() - at {
            return out;
        }
        let sub = &b[at + 4..at + len];
        at += len;
        let Some(nul) = sub.iter().position(|&c| c == 0) else { return out };
        if &sub[..nul] != b"aeabi" {
            continue;
        }
        file_attributes(&sub[nul + 1..], &mut out);
    }
    out
}

/// Sub-subsections: tag (ULEB128), u32 size (counting tag and size), attributes.
fn file_attributes(mut b: &[u8], out: &mut ArmAttributes) {
    while !b.is_empty() {
        let Some((tag, n)) = uleb(b) else { return };
        let Some(size) = b.get(n..n + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize) else { return };
        if size < n + 4 || size > b.len() {
            return;
        }
        if tag == TAG_FILE {
            attributes(&b[n + 4..size], out);
        }
        b = &b[size..];
    }
}

fn attributes(mut b: &[u8], out: &mut ArmAttributes) {
    while !b.is_empty() {
        let Some((tag, n)) = uleb(b) else { return };
        b = &b[n..];
        // Tags 4 and 5 and odd tags above 32 hold NUL-terminated strings; Tag_compatibility a
        // number then a string; every other tag a ULEB128 (ARM IHI 0045, "Attribute syntax").
        let string = matches!(tag, TAG_CPU_RAW_NAME | TAG_CPU_NAME) || (tag > TAG_COMPATIBILITY && tag % 2 == 1);
        if tag == TAG_COMPATIBILITY {
            let Some((_, n)) = uleb(b) else { return };
            b = &b[n..];
        }
        if string || tag == TAG_COMPATIBILITY {
            let Some(nul) = b.iter().position(|&c| c == 0) else { return };
            b = &b[nul + 1..];
            continue;
        }
        let Some((value, n)) = uleb(b) else { return };
        b = &b[n..];
        match tag {
            TAG_CPU_ARCH => out.cpu_arch = u8::try_from(value).ok(),
            TAG_ABI_VFP_ARGS => {
                out.vfp_args = Some(match value {
                    0 => FloatAbi::Soft,
                    1 => FloatAbi::Hard,
                    // 2: toolchain-specific; 3: no float arguments at all (compatible with both).
                    _ => FloatAbi::Unknown,
                })
            }
            _ => {}
        }
    }
}

/// ULEB128 of at most 10 bytes: the value and how many bytes it took.
fn uleb(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `arm-linux-gnueabihf-gcc -march=armv7-a` writes, trimmed: CPU name, arch, VFP args.
    fn section(cpu_arch: u8, vfp: Option<u8>) -> Vec<u8> {
        let mut attrs = vec![5];
        attrs.extend_from_slice(b"7-A\0");
        attrs.extend_from_slice(&[6, cpu_arch, 7, b'A', 8, 1, 9, 2]);
        attrs.extend_from_slice(&[32, 1]); // Tag_compatibility: flag, then a string
        attrs.extend_from_slice(b"gnu\0");
        if let Some(v) = vfp {
            attrs.extend_from_slice(&[28, v]);
        }
        attrs.extend_from_slice(&[67]); // Tag_conformance (string)
        attrs.extend_from_slice(b"2.09\0");
        let mut file = vec![1];
        file.extend_from_slice(&((attrs.len() + 5) as u32).to_le_bytes());
        file.extend_from_slice(&attrs);
        let mut sub = b"aeabi\0".to_vec();
        sub.extend_from_slice(&file);
        let mut out = vec![b'A'];
        out.extend_from_slice(&((sub.len() + 4) as u32).to_le_bytes());
        out.extend_from_slice(&sub);
        out
    }

    #[test]
    fn cpu_arch_and_vfp_args() {
        assert_eq!(parse(&section(10, Some(1))), ArmAttributes { cpu_arch: Some(10), vfp_args: Some(FloatAbi::Hard) });
        assert_eq!(parse(&section(6, None)), ArmAttributes { cpu_arch: Some(6), vfp_args: None });
        assert_eq!(parse(&section(4, Some(0))).vfp_args, Some(FloatAbi::Soft));
        assert_eq!(parse(&section(14, Some(3))).vfp_args, Some(FloatAbi::Unknown));
    }

    #[test]
    fn every_truncation_and_a_foreign_vendor_are_harmless() {
        let s = section(10, Some(1));
        for n in 0..s.len() {
            let _ = parse(&s[..n]);
        }
        let mut other = s.clone();
        other[5..10].copy_from_slice(b"gnuxx");
        assert_eq!(parse(&other), ArmAttributes::default());
        assert_eq!(parse(b"B"), ArmAttributes::default());
        assert_eq!(uleb(&[0x80; 12]), None);
    }
}
