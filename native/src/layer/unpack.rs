//! Bytes of any compression in, plain bytes out to a sink: the "read the first bytes, then
//! choose" step, done here once for every driver that gets its bytes in chunks (a layer pushed
//! from stdin or a registry, a compressed file range read on the thread pool, an outer archive
//! streamed). A failure is kept, so that every later call says the same sentence.

use super::decode::{compression_of, Compression, Decode, Decoders, SNIFF_BYTES};
use super::fail::WalkFail;
use crate::tar::error::WalkError;

/// Decoded bytes are handed to the sink this many at a time.
pub const DECODE_CHUNK: usize = 1 << 20;

/// Where plain bytes go.
pub trait PlainSink {
    fn push(&mut self, plain: &[u8]) -> Result<(), WalkError>;

    /// Told once, before the first plain byte, what the bytes were compressed with.
    fn compression(&mut self, _c: Compression) {}
}

enum Stage {
    /// The first bytes, until there are enough to choose.
    Sniffing(Vec<u8>),
    Plain,
    Decoding(Box<dyn Decode>, Vec<u8>),
}

pub struct Unpack<P: PlainSink> {
    pub sink: P,
    stage: Stage,
    decoders: Decoders,
    chosen: Option<Compression>,
    failure: Option<WalkFail>,
}

impl<P: PlainSink> Unpack<P> {
    pub fn new(sink: P, decoders: Decoders) -> Unpack<P> {
        Unpack { sink, stage: Stage::Sniffing(Vec::with_capacity(SNIFF_BYTES)), decoders, chosen: None, failure: None }
    }

    /// What was chosen; None while too few bytes have come.
    pub fn compression(&self) -> Option<Compression> {
        self.chosen
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), WalkFail> {
        if let Some(f) = &self.failure {
            return Err(f.clone());
        }
        let r = self.feed(chunk);
        if let Err(e) = &r {
            self.failure = Some(e.clone());
        }
        r
    }

    /// The input ended: the decoder must be between members or frames. Hands back the sink,
    /// whose own end (the tar's) is the caller's.
    pub fn finish(mut self) -> Result<P, WalkFail> {
        if let Some(f) = self.failure.take() {
            return Err(f);
        }
        if let Stage::Sniffing(head) = &mut self.stage {
            let head = std::mem::take(head);
            self.start(&head)?;
        }
        if let Stage::Decoding(d, _) = &self.stage {
            d.end()?;
        }
        Ok(self.sink)
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), WalkFail> {
        if let Stage::Sniffing(head) = &mut self.stage {
            let take = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() < SNIFF_BYTES {
                return Ok(());
            }
            let head = std::mem::take(head);
            self.start(&head)?;
            return self.feed(&chunk[take..]);
        }
        match &mut self.stage {
            Stage::Plain => Ok(self.sink.push(chunk)?),
            Stage::Decoding(d, buf) => {
                let sink = &mut self.sink;
                d.write(chunk, buf, &mut |plain| sink.push(plain))
            }
            Stage::Sniffing(_) => unreachable!("handled above"),
        }
    }

    /// Chooses by `head` and passes it on.
    fn start(&mut self, head: &[u8]) -> Result<(), WalkFail> {
        let c = compression_of(head);
        self.stage = match c {
            Compression::None => Stage::Plain,
            _ => Stage::Decoding((self.decoders)(c)?, vec![0u8; DECODE_CHUNK]),
        };
        self.chosen = Some(c);
        self.sink.compression(c);
        if head.is_empty() {
            return Ok(());
        }
        self.feed(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects plain bytes; fails on the byte 0xEE.
    #[derive(Default)]
    struct Collect(Vec<u8>, Option<Compression>);

    impl PlainSink for Collect {
        fn push(&mut self, plain: &[u8]) -> Result<(), WalkError> {
            if plain.contains(&0xee) {
                return Err(WalkError("bad byte".into()));
            }
            self.0.extend_from_slice(plain);
            Ok(())
        }
        fn compression(&mut self, c: Compression) {
            self.1 = Some(c);
        }
    }

    /// No decoder is ever needed for plain bytes.
    fn none(_: Compression) -> Result<Box<dyn Decode>, WalkFail> {
        Err(WalkFail::Data("no decoder here".into()))
    }

    #[test]
    fn chooses_once_enough_bytes_came_whatever_the_chunks() {
        for chunk in [1, 2, 3, 4, 100] {
            let mut u = Unpack::new(Collect::default(), none);
            for c in b"plain tar bytes".chunks(chunk) {
                u.push(c).unwrap();
            }
            let sink = u.finish().unwrap();
            assert_eq!((&sink.0[..], sink.1), (&b"plain tar bytes"[..], Some(Compression::None)), "chunks of {chunk}");
        }
        // Fewer than SNIFF_BYTES in all: decided at the end; nothing at all: plain and empty.
        let mut u = Unpack::new(Collect::default(), none);
        u.push(b"ab").unwrap();
        assert_eq!(u.finish().unwrap().0, b"ab");
        assert_eq!(Unpack::new(Collect::default(), none).finish().unwrap().1, Some(Compression::None));
        // gzip magic: the decoder is asked for, and its refusal is the sentence.
        let mut u = Unpack::new(Collect::default(), none);
        assert_eq!(u.push(&[0x1f, 0x8b, 8, 0]), Err(WalkFail::Data("no decoder here".into())));
    }

    #[test]
    fn a_failure_is_said_again() {
        let mut u = Unpack::new(Collect::default(), none);
        let bad = Err(WalkFail::Tar(WalkError("bad byte".into())));
        assert_eq!(u.push(b"abcd\xee"), bad);
        assert_eq!(u.push(b"fine"), bad);
        assert_eq!(u.finish().map(|_| ()), bad);
    }
}
