//! zstd layers decoded by the libzstd Node carries — every supported Node (22.15 and later)
//! exports its ZSTD_* symbols to addons, as it exports zlib's — so a zstd layer goes from the file
//! (or from a pushed chunk) into the layer walker with no child process, no pipe and no JavaScript
//! buffer per chunk. `cargo test` has no Node to resolve the symbols from and links the system's
//! libzstd.so.1 instead.
//!
//! libzstd does the checking: each frame's content checksum and declared size, any number of
//! frames one after another, and the window cap below, which it applies from the frame header,
//! before allocating anything. What is left here: skipping skippable frames (pzstd and
//! seekable-zstd indexes, wherever they are: their 8-byte header says how long they are), so that
//! it is known whether the input ended between frames, and the sentences.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::ptr::NonNull;

use crate::layer::decode::{Decode, Out};
use crate::layer::fail::WalkFail;

#[repr(C)]
struct InBuffer {
    src: *const c_void,
    size: usize,
    pos: usize,
}

#[repr(C)]
struct OutBuffer {
    dst: *mut c_void,
    size: usize,
    pos: usize,
}

// For `cargo test` only: the runtime library itself (libzstd.so.1, which Debian's zstd package
// depends on), so that no -dev package is needed; the addon takes the symbols from node.
#[cfg_attr(all(test, target_os = "linux"), link(name = "libzstd.so.1", kind = "dylib", modifiers = "+verbatim"))]
#[cfg_attr(all(test, not(target_os = "linux")), link(name = "zstd"))]
extern "C" {
    fn ZSTD_createDCtx() -> *mut c_void;
    fn ZSTD_freeDCtx(dctx: *mut c_void) -> usize;
    fn ZSTD_DCtx_setParameter(dctx: *mut c_void, param: c_int, value: c_int) -> usize;
    fn ZSTD_decompressStream(dctx: *mut c_void, output: *mut OutBuffer, input: *mut InBuffer) -> usize;
    fn ZSTD_isError(code: usize) -> c_uint;
    fn ZSTD_getErrorCode(code: usize) -> c_int;
    fn ZSTD_getErrorName(code: usize) -> *const c_char;
}

/// zstd.h `ZSTD_d_windowLogMax`.
const D_WINDOW_LOG_MAX: c_int = 100;
/// A frame may ask for a window of at most 2^27 bytes (128 MiB, zstd's own default limit, stated
/// so that a changed default cannot widen it): memory stays bounded whatever a header claims.
const WINDOW_LOG_MAX: c_int = 27;

// zstd_errors.h values (pinned since v1.3.1; below 100 they are stable).
const PREFIX_UNKNOWN: c_int = 10;
const FRAME_PARAMETER_UNSUPPORTED: c_int = 14;
const WINDOW_TOO_LARGE: c_int = 16;
const CORRUPTION_DETECTED: c_int = 20;
const CHECKSUM_WRONG: c_int = 22;
const DICTIONARY_WRONG: c_int = 32;
const MEMORY_ALLOCATION: c_int = 64;

/// Where the input is, frame-wise.
enum At {
    /// A frame starts: its first bytes, until they say whether it is skippable (8 bytes: its
    /// magic and its length) or not (4 bytes).
    Start([u8; 8], usize),
    /// Inside a skippable frame: bytes of it left.
    Skipping(u64),
    /// Inside a frame libzstd is decoding.
    Frame,
}

pub struct Zstd {
    dctx: NonNull<c_void>,
    at: At,
    /// Input bytes taken so far, and where the current frame started (for the sentences).
    consumed: u64,
    frame_at: u64,
    failed: bool,
}

// Safety: the context is owned by this value alone; libzstd keeps no thread-local state.
unsafe impl Send for Zstd {}

impl Zstd {
    pub fn new() -> Result<Zstd, String> {
        // Safety: no arguments; a null return means the allocation failed.
        let dctx = NonNull::new(unsafe { ZSTD_createDCtx() }).ok_or("zstd could not start (out of memory)")?;
        let z = Zstd { dctx, at: At::Start([0; 8], 0), consumed: 0, frame_at: 0, failed: false };
        // Safety: `dctx` was just created and is freed only by drop.
        let r = unsafe { ZSTD_DCtx_setParameter(z.dctx.as_ptr(), D_WINDOW_LOG_MAX, WINDOW_LOG_MAX) };
        if is_error(r) {
            return Err(format!("zstd could not start ({})", error_name(r)));
        }
        Ok(z)
    }

    fn fail(&mut self, code: usize) -> WalkFail {
        self.failed = true;
        // Safety: `code` is a value ZSTD_decompressStream returned.
        let at = self.frame_at;
        let why = match unsafe { ZSTD_getErrorCode(code) } {
            PREFIX_UNKNOWN => format!("unknown frame type at offset {at}"),
            WINDOW_TOO_LARGE => format!("the frame at offset {at} needs a window larger than 128 MiB"),
            DICTIONARY_WRONG => format!("the frame at offset {at} needs a dictionary"),
            FRAME_PARAMETER_UNSUPPORTED => format!("unsupported frame header at offset {at}"),
            CORRUPTION_DETECTED => format!("corrupt data in the frame at offset {at}"),
            CHECKSUM_WRONG => "content checksum mismatch".into(),
            MEMORY_ALLOCATION => "out of memory".into(),
            _ => error_name(code).to_lowercase(),
        };
        WalkFail::Data(format!("data is not valid zstd ({why})"))
    }
}

fn is_error(code: usize) -> bool {
    // Safety: a pure function of its argument.
    unsafe { ZSTD_isError(code) != 0 }
}

fn error_name(code: usize) -> String {
    // Safety: libzstd returns a static NUL-terminated string for every code.
    unsafe { CStr::from_ptr(ZSTD_getErrorName(code)) }.to_string_lossy().into_owned()
}

impl Zstd {
    /// Hands `input` to libzstd until it is all taken or the frame ends; how much was taken.
    fn decode(&mut self, input: &[u8], buf: &mut [u8], out: &mut Out<'_>) -> Result<usize, WalkFail> {
        let mut inb = InBuffer { src: input.as_ptr().cast(), size: input.len(), pos: 0 };
        loop {
            let mut outb = OutBuffer { dst: buf.as_mut_ptr().cast(), size: buf.len(), pos: 0 };
            // Safety: `inb` describes `input` and `outb` describes `buf`, both alive across the
            // call; libzstd reads only inside the one and writes only inside the other.
            let r = unsafe { ZSTD_decompressStream(self.dctx.as_ptr(), &mut outb, &mut inb) };
            if is_error(r) {
                return Err(self.fail(r));
            }
            if outb.pos > 0 {
                out(&buf[..outb.pos])?;
            }
            // 0: the frame is complete and its output flushed; libzstd stops right after it.
            if r == 0 {
                self.at = At::Start([0; 8], 0);
                return Ok(inb.pos);
            }
            // All taken, and nothing is left to flush until more input comes.
            if inb.pos == inb.size && outb.pos < outb.size {
                return Ok(inb.pos);
            }
        }
    }
}

impl Decode for Zstd {
    fn write(&mut self, mut input: &[u8], buf: &mut [u8], out: &mut Out<'_>) -> Result<(), WalkFail> {
        if self.failed {
            return Err(WalkFail::Data("data is not valid zstd (after an earlier error)".into()));
        }
        while !input.is_empty() {
            let taken = match &mut self.at {
                At::Start(head, n) => {
                    if *n == 0 {
                        self.frame_at = self.consumed;
                    }
                    let want = if *n >= 4 && is_skippable(&head[..4]) { 8 } else { 4 };
                    let take = (want - *n).min(input.len());
                    head[*n..*n + take].copy_from_slice(&input[..take]);
                    *n += take;
                    if *n == 8 {
                        self.at = At::Skipping(u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]])));
                    } else if *n == 4 && !is_skippable(&head[..4]) {
                        // A frame (or junk, which libzstd names): its first bytes go first.
                        let head = *head;
                        self.at = At::Frame;
                        let used = self.decode(&head[..4], buf, out)?;
                        debug_assert_eq!(used, 4, "a frame cannot end inside its magic");
                    }
                    take
                }
                At::Skipping(left) => {
                    let take = (*left).min(input.len() as u64);
                    *left -= take;
                    if *left == 0 {
                        self.at = At::Start([0; 8], 0);
                    }
                    take as usize
                }
                At::Frame => self.decode(input, buf, out)?,
            };
            self.consumed += taken as u64;
            input = &input[taken..];
        }
        Ok(())
    }

    fn end(&self) -> Result<(), WalkFail> {
        if self.failed {
            return Err(WalkFail::Data("data is not valid zstd (after an earlier error)".into()));
        }
        match self.at {
            At::Start(_, 0) => Ok(()),
            _ => Err(WalkFail::Data("zstd data is truncated".into())),
        }
    }
}

/// A skippable frame's magic: 0x184D2A50 to 0x184D2A5F, little-endian.
fn is_skippable(magic: &[u8]) -> bool {
    magic[0] & 0xf0 == 0x50 && magic[1..4] == [0x2a, 0x4d, 0x18]
}

impl Drop for Zstd {
    fn drop(&mut self) {
        // Safety: created in `new`, freed exactly once, here.
        unsafe { ZSTD_freeDCtx(self.dctx.as_ptr()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{compress, decode_all};

    fn zstd_cli(data: &[u8], args: &[&str]) -> Vec<u8> {
        compress("zstd", args, data)
    }

    /// A frame of raw (stored) blocks; `fcs`: the content size it declares (1 byte), if any.
    fn stored(data: &[u8], fcs: Option<u8>) -> Vec<u8> {
        let mut f = vec![0x28, 0xb5, 0x2f, 0xfd];
        match fcs {
            Some(n) => f.extend([0x20, n]), // single segment: no window descriptor, 1-byte size
            None => f.extend([0x00, 0x38]), // window 1 MiB, no size
        }
        let mut blocks: Vec<&[u8]> = data.chunks(100_000).collect();
        if blocks.is_empty() {
            blocks.push(&[]);
        }
        let n = blocks.len();
        for (i, b) in blocks.into_iter().enumerate() {
            let last = u32::from(i + 1 == n);
            let h = last | ((b.len() as u32) << 3);
            f.extend(&h.to_le_bytes()[..3]);
            f.extend(b);
        }
        f
    }

    fn skippable(payload: &[u8], nibble: u8) -> Vec<u8> {
        let mut f = vec![0x50 | nibble, 0x2a, 0x4d, 0x18];
        f.extend((payload.len() as u32).to_le_bytes());
        f.extend(payload);
        f
    }

    fn unzstd(data: &[u8], chunk: usize) -> Result<Vec<u8>, String> {
        decode_all(&mut Zstd::new().unwrap(), data, chunk)
    }

    fn text() -> Vec<u8> {
        (0..60_000u32).flat_map(|i| (i % 251 + i / 1000).to_le_bytes()).collect()
    }

    /// Bytes zstd cannot shrink much: its output spans many blocks.
    fn noise(n: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn invalid(why: &str) -> Result<Vec<u8>, String> {
        Err(format!("data is not valid zstd ({why})"))
    }

    #[test]
    fn frames_of_every_kind_in_any_chunking() {
        let t = text();
        let (a, b) = t.split_at(9000);
        let layer = [
            skippable(b"pzstd index or similar", 0),
            zstd_cli(a, &["-19"]),
            skippable(b"", 0xf),
            stored(b, None),
            zstd_cli(b"", &["-1"]),
            skippable(&[7u8; 300], 3),
        ]
        .concat();
        let want = [a, b].concat();
        for chunk in [1, 7, 4096, 1 << 20] {
            assert_eq!(unzstd(&zstd_cli(&t, &["-3"]), chunk).unwrap(), t, "one frame, chunks of {chunk}");
            assert_eq!(unzstd(&layer, chunk).unwrap(), want, "several frames, chunks of {chunk}");
        }
        // Only skippable frames: no bytes, and no error (an empty layer).
        assert_eq!(unzstd(&skippable(b"index", 1), 3).unwrap(), Vec::<u8>::new());
        // A skippable frame's payload is never decoded, even when it is a frame itself.
        let decoy = [skippable(&stored(b"decoy", None), 0), stored(b"real", Some(4))].concat();
        assert_eq!(unzstd(&decoy, 5).unwrap(), b"real");
    }

    #[test]
    fn checksums_sizes_and_truncation() {
        let t = text();
        let mut bad = zstd_cli(&t, &["-3"]);
        let n = bad.len();
        bad[n - 1] ^= 0xff; // the content checksum
        assert_eq!(unzstd(&bad, 4096), invalid("content checksum mismatch"));
        // Declares 5 bytes, holds 4.
        let short = stored(b"data", Some(5));
        assert_eq!(unzstd(&short, 4096), invalid("corrupt data in the frame at offset 0"));
        let whole = zstd_cli(&noise(100_000), &["-3"]);
        let framed = stored(b"abc", None);
        let two = [stored(b"abc", None), skippable(&[0u8; 100], 0)].concat();
        for cut in [&framed[..3], &framed[..5], &framed[..8], &framed[..11], &two[..two.len() - 50], &whole[..1000]] {
            assert_eq!(unzstd(cut, 3), Err("zstd data is truncated".into()), "cut at {}", cut.len());
        }
        // Cut between frames: whole frames, no error (the tar's end is the walker's to judge).
        let first = zstd_cli(&t[..5000], &["-3"]);
        assert_eq!(unzstd(&first, 100).unwrap(), t[..5000]);
    }

    #[test]
    fn refusals_name_the_frame() {
        // Window descriptor 0x89: 2^27 + 2^24 bytes; 0x88 is exactly 128 MiB, which is allowed.
        let big = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x89, 0x01, 0x00, 0x00];
        assert_eq!(unzstd(&big, 4096), invalid("the frame at offset 0 needs a window larger than 128 MiB"));
        let ok = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88, 0x01, 0x00, 0x00];
        assert_eq!(unzstd(&ok, 4096).unwrap(), Vec::<u8>::new());
        let dict = [stored(b"x", None), vec![0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x38, 0x07, 0x01, 0x00, 0x00]].concat();
        assert_eq!(unzstd(&dict, 4096), invalid("the frame at offset 10 needs a dictionary"));
        let reserved_bit = [0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x38, 0x01, 0x00, 0x00];
        assert_eq!(unzstd(&reserved_bit, 4096), invalid("unsupported frame header at offset 0"));
        let reserved_block = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38, 0x07, 0x00, 0x00];
        assert_eq!(unzstd(&reserved_block, 4096), invalid("corrupt data in the frame at offset 0"));
        let junk = [stored(b"x", None), b"trailing junk".to_vec()].concat();
        assert_eq!(unzstd(&junk, 4096), invalid("unknown frame type at offset 10"));
        let zeros = [stored(b"x", None), vec![0, 0, 0, 0], stored(b"y", None)].concat();
        assert_eq!(unzstd(&zeros, 4096), invalid("unknown frame type at offset 10"));
        let mut corrupt = zstd_cli(&text(), &["-19"]);
        for b in &mut corrupt[40..400] {
            *b = b.wrapping_mul(13).wrapping_add(7);
        }
        let got = unzstd(&corrupt, 4096).unwrap_err();
        assert!(got.starts_with("data is not valid zstd ("), "{got}");
    }
}
