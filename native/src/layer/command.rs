//! A layer that a decompressing command writes to its standard output (`zstd -dc`): read on the
//! calling thread (`walk_command`, the command reading a file) or on a thread of its own while
//! the caller pushes the compressed bytes into the command (`CommandPushScan`). Either way the
//! decompressed bytes never cross into JavaScript.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::JoinHandle;

use super::fail::WalkFail;
use super::push::PushScan;
use super::read::READ_CHUNK;
use super::record::Record;

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
    let mut buf = vec![0u8; READ_CHUNK];
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
            let mut buf = vec![0u8; READ_CHUNK];
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
