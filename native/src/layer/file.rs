//! A layer stored in a file at a known offset (a layer blob, or a layer nested in a docker-save
//! tarball): `walk_layer_file` chooses by the range's first bytes — a plain tar is walked at
//! offsets (windows over runs of headers and small files, seeks over the bodies no one reads), a
//! gzip or zstd one is decoded as it is read; `walk_outer` lists an outer archive's entries with
//! their body offsets. They run on the thread pool and report progress through a `&dyn Fn(u64)`
//! — bytes of the stored (possibly compressed) range got through — so that node/ can keep a
//! counter the main thread polls.

use std::fs::File;

use super::decode::{compression_of, Compression, Decoders, SNIFF_BYTES};
use super::fail::WalkFail;
use super::outer::{OuterEntry, OuterScan};
use super::push::LayerPush;
use super::read::{read_at, read_range, READ_CHUNK};
use super::record::Record;
use super::scan::LayerScan;
use crate::tar::error::WalkError;
use crate::tar::walk::{EntrySink, TarWalk};

/// Bytes read at once from a seekable layer: MIN_WINDOW after a skip (landing on a large body
/// wastes little), doubling up to MAX_WINDOW while a run of small entries goes on (one read covers
/// many of them). On the 59k-file benchmark corpus this reads about a third of the bytes.
pub const MIN_WINDOW: usize = 16 * 1024;
pub const MAX_WINDOW: usize = 256 * 1024;

/// For callers with no one to tell how far a walk has got.
pub fn no_progress(_: u64) {}

/// The layer at `[start, start + len)` of `file`, whatever its compression, walked on the
/// calling thread. `progress` hears bytes of the stored range: for a compressed layer the
/// decoded size is unknown until the end, so it could not give a fraction of anything.
pub fn walk_layer_file(
    file: &File,
    start: u64,
    len: u64,
    decoders: Decoders,
    progress: &dyn Fn(u64),
) -> Result<Vec<Record>, WalkFail> {
    if compression_of(&first_bytes(file, start, len)?) == Compression::None {
        return walk_file(file, start, len, progress);
    }
    let mut scan = LayerPush::new(decoders);
    // A file shorter than the range ends the reads early: finish() says the data is truncated.
    read_range(file, start, len, &mut vec![0u8; READ_CHUNK], |chunk, pos| {
        scan.push(chunk)?;
        progress(pos);
        Ok::<(), WalkFail>(())
    })?;
    let records = scan.finish()?;
    progress(len);
    Ok(records)
}

/// What a seeking driver needs of a sink beyond the entries: the bytes it must read at their
/// offsets (an ELF file's wanted ranges, an outer entry's first bytes), and the result.
pub trait SeekSink: EntrySink {
    type Output;
    /// Reads what waiting entries want; `read(offset, len)` reads bytes of the tar stream.
    fn complete_pending(&mut self, read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>)
        -> Result<(), WalkFail>;
    fn output(self) -> Self::Output;
}

impl SeekSink for LayerScan {
    type Output = Vec<Record>;

    fn complete_pending(
        &mut self,
        read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>,
    ) -> Result<(), WalkFail> {
        if self.has_pending() {
            LayerScan::complete_pending(self, read)?;
        }
        Ok(())
    }

    fn output(self) -> Vec<Record> {
        self.records
    }
}

impl SeekSink for OuterScan {
    type Output = Vec<OuterEntry>;

    fn complete_pending(
        &mut self,
        read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>,
    ) -> Result<(), WalkFail> {
        self.sniff_pending(read)
    }

    fn output(self) -> Vec<OuterEntry> {
        self.entries
    }
}

/// Scans the plain tar at `[start, start + len)` of `file` as a layer, reading only headers,
/// heads and the ranges ELF files want. `progress` hears the position in the range: a skipped
/// body counts as got through, since skipping it is all the work it will ever cost.
pub fn walk_file(file: &File, start: u64, len: u64, progress: &dyn Fn(u64)) -> Result<Vec<Record>, WalkFail> {
    walk(file, start, len, LayerScan::new(true), progress)
}

/// The entries of the archive at `[start, start + len)` of `file`, with their body offsets
/// (relative to `start`) and what each is, reading headers and the first bytes of the files that
/// may matter; `progress` as in `walk_file`. None when the archive is compressed: it can only be
/// streamed (outer_push.rs).
pub fn walk_outer(file: &File, start: u64, len: u64, progress: &dyn Fn(u64)) -> Result<Option<Vec<OuterEntry>>, WalkFail> {
    if compression_of(&first_bytes(file, start, len)?) != Compression::None {
        return Ok(None);
    }
    walk(file, start, len, OuterScan::default(), progress).map(Some)
}

/// The range's first SNIFF_BYTES bytes (fewer when it is shorter).
fn first_bytes(file: &File, start: u64, len: u64) -> Result<Vec<u8>, WalkFail> {
    let mut head = vec![0u8; (SNIFF_BYTES as u64).min(len) as usize];
    let n = read_at(file, &mut head, start)?;
    head.truncate(n);
    Ok(head)
}

fn walk<S: SeekSink>(file: &File, start: u64, len: u64, sink: S, progress: &dyn Fn(u64)) -> Result<S::Output, WalkFail> {
    let mut walk = TarWalk::new(sink);
    let mut window = MIN_WINDOW;
    let mut buf = vec![0u8; MAX_WINDOW];
    let mut pos = 0u64; // relative to start
    loop {
        walk.sink.complete_pending(&mut |offset, n| {
            let mut bytes = vec![0u8; n as usize];
            // A body that ends early is the truncation the walk reports on its own.
            let got = if offset >= len {
                0
            } else {
                read_at(file, &mut bytes[..n.min(len - offset) as usize], start + offset)?
            };
            if got < n as usize {
                return Err(WalkFail::Tar(WalkError::truncated()));
            }
            Ok(bytes)
        })?;
        let skip = walk.skippable();
        if skip == u64::MAX {
            break; // the archive ended with its zero blocks
        }
        if skip > 0 {
            let n = skip.min(len - pos);
            walk.skip(n);
            pos += n;
            progress(pos);
            window = MIN_WINDOW;
        } else {
            window = (window * 2).min(MAX_WINDOW);
        }
        if pos >= len {
            break;
        }
        let want = (window as u64).min(len - pos) as usize;
        let got = read_at(file, &mut buf[..want], start + pos)?;
        if got == 0 {
            // The file is shorter than the range. The walk may sit between entries after a skip,
            // where end() would accept: the entries past the cut would go unreported.
            return Err(WalkFail::Tar(WalkError::truncated()));
        }
        walk.push(&buf[..got])?;
        pos += got as u64;
        progress(pos);
    }
    walk.end()?;
    // A walk that ended on its zero blocks before `len` is done too: the rest is padding, and a
    // bar left short of full would say otherwise.
    progress(len);
    Ok(walk.sink.output())
}
