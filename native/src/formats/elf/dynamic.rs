//! PT_DYNAMIC → what the loader will look for: DT_NEEDED names, DT_SONAME, DT_RPATH and
//! DT_RUNPATH, and the symbol versions of DT_VERNEED and DT_VERDEF (versions.rs). The dynamic
//! section usually sits late in the file and the string table it points into (.dynstr) early, so
//! both are read from pieces when they are at hand and asked for as ranges when they are not; a
//! list is given only whole — one name not at hand makes the list unknown, never shorter (a
//! shorter list would hide a missing library).

use crate::bytes::Reader;
use crate::common::{VersionNeed, Want};
use crate::formats::elf::versions;

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_STRSZ: u64 = 10;
const DT_SONAME: u64 = 14;
const DT_RPATH: u64 = 15;
const DT_RUNPATH: u64 = 29;
const DT_VERDEF: u64 = 0x6fff_fffc;
const DT_VERNEED: u64 = 0x6fff_fffe;

/// Longest string read for a name or a search path; longer ones leave their fact unknown.
const STRING_MAX: u64 = 4096;
/// More DT_NEEDED entries than this (real programs have a few dozen) leave the list unknown.
const NEEDED_MAX: usize = 1024;

/// A PT_LOAD segment, for turning DT_STRTAB's address into a file offset.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub vaddr: u64,
    pub offset: u64,
    pub filesz: u64,
}

impl Load {
    /// The file offset of address `addr` in the first segment that maps it, and how many of the
    /// segment's file bytes follow it.
    fn locate(loads: &[Load], addr: u64) -> Option<(u64, u64)> {
        let load = loads.iter().find(|l| addr >= l.vaddr && addr - l.vaddr < l.filesz)?;
        let into = addr - load.vaddr;
        Some((load.offset.checked_add(into)?, load.filesz - into))
    }
}

/// None means unknown: not read yet, not at hand, or not readable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dynamic {
    pub needed: Option<Vec<String>>,
    pub soname: Option<String>,
    pub rpath: Option<String>,
    pub runpath: Option<String>,
    /// DT_VERNEED per library; Some(empty) without the tag.
    pub version_needs: Option<Vec<VersionNeed>>,
    /// DT_VERDEF's version names; Some(empty) without the tag (the loader then checks nothing).
    pub version_defs: Option<Vec<String>>,
}

impl Dynamic {
    /// What a file without a dynamic section (or one naming nothing) needs and defines: nothing.
    fn nothing() -> Dynamic {
        Dynamic {
            needed: Some(Vec::new()),
            version_needs: Some(Vec::new()),
            version_defs: Some(Vec::new()),
            ..Dynamic::default()
        }
    }
}

/// A file with no PT_DYNAMIC needs nothing (static); one whose dynamic section is unreadable has
/// unknown needs.
pub fn read(r: &Reader<'_>, wide: bool, dynamic: Option<(u64, u64)>, loads: &[Load], wants: &mut Vec<Want>) -> Dynamic {
    let Some((off, size)) = dynamic else {
        return Dynamic::nothing();
    };
    if size > Want::MAX {
        return Dynamic::default();
    }
    let bytes = match r.optional(off, size, "dynamic section lies past the end of the file") {
        Ok(Some(b)) => b,
        Ok(None) => {
            wants.push(Want { offset: off, length: size });
            return Dynamic::default();
        }
        Err(_) => return Dynamic::default(),
    };
    let Some(tags) = entries(r, bytes, wide) else { return Dynamic::default() };
    let Some(strtab) = string_table(&tags, loads) else {
        // No string table: only a file that names no strings at all is understood.
        let names_nothing = tags.needed.is_empty()
            && [tags.soname, tags.rpath, tags.runpath, tags.verneed, tags.verdef].iter().all(Option::is_none);
        return if names_nothing { Dynamic::nothing() } else { Dynamic::default() };
    };
    let strings = Strings { r, table: strtab };
    let mut missing = Vec::new();
    let mut get = |at: u64| strings.get(at, &mut missing);
    let needed: Option<Vec<String>> = tags.needed.iter().map(|&at| get(at)).collect();
    let soname = tags.soname.and_then(&mut get);
    let rpath = tags.rpath.and_then(&mut get);
    let runpath = tags.runpath.and_then(&mut get);
    let version_needs = version_table(r, tags.verneed, loads, |r, t| versions::needs(r, t, &mut get, wants));
    let version_defs = version_table(r, tags.verdef, loads, |r, t| versions::definitions(r, t, &mut get, wants));
    ask_for(&strtab, &missing, wants);
    Dynamic { needed: needed.filter(|n| n.len() <= NEEDED_MAX), soname, rpath, runpath, version_needs, version_defs }
}

/// A version table by its address: Some(empty) without the tag, None when no segment maps it.
fn version_table<T>(
    r: &Reader<'_>,
    addr: Option<u64>,
    loads: &[Load],
    read: impl FnOnce(&Reader<'_>, versions::Table) -> Option<Vec<T>>,
) -> Option<Vec<T>> {
    let Some(addr) = addr else { return Some(Vec::new()) };
    let (offset, avail) = Load::locate(loads, addr)?;
    read(r, versions::Table { offset, avail })
}

/// The string-valued tags, as offsets into the string table.
#[derive(Default)]
struct Tags {
    needed: Vec<u64>,
    soname: Option<u64>,
    rpath: Option<u64>,
    runpath: Option<u64>,
    strtab: Option<u64>,
    strsz: Option<u64>,
    verneed: Option<u64>,
    verdef: Option<u64>,
}

fn entries(r: &Reader<'_>, bytes: &[u8], wide: bool) -> Option<Tags> {
    // Parse the section's own bytes with the file's byte order: a Reader over the slice.
    let d = Reader::new(bytes, bytes.len() as u64, r.endian());
    let ent = if wide { 16 } else { 8 };
    let mut t = Tags::default();
    let mut at = 0u64;
    const W: &str = "dynamic entry is truncated";
    while at + ent <= bytes.len() as u64 {
        let tag = d.word(at, wide, W).ok()?;
        let val = d.word(at + ent / 2, wide, W).ok()?;
        at += ent;
        match tag {
            DT_NULL => return Some(t),
            DT_NEEDED if t.needed.len() <= NEEDED_MAX => t.needed.push(val),
            DT_NEEDED => return None,
            DT_STRTAB => t.strtab = Some(val),
            DT_STRSZ => t.strsz = Some(val),
            DT_SONAME => t.soname = Some(val),
            DT_RPATH => t.rpath = Some(val),
            DT_RUNPATH => t.runpath = Some(val),
            DT_VERNEED => t.verneed = Some(val),
            DT_VERDEF => t.verdef = Some(val),
            _ => {}
        }
    }
    // No DT_NULL: the loader would read past the section; take what is there.
    Some(t)
}

/// Where .dynstr is in the file: DT_STRTAB is an address, found inside one PT_LOAD.
#[derive(Clone, Copy)]
struct Table {
    offset: u64,
    size: u64,
}

fn string_table(t: &Tags, loads: &[Load]) -> Option<Table> {
    let size = t.strsz?;
    let (offset, avail) = Load::locate(loads, t.strtab?)?;
    // The table must lie inside the segment's file bytes.
    (size <= avail).then_some(Table { offset, size })
}

struct Strings<'r, 'a> {
    r: &'r Reader<'a>,
    table: Table,
}

impl Strings<'_, '_> {
    /// The NUL-terminated string at `at` in the table; None when it is not at hand (its window is
    /// noted in `missing`) or is not a string.
    fn get(&self, at: u64, missing: &mut Vec<u64>) -> Option<String> {
        if at >= self.table.size {
            return None;
        }
        let window = (self.table.size - at).min(STRING_MAX);
        match self.r.optional(self.table.offset + at, window, "dynamic string lies past the end of the file") {
            Ok(Some(b)) => {
                let end = b.iter().position(|&c| c == 0)?;
                Some(String::from_utf8_lossy(&b[..end]).into_owned())
            }
            Ok(None) => {
                missing.push(at);
                None
            }
            Err(_) => None,
        }
    }
}

/// One range over every missing string when that is small, else one window per string.
fn ask_for(t: &Table, missing: &[u64], wants: &mut Vec<Want>) {
    let (Some(&lo), Some(&hi)) = (missing.iter().min(), missing.iter().max()) else { return };
    let end = t.size.min(hi + STRING_MAX);
    if end - lo <= Want::MAX {
        wants.push(Want { offset: t.offset + lo, length: end - lo });
        return;
    }
    let mut seen: Vec<u64> = missing.to_vec();
    seen.sort_unstable();
    seen.dedup();
    for at in seen {
        wants.push(Want { offset: t.offset + at, length: (t.size - at).min(STRING_MAX) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::{Endian, Piece};

    /// A 64-bit little-endian dynamic section and its string table at `str_at` (address = offset).
    fn image(entries: &[(u64, u64)], strings: &[u8], str_at: usize) -> Vec<u8> {
        let mut b = vec![0u8; (str_at + strings.len()).max(entries.len() * 16)];
        for (i, (tag, val)) in entries.iter().enumerate() {
            b[i * 16..i * 16 + 8].copy_from_slice(&tag.to_le_bytes());
            b[i * 16 + 8..i * 16 + 16].copy_from_slice(&val.to_le_bytes());
        }
        b[str_at..str_at + strings.len()].copy_from_slice(strings);
        b
    }

    const STR: &[u8] = b"\0libc.so.6\0libm.so.6\0$ORIGIN/../lib\0libx.so\0";

    fn entries_for(str_at: u64) -> Vec<(u64, u64)> {
        vec![
            (DT_NEEDED, 1),
            (DT_NEEDED, 11),
            (DT_STRTAB, str_at),
            (DT_STRSZ, STR.len() as u64),
            (DT_RUNPATH, 21),
            (DT_SONAME, 36),
            (DT_NULL, 0),
        ]
    }

    #[test]
    fn names_and_paths_from_a_whole_file() {
        let b = image(&entries_for(200), STR, 200);
        let loads = [Load { vaddr: 0, offset: 0, filesz: b.len() as u64 }];
        let r = Reader::new(&b, b.len() as u64, Endian::Little);
        let mut wants = Vec::new();
        let d = read(&r, true, Some((0, 112)), &loads, &mut wants);
        assert_eq!(d.needed, Some(vec!["libc.so.6".to_owned(), "libm.so.6".to_owned()]));
        assert_eq!(d.runpath.as_deref(), Some("$ORIGIN/../lib"));
        assert_eq!(d.soname.as_deref(), Some("libx.so"));
        assert_eq!(d.rpath, None);
        assert!(wants.is_empty());
    }

    #[test]
    fn a_dynamic_section_past_the_head_is_wanted_then_its_strings() {
        // Strings early (in the head), dynamic section late.
        let mut b = vec![0u8; 8192];
        b[100..100 + STR.len()].copy_from_slice(STR);
        let dynamic = image(&entries_for(100), b"", 0);
        b[4096..4096 + dynamic.len()].copy_from_slice(&dynamic);
        let loads = [Load { vaddr: 0, offset: 0, filesz: 8192 }];
        let mut wants = Vec::new();
        let r = Reader::new(&b[..4096], 8192, Endian::Little);
        assert_eq!(read(&r, true, Some((4096, 112)), &loads, &mut wants), Dynamic::default());
        assert_eq!(wants, vec![Want { offset: 4096, length: 112 }]);
        let piece = [Piece { offset: 4096, bytes: &b[4096..4208] }];
        let r = Reader::with_pieces(&b[..4096], &piece, 8192, Endian::Little);
        wants.clear();
        let d = read(&r, true, Some((4096, 112)), &loads, &mut wants);
        assert_eq!(d.needed.map(|n| n.len()), Some(2));
        assert!(wants.is_empty());
        // Strings not at hand: the list is unknown, never shorter, and one range asks for them.
        let r = Reader::with_pieces(&b[..50], &piece, 8192, Endian::Little);
        let d = read(&r, true, Some((4096, 112)), &loads, &mut wants);
        assert_eq!(d.needed, None);
        assert_eq!(wants, vec![Want { offset: 101, length: STR.len() as u64 - 1 }]);
    }

    #[test]
    fn no_dynamic_segment_means_nothing_needed_and_hostile_tables_mean_unknown() {
        let r = Reader::new(&[], 0, Endian::Little);
        assert_eq!(read(&r, true, None, &[], &mut Vec::new()).needed, Some(vec![]));
        // DT_STRTAB outside every load segment.
        let b = image(&entries_for(1 << 40), STR, 200);
        let loads = [Load { vaddr: 0, offset: 0, filesz: b.len() as u64 }];
        let r = Reader::new(&b, b.len() as u64, Endian::Little);
        assert_eq!(read(&r, true, Some((0, 112)), &loads, &mut Vec::new()), Dynamic::default());
        // A string offset past DT_STRSZ.
        let mut e = entries_for(200);
        e[0].1 = 1 << 33;
        let b = image(&e, STR, 200);
        let r = Reader::new(&b, b.len() as u64, Endian::Little);
        assert_eq!(read(&r, true, Some((0, 112)), &loads, &mut Vec::new()).needed, None);
        // A dynamic section larger than any real one.
        assert_eq!(read(&r, true, Some((0, Want::MAX + 1)), &loads, &mut Vec::new()), Dynamic::default());
    }
}
