//! A root filesystem directory read as one layer: `list_dir` walks the tree (never following a
//! symbolic link, so nothing outside the directory is read), `walk_dir` hands each entry to the
//! same per-entry rules as a tar's (scan.rs) — a regular file's head read from its start, an ELF
//! file's wanted ranges read at their offsets — so a directory gives the records its tar would.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use super::fail::WalkFail;
use super::read::read_at;
use super::record::Record;
use super::scan::LayerScan;
use crate::tar::entry::TarEntry;
use crate::tar::header::EntryType;
use crate::tar::walk::EntrySink;

/// Bytes of a file read at once for its head: a few heads' worth, so that one read usually
/// covers an ELF file's program headers too.
const HEAD_READ: usize = 16 * 1024;

/// One entry of the tree, before its file is read.
pub struct DirEntry {
    entry: TarEntry,
    path: PathBuf,
}

/// The tree under `root` in a stable order (names sorted within each directory, a directory
/// before what it holds), and the sizes of its regular files summed: the walk's total.
pub fn list_dir(root: &Path) -> Result<(Vec<DirEntry>, u64), WalkFail> {
    let mut out = Vec::new();
    let mut total = 0;
    // Iterative, depth first: a tree of any depth costs a stack of name lists, never a call per
    // level (a 200,000-deep tree would overflow a thread's stack).
    let mut stack = vec![(root.to_path_buf(), String::new(), sorted_names(root, "")?.into_iter())];
    while let Some((dir, rel, names)) = stack.last_mut() {
        let Some(name) = names.next() else {
            stack.pop();
            continue;
        };
        let path = dir.join(&name);
        let name = format!("{rel}/{}", name.to_string_lossy());
        let meta = fs::symlink_metadata(&path).map_err(|e| deep_fail(&path, &name, e))?;
        let t = meta.file_type();
        let (kind, size, mode, linkname) = if t.is_dir() {
            (EntryType::Directory, 0, 0o755, String::new())
        } else if t.is_symlink() {
            let link = fs::read_link(&path).map_err(|e| deep_fail(&path, &name, e))?;
            (EntryType::Symlink, 0, 0o777, link.to_string_lossy().into_owned())
        } else if t.is_file() {
            (EntryType::File, meta.len(), permissions(&meta), String::new())
        } else {
            continue; // devices, fifos, sockets: no content a loader could map
        };
        total += size;
        out.push(DirEntry { entry: TarEntry { name: name.clone(), kind, linkname, size, mode }, path: path.clone() });
        if kind == EntryType::Directory {
            let names = sorted_names(&path, &name)?;
            stack.push((path, name, names.into_iter()));
        }
    }
    Ok((out, total))
}

fn sorted_names(dir: &Path, rel: &str) -> Result<Vec<std::ffi::OsString>, WalkFail> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .map_err(|e| deep_fail(dir, rel, e))?
        .map(|e| e.map(|e| e.file_name()).map_err(|e| io_fail(dir, e)))
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

/// The system opens no path longer than PATH_MAX (4096 bytes on Linux): such a path ends the scan
/// with the limit named — its content is never skipped in silence — and the path inside the tree.
fn deep_fail(path: &Path, rel: &str, e: std::io::Error) -> WalkFail {
    if e.kind() == std::io::ErrorKind::InvalidFilename {
        let bytes = path.as_os_str().len();
        return WalkFail::Io(format!("a directory is too deep to open (its path is {bytes} bytes, the system's limit 4096): {rel}"));
    }
    io_fail(path, e)
}

#[cfg(unix)]
fn permissions(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permissions(meta: &fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o644
    }
}

fn io_fail(path: &Path, e: std::io::Error) -> WalkFail {
    WalkFail::Io(format!("{}: {e}", path.display()))
}

/// Reads the listed tree as a layer; `progress` hears the sizes of the files read so far.
pub fn walk_dir(entries: Vec<DirEntry>, progress: &dyn Fn(u64)) -> Result<Vec<Record>, WalkFail> {
    let mut scan = LayerScan::new(true);
    let mut done = 0u64;
    let mut buf = vec![0u8; HEAD_READ];
    for DirEntry { entry, path } in entries {
        let size = entry.size;
        if !scan.entry(entry) {
            continue;
        }
        let file = File::open(&path).map_err(|e| io_fail(&path, e))?;
        scan.body(0, size);
        let mut pos = 0u64;
        while scan.needs_bytes() && pos < size {
            let want = (buf.len() as u64).min(size - pos) as usize;
            let got = read_at(&file, &mut buf[..want], pos).map_err(|e| io_fail(&path, e))?;
            if got == 0 {
                break; // the file shrank since it was listed: what there is decides
            }
            scan.data(&buf[..got]);
            pos += got as u64;
        }
        scan.end();
        scan.complete_pending(&mut |offset, n| {
            let mut bytes = vec![0u8; n as usize];
            if read_at(&file, &mut bytes, offset).map_err(|e| io_fail(&path, e))? < bytes.len() {
                return Err(WalkFail::Io(format!("{}: the file shrank while it was read", path.display())));
            }
            Ok(bytes)
        })?;
        done += size;
        progress(done);
    }
    Ok(scan.records)
}
