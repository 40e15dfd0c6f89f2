//! A push parser for tar streams that can also be told to skip: elfscan's one tar reader (ustar,
//! GNU, PAX, old GNU and PAX sparse, headers capped at 1 MiB). Fed every byte it is the streaming
//! reader; asked what it may skip (`skippable`) it lets a seekable source jump over bodies nobody
//! reads, so a layer on disk costs its headers and the heads of its files, not its size.
//! docs/tar-reader.md has the rules, docs/performance.md the design.

use super::entry::{resolve, Layout, Pending, TarEntry};
use super::error::{WalkError, MAX_HEADER_RECORD};
use super::header::{
    block_status, c_string, has_ustar_magic, padding, parse_numeric, BlockStatus, Num, BLOCK, EXT_ISEXTENDED,
};
use super::pax::parse_pax;
use super::sparse::SparseMap;

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
    /// The body of the meta entry being read (None for one whose contents are ignored).
    meta: Option<Vec<u8>>,
    meta_kind: MetaKind,
    meta_at: u64,
    map: Option<SparseMap>,
    pending: Pending,
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
            map: None,
            pending: Pending::default(),
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
                            self.meta = None;
                            self.after(self.pad);
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
        if self.state == State::Header && self.pending.is_empty() {
            if self.blk[..self.fill].iter().all(|&b| b == 0) {
                return Ok(());
            }
            if self.blk_at == 0 && !(self.fill > 262 && has_ustar_magic(&self.blk)) {
                return Err(self.failed(WalkError::not_tar()));
            }
        }
        Err(self.failed(WalkError::truncated()))
    }

    fn failed(&mut self, e: WalkError) -> WalkError {
        self.failure = Some(e.clone());
        e
    }

    /// Padding follows, or the next header.
    fn after(&mut self, pad: u64) {
        self.state = if pad > 0 { State::Pad } else { State::Header };
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
            _ => {
                // Map blocks: the entry said its stored bytes hold at least this one.
                self.remaining -= BLOCK as u64;
                let done = match self.map.as_mut() {
                    Some(map) => map.block(b, self.remaining)?,
                    None => true,
                };
                if done {
                    self.map = None;
                    self.pad = padding(self.remaining);
                    self.start_body(next);
                }
                Ok(())
            }
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
                return Err(if at == 0 && !has_ustar_magic(b) {
                    WalkError::not_tar()
                } else {
                    WalkError::corrupt_header(at)
                });
            }
            BlockStatus::Good => self.zeros = 0,
        }
        let declared = match parse_numeric(b, 124, 12) {
            Num::Val(v) => v,
            Num::Bad => return Err(WalkError::corrupt_header(at)),
            Num::TooBig => return Err(WalkError::size_too_big(at)),
        };
        let flag = b[156];
        match flag {
            b'x' => return self.start_meta(MetaKind::Pax, declared, at),
            b'g' => return self.start_meta(MetaKind::Ignored, declared, at),
            b'L' => return self.start_meta(MetaKind::LongName, declared, at),
            b'K' => return self.start_meta(MetaKind::LongLink, declared, at),
            _ => {}
        }
        let r = resolve(b, at, flag, declared, std::mem::take(&mut self.pending))?;
        self.receiving = self.sink.entry(r.entry);
        self.remaining = r.stored;
        self.pad = padding(r.stored);
        match r.layout {
            Layout::SparseExtensions => self.state = State::SparseExt,
            Layout::PaxMap => {
                if r.stored < BLOCK as u64 {
                    return Err(WalkError::corrupt_sparse_map(at));
                }
                self.map = Some(SparseMap::new(at));
                self.state = State::SparseMap;
            }
            Layout::Body => self.start_body(next),
        }
        Ok(())
    }

    fn start_meta(&mut self, kind: MetaKind, size: u64, at: u64) -> Result<(), WalkError> {
        if size > MAX_HEADER_RECORD {
            return Err(WalkError::header_too_large());
        }
        self.meta_kind = kind;
        self.meta_at = at;
        self.meta = if kind == MetaKind::Ignored { None } else { Some(Vec::with_capacity(size as usize)) };
        self.remaining = size;
        self.pad = padding(size);
        if size == 0 {
            self.meta_done()
        } else {
            self.state = State::Meta;
            Ok(())
        }
    }

    fn meta_done(&mut self) -> Result<(), WalkError> {
        let m = self.meta.take();
        self.after(self.pad);
        let Some(m) = m else { return Ok(()) };
        match self.meta_kind {
            MetaKind::Pax => match parse_pax(&m) {
                // A later 'x' replaces an earlier one; its size waits for the real entry.
                Ok(r) => self.pending.pax = Some(r),
                Err(why) => return Err(WalkError::corrupt_pax(self.meta_at, why)),
            },
            MetaKind::LongName => {
                let s = c_string(&m, 0, m.len());
                self.pending.long_name = (!s.is_empty()).then_some(s);
            }
            MetaKind::LongLink => {
                let s = c_string(&m, 0, m.len());
                self.pending.long_link = (!s.is_empty()).then_some(s);
            }
            MetaKind::Ignored => {}
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
        self.after(self.pad);
        if receiving {
            self.sink.end();
        }
    }
}
