//! One entry's header as the archive means it: the name and the link from a GNU long name, a PAX
//! record or the header itself (Go's order of precedence), the size from PAX or the header, and
//! for sparse files their real size and how their stored bytes are laid out — so that the walker
//! only has to count bytes.

use super::error::WalkError;
use super::header::{
    c_string, entry_type, header_format, header_name, is_header_only, parse_numeric, EntryType, Format, Num,
    GNU_ISEXTENDED, GNU_REALSIZE,
};
use super::pax::{sparse_version, PaxOverrides, SparseVersion};

/// One entry's header, after PAX / GNU long names / sparse names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TarEntry {
    /// Raw (not normalized).
    pub name: String,
    pub kind: EntryType,
    pub linkname: String,
    /// The file's size; for sparse files the logical size (the body is the stored data).
    pub size: u64,
    pub mode: u32,
}

/// What the meta entries before a real entry said about it; each applies to that entry only.
#[derive(Default)]
pub struct Pending {
    /// The last 'x' header (a later one replaces an earlier one).
    pub pax: Option<PaxOverrides>,
    pub long_name: Option<String>,
    pub long_link: Option<String>,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.pax.is_none() && self.long_name.is_none() && self.long_link.is_none()
    }
}

/// How the stored bytes after the header are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The body follows the header.
    Body,
    /// Old GNU sparse with more map entries than the header holds: extension blocks come first.
    SparseExtensions,
    /// PAX 1.0 sparse: the body opens with its map, in whole blocks.
    PaxMap,
}

pub struct Resolved {
    pub entry: TarEntry,
    /// Bytes stored after the header (0 for links, directories and other header-only types).
    pub stored: u64,
    pub layout: Layout,
}

/// The entry whose header block `b` sits at `at`, with typeflag `flag` and size field `declared`.
pub fn resolve(b: &[u8], at: u64, flag: u8, declared: u64, pending: Pending) -> Result<Resolved, WalkError> {
    let format = header_format(b);
    let Pending { pax, long_name, long_link } = pending;
    // GNU long names win over PAX path (Go's order); GNU.sparse.name wins over both.
    let mut name =
        long_name.or_else(|| pax.as_ref().and_then(|p| p.path.clone())).unwrap_or_else(|| header_name(b, format));
    let linkname = long_link.or_else(|| pax.as_ref().and_then(|p| p.linkpath.clone())).unwrap_or_else(|| {
        if b[157] == 0 {
            String::new()
        } else {
            c_string(b, 157, 100)
        }
    });
    let kind = entry_type(flag, &name);
    let size = pax.as_ref().and_then(|p| p.size).unwrap_or(declared);
    let stored = if is_header_only(flag) || kind == EntryType::Directory { 0 } else { size };
    let mode = match parse_numeric(b, 100, 8) {
        Num::Val(m) if m > 0 => (m & 0o7777) as u32,
        _ => 0,
    };

    let mut real_size = size;
    let mut layout = Layout::Body;
    if flag == b'S' {
        if format != Format::Gnu {
            return Err(WalkError::corrupt_header(at));
        }
        real_size = match parse_numeric(b, GNU_REALSIZE, 12) {
            Num::Val(v) => v,
            Num::Bad => return Err(WalkError::corrupt_header(at)),
            Num::TooBig => return Err(WalkError::size_too_big(at)),
        };
        if b[GNU_ISEXTENDED] != 0 {
            layout = Layout::SparseExtensions;
        }
    } else if let (Some(p), EntryType::File) = (&pax, kind) {
        let version = sparse_version(p);
        if version != SparseVersion::NotSparse {
            if let Some(n) = &p.sparse_name {
                name = n.clone();
            }
            if let Some(r) = p.sparse_real_size {
                real_size = r;
            }
            if version == SparseVersion::V1 {
                layout = Layout::PaxMap;
            }
        }
    }
    Ok(Resolved { entry: TarEntry { name, kind, linkname, size: real_size, mode }, stored, layout })
}
