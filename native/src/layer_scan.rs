//! One layer's tar entries in, one flat list of records out: every entry's header (its path
//! normalized as layer-entries.ts normalizePath does), and for each
//! regular file what src/layers/layer-entries.ts needs to finish it — the classifier's final
//! answer for a binary candidate, or the few head bytes a script's `#!` line or a loader
//! configuration file's text comes from. Decisions that depend on the path (whiteouts, loader
//! configuration files) follow layer-entries.ts exactly, so that the TypeScript side only turns
//! records into LayerEntry objects. Bodies are never kept: the head of the current file, and for
//! an ELF file the capped ranges elf_complete.rs keeps.
#![forbid(unsafe_code)]

use crate::classify::{inspect, Classification, Inspection};
use crate::elf_complete::{complete_at_offsets, Streaming};
use crate::kept_text::TextBudget;
use crate::tar_header::EntryType;
use crate::tar_walk::{EntrySink, TarEntry};

/// Bytes of each file handed to the classifier first (layer-entries.ts HEAD_BYTES).
pub const HEAD_BYTES: u64 = 4096;
/// Most a classifier may ask for when headers sit further in (MAX_HEAD_BYTES).
pub const MAX_HEAD_BYTES: u64 = 1 << 20;
/// A `#!` line is read from at most this many bytes (SHEBANG_MAX + 1 tells "no newline" apart).
const SHEBANG_BYTES: usize = 257;

/// What a regular file's record carries beyond its header.
#[derive(Debug)]
pub enum Extra {
    None,
    /// Not a binary candidate: bytes for its `#!` line or its whole text.
    Head(Vec<u8>),
    /// A binary candidate: the classifier's final answer.
    Class(Box<Inspection>),
    /// An outer archive's regular file: where its body starts (see OuterScan).
    BodyAt(u64),
}

#[derive(Debug)]
pub struct Record {
    pub entry: TarEntry,
    pub extra: Extra,
}

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
    texts: TextBudget,
    /// The head buffer of the last file, reused: most files need nothing kept.
    spare: Vec<u8>,
}

impl LayerScan {
    pub fn new(seekable: bool) -> LayerScan {
        LayerScan {
            records: Vec::new(),
            seekable,
            current: None,
            streaming: None,
            pending: Vec::new(),
            texts: TextBudget::default(),
            spare: Vec::new(),
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
        self.spare = cur.head;
    }

    /// A script's first line, or the whole text of a file the rules read (kept_text.rs).
    fn note_text(&mut self, cur: Current) {
        let head = cur.head;
        let keep_text = cur.text && head.len() as u64 == cur.size;
        let extra = if keep_text {
            self.texts.spend(cur.size);
            Extra::Head(head)
        } else {
            let e = if head.starts_with(b"#!") {
                Extra::Head(head[..head.len().min(SHEBANG_BYTES)].to_vec())
            } else {
                Extra::None
            };
            self.spare = head;
            e
        };
        self.records[cur.record].extra = extra;
    }
}

/// The entries of an outer archive (a docker-save or oci-archive tarball) and where each regular
/// file's body starts, so that its layers and documents can be read at their offsets. No body is
/// read here.
#[derive(Default)]
pub struct OuterScan {
    pub records: Vec<Record>,
}

impl EntrySink for OuterScan {
    fn entry(&mut self, e: TarEntry) -> bool {
        let file = e.kind == EntryType::File;
        self.records.push(Record { entry: e, extra: Extra::None });
        file
    }

    fn body(&mut self, at: u64, _stored: u64) {
        if let Some(r) = self.records.last_mut() {
            r.extra = Extra::BodyAt(at);
        }
    }

    fn data(&mut self, _chunk: &[u8]) {}

    fn end(&mut self) {}

    fn needs_bytes(&self) -> bool {
        false
    }
}

impl EntrySink for LayerScan {
    fn entry(&mut self, mut e: TarEntry) -> bool {
        let wanted = e.kind == EntryType::File && e.size > 0;
        let (size, record) = (e.size, self.records.len());
        // Records carry the normalized path: the TypeScript side needs nothing else of the name.
        e.name = normalize_path(&e.name);
        let skip = !wanted || e.name == "/" || base_name(&e.name).starts_with(".wh.");
        let text = !skip && self.texts.wants(&e.name, size);
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

/// Whether a head starts like something the classifier can call a binary (native.ts isCandidate).
pub fn is_candidate(head: &[u8]) -> bool {
    if head.len() < 2 {
        return false;
    }
    if head[0] == 0x4d && head[1] == 0x5a {
        return true; // MZ
    }
    if head.len() < 4 {
        return false;
    }
    matches!(
        u32::from_be_bytes([head[0], head[1], head[2], head[3]]),
        0x7f45_4c46 | 0xfeed_face | 0xcefa_edfe | 0xfeed_facf | 0xcffa_edfe | 0xcafe_babe | 0xcafe_babf
    )
}

/// Lexically normalized absolute path, as layer-entries.ts normalizePath: "./usr//lib/" → "/usr/lib".
pub fn normalize_path(name: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    let mut s = String::with_capacity(name.len() + 1);
    for p in &out {
        s.push('/');
        s.push_str(p);
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_as_the_typescript_side_does() {
        assert_eq!(normalize_path("./usr//lib/"), "/usr/lib");
        assert_eq!(normalize_path("../../etc/x"), "/etc/x");
        assert_eq!(normalize_path("./"), "/");
        assert_eq!(normalize_path("a/./b/../c"), "/a/c");
    }
}
