//! gzip layers inflated by Node's own zlib — the library node:zlib wraps, whose symbols every
//! Node binary exports to addons — called directly, so that a gzip layer's bytes go from the file
//! (or from a pushed chunk) through inflate into the layer walker without a JavaScript buffer per
//! chunk. `cargo test` has no Node to resolve the symbols from and links the system libz instead.
//!
//! Members: a gzip stream may hold several members (zlib checks each one's CRC-32 and length);
//! after a member ends, zero bytes are padding and any other byte must start the next member.

use std::ffi::{c_char, c_int, c_uint, c_ulong, c_void, CStr};
use std::ptr;

use crate::layer::decode::{Decode, Out};
use crate::layer::fail::WalkFail;

/// zlib.h `z_stream`.
#[repr(C)]
struct ZStream {
    next_in: *const u8,
    avail_in: c_uint,
    total_in: c_ulong,
    next_out: *mut u8,
    avail_out: c_uint,
    total_out: c_ulong,
    msg: *const c_char,
    state: *mut c_void,
    zalloc: *const c_void,
    zfree: *const c_void,
    opaque: *mut c_void,
    data_type: c_int,
    adler: c_ulong,
    reserved: c_ulong,
}

// For `cargo test` only: the runtime library itself (libz.so.1, in every Debian install), so that
// no -dev package is needed; the addon takes the symbols from the node binary that loads it.
#[cfg_attr(all(test, target_os = "linux"), link(name = "libz.so.1", kind = "dylib", modifiers = "+verbatim"))]
#[cfg_attr(all(test, not(target_os = "linux")), link(name = "z"))]
extern "C" {
    fn inflateInit2_(strm: *mut ZStream, window_bits: c_int, version: *const c_char, stream_size: c_int) -> c_int;
    fn inflate(strm: *mut ZStream, flush: c_int) -> c_int;
    fn inflateReset(strm: *mut ZStream) -> c_int;
    fn inflateEnd(strm: *mut ZStream) -> c_int;
}

const Z_OK: c_int = 0;
const Z_STREAM_END: c_int = 1;
const Z_NEED_DICT: c_int = 2;
const Z_BUF_ERROR: c_int = -5;
const Z_NO_FLUSH: c_int = 0;
/// 15-bit window, gzip wrapper only (as node:zlib's Gunzip).
const GZIP_WINDOW_BITS: c_int = 15 + 16;
/// inflateInit2_ checks the caller's idea of the version's first digit and of the struct's size.
const ZLIB_VERSION: &CStr = c"1.2.11";

pub struct Gunzip {
    strm: Box<ZStream>,
    /// Inside a member (bytes seen since its start, its end not yet reached).
    in_member: bool,
    failed: bool,
}

// Safety: the z_stream is owned by this value alone; zlib keeps no thread-local state.
unsafe impl Send for Gunzip {}

impl Gunzip {
    pub fn new() -> Result<Gunzip, String> {
        let mut strm = Box::new(ZStream {
            next_in: ptr::null(),
            avail_in: 0,
            total_in: 0,
            next_out: ptr::null_mut(),
            avail_out: 0,
            total_out: 0,
            msg: ptr::null(),
            state: ptr::null_mut(),
            zalloc: ptr::null(),
            zfree: ptr::null(),
            opaque: ptr::null_mut(),
            data_type: 0,
            adler: 0,
            reserved: 0,
        });
        // Safety: `strm` is a zeroed z_stream (null zalloc/zfree: zlib's own allocator) that
        // lives in a Box as long as the Gunzip, which calls inflateEnd on drop.
        let r = unsafe {
            inflateInit2_(&mut *strm, GZIP_WINDOW_BITS, ZLIB_VERSION.as_ptr(), std::mem::size_of::<ZStream>() as c_int)
        };
        if r != Z_OK {
            return Err(format!("zlib could not start (status {r})"));
        }
        Ok(Gunzip { strm, in_member: false, failed: false })
    }

    fn fail(&mut self, msg: String) -> WalkFail {
        self.failed = true;
        WalkFail::Data(format!("data is not valid gzip ({msg})"))
    }
}

impl Decode for Gunzip {
    fn write(&mut self, mut input: &[u8], buf: &mut [u8], out: &mut Out<'_>) -> Result<(), WalkFail> {
        if self.failed {
            return Err(WalkFail::Data("data is not valid gzip (after an earlier error)".into()));
        }
        while !input.is_empty() {
            if !self.in_member {
                // Between members: zero bytes are padding; anything else starts a member.
                let Some(start) = input.iter().position(|&b| b != 0) else { return Ok(()) };
                input = &input[start..];
                // Safety: the stream was initialized in `new`.
                unsafe { inflateReset(&mut *self.strm) };
                self.in_member = true;
            }
            let chunk = &input[..input.len().min(c_uint::MAX as usize)];
            self.strm.next_in = chunk.as_ptr();
            self.strm.avail_in = chunk.len() as c_uint;
            loop {
                self.strm.next_out = buf.as_mut_ptr();
                self.strm.avail_out = buf.len().min(c_uint::MAX as usize) as c_uint;
                // Safety: next_in/avail_in describe `chunk` and next_out/avail_out `buf`, both
                // alive across the call; zlib writes only inside `buf`.
                let r = unsafe { inflate(&mut *self.strm, Z_NO_FLUSH) };
                let produced = buf.len().min(c_uint::MAX as usize) - self.strm.avail_out as usize;
                // As node:zlib: what a call that fails produced is dropped, so the error is the
                // gzip one rather than whatever the consumer makes of garbage.
                if produced > 0 && matches!(r, Z_OK | Z_BUF_ERROR | Z_STREAM_END) {
                    out(&buf[..produced])?;
                }
                match r {
                    Z_OK => {
                        if self.strm.avail_in == 0 && self.strm.avail_out > 0 {
                            break;
                        }
                    }
                    Z_BUF_ERROR => break, // needs more input
                    Z_STREAM_END => {
                        self.in_member = false;
                        break;
                    }
                    Z_NEED_DICT => return Err(self.fail("Missing dictionary".into())),
                    _ => {
                        let msg = if self.strm.msg.is_null() {
                            "Zlib error".to_string()
                        } else {
                            // Safety: zlib sets `msg` to a static NUL-terminated string.
                            unsafe { CStr::from_ptr(self.strm.msg) }.to_string_lossy().into_owned()
                        };
                        return Err(self.fail(msg));
                    }
                }
            }
            let used = chunk.len() - self.strm.avail_in as usize;
            input = &input[used..];
        }
        Ok(())
    }

    /// The input ended: fine only between members.
    fn end(&self) -> Result<(), WalkFail> {
        if self.failed {
            return Err(WalkFail::Data("data is not valid gzip (after an earlier error)".into()));
        }
        if self.in_member {
            return Err(WalkFail::Data("gzip data is truncated".into()));
        }
        Ok(())
    }
}

impl Drop for Gunzip {
    fn drop(&mut self) {
        // Safety: the stream was initialized in `new` and is ended exactly once, here.
        unsafe { inflateEnd(&mut *self.strm) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{compress, decode_all};

    fn gzip(data: &[u8]) -> Vec<u8> {
        compress("gzip", &[], data)
    }

    fn gunzip(data: &[u8], chunk: usize) -> Result<Vec<u8>, String> {
        decode_all(&mut Gunzip::new().unwrap(), data, chunk)
    }

    #[test]
    fn members_padding_truncation_and_damage() {
        let text: Vec<u8> = (0..50_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        let one = gzip(&text);
        let two = [one.clone(), vec![0, 0, 0], gzip(b"tail")].concat();
        for chunk in [1, 7, 4096, 1 << 20] {
            assert_eq!(gunzip(&one, chunk).unwrap(), text);
            assert_eq!(gunzip(&two, chunk).unwrap(), [text.clone(), b"tail".to_vec()].concat());
            assert_eq!(gunzip(&one[..one.len() - 3], chunk), Err("gzip data is truncated".into()));
        }
        let mut bad = one.clone();
        let n = bad.len();
        bad[n - 6] ^= 0xff; // the CRC-32
        assert_eq!(gunzip(&bad, 4096), Err("data is not valid gzip (incorrect data check)".into()));
        let junk = [one.clone(), b"junk".to_vec()].concat();
        assert_eq!(gunzip(&junk, 4096), Err("data is not valid gzip (incorrect header check)".into()));
    }
}
