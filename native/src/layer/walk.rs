//! The ways a layer's tar reaches the walker, all with the same parser and the same per-file
//! rules, so that they give the same records. Pushed in chunks (stdin, registries): `PushScan`,
//! or `GzPushScan` for a gzip layer inflated on the way in. From a file at a known offset (a layer
//! blob, or a layer nested in a docker-save tarball): `walk_file` reads windows over runs of
//! headers and small files and seeks over bodies no one reads; `walk_gzip_file` inflates the range
//! as it reads it; `walk_outer` lists an outer archive's entries with their body offsets. From a
//! decompressing command: `walk_command` reads its output.
//! The drivers that run on the thread pool report progress through a `&dyn Fn(u64)` — bytes of
//! the stored (possibly compressed) input got through — so that the glue can keep a counter the
//! main thread polls while the walk has not resolved yet.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::JoinHandle;

use crate::layer::scan::{LayerScan, OuterScan, Record};
use crate::node::zlib::{Gunzip, GzFail};
use crate::tar::walk::EntrySink;
use crate::tar::walk::{TarWalk, WalkError};

/// Bytes read at once from a seekable layer: MIN_WINDOW after a skip (landing on a large body
/// wastes little), doubling up to MAX_WINDOW while a run of small entries goes on (one read covers
/// many of them). On the 59k-file benchmark corpus this reads about a third of the bytes.
pub const MIN_WINDOW: usize = 16 * 1024;
pub const MAX_WINDOW: usize = 256 * 1024;

/// Why a walk stopped.
#[derive(Debug)]
pub enum WalkFail {
    /// The archive is malformed: the sentence the TypeScript reader would throw.
    Tar(WalkError),
    /// Reading the file failed.
    Io(io::Error),
    /// The decompressing command failed: what it said on stderr.
    Decoder(String),
    /// The gzip data is bad: the sentence src/layers/decompress.ts would say.
    Gzip(String),
}

impl From<GzFail<WalkError>> for WalkFail {
    fn from(e: GzFail<WalkError>) -> Self {
        match e {
            GzFail::Gzip(s) => WalkFail::Gzip(s),
            GzFail::Out(e) => WalkFail::Tar(e),
        }
    }
}

impl From<WalkError> for WalkFail {
    fn from(e: WalkError) -> Self {
        WalkFail::Tar(e)
    }
}

impl From<io::Error> for WalkFail {
    fn from(e: io::Error) -> Self {
        WalkFail::Io(e)
    }
}

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

/// A gzip layer read as a stream of compressed chunks: inflated by Node's zlib (zlib.rs) straight
/// into the walker.
pub struct GzPushScan {
    gz: Gunzip,
    buf: Vec<u8>,
    scan: PushScan,
}

impl GzPushScan {
    pub fn new() -> Result<GzPushScan, WalkFail> {
        Ok(GzPushScan {
            gz: Gunzip::new().map_err(WalkFail::Gzip)?,
            buf: vec![0u8; INFLATE_CHUNK],
            scan: PushScan::default(),
        })
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

/// For callers with no one to tell how far a walk has got.
pub fn no_progress(_: u64) {}

/// The gzip layer at `[start, start + len)` of `file`, inflated and walked on the calling thread.
/// `progress` hears compressed bytes: the inflated size is unknown until the end, so it could not
/// give a fraction of anything.
pub fn walk_gzip_file(file: &File, start: u64, len: u64, progress: &dyn Fn(u64)) -> Result<Vec<Record>, WalkFail> {
    let mut scan = GzPushScan::new()?;
    let mut buf = vec![0u8; PIPE_READ];
    let mut pos = 0u64;
    while pos < len {
        let want = (PIPE_READ as u64).min(len - pos) as usize;
        let got = read_at(file, &mut buf[..want], start + pos)?;
        if got == 0 {
            break; // the file is shorter than the range: the gzip data is truncated
        }
        scan.push(&buf[..got])?;
        pos += got as u64;
        progress(pos);
    }
    let records = scan.finish()?;
    progress(len);
    Ok(records)
}

/// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
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

/// What a seeking driver needs of a sink beyond the entries: ELF files whose wanted ranges it
/// must read, and the records at the end.
pub trait SeekSink: EntrySink {
    /// Reads what waiting files want; `read(offset, len)` reads bytes of the tar stream.
    fn complete_pending(&mut self, read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>)
        -> Result<(), WalkFail>;
    fn into_records(self) -> Vec<Record>;
}

impl SeekSink for LayerScan {
    fn complete_pending(
        &mut self,
        read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>,
    ) -> Result<(), WalkFail> {
        if self.has_pending() {
            LayerScan::complete_pending(self, read)?;
        }
        Ok(())
    }

    fn into_records(self) -> Vec<Record> {
        self.records
    }
}

impl SeekSink for OuterScan {
    fn complete_pending(
        &mut self,
        _read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>,
    ) -> Result<(), WalkFail> {
        Ok(())
    }

    fn into_records(self) -> Vec<Record> {
        self.records
    }
}

/// Scans the plain tar at `[start, start + len)` of `file` as a layer, reading only headers,
/// heads and the ranges ELF files want. `progress` hears the position in the range: a skipped
/// body counts as got through, since skipping it is all the work it will ever cost.
pub fn walk_file(file: &File, start: u64, len: u64, progress: &dyn Fn(u64)) -> Result<Vec<Record>, WalkFail> {
    walk(file, start, len, LayerScan::new(true), progress)
}

/// The entries of the tar at `[start, start + len)` of `file` with their body offsets (relative
/// to `start`), reading headers only; `progress` as in `walk_file`.
pub fn walk_outer(file: &File, start: u64, len: u64, progress: &dyn Fn(u64)) -> Result<Vec<Record>, WalkFail> {
    walk(file, start, len, OuterScan::default(), progress)
}

fn walk<S: SeekSink>(
    file: &File,
    start: u64,
    len: u64,
    sink: S,
    progress: &dyn Fn(u64),
) -> Result<Vec<Record>, WalkFail> {
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
                return Err(WalkFail::Tar(WalkError("archive is truncated".into())));
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
            return Err(WalkFail::Tar(WalkError("archive is truncated".into())));
        }
        walk.push(&buf[..got])?;
        pos += got as u64;
        progress(pos);
    }
    walk.end()?;
    // A walk that ended on its zero blocks before `len` is done too: the rest is padding, and a
    // bar left short of full would say otherwise.
    progress(len);
    Ok(walk.sink.into_records())
}

/// Bytes read at once from a decompressing command's output.
const PIPE_READ: usize = 1 << 20;

/// Scans what `argv` (a decompressor reading a layer blob, e.g. `zstd -dc FILE`, or `zstd -dc`
/// reading `input` as its stdin) writes to its standard output, on the calling thread: the
/// decompressed bytes never cross into JavaScript.
/// A tar error stops the command; else a command that fails says why (its stderr).
/// `widen` may enlarge the output pipe (it receives the pipe's descriptor): with the default
/// 64 KiB pipe, every 64 KiB costs the command and the reader a context switch each.
/// `input` is handed to the command as a duplicate descriptor, which shares its file offset: the
/// command's read position in the stored (compressed) file is then ours to read, and `progress`
/// hears it after every read of the output, and the file's size at a successful end. Without
/// `input` the command's stdin is /dev/null and `progress` hears nothing.
pub fn walk_command(
    argv: &[String],
    input: Option<&File>,
    widen: &dyn Fn(&std::process::ChildStdout),
    progress: &dyn Fn(u64),
) -> Result<Vec<Record>, WalkFail> {
    let (program, args) = argv.split_first().ok_or_else(|| WalkFail::Decoder("no command".into()))?;
    let stdin = match input {
        Some(f) => Stdio::from(f.try_clone()?),
        None => Stdio::null(),
    };
    let mut child =
        Command::new(program).args(args).stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    // Only the offset is read through this copy; a failed lseek leaves the counter where it was.
    let read_position = || {
        if let Some(mut f) = input {
            if let Ok(p) = f.stream_position() {
                progress(p);
            }
        }
    };
    let (Some(mut out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        return Err(WalkFail::Decoder("no output pipes".into()));
    };
    widen(&out);
    // stderr is drained alongside, so that a chatty command cannot block on it.
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut scan = PushScan::default();
    let mut buf = vec![0u8; PIPE_READ];
    let mut failed = None;
    loop {
        match out.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if let Err(e) = scan.push(&buf[..n]) {
                    failed = Some(WalkFail::Tar(e));
                    break;
                }
                read_position();
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                failed = Some(WalkFail::Io(e));
                break;
            }
        }
    }
    if failed.is_some() {
        let _ = child.kill();
    }
    drop(out);
    let status = child.wait();
    let said = stderr.join().unwrap_or_default();
    if let Some(f) = failed {
        return Err(f);
    }
    if !status?.success() {
        return Err(WalkFail::Decoder(said));
    }
    let records = scan.finish()?;
    if let Some(size) = input.and_then(|f| f.metadata().ok()).map(|m| m.len()) {
        progress(size);
    }
    Ok(records)
}

/// A layer pushed in compressed chunks through a decompressing command (`zstd -dc`, reading its
/// stdin): the chunks are written to the command, and a thread reads its output into the walker,
/// so the decompressed bytes never cross into JavaScript. A tar error makes that thread drop the
/// output pipe, which stops the command; writes to a stopped command are ignored and `finish`
/// says what went wrong — the tar error first, else the command's stderr.
pub struct CommandPushScan {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Hands back the walker unfinished at the end of the output, so that a failed command is
    /// reported before what its short output does to the tar's end.
    reader: Option<JoinHandle<Result<PushScan, WalkFail>>>,
    stderr: Option<JoinHandle<String>>,
}

impl CommandPushScan {
    pub fn start(argv: &[String], widen: &dyn Fn(i32)) -> Result<CommandPushScan, WalkFail> {
        let (program, args) = argv.split_first().ok_or_else(|| WalkFail::Decoder("no command".into()))?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (Some(stdin), Some(mut out), Some(mut err)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(WalkFail::Decoder("no pipes to the command".into()));
        };
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            widen(stdin.as_raw_fd());
            widen(out.as_raw_fd());
        }
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let reader = std::thread::spawn(move || -> Result<PushScan, WalkFail> {
            let mut scan = PushScan::default();
            let mut buf = vec![0u8; PIPE_READ];
            loop {
                match out.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => scan.push(&buf[..n])?, // an error drops `out`: the command stops
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(WalkFail::Io(e)),
                }
            }
            Ok(scan)
        });
        Ok(CommandPushScan { child, stdin: Some(stdin), reader: Some(reader), stderr: Some(stderr) })
    }

    /// Writes compressed bytes to the command (blocking while its pipe is full).
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            if stdin.write_all(chunk).is_err() {
                self.stdin = None; // the command stopped; finish() says why
            }
        }
    }

    pub fn finish(mut self) -> Result<Vec<Record>, WalkFail> {
        self.stdin = None; // end of input
        let read = self.reader.take().map(|h| h.join());
        let said = self.stderr.take().map(|h| h.join().unwrap_or_default()).unwrap_or_default();
        let status = self.child.wait()?;
        match read {
            Some(Ok(Err(e @ WalkFail::Tar(_)))) => Err(e), // mid-stream: the command was stopped for it
            _ if !status.success() => Err(WalkFail::Decoder(said)),
            Some(Ok(Ok(scan))) => Ok(scan.finish()?),
            Some(Ok(Err(e))) => Err(e),
            _ => Err(WalkFail::Decoder("the output reader stopped".into())),
        }
    }
}

impl Drop for CommandPushScan {
    /// An abandoned scan (its handle collected before `finish`): stop the command and the threads.
    fn drop(&mut self) {
        if self.reader.is_some() {
            self.stdin = None;
            let _ = self.child.kill();
            let _ = self.child.wait();
            if let Some(h) = self.reader.take() {
                let _ = h.join();
            }
            if let Some(h) = self.stderr.take() {
                let _ = h.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::scan::Extra;
    use std::io::Write;

    fn header(name: &str, size: usize, flag: u8) -> Vec<u8> {
        let mut b = vec![0u8; 512];
        b[..name.len()].copy_from_slice(name.as_bytes());
        b[100..108].copy_from_slice(b"0000644\0");
        b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        b[156] = flag;
        b[257..263].copy_from_slice(b"ustar\0");
        b[263..265].copy_from_slice(b"00");
        b[148..156].copy_from_slice(b"        ");
        let sum: u32 = b.iter().map(|&c| u32::from(c)).sum();
        b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        b
    }

    fn tar(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, body) in entries {
            out.extend(header(name, body.len(), b'0'));
            out.extend(body);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
        out.extend([0u8; 1024]);
        out
    }

    fn summary(records: &[Record]) -> Vec<(String, u64, String)> {
        records
            .iter()
            .map(|r| {
                let extra = match &r.extra {
                    Extra::None => "-".to_string(),
                    Extra::Head(h) => format!("head {}", h.len()),
                    Extra::BodyAt(at) => format!("at {at}"),
                    Extra::Class(i) => format!("{:?}", i.classification).chars().take(40).collect(),
                };
                (r.entry.name.clone(), r.entry.size, extra)
            })
            .collect()
    }

    #[test]
    fn pushing_in_any_chunks_and_walking_a_file_give_the_same_records() {
        let mut big = b"\x7fELF".to_vec();
        big.resize(300_000, 7);
        let t = tar(&[
            ("a.sh", b"#!/bin/sh\necho hi\n".to_vec()),
            ("big.bin", vec![1u8; 400_000]),
            ("etc/ld.so.conf", b"include /etc/ld.so.conf.d/*.conf\n".to_vec()),
            ("bad.elf", big),
            ("empty", Vec::new()),
        ]);
        let mut whole = PushScan::default();
        whole.push(&t).unwrap();
        let want = summary(&whole.finish().unwrap());
        for chunk in [1, 7, 512, 4096, 100_000] {
            let mut s = PushScan::default();
            for c in t.chunks(chunk) {
                s.push(c).unwrap();
            }
            assert_eq!(summary(&s.finish().unwrap()), want, "chunks of {chunk}");
        }
        let dir = std::env::temp_dir().join(format!("elfscan-walk-{}", std::process::id()));
        let mut f = File::create(&dir).unwrap();
        f.write_all(b"prefix--").unwrap();
        f.write_all(&t).unwrap();
        drop(f);
        let f = File::open(&dir).unwrap();
        let got = walk_file(&f, 8, t.len() as u64, &no_progress).unwrap();
        std::fs::remove_file(&dir).ok();
        assert_eq!(summary(&got), want);
        assert_eq!(want[0].2, "head 18");
        assert_eq!(want[2].2, "head 33");
    }

    /// A temp file holding `bytes`, removed when dropped.
    struct Temp(std::path::PathBuf);

    impl Temp {
        fn new(tag: &str, bytes: &[u8]) -> Temp {
            let path = std::env::temp_dir().join(format!("elfscan-progress-{tag}-{}", std::process::id()));
            std::fs::write(&path, bytes).unwrap();
            Temp(path)
        }
        fn open(&self) -> File {
            File::open(&self.0).unwrap()
        }
    }

    impl Drop for Temp {
        fn drop(&mut self) {
            std::fs::remove_file(&self.0).ok();
        }
    }

    /// Every value a walk reports, in order.
    struct Seen(std::cell::RefCell<Vec<u64>>);

    impl Seen {
        fn new() -> Seen {
            Seen(std::cell::RefCell::new(Vec::new()))
        }
        fn report(&self) -> impl Fn(u64) + '_ {
            |n| self.0.borrow_mut().push(n)
        }
        fn values(&self) -> Vec<u64> {
            self.0.borrow().clone()
        }
    }

    /// Never goes back, ends at `end`, and was seen somewhere strictly between 0 and `end`.
    fn assert_progressed(seen: &[u64], end: u64) {
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "went back: {seen:?}");
        assert_eq!(seen.last().copied(), Some(end), "{seen:?}");
        assert!(seen.iter().any(|&n| n > 0 && n < end), "no value between 0 and {end}: {seen:?}");
    }

    /// Bytes gzip cannot shrink, so that the compressed layer spans several reads.
    fn noise(n: usize, mut x: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Many small files (their headers and bodies over several MAX_WINDOW reads), a large body
    /// between them that the walk skips, and more small files after it.
    fn many_files() -> Vec<u8> {
        let mut entries: Vec<(String, Vec<u8>)> =
            (0..600).map(|i| (format!("small/{i}"), noise(300 + i % 700, i as u64 + 1))).collect();
        entries.insert(300, ("big.bin".into(), noise(2_000_000, 99)));
        let refs: Vec<(&str, Vec<u8>)> = entries.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let t = tar(&refs);
        assert!(t.len() > 4 * MAX_WINDOW);
        t
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::process::{Command, Stdio};
        let mut child = Command::new("gzip").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let data = data.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&data).unwrap());
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert!(out.status.success());
        out.stdout
    }

    #[test]
    fn a_file_walk_reports_its_position_and_ends_at_the_length() {
        let t = many_files();
        let want = summary(&PushScan::default().tap(&t));
        // Eight bytes before the range, and zero padding after its end blocks that is still in it,
        // more than one window of it, so that the walk stops short of the range's end.
        let pad = 2 * MAX_WINDOW;
        let mut file = b"prefix--".to_vec();
        file.extend(&t);
        file.extend(vec![0u8; pad]);
        let tmp = Temp::new("plain", &file);
        let len = (t.len() + pad) as u64;
        let seen = Seen::new();
        let got = walk_file(&tmp.open(), 8, len, &seen.report()).unwrap();
        assert_eq!(summary(&got), want);
        let seen = seen.values();
        assert_progressed(&seen, len);
        // Windows of at most MAX_WINDOW, and one skip of the big body: many reports.
        assert!(seen.len() > t.len() / MAX_WINDOW, "{} reports", seen.len());
        // The walk stopped at the end blocks, before the padding: only the final report says `len`.
        assert!(seen[seen.len() - 2] < len - MAX_WINDOW as u64, "{seen:?}");

        let seen = Seen::new();
        let outer = walk_outer(&tmp.open(), 8, len, &seen.report()).unwrap();
        assert_eq!(outer.len(), 601);
        assert_progressed(&seen.values(), len);
    }

    #[test]
    fn a_gzip_walk_reports_compressed_bytes_and_ends_at_the_length() {
        let t = many_files();
        let want = summary(&PushScan::default().tap(&t));
        let gz = gzip(&t);
        assert!(gz.len() > 2 * PIPE_READ, "compressed to {} bytes", gz.len());
        let mut file = b"pre".to_vec();
        file.extend(&gz);
        file.extend(b"after the range");
        let tmp = Temp::new("gzip", &file);
        let seen = Seen::new();
        let got = walk_gzip_file(&tmp.open(), 3, gz.len() as u64, &seen.report()).unwrap();
        assert_eq!(summary(&got), want);
        let seen = seen.values();
        assert_progressed(&seen, gz.len() as u64);
        assert_eq!(seen[0], PIPE_READ as u64, "one report per read: {seen:?}");

        // A range that runs past the end of the file: the gzip data is whole, so the walk
        // succeeds without reading all of the range, and still ends at its length.
        let only = Temp::new("gzip-only", &gz);
        let seen = Seen::new();
        walk_gzip_file(&only.open(), 0, gz.len() as u64 + 1000, &seen.report()).unwrap();
        let seen = seen.values();
        assert_eq!(seen[seen.len() - 2], gz.len() as u64, "{seen:?}");
        assert_progressed(&seen, gz.len() as u64 + 1000);
    }

    #[test]
    fn a_command_reading_the_input_file_reports_its_read_position_and_ends_at_the_size() {
        let t = many_files();
        let want = summary(&PushScan::default().tap(&t));
        let tmp = Temp::new("command", &t);
        let seen = Seen::new();
        let input = tmp.open();
        // `cat` with no file argument reads its stdin: the input file.
        let got = walk_command(&["cat".to_string()], Some(&input), &|_| {}, &seen.report()).unwrap();
        assert_eq!(summary(&got), want);
        // The default 64 KiB pipe keeps cat close behind the reader: it cannot be done at the first read.
        assert_progressed(&seen.values(), t.len() as u64);

        // A command that stops reading before the end of its input (here: the tar, then 1 MiB the
        // command never reads): a success still ends at the file's size.
        let mut more = t.clone();
        more.extend(vec![7u8; 1 << 20]);
        let tmp = Temp::new("command-more", &more);
        let seen = Seen::new();
        let argv = ["head".to_string(), "-c".to_string(), t.len().to_string()];
        let got = walk_command(&argv, Some(&tmp.open()), &|_| {}, &seen.report()).unwrap();
        assert_eq!(summary(&got), want);
        let seen = seen.values();
        assert!(seen[seen.len() - 2] < more.len() as u64, "{seen:?}");
        assert_progressed(&seen, more.len() as u64);
    }

    #[test]
    fn a_command_without_input_reads_dev_null_and_reports_nothing() {
        let tmp = Temp::new("argv", &tar(&[("a", b"hello".to_vec())]));
        let seen = Seen::new();
        let argv = ["cat".to_string(), tmp.0.to_string_lossy().into_owned()];
        let got = walk_command(&argv, None, &|_| {}, &seen.report()).unwrap();
        assert_eq!(summary(&got), vec![("/a".to_string(), 5, "-".to_string())]);
        assert_eq!(seen.values(), Vec::<u64>::new());
        // And stdin really is /dev/null: `cat` with no file gives no bytes, an empty archive.
        let e = walk_command(&["cat".to_string()], None, &|_| {}, &seen.report());
        assert!(e.is_ok() || matches!(e, Err(WalkFail::Tar(_))), "{e:?}");
        assert_eq!(seen.values(), Vec::<u64>::new());
    }

    #[test]
    fn failing_walks_report_short_of_the_end_and_do_not_panic() {
        let t = many_files();
        let len = t.len() as u64;
        let cut = Temp::new("cut", &t[..100_000]);
        let seen = Seen::new();
        let e = walk_file(&cut.open(), 0, len, &seen.report()).unwrap_err();
        assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
        assert!(seen.values().iter().all(|&n| n <= 100_000), "{:?}", seen.values());

        let gz = gzip(&t);
        let cut = Temp::new("gzcut", &gz[..gz.len() / 2]);
        let seen = Seen::new();
        let e = walk_gzip_file(&cut.open(), 0, gz.len() as u64, &seen.report()).unwrap_err();
        assert!(matches!(e, WalkFail::Gzip(ref m) if m == "gzip data is truncated"), "{e:?}");
        assert!(seen.values().iter().all(|&n| n <= gz.len() as u64 / 2), "{:?}", seen.values());

        // Not a tar: the walk stops the command; the counter never claims the end.
        let junk = Temp::new("junk", &noise(3 << 20, 5));
        let seen = Seen::new();
        let e = walk_command(&["cat".to_string()], Some(&junk.open()), &|_| {}, &seen.report()).unwrap_err();
        assert!(matches!(e, WalkFail::Tar(_)), "{e:?}");
        assert!(seen.values().iter().all(|&n| n < 3 << 20), "{:?}", seen.values());

        // A command that fails, and one that does not exist.
        let tmp = Temp::new("fails", &t);
        let seen = Seen::new();
        let argv = ["sh".to_string(), "-c".to_string(), "head -c 1000 >/dev/null; echo broken >&2; exit 3".to_string()];
        let e = walk_command(&argv, Some(&tmp.open()), &|_| {}, &seen.report()).unwrap_err();
        assert!(matches!(e, WalkFail::Decoder(ref said) if said == "broken\n"), "{e:?}");
        assert!(!seen.values().contains(&len), "{:?}", seen.values());
        let e = walk_command(&["elfscan-no-such-command".to_string()], Some(&tmp.open()), &|_| {}, &seen.report());
        assert!(matches!(e, Err(WalkFail::Io(_))), "{e:?}");
    }

    impl PushScan {
        /// The records of `t` pushed whole: what every driver must agree with.
        fn tap(mut self, t: &[u8]) -> Vec<Record> {
            self.push(t).unwrap();
            self.finish().unwrap()
        }
    }

    #[test]
    fn a_truncated_layer_says_so_from_a_file_too() {
        let t = tar(&[("a", vec![1u8; 2000])]);
        let dir = std::env::temp_dir().join(format!("elfscan-walk-t-{}", std::process::id()));
        std::fs::write(&dir, &t[..1000]).unwrap();
        let f = File::open(&dir).unwrap();
        let e = walk_file(&f, 0, t.len() as u64, &no_progress).unwrap_err();
        std::fs::remove_file(&dir).ok();
        assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
    }

    #[test]
    fn a_file_cut_inside_a_skipped_body_is_truncated_not_a_shorter_layer() {
        // The cut falls inside "big", which the walk skips without reading: it lands between
        // entries with nothing left to read, and "after" must not silently go missing.
        let t = tar(&[("a", b"x".to_vec()), ("big", vec![0u8; 3_000_000]), ("after", b"y".to_vec())]);
        let tmp = Temp::new("cut", &t[..100_000]);
        for e in [
            walk_file(&tmp.open(), 0, t.len() as u64, &no_progress).unwrap_err(),
            walk_outer(&tmp.open(), 0, t.len() as u64, &no_progress).unwrap_err(),
        ] {
            assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
        }
    }
}
