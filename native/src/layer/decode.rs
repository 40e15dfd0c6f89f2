//! Which decoder a layer needs, and what the drivers need of one. The first bytes name the
//! compression — gzip `1F 8B`; zstd `28 B5 2F FD`, or a skippable frame `5? 2A 4D 18` (pzstd and
//! seekable-zstd writers open with one) — never a file name or a media type. The decoders are
//! Node's own zlib and zstd (node/zlib.rs, node/zstd.rs), handed in by node/ as `Decoders`, so
//! that this subtree holds no foreign code and depends on nothing in node/.

use super::fail::WalkFail;
use crate::tar::error::WalkError;

/// Bytes that decide the compression (fewer only when the data is that short).
pub const SNIFF_BYTES: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// By magic bytes only; `head` is the first SNIFF_BYTES bytes, fewer only at the end of the data.
pub fn compression_of(head: &[u8]) -> Compression {
    match head {
        [0x1f, 0x8b, ..] => Compression::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
        [m, 0x2a, 0x4d, 0x18, ..] if m & 0xf0 == 0x50 => Compression::Zstd,
        _ => Compression::None,
    }
}

/// Where a decoder's output goes: the plain bytes, in order; a failure stops the decoder.
pub type Out<'a> = dyn FnMut(&[u8]) -> Result<(), WalkError> + 'a;

/// A decoder fed compressed bytes in order (gzip members or zstd frames, one after another).
pub trait Decode: Send {
    /// Decodes all of `input`; each piece of output (in `buf`, reused) goes to `out`. Bad data
    /// is `WalkFail::Data` with the sentence the user reads; a failure of `out` is returned as is.
    fn write(&mut self, input: &[u8], buf: &mut [u8], out: &mut Out<'_>) -> Result<(), WalkFail>;

    /// The input ended: fine only between members or frames ("… data is truncated" otherwise).
    fn end(&self) -> Result<(), WalkFail>;
}

/// Makes the decoder of a compression (never asked for `Compression::None`).
pub type Decoders = fn(Compression) -> Result<Box<dyn Decode>, WalkFail>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_is_named_by_the_first_bytes() {
        let cases: [(&[u8], Compression); 10] = [
            (&[0x1f, 0x8b, 8, 0], Compression::Gzip),
            (&[0x1f, 0x8b], Compression::Gzip),
            (&[0x28, 0xb5, 0x2f, 0xfd], Compression::Zstd),
            (&[0x50, 0x2a, 0x4d, 0x18], Compression::Zstd),
            (&[0x5f, 0x2a, 0x4d, 0x18], Compression::Zstd),
            (&[0x60, 0x2a, 0x4d, 0x18], Compression::None),
            (&[0x28, 0xb5, 0x2f], Compression::None),
            (&[0x1f], Compression::None),
            (&[], Compression::None),
            (b"./\0\0", Compression::None),
        ];
        for (head, want) in cases {
            assert_eq!(compression_of(head), want, "{head:?}");
        }
        for nibble in 0..16u8 {
            assert_eq!(compression_of(&[0x50 | nibble, 0x2a, 0x4d, 0x18]), Compression::Zstd);
        }
    }
}
