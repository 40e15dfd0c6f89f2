//! Walks on libuv's thread pool, each behind a promise: `layerScanFile(path, start, length,
//! counter?)` reads a layer from a file range (plain ones at offsets, gzip and zstd ones decoded
//! as they are read), `outerScanFile(path, start, length, counter?)` an outer archive's entries,
//! `dirList(path)` lists a root filesystem directory and `layerScanDir(listing, counter?)` reads
//! it as a layer, and `hashFileRange(path, start, length, algorithm, counter?)` computes a blob's
//! digest beside its walk. A job given a progress counter stores how far it has got as it goes.
#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::ffi::CStr;
use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::args::{number, optional};
use super::codecs::decoders;
use super::env::work::Work;
use super::env::{Env, JsFail, JsResult, Value, MAX_ARGS};
use super::fail::{code_and_message, TAR_ERROR};
use super::progress::counter_of;
use super::records::{outer_to_js, records_to_js};
use super::sha::Sha;
use crate::layer::dir::{list_dir, walk_dir, DirEntry};
use crate::layer::fail::WalkFail;
use crate::layer::file::{walk_layer_file, walk_outer};
use crate::layer::outer::OuterEntry;
use crate::layer::read::read_range;
use crate::layer::record::Record;

const BAD_FILE_ARGS: &CStr =
    c"elfscan native: layerScanFile/outerScanFile(path, start, length, counter?): a path string and non-negative numbers";
const BAD_DIR: &CStr = c"elfscan native: dirList(path): path must be a string";
const BAD_LISTING: &CStr = c"elfscan native: layerScanDir(listing, counter?): not an unread directory listing";
const BAD_HASH_ARGS: &CStr =
    c"elfscan native: hashFileRange(path, start, length, algorithm, counter?): a path string, non-negative numbers and sha256 or sha512";
const BAD_COUNTER_ARG: &CStr =
    c"elfscan native: a walk's counter must be a progress counter handle, null or undefined";

/// What a walk reads.
enum Task {
    Layer { path: String, start: u64, length: u64 },
    Outer { path: String, start: u64, length: u64 },
    List(PathBuf),
    Dir(Vec<DirEntry>),
    Hash { path: String, start: u64, length: u64, algorithm: String },
}

/// What a walk found.
enum Found {
    Records(Vec<Record>),
    /// None: the archive is compressed, and can only be streamed.
    Outer(Option<Vec<OuterEntry>>),
    Listing(Vec<DirEntry>, u64),
    /// "alg:hex" of the bytes the range held (fewer than asked where the file ends).
    Digest(String),
}

/// Bytes hashed per read: small enough to stay in the core's L2 cache between the copy out of
/// the page cache and the hash, large enough that the reads cost nothing.
const HASH_CHUNK: usize = 256 * 1024;

/// A directory listing behind a handle, until `layerScanDir` takes it.
struct Listing(RefCell<Option<Vec<DirEntry>>>);

/// One walk on the thread pool: inputs, then the result the pool thread leaves for `complete`.
struct Job {
    task: Option<Task>,
    /// Where the pool thread reports progress, if JS asked for it.
    counter: Option<Arc<AtomicU64>>,
    result: Option<Result<Found, (&'static CStr, String)>>,
}

impl Job {
    fn run(&mut self) -> Result<Found, WalkFail> {
        let counter = self.counter.clone();
        let progress = |n: u64| {
            if let Some(c) = &counter {
                c.store(n, Ordering::Relaxed);
            }
        };
        Ok(match self.task.take() {
            Some(Task::Layer { path, start, length }) => {
                Found::Records(walk_layer_file(&File::open(path)?, start, length, decoders, &progress)?)
            }
            Some(Task::Outer { path, start, length }) => Found::Outer(walk_outer(&File::open(path)?, start, length, &progress)?),
            Some(Task::List(path)) => {
                let (entries, total) = list_dir(&path)?;
                Found::Listing(entries, total)
            }
            Some(Task::Dir(entries)) => Found::Records(walk_dir(entries, &progress)?),
            Some(Task::Hash { path, start, length, algorithm }) => {
                let mut sha = Sha::new(&algorithm).ok_or_else(|| WalkFail::Io(format!("cannot compute {algorithm}")))?;
                read_range(&File::open(path)?, start, length, &mut vec![0u8; HASH_CHUNK], |chunk, pos| {
                    sha.update(chunk);
                    progress(pos);
                    Ok::<(), WalkFail>(())
                })?;
                Found::Digest(format!("{algorithm}:{}", sha.finish()))
            }
            None => return Err(WalkFail::Io("the walk ran twice".into())),
        })
    }
}

impl Work for Job {
    fn execute(&mut self) {
        self.result = Some(match catch_unwind(AssertUnwindSafe(|| self.run())) {
            Ok(r) => r.map_err(code_and_message),
            Err(_) => Err((TAR_ERROR, "elfscan native: internal error (the layer walker panicked)".into())),
        });
    }

    fn complete(self: Box<Self>, env: Env) -> JsResult<Result<Value, Value>> {
        let built = catch_unwind(AssertUnwindSafe(move || match self.result {
            Some(Ok(Found::Records(records))) => records_to_js(env, &records).map(Ok),
            Some(Ok(Found::Outer(Some(entries)))) => outer_to_js(env, &entries).map(Ok),
            Some(Ok(Found::Outer(None))) => env.null().map(Ok),
            Some(Ok(Found::Digest(d))) => env.string(&d).map(Ok),
            Some(Ok(Found::Listing(entries, total))) => {
                let o = env.object()?;
                env.set(o, c"listing", env.external(Listing(RefCell::new(Some(entries))))?)?;
                env.set(o, c"bytes", env.f64(total as f64)?)?;
                Ok(Ok(o))
            }
            Some(Err((code, msg))) => env.error(code, &msg).map(Err),
            None => env.error(TAR_ERROR, "elfscan native: the layer walk did not run").map(Err),
        }));
        match built {
            Ok(Ok(settled)) => Ok(settled),
            _ => env.error(TAR_ERROR, "elfscan native: internal error (could not build the layer's records)").map(Err),
        }
    }
}

fn queue(env: Env, task: Task, counter: Value) -> JsResult<Value> {
    let counter = optional(env, counter, |c| counter_of(env, c, BAD_COUNTER_ARG))?;
    env.queue("elfscan:layerScan", Box::new(Job { task: Some(task), counter, result: None }))
}

/// `(path, start, length)` of a file range.
fn range(env: Env, path: Value, start: Value, length: Value) -> JsResult<(String, u64, u64)> {
    Ok((env.string_value(path, BAD_FILE_ARGS)?, number(env, start, BAD_FILE_ARGS)?, number(env, length, BAD_FILE_ARGS)?))
}

/// `layerScanFile(path, start, length, counter?): Promise<LayerRecords>` — rejects with an Error
/// whose code is ELFSCAN_TAR (malformed tar), ELFSCAN_DATA (bad gzip or zstd; the message is the
/// sentence) or ELFSCAN_IO (the file could not be read). A counter hears the bytes of the range
/// got through (stored bytes: compressed ones for gzip and zstd), and `length` once it succeeds.
pub fn scan_file(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [path, start, length, counter, ..] = args;
    let (path, start, length) = range(env, path, start, length)?;
    queue(env, Task::Layer { path, start, length }, counter)
}

/// `outerScanFile(path, start, length, counter?): Promise<OuterRecords | null>` — null when the
/// archive is compressed (it must be streamed); rejects as layerScanFile does.
pub fn scan_outer_file(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [path, start, length, counter, ..] = args;
    let (path, start, length) = range(env, path, start, length)?;
    queue(env, Task::Outer { path, start, length }, counter)
}

/// `dirList(path): Promise<{ listing, bytes }>` — the tree under `path` (a handle for
/// layerScanDir) and the sizes of its regular files summed; rejects with ELFSCAN_IO.
pub fn list(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [path, ..] = args;
    let path = PathBuf::from(env.string_value(path, BAD_DIR)?);
    queue(env, Task::List(path), env.null()?)
}

/// `layerScanDir(listing, counter?): Promise<LayerRecords>` — a listed directory read as a layer
/// (once: the listing is used up); a counter hears the sizes of the files read so far.
pub fn scan_dir(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [listing, counter, ..] = args;
    let listing = env.external_value::<Listing>(listing).ok_or(JsFail::Type(BAD_LISTING))?;
    let entries = listing.0.try_borrow_mut().map_err(|_| JsFail::Type(BAD_LISTING))?.take();
    let entries = entries.ok_or(JsFail::Type(BAD_LISTING))?;
    queue(env, Task::Dir(entries), counter)
}

/// `hashFileRange(path, start, length, algorithm, counter?): Promise<string>` — "alg:hex" of the
/// range's bytes (algorithm "sha256" or "sha512"; fewer bytes where the file ends first, which
/// the caller's comparison then refuses); rejects with ELFSCAN_IO when the file cannot be read.
/// A counter hears the bytes hashed so far.
pub fn hash_file(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [path, start, length, algorithm, counter, ..] = args;
    let (path, start, length) = range(env, path, start, length)?;
    let algorithm = env.string_value(algorithm, BAD_HASH_ARGS)?;
    if algorithm != "sha256" && algorithm != "sha512" {
        return Err(JsFail::Type(BAD_HASH_ARGS));
    }
    queue(env, Task::Hash { path, start, length, algorithm }, counter)
}
