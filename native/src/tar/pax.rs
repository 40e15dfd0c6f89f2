//! The records of a PAX extended header ("%d %s=%s\n"), keeping only what changes how the next
//! entry is read: path, linkpath, size and the GNU.sparse.* keys.

use super::header::MAX_NUMERIC;

/// What a PAX 'x' header says about the entry that follows it. Empty values count as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaxOverrides {
    pub path: Option<String>,
    pub linkpath: Option<String>,
    /// Stored body size.
    pub size: Option<u64>,
    pub sparse_major: Option<Vec<u8>>,
    pub sparse_minor: Option<Vec<u8>>,
    pub sparse_name: Option<String>,
    /// GNU.sparse.size (0.x) or GNU.sparse.realsize (1.0): the logical size.
    pub sparse_real_size: Option<u64>,
    /// GNU.sparse.map (0.1) or GNU.sparse.offset/numbytes (0.0) seen.
    pub sparse_map: bool,
}

/// Non-empty decimal digits → value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decimal {
    Val(u64),
    NotDigits,
    TooBig,
}

pub fn decimal(b: &[u8]) -> Decimal {
    if b.is_empty() {
        return Decimal::NotDigits;
    }
    let mut v: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return Decimal::NotDigits;
        }
        v = v * 10 + u64::from(c - 0x30);
        if v > MAX_NUMERIC {
            return Decimal::TooBig;
        }
    }
    Decimal::Val(v)
}

fn utf8(b: &[u8]) -> Option<String> {
    (!b.is_empty()).then(|| String::from_utf8_lossy(b).into_owned())
}

/// The overrides, or a short reason the records are malformed.
pub fn parse_pax(b: &[u8]) -> Result<PaxOverrides, &'static str> {
    let len = b.len();
    let mut r = PaxOverrides::default();
    let mut p = 0;
    while p < len {
        // Some writers pad the records with NULs; nothing follows the padding.
        if b[p] == 0 {
            break;
        }
        let mut n: usize = 0;
        let mut q = p;
        while q < len && b[q].is_ascii_digit() {
            n = n * 10 + usize::from(b[q] - 0x30);
            if n > len {
                return Err("record length beyond the header");
            }
            q += 1;
        }
        if q == p || q >= len || b[q] != 0x20 {
            return Err("record without a length");
        }
        let end = p + n;
        if end > len || end < q + 4 || b[end - 1] != 0x0a {
            return Err("record length does not match");
        }
        let mut eq = q + 1;
        while eq < end - 1 && b[eq] != 0x3d {
            eq += 1;
        }
        if eq == q + 1 || b[eq] != 0x3d {
            return Err("record without a key");
        }
        let key = &b[q + 1..eq];
        let value = &b[eq + 1..end - 1];
        match key {
            // A NUL cannot be in a file name: a reader that stops at it would see another name
            // than one that does not. Go's archive/tar refuses such records; so does this.
            b"path" | b"linkpath" if value.contains(&0) => {
                return Err(if key == b"path" { "path holds a NUL byte" } else { "linkpath holds a NUL byte" })
            }
            b"path" => r.path = utf8(value),
            b"linkpath" => r.linkpath = utf8(value),
            b"size" => {
                r.size = if value.is_empty() {
                    None
                } else {
                    match decimal(value) {
                        Decimal::Val(v) => Some(v),
                        Decimal::NotDigits => return Err("size is not a number"),
                        Decimal::TooBig => return Err("size is larger than 2^53 bytes"),
                    }
                }
            }
            b"GNU.sparse.major" => r.sparse_major = (!value.is_empty()).then(|| value.to_vec()),
            b"GNU.sparse.minor" => r.sparse_minor = (!value.is_empty()).then(|| value.to_vec()),
            b"GNU.sparse.name" => r.sparse_name = utf8(value),
            b"GNU.sparse.size" => r.sparse_real_size = Some(sparse_size(value, "GNU.sparse.size")?),
            b"GNU.sparse.realsize" => r.sparse_real_size = Some(sparse_size(value, "GNU.sparse.realsize")?),
            b"GNU.sparse.map" | b"GNU.sparse.offset" | b"GNU.sparse.numbytes" => r.sparse_map = true,
            _ => {}
        }
        p = end;
    }
    Ok(r)
}

fn sparse_size(value: &[u8], key: &'static str) -> Result<u64, &'static str> {
    match decimal(value) {
        Decimal::Val(v) => Ok(v),
        Decimal::NotDigits if key == "GNU.sparse.size" => Err("GNU.sparse.size is not a number"),
        Decimal::NotDigits => Err("GNU.sparse.realsize is not a number"),
        Decimal::TooBig if key == "GNU.sparse.size" => Err("GNU.sparse.size is larger than 2^53 bytes"),
        Decimal::TooBig => Err("GNU.sparse.realsize is larger than 2^53 bytes"),
    }
}

/// GNU sparse PAX version as Go reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SparseVersion {
    NotSparse,
    /// 0.0 or 0.1: the map is in the records.
    V0,
    /// 1.0: the map starts the body.
    V1,
}

pub fn sparse_version(pax: &PaxOverrides) -> SparseVersion {
    let major = pax.sparse_major.as_deref();
    let minor = pax.sparse_minor.as_deref();
    if major == Some(b"0") && (minor == Some(b"0") || minor == Some(b"1")) {
        return SparseVersion::V0;
    }
    if major == Some(b"1") && minor == Some(b"0") {
        return SparseVersion::V1;
    }
    if major.is_some() || minor.is_some() {
        return SparseVersion::NotSparse; // an unknown version: read as a plain file
    }
    if pax.sparse_map {
        SparseVersion::V0
    } else {
        SparseVersion::NotSparse
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(k: &str, v: &str) -> String {
        let body = format!(" {k}={v}\n");
        let mut n = body.len() + 1;
        while format!("{n}{body}").len() != n {
            n = format!("{n}{body}").len();
        }
        format!("{n}{body}")
    }

    #[test]
    fn keeps_the_keys_that_change_how_the_entry_is_read() {
        let text = rec("path", "a/b") + &rec("mtime", "1.5") + &rec("size", "9000000000") + &rec("linkpath", "");
        let r = parse_pax(text.as_bytes()).unwrap();
        assert_eq!(r.path.as_deref(), Some("a/b"));
        assert_eq!(r.size, Some(9_000_000_000));
        assert_eq!(r.linkpath, None);
        assert_eq!(parse_pax(b"5 a=\n\0\0\0").unwrap(), PaxOverrides::default());
        assert_eq!(parse_pax(b"99 path=x\n"), Err("record length beyond the header"));
        assert_eq!(parse_pax(b"x path=x\n"), Err("record without a length"));
        assert_eq!(parse_pax(b"11 size=1x\n"), Err("size is not a number"));
    }
}
