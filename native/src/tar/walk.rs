//! A push parser for tar streams that can also be told to skip: the native twin of
//! src/layers/tar-reader.ts (ustar, GNU, PAX, old GNU and PAX sparse, the same caps, the same
//! error sentences and offsets). Fed every byte it is the streaming reader; asked what it may skip
//! (`skippable`) it lets a seekable source jump over bodies nobody reads, so a layer on disk costs
//! its headers and the heads of its files, not its size. docs/performance.md has the design.
#![forbid(unsafe_code)]

use crate::tar::header::{
    block_status, c_string, entry_type, has_ustar_magic, header_format, header_name, is_header_only, parse_numeric,
    BlockStatus, EntryType, Format, Num, BLOCK, EXT_ISEXTENDED, GNU_ISEXTENDED, GNU_REALSIZE,
};
use crate::tar::pax::{decimal, parse_pax, sparse_version, Decimal, PaxOverrides, SparseVersion};

/// PAX records and GNU long names are capped at this size, as Go's archive/tar does.
pub const MAX_HEADER_RECORD: u64 = 1 << 20;

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

/// Receives the entries; the body of an entry goes to the sink only when `entry` said so.
pub trait EntrySink {
    /// A new entry; true to receive its body.
    fn entry(&mut self, e: TarEntry) -> bool;
    /// The body (`stored` bytes of stored data) starts at this stream offset; called before its
    /// first byte.
    fn body(&mut self, at: u64, stored: u64);
    fn data(&mut self, chunk: &[u8]);
    /// After the last byte (at once for an empty body); not called when the data stops early.
    fn end(&mut self);
    /// Whether the rest of the current body must still be seen in order (a seeking driver skips
    /// it otherwise).
    fn needs_bytes(&self) -> bool;
}

/// What went wrong, as the sentence src/layers/tar-reader.ts would throw (without "where: ").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkError(pub String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Header,
    Body,
    Pad,
    Meta,
    SparseExt,
    SparseMap,
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MetaKind {
    Pax,
    LongName,
    LongLink,
    Ignored,
}

fn pad_of(size: u64) -> u64 {
    let r = size % BLOCK as u64;
    if r == 0 {
        0
    } else {
        BLOCK as u64 - r
    }
}

pub struct TarWalk<S: EntrySink> {
    pub sink: S,
    consumed: u64,
    state: State,
    blk: [u8; BLOCK],
    fill: usize,
    blk_at: u64,
    remaining: u64,
    pad: u64,
    receiving: bool,
    meta: Option<Vec<u8>>,
    meta_kind: MetaKind,
    meta_at: u64,
    map_lines: u64,
    map_need: u64,
    pax: Option<PaxOverrides>,
    long_name: Option<String>,
    long_link: Option<String>,
    zeros: u32,
    failure: Option<WalkError>,
    ended: bool,
}

impl<S: EntrySink> TarWalk<S> {
    pub fn new(sink: S) -> Self {
        TarWalk {
            sink,
            consumed: 0,
            state: State::Header,
            blk: [0; BLOCK],
            fill: 0,
            blk_at: 0,
            remaining: 0,
            pad: 0,
            receiving: false,
            meta: None,
            meta_kind: MetaKind::Ignored,
            meta_at: 0,
            map_lines: 0,
            map_need: u64::MAX,
            pax: None,
            long_name: None,
            long_link: None,
            zeros: 0,
            failure: None,
            ended: false,
        }
    }

    /// Stream offset of the next byte to come.
    pub fn position(&self) -> u64 {
        self.consumed
    }

    /// Whether two zero blocks ended the archive: nothing after them is read.
    pub fn done(&self) -> bool {
        self.state == State::Done
    }

    pub fn in_body(&self) -> bool {
        self.state == State::Body && self.receiving
    }

    /// Bytes from the current position that need not be seen: the rest of a body nobody reads
    /// (or no longer needs) and its padding, padding alone, an ignored global header.
    pub fn skippable(&self) -> u64 {
        if self.failure.is_some() {
            return 0;
        }
        match self.state {
            State::Body if !self.receiving || !self.sink.needs_bytes() => self.remaining + self.pad,
            State::Pad => self.pad,
            State::Meta if self.meta.is_none() => self.remaining + self.pad,
            State::Done => u64::MAX,
            _ => 0,
        }
    }

    /// Moves past `n` bytes (at most `skippable()`) without looking at them.
    pub fn skip(&mut self, mut n: u64) {
        debug_assert!(n <= self.skippable());
        self.consumed += n;
        while n > 0 {
            match self.state {
                State::Body | State::Meta => {
                    let take = n.min(self.remaining);
                    self.remaining -= take;
                    n -= take;
                    if self.remaining == 0 {
                        if self.state == State::Body {
                            self.body_done();
                        } else {
                            self.meta_done_ignored();
                        }
                    }
                }
                State::Pad => {
                    let take = n.min(self.pad);
                    self.pad -= take;
                    n -= take;
                    if self.pad == 0 {
                        self.state = State::Header;
                    }
                }
                _ => n = 0,
            }
        }
    }

    pub fn push(&mut self, c: &[u8]) -> Result<(), WalkError> {
        if let Some(f) = &self.failure {
            return Err(f.clone());
        }
        if let Err(e) = self.run(c) {
            self.failure = Some(e.clone());
            return Err(e);
        }
        self.consumed += c.len() as u64;
        Ok(())
    }

    /// An error if the data stopped inside a header or a body.
    pub fn end(&mut self) -> Result<(), WalkError> {
        if let Some(f) = &self.failure {
            return Err(f.clone());
        }
        if self.ended {
            return Ok(());
        }
        self.ended = true;
        // The last body arrived whole and only its padding is missing (umoci insert writes so).
        if self.state == State::Done || self.state == State::Pad {
            return Ok(());
        }
        if self.state == State::Header && self.pax.is_none() && self.long_name.is_none() && self.long_link.is_none() {
            if self.blk[..self.fill].iter().all(|&b| b == 0) {
                return Ok(());
            }
            if self.blk_at == 0 && !(self.fill > 262 && has_ustar_magic(&self.blk)) {
                return Err(self.failed("not a tar archive".into()));
            }
        }
        Err(self.failed("archive is truncated".into()))
    }

    fn failed(&mut self, what: String) -> WalkError {
        let e = WalkError(what);
        self.failure = Some(e.clone());
        e
    }

    fn run(&mut self, c: &[u8]) -> Result<(), WalkError> {
        let n = c.len();
        let base = self.consumed;
        let mut p = 0;
        while p < n {
            match self.state {
                State::Header | State::SparseExt | State::SparseMap => {
                    if self.fill == 0 && n - p >= BLOCK {
                        p += BLOCK;
                        self.block(&c[p - BLOCK..p], base + (p - BLOCK) as u64, base + p as u64)?;
                    } else {
                        if self.fill == 0 {
                            self.blk_at = base + p as u64;
                        }
                        let take = (BLOCK - self.fill).min(n - p);
                        self.blk[self.fill..self.fill + take].copy_from_slice(&c[p..p + take]);
                        self.fill += take;
                        p += take;
                        if self.fill == BLOCK {
                            self.fill = 0;
                            let b = self.blk;
                            self.block(&b, self.blk_at, base + p as u64)?;
                        }
                    }
                }
                State::Body => {
                    let take = (self.remaining.min((n - p) as u64)) as usize;
                    if self.receiving {
                        self.sink.data(&c[p..p + take]);
                    }
                    p += take;
                    self.remaining -= take as u64;
                    if self.remaining == 0 {
                        self.body_done();
                    }
                }
                State::Pad => {
                    let take = self.pad.min((n - p) as u64);
                    p += take as usize;
                    self.pad -= take;
                    if self.pad == 0 {
                        self.state = State::Header;
                    }
                }
                State::Meta => {
                    let take = (self.remaining.min((n - p) as u64)) as usize;
                    if let Some(m) = &mut self.meta {
                        m.extend_from_slice(&c[p..p + take]);
                    }
                    p += take;
                    self.remaining -= take as u64;
                    if self.remaining == 0 {
                        self.meta_done()?;
                    }
                }
                // After the end-of-archive marker: whatever follows is ignored.
                State::Done => p = n,
            }
        }
        Ok(())
    }

    /// `at`: the block's offset; `next`: the offset just after it.
    fn block(&mut self, b: &[u8], at: u64, next: u64) -> Result<(), WalkError> {
        match self.state {
            State::Header => self.header(b, at, next),
            State::SparseExt => {
                if b[EXT_ISEXTENDED] == 0 {
                    self.start_body(next);
                }
                Ok(())
            }
            _ => self.map_block(b, next),
        }
    }

    fn header(&mut self, b: &[u8], at: u64, next: u64) -> Result<(), WalkError> {
        match block_status(b) {
            BlockStatus::Zero => {
                // Two zero blocks end the archive; a lone one followed by a header is skipped.
                self.zeros += 1;
                if self.zeros >= 2 {
                    self.state = State::Done;
                }
                return Ok(());
            }
            BlockStatus::Bad => {
                return Err(WalkError(if at == 0 && !has_ustar_magic(b) {
                    "not a tar archive".into()
                } else {
                    format!("corrupt tar header at offset {at}")
                }));
            }
            BlockStatus::Good => self.zeros = 0,
        }
        let declared = match parse_numeric(b, 124, 12) {
            Num::Val(v) => v,
            Num::Bad => return Err(WalkError(format!("corrupt tar header at offset {at}"))),
            Num::TooBig => {
                return Err(WalkError(format!("tar entry at offset {at} declares a size of 2^53 bytes or more")))
            }
        };
        let flag = b[156];
        match flag {
            b'x' => return self.start_meta(MetaKind::Pax, declared, at),
            b'g' => return self.start_meta(MetaKind::Ignored, declared, at),
            b'L' => return self.start_meta(MetaKind::LongName, declared, at),
            b'K' => return self.start_meta(MetaKind::LongLink, declared, at),
            _ => {}
        }
        self.entry(b, at, next, flag, declared)
    }

    fn start_meta(&mut self, kind: MetaKind, size: u64, at: u64) -> Result<(), WalkError> {
        if size > MAX_HEADER_RECORD {
            return Err(WalkError("tar entry header larger than 1 MiB".into()));
        }
        self.meta_kind = kind;
        self.meta_at = at;
        self.meta = if kind == MetaKind::Ignored { None } else { Some(Vec::with_capacity(size as usize)) };
        self.remaining = size;
        self.pad = pad_of(size);
        if size == 0 {
            self.meta_done()
        } else {
            self.state = State::Meta;
            Ok(())
        }
    }

    fn meta_done_ignored(&mut self) {
        self.meta = None;
        self.state = if self.pad > 0 { State::Pad } else { State::Header };
    }

    fn meta_done(&mut self) -> Result<(), WalkError> {
        let m = self.meta.take();
        self.state = if self.pad > 0 { State::Pad } else { State::Header };
        let Some(m) = m else { return Ok(()) };
        match self.meta_kind {
            MetaKind::Pax => match parse_pax(&m) {
                // A later 'x' replaces an earlier one; its size waits for the real entry.
                Ok(r) => self.pax = Some(r),
                Err(why) => return Err(WalkError(format!("corrupt PAX header at offset {} ({why})", self.meta_at))),
            },
            MetaKind::LongName => {
                let s = c_string(&m, 0, m.len());
                self.long_name = (!s.is_empty()).then_some(s);
            }
            MetaKind::LongLink => {
                let s = c_string(&m, 0, m.len());
                self.long_link = (!s.is_empty()).then_some(s);
            }
            MetaKind::Ignored => {}
        }
        Ok(())
    }

    fn entry(&mut self, b: &[u8], at: u64, next: u64, flag: u8, declared: u64) -> Result<(), WalkError> {
        let format = header_format(b);
        let pax = self.pax.take();
        let long_name = self.long_name.take();
        let long_link = self.long_link.take();
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
        let mut extended = false;
        let mut pax_map = false;
        if flag == b'S' {
            if format != Format::Gnu {
                return Err(WalkError(format!("corrupt tar header at offset {at}")));
            }
            real_size = match parse_numeric(b, GNU_REALSIZE, 12) {
                Num::Val(v) => v,
                Num::Bad => return Err(WalkError(format!("corrupt tar header at offset {at}"))),
                Num::TooBig => {
                    return Err(WalkError(format!("tar entry at offset {at} declares a size of 2^53 bytes or more")))
                }
            };
            extended = b[GNU_ISEXTENDED] != 0;
        } else if let (Some(p), EntryType::File) = (&pax, kind) {
            let version = sparse_version(p);
            if version != SparseVersion::NotSparse {
                if let Some(n) = &p.sparse_name {
                    name = n.clone();
                }
                if let Some(r) = p.sparse_real_size {
                    real_size = r;
                }
                pax_map = version == SparseVersion::V1;
            }
        }

        self.receiving = self.sink.entry(TarEntry { name, kind, linkname, size: real_size, mode });
        self.remaining = stored;
        self.pad = pad_of(stored);
        if extended {
            self.state = State::SparseExt;
        } else if pax_map {
            if stored < BLOCK as u64 {
                return Err(WalkError(format!("corrupt sparse map in tar entry at offset {at}")));
            }
            self.meta_at = at;
            self.meta = Some(Vec::new());
            self.map_lines = 0;
            self.map_need = u64::MAX;
            self.state = State::SparseMap;
        } else {
            self.start_body(next);
        }
        Ok(())
    }

    fn start_body(&mut self, at: u64) {
        if self.receiving {
            self.sink.body(at, self.remaining);
        }
        if self.remaining == 0 {
            self.body_done();
        } else {
            self.state = State::Body;
        }
    }

    fn body_done(&mut self) {
        let receiving = self.receiving;
        self.receiving = false;
        self.state = if self.pad > 0 { State::Pad } else { State::Header };
        if receiving {
            self.sink.end();
        }
    }

    /// PAX 1.0 sparse files start their body with a map in whole blocks: decimal lines giving the
    /// number of segments, then an offset and a length per segment. The stored data follows it.
    fn map_block(&mut self, b: &[u8], next: u64) -> Result<(), WalkError> {
        let m = self.meta.get_or_insert_with(Vec::new);
        if m.len() as u64 + BLOCK as u64 > MAX_HEADER_RECORD {
            return Err(WalkError("tar entry header larger than 1 MiB".into()));
        }
        let from = m.len();
        m.extend_from_slice(&b[..BLOCK]);
        self.remaining -= BLOCK as u64;
        let map_error = || WalkError(format!("corrupt sparse map in tar entry at offset {}", self.meta_at));
        for i in from..m.len() {
            if m[i] != 0x0a {
                continue;
            }
            self.map_lines += 1;
            if self.map_lines == 1 {
                match decimal(&m[..i]) {
                    Decimal::Val(count) if count <= MAX_HEADER_RECORD => self.map_need = 1 + 2 * count,
                    _ => return Err(map_error()),
                }
            }
        }
        if self.map_lines < self.map_need {
            if self.remaining < BLOCK as u64 {
                return Err(map_error());
            }
            return Ok(());
        }
        // Every field must be a decimal number; the values themselves are not needed.
        let mut s = 0;
        for _ in 0..self.map_need {
            let e = s + m[s..].iter().position(|&c| c == 0x0a).unwrap_or(m.len() - s);
            // As the TypeScript reader: digits are all that is checked, however large.
            if decimal(&m[s..e]) == Decimal::NotDigits {
                return Err(map_error());
            }
            s = e + 1;
        }
        self.meta = None;
        self.pad = pad_of(self.remaining);
        self.start_body(next);
        Ok(())
    }
}
