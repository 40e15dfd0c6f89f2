//! One layer's tar entries in, one flat list of records out: every entry's header (its path
//! normalized, path.rs), and for each regular file what the overlay needs of it — the
//! classifier's final answer for a binary candidate, or the few head bytes a script's `#!` line
//! or a loader configuration file's text comes from (kept_text.rs). The TypeScript side only
//! turns records into LayerEntry objects (src/layers/layer-index.ts). Bodies are never kept: the
//! head of the current file, and for an ELF file the capped ranges formats/elf/complete.rs keeps.

use super::kept_text::KeptText;
use super::path::{base_name, normalize_path};
use super::record::{Extra, Record};
use crate::classify::inspect;
use crate::common::{Classification, Inspection};
use crate::formats::elf::complete::{complete_at_offsets, Streaming};
use crate::formats::sniff::is_candidate;
use crate::tar::entry::TarEntry;
use crate::tar::header::EntryType;
use crate::tar::walk::EntrySink;

/// Bytes of each file handed to the classifier first: ELF/Mach-O/PE headers and PT_INTERP fit.
pub const HEAD_BYTES: u64 = 4096;
/// Most a classifier may ask for when headers sit further in (bounded memory per layer).
pub const MAX_HEAD_BYTES: u64 = 1 << 20;

/// The file whose body is being read.
struct Current {
    record: usize,
    size: u64,
    want: u64,
    head: Vec<u8>,
    text: bool,
    body_at: u64,
    stored: u64,
}

/// An ELF file that wants ranges past its head, waiting for a seeking driver to read them.
struct PendingSeek {
    head: Vec<u8>,
    size: u64,
    body_at: u64,
    stored: u64,
    first: Inspection,
    record: usize,
}

pub struct LayerScan {
    pub records: Vec<Record>,
    /// Bodies can be read at offsets: ELF completion is left to the driver (`pending`).
    seekable: bool,
    current: Option<Current>,
    streaming: Option<(usize, Streaming)>,
    pending: Vec<PendingSeek>,
    texts: KeptText,
}

impl LayerScan {
    pub fn new(seekable: bool) -> LayerScan {
        LayerScan {
            records: Vec::new(),
            seekable,
            current: None,
            streaming: None,
            pending: Vec::new(),
            texts: KeptText::default(),
        }
    }

    /// Seekable driver: whether ELF files wait for their wanted ranges to be read.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Seekable driver: completes the waiting ELF files; `read(offset, len)` reads bytes of the
    /// layer stream (body offsets are stream offsets, see EntrySink::body).
    pub fn complete_pending<E>(&mut self, read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, E>) -> Result<(), E> {
        for p in std::mem::take(&mut self.pending) {
            let at = p.body_at;
            let answer = complete_at_offsets(&p.head, p.size, p.stored, p.first, &mut |o, n| read(at + o, n))?;
            self.records[p.record].extra = Extra::Class(Box::new(answer));
        }
        Ok(())
    }

    fn decide(&mut self, at_end: bool) {
        let Some(cur) = self.current.as_mut() else { return };
        if !is_candidate(&cur.head) {
            let cur = self.current.take().unwrap();
            self.note_text(cur);
            return;
        }
        let first = inspect(&cur.head, &[], cur.size);
        let filled = cur.head.len() as u64;
        if let Classification::NeedMore(bytes) = first.classification {
            if !at_end && bytes > filled && bytes <= MAX_HEAD_BYTES.min(cur.size) {
                cur.want = bytes;
                return; // keep collecting; decide again when `want` bytes are in
            }
        }
        let cur = self.current.take().unwrap();
        if matches!(first.classification, Classification::Binary(_)) && !first.wants.is_empty() && !at_end {
            if self.seekable {
                self.pending.push(PendingSeek {
                    head: cur.head,
                    size: cur.size,
                    body_at: cur.body_at,
                    stored: cur.stored,
                    first,
                    record: cur.record,
                });
            } else {
                let s = Streaming::new(&cur.head, cur.size, first);
                self.streaming = Some((cur.record, s));
            }
            return;
        }
        self.records[cur.record].extra = Extra::Class(Box::new(first));
    }

    /// A script's first line, or a loader configuration file's whole text (kept_text.rs).
    fn note_text(&mut self, cur: Current) {
        let (whole, size) = (cur.text, cur.size);
        let kept = self.texts.keep(whole, cur.head, size);
        // Kept whole only as a text: a head cut short, or past the cap, is at most a `#!` line.
        self.records[cur.record].extra = match kept {
            Some(k) if whole && k.len() as u64 == size => Extra::Text(k),
            Some(k) => Extra::Head(k),
            None => Extra::None,
        };
    }
}

impl EntrySink for LayerScan {
    fn entry(&mut self, mut e: TarEntry) -> bool {
        let wanted = e.kind == EntryType::File && e.size > 0;
        let (size, record) = (e.size, self.records.len());
        // Records carry the normalized path, and a hard link its normalized target: the
        // TypeScript side needs nothing else of the names.
        e.name = normalize_path(&e.name);
        if e.kind == EntryType::Hardlink {
            e.linkname = normalize_path(&e.linkname);
        }
        let skip = !wanted || e.name == "/" || base_name(&e.name).starts_with(".wh.");
        let text = !skip && self.texts.whole(&e.name, size);
        self.records.push(Record { entry: e, extra: Extra::None });
        if skip {
            return false;
        }
        let want = if text { size } else { size.min(HEAD_BYTES) };
        self.current =
            Some(Current { record, size, want, head: Vec::with_capacity(want as usize), text, body_at: 0, stored: 0 });
        true
    }

    fn body(&mut self, at: u64, stored: u64) {
        if let Some(cur) = self.current.as_mut() {
            cur.body_at = at;
            cur.stored = stored;
        }
    }

    fn data(&mut self, chunk: &[u8]) {
        if let Some((_, s)) = self.streaming.as_mut() {
            s.data(chunk);
            return;
        }
        let mut rest = chunk;
        // A need-more answer may raise `want` again: keep filling while the chunk lasts.
        while let Some(cur) = self.current.as_mut() {
            let filled = cur.head.len() as u64;
            if filled >= cur.want || rest.is_empty() {
                return;
            }
            let n = ((cur.want - filled) as usize).min(rest.len());
            cur.head.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            if cur.head.len() as u64 == cur.want {
                self.decide(false);
                if let Some((_, s)) = self.streaming.as_mut() {
                    // The rest of this chunk is the body past the head.
                    s.data(rest);
                    return;
                }
            }
        }
    }

    fn end(&mut self) {
        if let Some((record, s)) = self.streaming.take() {
            self.records[record].extra = Extra::Class(Box::new(s.finish()));
            return;
        }
        if self.current.is_some() {
            self.decide(true);
        }
    }

    fn needs_bytes(&self) -> bool {
        self.streaming.is_some() || self.current.as_ref().is_some_and(|c| (c.head.len() as u64) < c.want)
    }
}
