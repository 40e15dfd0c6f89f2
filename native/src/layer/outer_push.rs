//! An outer archive (docker save, oci-archive, or a plain root filesystem tar) pushed in chunks,
//! as stdin and `docker save` give it — read once, in order, with no seeking. The outer tar is
//! decoded if it is compressed and walked as it comes; its documents are kept whole, each of its
//! layers is walked by a nested `LayerPush` as its body passes (manifest.json usually comes after
//! the layers, so which of them an image uses is only known at the end), and the same plain bytes
//! are walked as a root filesystem, in case the archive holds no image metadata at all.
//!
//! The caller checks digests: each push reports the bytes of every layer named by its digest
//! (a blob) — as a range of the chunk it was given when the archive is plain, as a copy when they
//! came out of the decoder — so that no layer is kept or read twice.

use super::archive::{kind, Kind, SNIFF};
use super::decode::Decoders;
use super::fail::WalkFail;
use super::outer::OuterEntry;
use super::push::{LayerPush, PlainPush};
use super::record::Record;
use super::unpack::{PlainSink, Unpack};
use crate::layer::decode::Compression;
use crate::tar::entry::TarEntry;
use crate::tar::error::WalkError;
use crate::tar::header::EntryType;
use crate::tar::walk::{EntrySink, TarWalk};

/// Bytes of a layer blob that passed, for its digest: `[from, to)` of the plain stream — inside
/// the chunk just pushed when the archive is plain — or a copy.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Range { entry: usize, from: u64, to: u64 },
    Bytes { entry: usize, bytes: Vec<u8> },
}

/// What one push saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Layer blobs whose bytes began to pass: the entry and its archive path.
    pub started: Vec<(usize, String)>,
    pub pieces: Vec<Piece>,
    /// Layers whose walk ended (successfully or not).
    pub done: Vec<usize>,
    /// A plain archive's end-of-archive marker has passed: nothing after it is read, so the
    /// caller stops reading — a stream of zeros (`elfscan - < /dev/zero`) ends after two blocks
    /// instead of being read forever, as Go's archive/tar stops at the marker too.
    pub ended: bool,
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.started.is_empty() && self.pieces.is_empty() && self.done.is_empty() && !self.ended
    }
}

/// What the archive held, once it ended.
pub struct Outer {
    pub entries: Vec<OuterEntry>,
    /// Documents, by entry.
    pub documents: Vec<(usize, Vec<u8>)>,
    /// Layers, by entry: their records, or why their walk failed (an error only if a manifest
    /// names them).
    pub layers: Vec<(usize, Result<Vec<Record>, WalkFail>)>,
    /// The archive walked as a root filesystem.
    pub rootfs: Result<Vec<Record>, WalkFail>,
}

enum Body {
    /// The first SNIFF bytes, until they decide.
    Sniffing(Vec<u8>),
    Document(Vec<u8>),
    Layer(Box<LayerPush>),
    Ignored,
}

struct Current {
    entry: usize,
    size: u64,
    body_at: u64,
    seen: u64,
    /// A blob: its bytes are reported for the digest check.
    hashed: bool,
    body: Body,
}

/// The outer walk's sink.
struct Entries {
    entries: Vec<OuterEntry>,
    documents: Vec<(usize, Vec<u8>)>,
    layers: Vec<(usize, Result<Vec<Record>, WalkFail>)>,
    current: Option<Current>,
    decoders: Decoders,
    /// The plain bytes came out of a decoder: pieces are copies.
    copy: bool,
    report: Report,
}

impl Entries {
    fn piece(&mut self, entry: usize, from: u64, bytes: &[u8]) {
        let to = from + bytes.len() as u64;
        match self.report.pieces.last_mut() {
            Some(Piece::Range { entry: e, to: t, .. }) if *e == entry && *t == from && !self.copy => *t = to,
            Some(Piece::Bytes { entry: e, bytes: b }) if *e == entry && self.copy => b.extend_from_slice(bytes),
            _ if self.copy => self.report.pieces.push(Piece::Bytes { entry, bytes: bytes.to_vec() }),
            _ => self.report.pieces.push(Piece::Range { entry, from, to }),
        }
    }

    /// The first bytes decide what the entry is; they are passed on to what it turned out to be.
    fn decide(&mut self, cur: &mut Current, head: Vec<u8>) {
        let e = &mut self.entries[cur.entry];
        e.kind = kind(&e.entry.name, cur.size, &head);
        cur.body = match e.kind {
            Kind::Document => Body::Document(head),
            Kind::Layer => {
                let mut layer = Box::new(LayerPush::new(self.decoders));
                let _ = layer.push(&head); // a failure is the layer's own, kept until its end
                cur.hashed = e.entry.name.starts_with("blobs/");
                if cur.hashed {
                    self.report.started.push((cur.entry, e.entry.name.clone()));
                    self.report.pieces.push(Piece::Bytes { entry: cur.entry, bytes: head });
                }
                Body::Layer(layer)
            }
            Kind::Other => Body::Ignored,
        };
    }

    fn feed(&mut self, cur: &mut Current, chunk: &[u8]) {
        let at = cur.body_at + cur.seen;
        cur.seen += chunk.len() as u64;
        match &mut cur.body {
            Body::Sniffing(head) => {
                let take = (SNIFF.min(cur.size) as usize - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() as u64 == SNIFF.min(cur.size) {
                    let head = std::mem::take(head);
                    self.decide(cur, head);
                    cur.seen -= (chunk.len() - take) as u64;
                    self.feed(cur, &chunk[take..]);
                }
            }
            Body::Document(doc) => doc.extend_from_slice(chunk),
            Body::Layer(layer) => {
                let _ = layer.push(chunk);
                if cur.hashed && !chunk.is_empty() {
                    self.piece(cur.entry, at, chunk);
                }
            }
            Body::Ignored => {}
        }
    }
}

impl EntrySink for Entries {
    fn entry(&mut self, e: TarEntry) -> bool {
        let outer = OuterEntry::new(e);
        let sniffed = outer.sniffed();
        let file = outer.entry.kind == EntryType::File;
        let size = outer.entry.size;
        self.entries.push(outer);
        if sniffed {
            let entry = self.entries.len() - 1;
            let body = Body::Sniffing(Vec::with_capacity(SNIFF.min(size) as usize));
            self.current = Some(Current { entry, size, body_at: 0, seen: 0, hashed: false, body });
        }
        file
    }

    fn body(&mut self, at: u64, _stored: u64) {
        let i = self.entries.len() - 1;
        self.entries[i].body_at = at;
        if let Some(cur) = self.current.as_mut() {
            cur.body_at = at;
        }
    }

    fn data(&mut self, chunk: &[u8]) {
        if let Some(mut cur) = self.current.take() {
            self.feed(&mut cur, chunk);
            self.current = Some(cur);
        }
    }

    fn end(&mut self) {
        let Some(mut cur) = self.current.take() else { return };
        if let Body::Sniffing(head) = &mut cur.body {
            let head = std::mem::take(head);
            self.decide(&mut cur, head);
        }
        match cur.body {
            Body::Document(doc) => self.documents.push((cur.entry, doc)),
            Body::Layer(layer) => {
                self.layers.push((cur.entry, layer.finish()));
                self.report.done.push(cur.entry);
            }
            _ => {}
        }
    }

    fn needs_bytes(&self) -> bool {
        self.current.is_some()
    }
}

/// The two walks of the same plain bytes.
struct Walks {
    outer: TarWalk<Entries>,
    rootfs: PlainPush,
    rootfs_failure: Option<WalkError>,
}

impl PlainSink for Walks {
    fn push(&mut self, plain: &[u8]) -> Result<(), WalkError> {
        self.outer.push(plain)?;
        if self.rootfs_failure.is_none() {
            if let Err(e) = self.rootfs.push(plain) {
                self.rootfs_failure = Some(e);
            }
        }
        Ok(())
    }

    fn compression(&mut self, c: Compression) {
        self.outer.sink.copy = c != Compression::None;
    }
}

pub struct OuterPush {
    unpack: Unpack<Walks>,
}

impl OuterPush {
    pub fn new(decoders: Decoders) -> OuterPush {
        let entries = Entries {
            entries: Vec::new(),
            documents: Vec::new(),
            layers: Vec::new(),
            current: None,
            decoders,
            copy: false,
            report: Report::default(),
        };
        let walks = Walks { outer: TarWalk::new(entries), rootfs: PlainPush::default(), rootfs_failure: None };
        OuterPush { unpack: Unpack::new(walks, decoders) }
    }

    /// The archive's next bytes; what passed, for the digests and the progress.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Report, WalkFail> {
        let r = self.unpack.push(chunk);
        let mut report = std::mem::take(&mut self.unpack.sink.outer.sink.report);
        // A compressed archive goes on to its decoder's trailer, which finish() insists on.
        let outer = &self.unpack.sink.outer;
        report.ended = outer.done() && !outer.sink.copy;
        r.map(|()| report)
    }

    /// The archive ended: it must be complete.
    pub fn finish(self) -> Result<Outer, WalkFail> {
        let mut walks = self.unpack.finish()?;
        walks.outer.end()?;
        let rootfs = match walks.rootfs_failure {
            Some(e) => Err(WalkFail::Tar(e)),
            None => walks.rootfs.finish().map_err(WalkFail::Tar),
        };
        let e = walks.outer.sink;
        Ok(Outer { entries: e.entries, documents: e.documents, layers: e.layers, rootfs })
    }
}
