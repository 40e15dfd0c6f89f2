//! A layer whose bytes are pushed in chunks (stdin, a registry's response, a layer nested in a
//! streamed archive): `LayerPush` chooses by the first bytes, decodes gzip or zstd on the way in,
//! and walks the plain tar as it comes. It holds the walk between pushes, so the caller decides
//! the chunk sizes and the records never depend on them.

use super::decode::Decoders;
use super::fail::WalkFail;
use super::record::Record;
use super::scan::LayerScan;
use super::unpack::{PlainSink, Unpack};
use crate::tar::error::WalkError;
use crate::tar::walk::TarWalk;

/// A plain layer's tar walked as it comes.
pub struct PlainPush {
    walk: TarWalk<LayerScan>,
}

impl Default for PlainPush {
    fn default() -> Self {
        PlainPush { walk: TarWalk::new(LayerScan::new(false)) }
    }
}

impl PlainSink for PlainPush {
    fn push(&mut self, plain: &[u8]) -> Result<(), WalkError> {
        self.walk.push(plain)
    }
}

impl PlainPush {
    pub fn finish(mut self) -> Result<Vec<Record>, WalkError> {
        self.walk.end()?;
        Ok(self.walk.sink.records)
    }
}

/// A layer of any compression, pushed in chunks.
pub struct LayerPush {
    unpack: Unpack<PlainPush>,
}

impl LayerPush {
    pub fn new(decoders: Decoders) -> LayerPush {
        LayerPush { unpack: Unpack::new(PlainPush::default(), decoders) }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), WalkFail> {
        self.unpack.push(chunk)
    }

    /// The data ended: the decoder must be between members or frames, the tar complete.
    pub fn finish(self) -> Result<Vec<Record>, WalkFail> {
        Ok(self.unpack.finish()?.finish()?)
    }
}
