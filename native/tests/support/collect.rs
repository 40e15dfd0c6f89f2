//! Runs the tar walker over an archive the two ways a driver can — every byte pushed in chunks of
//! a given size (bodies received), or pushed in windows with every skippable stretch skipped (as
//! a file driver seeks) — and records the entries, their bodies and the error.
#![allow(dead_code)]

use elfscan_native::tar::entry::TarEntry;
use elfscan_native::tar::walk::{EntrySink, TarWalk};

/// Chunk sizes every archive is pushed in (0: the whole archive at once).
pub const CHUNKINGS: [usize; 7] = [1, 7, 511, 512, 513, 4096, 0];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub entry: TarEntry,
    /// The body as received (empty when not received).
    pub body: Vec<u8>,
    /// Where the body starts in the stream and how many bytes are stored there.
    pub body_at: Option<(u64, u64)>,
    /// Whether the sink's end() came.
    pub ended: bool,
}

#[derive(Default)]
pub struct Collect {
    pub seen: Vec<Seen>,
    pub receive: bool,
}

impl EntrySink for Collect {
    fn entry(&mut self, e: TarEntry) -> bool {
        self.seen.push(Seen { entry: e, body: Vec::new(), body_at: None, ended: false });
        self.receive
    }
    fn body(&mut self, at: u64, stored: u64) {
        if let Some(s) = self.seen.last_mut() {
            s.body_at = Some((at, stored));
        }
    }
    fn data(&mut self, chunk: &[u8]) {
        if let Some(s) = self.seen.last_mut() {
            s.body.extend_from_slice(chunk);
        }
    }
    fn end(&mut self) {
        if let Some(s) = self.seen.last_mut() {
            s.ended = true;
        }
    }
    fn needs_bytes(&self) -> bool {
        self.receive
    }
}

/// Every byte pushed, `chunk` at a time: the entries with their bodies, and the error if any.
pub fn pushed(tar: &[u8], chunk: usize) -> (Vec<Seen>, Option<String>) {
    let mut w = TarWalk::new(Collect { seen: Vec::new(), receive: true });
    let step = if chunk == 0 { tar.len().max(1) } else { chunk };
    let mut error = None;
    for c in tar.chunks(step) {
        if let Err(e) = w.push(c) {
            error = Some(e.0);
            break;
        }
    }
    if error.is_none() {
        error = w.end().err().map(|e| e.0);
    }
    (w.sink.seen, error)
}

/// As a seeking driver reads: windows of `window` bytes, every skippable stretch skipped, no
/// body received. Returns the entries, the error, and how many bytes were pushed (not skipped).
pub fn skipped(tar: &[u8], window: usize) -> (Vec<Seen>, Option<String>, u64) {
    let mut w = TarWalk::new(Collect::default());
    let (mut pos, mut pushed) = (0usize, 0u64);
    let mut error = None;
    loop {
        let skip = w.skippable();
        if skip == u64::MAX {
            break;
        }
        if skip > 0 {
            let n = skip.min((tar.len() - pos) as u64);
            w.skip(n);
            pos += n as usize;
        }
        if pos >= tar.len() {
            break;
        }
        let end = (pos + window).min(tar.len());
        if let Err(e) = w.push(&tar[pos..end]) {
            error = Some(e.0);
            break;
        }
        pushed += (end - pos) as u64;
        pos = end;
    }
    if error.is_none() {
        error = w.end().err().map(|e| e.0);
    }
    (w.sink.seen, error, pushed)
}
