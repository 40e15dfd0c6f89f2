//! The program headers: every PT_LOAD must lie inside the file; the first PT_INTERP (the one the
//! kernel uses), PT_DYNAMIC and the note segments are noted for the readers that follow them.
//! The table sits at the front of every ordinary file and must be in the head (a table past it
//! asks for more bytes); the interpreter string may lie anywhere and is wanted when not at hand.

use super::dynamic::Load;
use super::header::{program_header_count, Header};
use super::notes::Note;
use crate::bytes::Reader;
use crate::common::Want;
use crate::error::Fail;

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_NOTE: u32 = 4;
const PT_GNU_PROPERTY: u32 = 0x6474_e553;

/// The kernel refuses an interpreter path outside 2..=PATH_MAX bytes (fs/binfmt_elf.c).
const INTERP_MIN: u64 = 2;
const INTERP_MAX: u64 = 4096;

/// The kernel refuses a program header table over 64 KiB (load_elf_phdrs), so no request for
/// more bytes ever covers more than that past e_phoff.
const PHDR_TABLE_MAX: u64 = 65536;

/// At most this many notes segments are read (real files have 2–4).
const NOTES_MAX: usize = 16;

/// What the program headers say, before any segment's contents are read.
#[derive(Default)]
pub struct Segments {
    /// (offset of the program header, p_offset, p_filesz) of the first PT_INTERP.
    pub interp: Option<(u64, u64, u64)>,
    pub dynamic: Option<(u64, u64)>,
    pub notes: Vec<Note>,
    pub loads: Vec<Load>,
    /// Smallest p_align of the PT_LOAD segments.
    pub load_align: Option<u64>,
}

/// Scans the program headers (`h.e_type` is not ET_CORE: a core file's segments are memory).
pub fn segments(r: &Reader<'_>, h: &Header) -> Result<Segments, Fail> {
    let mut seg = Segments::default();
    let phnum = program_header_count(r, h)?;
    if phnum == 0 {
        return Ok(seg);
    }
    // Both the kernel and ld.so insist on the exact entry size.
    let (entsize, entsize_at) = if h.wide { (56, 54) } else { (32, 42) };
    if u64::from(h.phentsize) != entsize {
        return Err(Fail::bad("program header entry size is wrong for the ELF class", entsize_at));
    }
    // phnum <= u32::MAX: the product fits in u64.
    let table = phnum * entsize;
    if table > PHDR_TABLE_MAX {
        return Err(Fail::bad("program header table is larger than 64 KiB", h.phoff));
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
pub fn interpreter(
    r: &Reader<'_>,
    (at, off, size): (u64, u64, u64),
    wants: &mut Vec<Want>,
) -> Result<Option<String>, Fail> {
    if !(INTERP_MIN..=INTERP_MAX).contains(&size) {
        return Err(Fail::bad("interpreter path (PT_INTERP) is not between 2 and 4096 bytes long", at));
    }
    let Some(bytes) = r.optional(off, size, "interpreter path (PT_INTERP) lies past the end of the file")? else {
        wants.push(Want { offset: off, length: size });
        return Ok(None);
    };
    let Some((&0, path)) = bytes.split_last() else {
        return Err(Fail::bad("interpreter path (PT_INTERP) is not NUL-terminated", off));
    };
    let path = path.split(|&b| b == 0).next().unwrap_or(path);
    if path.is_empty() {
        return Err(Fail::bad("interpreter path (PT_INTERP) is empty", off));
    }
    Ok(Some(String::from_utf8_lossy(path).into_owned()))
}
