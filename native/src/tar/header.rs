//! Byte-level rules for one 512-byte tar header block, where Go's archive/tar and GNU tar agree:
//! checksum, numeric fields, strings, format.

pub const BLOCK: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockStatus {
    Zero,
    Good,
    Bad,
}

/// Header dialects that change where fields live (Go's getFormat).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    V7,
    /// "ustar\0": POSIX ustar and pax; has the 155-byte name prefix.
    Ustar,
    /// ustar magic plus "tar\0" at 508: the prefix is only 131 bytes.
    Star,
    /// "ustar  \0": no prefix; those bytes hold atime/ctime/sparse fields.
    Gnu,
}

/// Largest value a numeric field may hold: JavaScript reads sizes as doubles, exact up to 2^53 - 1.
pub const MAX_NUMERIC: u64 = (1 << 53) - 1;

/// A numeric field's value, or why it has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    Val(u64),
    /// Malformed or negative.
    Bad,
    /// Beyond 2^53 - 1.
    TooBig,
}

/// Zero bytes after `size` bytes of data, up to the next block boundary.
pub fn padding(size: u64) -> u64 {
    let r = size % BLOCK as u64;
    if r == 0 {
        0
    } else {
        BLOCK as u64 - r
    }
}

/// Zero block, or whether the stored checksum matches the unsigned or the signed byte sum with
/// the checksum field counted as eight spaces (old Sun tars summed signed bytes).
pub fn block_status(b: &[u8]) -> BlockStatus {
    let b = &b[..BLOCK];
    let mut u: i64 = 0;
    let mut s: i64 = 0;
    for &c in b {
        u += i64::from(c);
        s += i64::from(c as i8);
    }
    if u == 0 {
        return BlockStatus::Zero;
    }
    for &c in &b[148..156] {
        u -= i64::from(c);
        s -= i64::from(c as i8);
    }
    u += 8 * 0x20;
    s += 8 * 0x20;
    match parse_octal(b, 148, 8) {
        Some(stored) if stored as i64 == u || stored as i64 == s => BlockStatus::Good,
        _ => BlockStatus::Bad,
    }
}

/// An octal field: leading spaces/NULs skipped, digits up to a space, a NUL or the field's end.
/// None when anything else appears before the terminator.
pub fn parse_octal(b: &[u8], off: usize, len: usize) -> Option<u64> {
    let end = off + len;
    let mut i = off;
    while i < end && (b[i] == 0x20 || b[i] == 0) {
        i += 1;
    }
    let mut v: u64 = 0;
    while i < end {
        let c = b[i];
        if (0x30..=0x37).contains(&c) {
            // At most 12 digits: 8^12 fits easily.
            v = v * 8 + u64::from(c - 0x30);
        } else if c == 0x20 || c == 0 {
            break;
        } else {
            return None;
        }
        i += 1;
    }
    Some(v)
}

/// A numeric field, octal or GNU base-256 (high bit of the first byte set; the next bit is the sign).
pub fn parse_numeric(b: &[u8], off: usize, len: usize) -> Num {
    let first = b[off];
    if first & 0x80 == 0 {
        return parse_octal(b, off, len).map_or(Num::Bad, Num::Val);
    }
    if first & 0x40 != 0 {
        return Num::Bad;
    }
    let mut v = u64::from(first & 0x3f);
    let limit = (MAX_NUMERIC - 255) / 256;
    for &c in &b[off + 1..off + len] {
        if v > limit {
            return Num::TooBig;
        }
        v = v * 256 + u64::from(c);
    }
    Num::Val(v)
}

/// A NUL-terminated (or field-filling) string, decoded as UTF-8 as Node's Buffer.toString does.
pub fn c_string(b: &[u8], off: usize, len: usize) -> String {
    let field = &b[off..off + len];
    let end = field.iter().position(|&c| c == 0).unwrap_or(len);
    String::from_utf8_lossy(&field[..end]).into_owned()
}

pub fn header_format(b: &[u8]) -> Format {
    if &b[257..262] != b"ustar" {
        return Format::V7;
    }
    match b[262] {
        0x20 => Format::Gnu,
        0 if &b[508..512] == b"tar\0" => Format::Star,
        0 => Format::Ustar,
        _ => Format::V7,
    }
}

/// True when the block carries the "ustar" magic: a damaged tar header rather than some other file.
pub fn has_ustar_magic(b: &[u8]) -> bool {
    header_format(b) != Format::V7
}

/// Name field joined with the ustar prefix where the format has one.
pub fn header_name(b: &[u8], format: Format) -> String {
    let name = c_string(b, 0, 100);
    let prefix_len = match format {
        Format::Ustar => 155,
        Format::Star => 131,
        _ => return name,
    };
    let prefix = c_string(b, 345, prefix_len);
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

/// The walker's entry type, numbered as the flat result carries it (src/native.ts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryType {
    File = 0,
    Hardlink = 1,
    Symlink = 2,
    Directory = 3,
    Other = 4,
}

/// The entry type for a typeflag (the flags of PAX/GNU meta entries never get here).
pub fn entry_type(flag: u8, name: &str) -> EntryType {
    match flag {
        // '0', '7' contiguous, 'S' old GNU sparse
        0x30 | 0x37 | 0x53 => EntryType::File,
        // pre-POSIX: directories are marked by a trailing slash
        0 => {
            if name.ends_with('/') {
                EntryType::Directory
            } else {
                EntryType::File
            }
        }
        0x31 => EntryType::Hardlink,
        0x32 => EntryType::Symlink,
        0x35 => EntryType::Directory,
        _ => EntryType::Other,
    }
}

/// Types whose size field never announces a body (Go's isHeaderOnlyType): 1–6.
pub fn is_header_only(flag: u8) -> bool {
    (0x31..=0x36).contains(&flag)
}

/// Old GNU sparse header: realsize field and "more sparse entries follow" flag.
pub const GNU_REALSIZE: usize = 483;
pub const GNU_ISEXTENDED: usize = 482;
/// In a sparse extension block, the flag after its 21 (offset, numbytes) pairs.
pub const EXT_ISEXTENDED: usize = 504;

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, size_field: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; BLOCK];
        b[..name.len()].copy_from_slice(name.as_bytes());
        b[124..124 + size_field.len()].copy_from_slice(size_field);
        b[156] = b'0';
        b[257..263].copy_from_slice(b"ustar\0");
        b[148..156].copy_from_slice(b"        ");
        let sum: u32 = b.iter().map(|&c| u32::from(c)).sum();
        let cks = format!("{sum:06o}\0 ");
        b[148..156].copy_from_slice(cks.as_bytes());
        b
    }

    #[test]
    fn checksums_zero_blocks_and_damage() {
        let b = header("a.txt", b"00000000012\0");
        assert_eq!(block_status(&b), BlockStatus::Good);
        assert_eq!(block_status(&[0u8; BLOCK]), BlockStatus::Zero);
        let mut bad = b.clone();
        bad[0] = b'b';
        assert_eq!(block_status(&bad), BlockStatus::Bad);
        assert_eq!(parse_numeric(&b, 124, 12), Num::Val(10));
        assert_eq!(header_format(&b), Format::Ustar);
        assert_eq!(header_name(&b, Format::Ustar), "a.txt");
    }

    #[test]
    fn base256_sizes_up_to_2_pow_53() {
        let mut f = [0u8; 12];
        f[0] = 0x80;
        f[6] = 0x02; // 2 << 40
        assert_eq!(parse_numeric(&f, 0, 12), Num::Val(2 << 40));
        f[0] = 0xc0;
        assert_eq!(parse_numeric(&f, 0, 12), Num::Bad);
        let big = [0x80u8, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(parse_numeric(&big, 0, 12), Num::TooBig);
        assert_eq!(parse_octal(b"12x4", 0, 4), None);
        assert_eq!(parse_octal(b"  17 ", 0, 5), Some(15));
    }
}
