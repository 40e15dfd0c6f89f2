//! What the gzip drivers need of an inflater. The addon's is Node's own zlib (node/zlib.rs, an
//! FFI), handed in by node/, so that this subtree holds no foreign code and depends on nothing
//! in node/.

/// Why inflating stopped: the gzip data is bad (the sentences src/layers/decompress.ts's gzip
/// backend says too), or the consumer of the output failed.
#[derive(Debug)]
pub enum GzFail<E> {
    /// "gzip data is truncated" / "data is not valid gzip (…)".
    Gzip(String),
    Out(E),
}

/// A gzip decoder fed compressed bytes in order, members and padding between them included.
pub trait Inflate {
    /// Inflates all of `input`; each piece of output (in `buf`, reused) goes to `out`.
    fn write<E>(
        &mut self,
        input: &[u8],
        buf: &mut [u8],
        out: &mut dyn FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), GzFail<E>>;

    /// The input ended: fine only between members.
    fn end<E>(&self) -> Result<(), GzFail<E>>;
}
