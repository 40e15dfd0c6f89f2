//! Reading a layer's stored bytes: positional reads of a file range (the file's own offset is
//! left alone, so one descriptor can serve concurrent walks) and the chunk size for streams the
//! drivers pull themselves.

use std::fs::File;
use std::io;

/// Bytes read at once from a stream a driver pulls: a compressed file range, a command's output.
pub const READ_CHUNK: usize = 1 << 20;

/// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        let n = read_at_once(file, &mut buf[done..], offset + done as u64)?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok(done)
}

/// Reads `[start, start + len)` of `file` front to back in chunks of `buf.len()`, handing each
/// to `each` with the bytes got through so far; stops early, without an error, where the file
/// ends (the caller decides what a short range means). Returns the bytes read.
pub fn read_range<E: From<io::Error>>(
    file: &File,
    start: u64,
    len: u64,
    buf: &mut [u8],
    mut each: impl FnMut(&[u8], u64) -> Result<(), E>,
) -> Result<u64, E> {
    let mut pos = 0u64;
    while pos < len {
        let want = (buf.len() as u64).min(len - pos) as usize;
        let got = read_at(file, &mut buf[..want], start + pos)?;
        if got == 0 {
            break;
        }
        pos += got as u64;
        each(&buf[..got], pos)?;
    }
    Ok(pos)
}

#[cfg(unix)]
fn read_at_once(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(buf, offset) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

#[cfg(windows)]
fn read_at_once(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    file.seek_read(buf, offset)
}
