//! GNU property notes → the x86-64 ISA level a binary needs (spec §3: only
//! GNU_PROPERTY_X86_ISA_1_NEEDED counts; a binary without it has no level). The note segments sit
//! right after the program headers in every linker's output, so they are almost always in the
//! head; when not, they are wanted like any other range.

use crate::bytes::Reader;
use crate::common::Want;

const NT_GNU_PROPERTY_TYPE_0: u32 = 5;
const GNU_PROPERTY_X86_ISA_1_NEEDED: u32 = 0xc000_8002;

/// A PT_NOTE or PT_GNU_PROPERTY segment.
#[derive(Clone, Copy, Debug)]
pub struct Note {
    pub offset: u64,
    pub size: u64,
    pub align: u64,
}

/// The highest x86-64 level (1–4) named by an ISA_1_NEEDED property in any note segment; None
/// when there is none, or when a note segment is not at hand yet (then it is wanted).
pub fn x86_isa_level(r: &Reader<'_>, wide: bool, notes: &[Note], wants: &mut Vec<Want>) -> Option<u8> {
    let mut level = None;
    let mut pending = false;
    for n in notes {
        if n.size > Want::MAX {
            continue;
        }
        match r.optional(n.offset, n.size, "note segment lies past the end of the file") {
            Ok(Some(b)) => {
                let found = isa_needed(r, b, n.align, wide);
                level = level.max(found);
            }
            Ok(None) => {
                wants.push(Want { offset: n.offset, length: n.size });
                pending = true;
            }
            Err(_) => {}
        }
    }
    // A level from some segments while another is missing could be too low: wait for all.
    if pending {
        None
    } else {
        level
    }
}

fn align_up(v: u64, a: u64) -> Option<u64> {
    v.checked_add(a - 1).map(|x| x & !(a - 1))
}

/// Walks the notes of one segment; `align` is the segment's (4 or 8; anything else reads as 4).
fn isa_needed(r: &Reader<'_>, b: &[u8], align: u64, wide: bool) -> Option<u8> {
    let note_align = if align == 8 { 8 } else { 4 };
    let d = Reader::new(b, b.len() as u64, r.endian());
    const W: &str = "note is truncated";
    let len = b.len() as u64;
    let mut at = 0u64;
    let mut level = None;
    while at + 12 <= len {
        let namesz = u64::from(d.u32(at, W).ok()?);
        let descsz = u64::from(d.u32(at + 4, W).ok()?);
        let ntype = d.u32(at + 8, W).ok()?;
        let name_at = at + 12;
        let desc_at = align_up(name_at.checked_add(namesz)?, note_align)?;
        let next = align_up(desc_at.checked_add(descsz)?, note_align)?;
        if desc_at.checked_add(descsz)? > len {
            return level;
        }
        let name = d.bytes(name_at, namesz, W).ok()?;
        if ntype == NT_GNU_PROPERTY_TYPE_0 && name == b"GNU\0" {
            let desc = d.bytes(desc_at, descsz, W).ok()?;
            level = level.max(properties(&d, desc_at, desc.len() as u64, wide));
        }
        at = next;
    }
    level
}

/// The property array of one NT_GNU_PROPERTY_TYPE_0 note (pr_type, pr_datasz, data padded to the
/// class's word size).
fn properties(d: &Reader<'_>, start: u64, len: u64, wide: bool) -> Option<u8> {
    const W: &str = "property is truncated";
    let word = if wide { 8 } else { 4 };
    let end = start + len;
    let mut at = start;
    while at + 8 <= end {
        let pr_type = d.u32(at, W).ok()?;
        let size = u64::from(d.u32(at + 4, W).ok()?);
        let data = at + 8;
        if data.checked_add(size)? > end {
            return None;
        }
        if pr_type == GNU_PROPERTY_X86_ISA_1_NEEDED && size >= 4 {
            let bits = d.u32(data, W).ok()?;
            // Bit n set means x86-64-v(n+1) instructions are used: the level is the highest one.
            return (bits != 0).then(|| (32 - bits.leading_zeros()).min(4) as u8);
        }
        at = align_up(data + size, word)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::Endian;

    /// One 64-bit GNU property note with ISA_1_NEEDED = `bits`.
    fn note(bits: u32) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&4u32.to_le_bytes());
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&NT_GNU_PROPERTY_TYPE_0.to_le_bytes());
        b.extend_from_slice(b"GNU\0");
        b.extend_from_slice(&GNU_PROPERTY_X86_ISA_1_NEEDED.to_le_bytes());
        b.extend_from_slice(&4u32.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        b
    }

    #[test]
    fn the_highest_needed_bit_is_the_level() {
        for (bits, want) in [(0b1, Some(1)), (0b101, Some(3)), (0b1111, Some(4)), (0, None), (0x80, Some(4))] {
            let b = note(bits);
            let r = Reader::new(&b, b.len() as u64, Endian::Little);
            let notes = [Note { offset: 0, size: b.len() as u64, align: 8 }];
            assert_eq!(x86_isa_level(&r, true, &notes, &mut Vec::new()), want, "bits {bits:#b}");
        }
    }

    #[test]
    fn a_note_segment_past_the_head_is_wanted_and_the_level_waits_for_it() {
        let b = note(0b101);
        let r = Reader::new(&b[..8], 4096, Endian::Little);
        let notes = [Note { offset: 0, size: 32, align: 8 }];
        let mut wants = Vec::new();
        assert_eq!(x86_isa_level(&r, true, &notes, &mut wants), None);
        assert_eq!(wants, vec![Want { offset: 0, length: 32 }]);
    }

    #[test]
    fn hostile_sizes_end_the_walk() {
        let mut b = note(0b101);
        b[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let r = Reader::new(&b, b.len() as u64, Endian::Little);
        let notes = [Note { offset: 0, size: b.len() as u64, align: 8 }];
        assert_eq!(x86_isa_level(&r, true, &notes, &mut Vec::new()), None);
        let mut b = note(0b101);
        b[20..24].copy_from_slice(&u32::MAX.to_le_bytes());
        let r = Reader::new(&b, b.len() as u64, Endian::Little);
        assert_eq!(x86_isa_level(&r, true, &notes, &mut Vec::new()), None);
    }
}
