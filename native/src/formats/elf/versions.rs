//! DT_VERNEED and DT_VERDEF → the symbol versions a file needs from each library
//! (`.gnu.version_r`: `GLIBC_2.34` of `libc.so.6`) and the versions it defines (`.gnu.version_d`).
//! glibc's loader refuses to start a program when a needed, non-weak version is not defined by
//! the library it loaded (dl-version.c); these are the facts that question is asked of. Both
//! tables are chains of small records linked by relative offsets, of no stated size: they are
//! read from what is at hand, and the first record not at hand asks for a window from there.
//! The names live in .dynstr and are read through the caller's string getter, so that
//! dynamic.rs asks for every missing string in one range. A list is given only whole: any
//! record or name not at hand makes it unknown, never shorter.

use crate::bytes::Reader;
use crate::common::{VersionNeed, Want};

/// Bytes asked for from the first record not at hand: real tables are 80 bytes (glibc's
/// verneed) to 1.7 KiB (libstdc++'s verdef); a longer table asks again from where it stopped.
const WINDOW: u64 = 4096;
/// Most libraries with version needs, and most versions in one table (libc.so.6 defines 40,
/// libstdc++ 48): more leave the list unknown.
const LIBRARIES_MAX: usize = 256;
const VERSIONS_MAX: usize = 4096;

/// Elf32/Elf64_Verneed and Vernaux, Verdef and Verdaux: the same layout in both classes.
const VERNEED_LEN: u64 = 16;
const VERNAUX_LEN: u64 = 16;
const VERDEF_LEN: u64 = 20;
const VERDAUX_LEN: u64 = 8;
/// The only record version there is (VER_NEED_CURRENT, VER_DEF_CURRENT); the loader refuses others.
const CURRENT: u16 = 1;
/// vd_flags: the entry that names the file itself (its soname), not a version.
const VER_FLG_BASE: u16 = 1;
/// vna_flags: every reference to the version is weak; the loader does not insist on it.
const VER_FLG_WEAK: u16 = 2;

/// Where a version table starts in the file, and how many bytes of its segment follow it:
/// every record must lie inside those.
#[derive(Clone, Copy, Debug)]
pub struct Table {
    pub offset: u64,
    pub avail: u64,
}

/// `.gnu.version_r`'s records: None while a record or a name is not at hand (a window is then
/// wanted) or when the table is malformed.
pub fn needs(
    r: &Reader<'_>,
    table: Table,
    name: &mut dyn FnMut(u64) -> Option<String>,
    wants: &mut Vec<Want>,
) -> Option<Vec<VersionNeed>> {
    let mut chain = Chain { r, table, wants, incomplete: false };
    let mut out = Vec::new();
    let mut total = 0usize;
    let mut at = 0u64;
    loop {
        let e = chain.record(at, VERNEED_LEN)?;
        let d = Reader::new(e, VERNEED_LEN, r.endian());
        if d.u16(0, W).ok()? != CURRENT || out.len() >= LIBRARIES_MAX {
            return None;
        }
        let file = u64::from(d.u32(4, W).ok()?);
        let (aux, next) = (u64::from(d.u32(8, W).ok()?), u64::from(d.u32(12, W).ok()?));
        let mut need = VersionNeed { library: name(file).unwrap_or_default(), ..VersionNeed::default() };
        let mut known = !need.library.is_empty();
        let mut a = at.checked_add(aux)?;
        // The loader follows vna_next until it is 0 (vn_cnt is for tools); so does this.
        loop {
            let x = chain.record(a, VERNAUX_LEN)?;
            let d = Reader::new(x, VERNAUX_LEN, r.endian());
            total += 1;
            if total > VERSIONS_MAX {
                return None;
            }
            let flags = d.u16(4, W).ok()?;
            match name(u64::from(d.u32(8, W).ok()?)) {
                Some(v) if flags & VER_FLG_WEAK != 0 => need.weak.push(v),
                Some(v) => need.versions.push(v),
                None => known = false,
            }
            let next_aux = u64::from(d.u32(12, W).ok()?);
            if next_aux == 0 {
                break;
            }
            a = a.checked_add(next_aux)?;
        }
        // Keep walking with a name missing: the records behind it may still be wanted.
        if !known {
            chain.incomplete = true;
        }
        out.push(need);
        if next == 0 {
            break;
        }
        at = at.checked_add(next)?;
    }
    (!chain.incomplete).then_some(out)
}

/// `.gnu.version_d`'s version names, the file's own (base) entry left out.
pub fn definitions(
    r: &Reader<'_>,
    table: Table,
    name: &mut dyn FnMut(u64) -> Option<String>,
    wants: &mut Vec<Want>,
) -> Option<Vec<String>> {
    let mut chain = Chain { r, table, wants, incomplete: false };
    let mut out = Vec::new();
    let mut at = 0u64;
    for _ in 0..=VERSIONS_MAX {
        let e = chain.record(at, VERDEF_LEN)?;
        let d = Reader::new(e, VERDEF_LEN, r.endian());
        if d.u16(0, W).ok()? != CURRENT {
            return None;
        }
        let flags = d.u16(2, W).ok()?;
        let (aux, next) = (u64::from(d.u32(12, W).ok()?), u64::from(d.u32(16, W).ok()?));
        if flags & VER_FLG_BASE == 0 {
            // The first Verdaux names the version; the ones after it name its parents.
            let x = chain.record(at.checked_add(aux)?, VERDAUX_LEN)?;
            let d = Reader::new(x, VERDAUX_LEN, r.endian());
            match name(u64::from(d.u32(0, W).ok()?)) {
                Some(v) => out.push(v),
                None => chain.incomplete = true,
            }
        }
        if next == 0 {
            return (!chain.incomplete).then_some(out);
        }
        at = at.checked_add(next)?;
    }
    None
}

const W: &str = "version record is truncated";

/// Reads the records of one table, each inside its segment, and asks for the first one missing.
struct Chain<'r, 'a, 'w> {
    r: &'r Reader<'a>,
    table: Table,
    wants: &'w mut Vec<Want>,
    /// A name was not at hand: the walk goes on (to ask for what else is missing) but gives no list.
    incomplete: bool,
}

impl<'a> Chain<'_, 'a, '_> {
    /// The `len` bytes at `rel` into the table; None when they leave the segment or the file (the
    /// table is malformed), or are not at hand (a window from them is wanted).
    fn record(&mut self, rel: u64, len: u64) -> Option<&'a [u8]> {
        let avail = self.table.avail;
        if len > avail || rel > avail - len {
            return None;
        }
        let off = self.table.offset.checked_add(rel)?;
        match self.r.optional(off, len, "version record lies past the end of the file") {
            Ok(Some(b)) => Some(b),
            Ok(None) => {
                self.wants.push(Want { offset: off, length: (avail - rel).min(WINDOW) });
                None
            }
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::{Endian, Piece};

    /// A string table with the names below, and a getter over it (None past its end).
    const STR: &[u8] = b"\0libc.so.6\0GLIBC_2.34\0GLIBC_2.2.5\0libm.so.6\0GLIBC_2.29\0libx.so\0XV_1\0";
    fn get(at: u64) -> Option<String> {
        let rest = STR.get(at as usize..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    }

    fn le16(b: &mut Vec<u8>, v: u16) {
        b.extend_from_slice(&v.to_le_bytes());
    }
    fn le32(b: &mut Vec<u8>, v: u32) {
        b.extend_from_slice(&v.to_le_bytes());
    }

    /// Verneed for libc.so.6 (GLIBC_2.34, weak GLIBC_2.2.5) then libm.so.6 (GLIBC_2.29), as ld lays it out.
    fn verneed() -> Vec<u8> {
        let mut b = Vec::new();
        for (file, auxes, next) in [(1u32, vec![(11u32, 0u16), (22, VER_FLG_WEAK)], 48u32), (34, vec![(44, 0)], 0)] {
            le16(&mut b, 1);
            le16(&mut b, auxes.len() as u16);
            le32(&mut b, file);
            le32(&mut b, 16);
            le32(&mut b, next);
            let n = auxes.len();
            for (i, (name, flags)) in auxes.into_iter().enumerate() {
                le32(&mut b, 0x1234);
                le16(&mut b, flags);
                le16(&mut b, 2 + i as u16);
                le32(&mut b, name);
                le32(&mut b, if i + 1 < n { 16 } else { 0 });
            }
        }
        b
    }

    /// Verdef: the base entry (libx.so) then XV_1, each with one Verdaux right behind it.
    fn verdef() -> Vec<u8> {
        let mut b = Vec::new();
        for (flags, ndx, name, next) in [(VER_FLG_BASE, 1u16, 55u32, 28u32), (0, 2, 63, 0)] {
            le16(&mut b, 1);
            le16(&mut b, flags);
            le16(&mut b, ndx);
            le16(&mut b, 1);
            le32(&mut b, 0);
            le32(&mut b, 20);
            le32(&mut b, next);
            le32(&mut b, name);
            le32(&mut b, 0);
        }
        b
    }

    fn whole(b: &[u8]) -> Reader<'_> {
        Reader::new(b, b.len() as u64, Endian::Little)
    }

    #[test]
    fn needs_per_library_with_weak_versions_apart() {
        let b = verneed();
        let t = Table { offset: 0, avail: b.len() as u64 };
        let mut wants = Vec::new();
        let n = needs(&whole(&b), t, &mut get, &mut wants).unwrap();
        assert_eq!(
            n,
            vec![
                VersionNeed {
                    library: "libc.so.6".into(),
                    versions: vec!["GLIBC_2.34".into()],
                    weak: vec!["GLIBC_2.2.5".into()]
                },
                VersionNeed { library: "libm.so.6".into(), versions: vec!["GLIBC_2.29".into()], weak: vec![] },
            ]
        );
        assert!(wants.is_empty());
    }

    #[test]
    fn definitions_leave_out_the_base_entry() {
        let b = verdef();
        let t = Table { offset: 0, avail: b.len() as u64 };
        assert_eq!(definitions(&whole(&b), t, &mut get, &mut Vec::new()), Some(vec!["XV_1".to_owned()]));
    }

    #[test]
    fn a_table_past_the_head_wants_a_window_then_reads_it() {
        let mut file = vec![0u8; 8192];
        let b = verneed();
        file[5000..5000 + b.len()].copy_from_slice(&b);
        let t = Table { offset: 5000, avail: 3192 };
        let mut wants = Vec::new();
        let head = Reader::new(&file[..4096], 8192, Endian::Little);
        assert_eq!(needs(&head, t, &mut get, &mut wants), None);
        assert_eq!(wants, vec![Want { offset: 5000, length: 3192 }]);
        // Only the first record at hand: the rest is asked for from where it stops.
        let first = [Piece { offset: 5000, bytes: &file[5000..5016] }];
        let r = Reader::with_pieces(&file[..4096], &first, 8192, Endian::Little);
        wants.clear();
        assert_eq!(needs(&r, t, &mut get, &mut wants), None);
        assert_eq!(wants, vec![Want { offset: 5016, length: 3176 }]);
        let all = [Piece { offset: 5000, bytes: &file[5000..5000 + b.len()] }];
        let r = Reader::with_pieces(&file[..4096], &all, 8192, Endian::Little);
        wants.clear();
        assert_eq!(needs(&r, t, &mut get, &mut wants).map(|n| n.len()), Some(2));
        assert!(wants.is_empty());
    }

    #[test]
    fn a_name_not_at_hand_makes_the_list_unknown_never_shorter() {
        let b = verneed();
        let t = Table { offset: 0, avail: b.len() as u64 };
        let mut no_libm = |at: u64| if at == 44 { None } else { get(at) };
        assert_eq!(needs(&whole(&b), t, &mut no_libm, &mut Vec::new()), None);
        let b = verdef();
        let t = Table { offset: 0, avail: b.len() as u64 };
        let mut none = |_: u64| None;
        assert_eq!(definitions(&whole(&b), t, &mut none, &mut Vec::new()), None);
    }

    #[test]
    fn hostile_tables_are_unknown_without_wants() {
        let good = verneed();
        let t = |b: &[u8]| Table { offset: 0, avail: b.len() as u64 };
        let check = |b: Vec<u8>, avail: Option<u64>| {
            let table = Table { avail: avail.unwrap_or(b.len() as u64), ..t(&b) };
            let mut wants = Vec::new();
            assert_eq!(needs(&whole(&b), table, &mut get, &mut wants), None, "{b:02x?}");
            assert!(wants.is_empty(), "{b:02x?} wanted {wants:?}");
        };
        // A record version the loader refuses.
        let mut b = good.clone();
        b[0] = 2;
        check(b, None);
        // vn_aux and vn_next pointing past the segment, and near u32::MAX.
        let mut b = good.clone();
        b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        check(b, None);
        let mut b = good.clone();
        b[12..16].copy_from_slice(&(u32::MAX - 3).to_le_bytes());
        check(b, None);
        // The segment claims less than the table needs.
        check(good.clone(), Some(40));
        // A table at the very end of u64.
        let r = whole(&good);
        let far = Table { offset: u64::MAX - 4, avail: u64::MAX };
        assert_eq!(needs(&r, far, &mut get, &mut Vec::new()), None);
        // A chain of records far longer than any real one: bounded, then unknown.
        let mut b = Vec::new();
        for _ in 0..LIBRARIES_MAX + 2 {
            le16(&mut b, 1);
            le16(&mut b, 1);
            le32(&mut b, 1);
            le32(&mut b, 16);
            le32(&mut b, 32);
            b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0]);
        }
        check(b, None);
    }

    #[test]
    fn big_endian_records_read_with_the_files_byte_order() {
        let mut b = verdef();
        // Swap every 16- and 32-bit field of both Verdef (20 bytes) and Verdaux (8 bytes) records.
        for rec in 0..2 {
            let base = rec * 28;
            for f in 0..4 {
                b.swap(base + 2 * f, base + 2 * f + 1);
            }
            for w in 0..5 {
                let at = base + 8 + 4 * w;
                b[at..at + 4].reverse();
            }
        }
        let r = Reader::new(&b, b.len() as u64, Endian::Big);
        let t = Table { offset: 0, avail: b.len() as u64 };
        assert_eq!(definitions(&r, t, &mut get, &mut Vec::new()), Some(vec!["XV_1".to_owned()]));
    }
}
