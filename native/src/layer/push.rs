//! A layer whose bytes are pushed in chunks (stdin, a registry's response): `PushScan` walks a
//! plain tar as it comes, `GzPushScan` inflates a gzip layer on the way in. Either holds the walk
//! between pushes, so the caller decides the chunk sizes and the records never depend on them.

use super::fail::WalkFail;
use super::gzip::Inflate;
use super::record::Record;
use super::scan::LayerScan;
use crate::tar::error::WalkError;
use crate::tar::walk::TarWalk;

/// A layer read as a stream of chunks.
pub struct PushScan {
    walk: TarWalk<LayerScan>,
}

impl Default for PushScan {
    fn default() -> Self {
        PushScan { walk: TarWalk::new(LayerScan::new(false)) }
    }
}

impl PushScan {
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), WalkError> {
        self.walk.push(chunk)
    }

    pub fn finish(mut self) -> Result<Vec<Record>, WalkError> {
        self.walk.end()?;
        Ok(self.walk.sink.records)
    }
}

/// Inflated bytes are handed to the walker this many at a time (node:zlib's chunk size here).
const INFLATE_CHUNK: usize = 1 << 20;

/// A gzip layer read as a stream of compressed chunks, inflated (by Node's zlib, in the addon)
/// straight into the walker.
pub struct GzPushScan<G: Inflate> {
    gz: G,
    buf: Vec<u8>,
    scan: PushScan,
}

impl<G: Inflate> GzPushScan<G> {
    pub fn new(gz: G) -> GzPushScan<G> {
        GzPushScan { gz, buf: vec![0u8; INFLATE_CHUNK], scan: PushScan::default() }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), WalkFail> {
        let scan = &mut self.scan;
        Ok(self.gz.write(chunk, &mut self.buf, &mut |plain| scan.push(plain))?)
    }

    pub fn finish(self) -> Result<Vec<Record>, WalkFail> {
        self.gz.end::<WalkError>()?;
        Ok(self.scan.finish()?)
    }
}
