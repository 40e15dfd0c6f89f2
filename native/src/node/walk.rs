//! JS ⇄ Rust for the layer walker: a streaming scan behind an external handle
//! (`layerScanStart()`, `layerScanPush(h, chunk)`, `layerScanEnd(h)`), and `layerScanFile(path,
//! start, length)`, a walk of a file range on libuv's thread pool that resolves a promise. Both
//! answer with one flat object per layer (src/native.ts `LayerRecords`), never an object per
//! entry beyond the names and the few files that carry something. A walk on the pool may be given
//! a progress counter (`progressCounter()`, another external) that the main thread polls with
//! `progressCounterValue(c)` while the promise is pending.
#![deny(unsafe_op_in_unsafe_fn)]

use std::ffi::{c_void, CStr};
use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::zlib::Gunzip;
use super::{args, check, classification_to_js, guarded, number, Env, JsFail, JsResult};
use crate::layer::command::{walk_command, CommandPushScan};
use crate::layer::fail::WalkFail;
use crate::layer::file::{walk_file, walk_gzip_file, walk_outer};
use crate::layer::push::{GzPushScan, PushScan};
use crate::layer::record::{Extra, Record};
use crate::node::napi::*;
use crate::tar::header::EntryType;

/// Error codes the TypeScript side turns into an ElfscanError: the tar is malformed, or a read failed.
const TAR_ERROR: &CStr = c"ELFSCAN_TAR";
const IO_ERROR: &CStr = c"ELFSCAN_IO";
/// The decompressing command failed; the message is its stderr.
const DECODER_ERROR: &CStr = c"ELFSCAN_DECODER";
/// The gzip data is bad; the message is the whole sentence.
const GZIP_ERROR: &CStr = c"ELFSCAN_GZIP";

const BAD_HANDLE: &CStr = c"elfscan native: layerScanPush/End(handle, …): not a live layer scan handle";
const BAD_CHUNK: &CStr = c"elfscan native: layerScanPush(handle, chunk): chunk must be a Uint8Array";
const BAD_COMMAND: &CStr = c"elfscan native: a command line must be an array of 1 to 64 strings";
const BAD_FILE_ARGS: &CStr =
    c"elfscan native: layerScanFile(path, start, length, mode, counter?): a path string and non-negative numbers";
const BAD_COUNTER: &CStr = c"elfscan native: progressCounterValue(counter): not a progress counter handle";
const BAD_COUNTER_ARG: &CStr =
    c"elfscan native: layerScanFile/layerScanCommand(…, counter): counter must be a progress counter handle, null or undefined";
const BAD_INPUT: &CStr =
    c"elfscan native: layerScanCommand(argv, input, counter?): input must be a file path string, null or undefined";

impl Env {
    fn error(self, code: &CStr, msg: &str) -> JsResult<napi_value> {
        let code = self.string(code.to_str().unwrap_or("ELFSCAN"))?;
        let msg = self.string(msg)?;
        let mut v = ptr::null_mut();
        // Safety: both values were created in this callback; `v` is a valid out-pointer.
        check(unsafe { napi_create_error(self.0, code, msg, &mut v) })?;
        Ok(v)
    }

    fn buffer(self, bytes: &[u8]) -> JsResult<napi_value> {
        let mut v = ptr::null_mut();
        // Safety: pointer and length describe `bytes`, which Node copies; the data out-pointer is unused.
        check(unsafe { napi_create_buffer_copy(self.0, bytes.len(), bytes.as_ptr().cast(), ptr::null_mut(), &mut v) })?;
        Ok(v)
    }

    fn float64_array(self, values: &[f64]) -> JsResult<napi_value> {
        let mut data: *mut c_void = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let bytes = std::mem::size_of_val(values);
        // Safety: `data` and `ab` are valid out-pointers; Node allocates `bytes` bytes.
        check(unsafe { napi_create_arraybuffer(self.0, bytes, &mut data, &mut ab) })?;
        if bytes > 0 && !data.is_null() {
            // Safety: Node allocated `bytes` writable bytes at `data`, suitably aligned for any
            // element type; no JS runs while this copy happens.
            unsafe { ptr::copy_nonoverlapping(values.as_ptr(), data.cast::<f64>(), values.len()) };
        }
        let mut v = ptr::null_mut();
        // Safety: `ab` was created above with room for `values.len()` doubles.
        check(unsafe { napi_create_typedarray(self.0, NAPI_FLOAT64_ARRAY, values.len(), ab, 0, &mut v) })?;
        Ok(v)
    }

    fn set_element(self, array: napi_value, i: usize, v: napi_value) -> JsResult<()> {
        // Safety: `array` was created in this callback; `i` is below its length.
        check(unsafe { napi_set_element(self.0, array, i as u32, v) })
    }
}

/// Fields per record in `meta`: type, mode, size, extra (0: none, else 1 + index into `extras`).
const META_FIELDS: usize = 4;

/// `{ count, meta: Float64Array, names: string[], links: string[], extras: (Buffer | Classification)[] }`:
/// `links` holds the link text of hard and symbolic links only, in order; `extras` a Buffer of head
/// bytes (not a binary candidate) or the classifier's answer (a candidate).
fn records_to_js(env: Env, records: &[Record]) -> JsResult<napi_value> {
    let mut meta = Vec::with_capacity(records.len() * META_FIELDS);
    let names = env.array(records.len())?;
    let links_count =
        records.iter().filter(|r| matches!(r.entry.kind, EntryType::Hardlink | EntryType::Symlink)).count();
    let links = env.array(links_count)?;
    let extras_count = records.iter().filter(|r| !matches!(r.extra, Extra::None)).count();
    let extras = env.array(extras_count)?;
    let (mut nl, mut ne) = (0, 0);
    for (i, r) in records.iter().enumerate() {
        env.set_element(names, i, env.string(&r.entry.name)?)?;
        if matches!(r.entry.kind, EntryType::Hardlink | EntryType::Symlink) {
            env.set_element(links, nl, env.string(&r.entry.linkname)?)?;
            nl += 1;
        }
        let extra = match &r.extra {
            Extra::None => 0.0,
            Extra::BodyAt(at) => *at as f64,
            Extra::Head(h) => {
                env.set_element(extras, ne, env.buffer(h)?)?;
                ne += 1;
                ne as f64
            }
            Extra::Class(c) => {
                env.set_element(extras, ne, classification_to_js(env, c)?)?;
                ne += 1;
                ne as f64
            }
        };
        // Sizes are below 2^53 (the parser refuses larger), so a double holds them exactly.
        meta.extend_from_slice(&[r.entry.kind as u8 as f64, f64::from(r.entry.mode), r.entry.size as f64, extra]);
    }
    let o = env.object()?;
    env.set(o, c"count", env.f64(records.len() as f64)?)?;
    env.set(o, c"meta", env.float64_array(&meta)?)?;
    env.set(o, c"names", names)?;
    env.set(o, c"links", links)?;
    env.set(o, c"extras", extras)?;
    Ok(o)
}

fn throw_error(env: Env, code: &CStr, msg: &str) -> JsFail {
    match env.error(code, msg) {
        Ok(e) => {
            // Safety: `e` was created in this callback.
            unsafe { napi_throw(env.0, e) };
            JsFail::Status(NAPI_PENDING_EXCEPTION)
        }
        Err(f) => f,
    }
}

/// A streaming scan: a plain layer, or a gzip layer inflated on the way in.
enum Pushing {
    Plain(PushScan),
    Gzip(GzPushScan<Gunzip>),
    /// Compressed bytes through a decompressing command (zstd on stdin).
    Command(CommandPushScan),
}

/// What every external this addon makes holds, so that one kind of handle passed where another
/// is expected is refused with a sentence instead of being read as the wrong type.
// Boxed once per handle, and a counter's box the size of a scan's costs a few hundred bytes.
#[allow(clippy::large_enum_variant)]
enum Handle {
    /// A streaming scan; `None` once ended.
    Scan(Option<Pushing>),
    /// Bytes of its input a walk on the pool has got through. The walk holds a clone, so the
    /// counter outlives a handle collected mid-walk.
    Counter(Arc<AtomicU64>),
}

/// Drops what a handle holds when it is garbage-collected.
unsafe extern "C" fn finalize_handle(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    if !data.is_null() {
        // Safety: `data` is the Box made in `external`, handed to Node once and freed only here.
        drop(unsafe { Box::from_raw(data.cast::<Handle>()) });
    }
}

/// A new external holding `handle`.
fn external(env: Env, handle: Handle) -> JsResult<napi_value> {
    let data = Box::into_raw(Box::new(handle));
    let mut v = ptr::null_mut();
    // Safety: `data` is a valid heap pointer whose ownership passes to Node's finalizer.
    let status = unsafe { napi_create_external(env.0, data.cast(), Some(finalize_handle), ptr::null_mut(), &mut v) };
    if status != NAPI_OK {
        // Safety: Node did not take the pointer; free it here.
        drop(unsafe { Box::from_raw(data) });
    }
    check(status)?;
    Ok(v)
}

/// The Handle behind an external, or `bad` for any other value. The reference is used within the
/// current callback only.
fn handle_of<'a>(env: Env, value: napi_value, bad: &'static CStr) -> JsResult<&'a mut Handle> {
    let mut data: *mut c_void = ptr::null_mut();
    // Safety: `value` is an argument of this callback; a non-external value fails with a status.
    check(unsafe { napi_get_value_external(env.0, value, &mut data) }).map_err(|_| JsFail::Type(bad))?;
    if data.is_null() {
        return Err(JsFail::Type(bad));
    }
    // Safety: every external this addon makes holds a Box<Handle> (`external`), alive until Node
    // finalizes it, which cannot happen while the handle is an argument. The addon runs on Node's
    // main thread only, so no other reference exists during the call (a pool thread holds its
    // own Arc of a counter, never the Handle).
    Ok(unsafe { &mut *data.cast::<Handle>() })
}

/// A push failure as a thrown JS Error with its code.
fn throw_walk(env: Env, e: WalkFail) -> JsFail {
    match e {
        WalkFail::Tar(e) => throw_error(env, TAR_ERROR, &e.0),
        WalkFail::Gzip(s) => throw_error(env, GZIP_ERROR, &s),
        WalkFail::Io(e) => throw_error(env, IO_ERROR, &e.to_string()),
        WalkFail::Decoder(s) => throw_error(env, DECODER_ERROR, &s),
    }
}

/// `layerScanStart(kind?: 0 | 1 | 2, argv?: string[]): handle` — 1: the pushed bytes are a gzip
/// layer; 2: they go through the decompressing command `argv` (zstd).
unsafe extern "C" fn start_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [kind, command] = args::<2>(env, info)?;
        let scan = match number(env, kind, BAD_HANDLE).unwrap_or(0) {
            1 => Pushing::Gzip(GzPushScan::new(Gunzip::new().map_err(|e| throw_walk(env, WalkFail::Gzip(e)))?)),
            2 => {
                let argv = string_list(env, command)?;
                Pushing::Command(
                    CommandPushScan::start(&argv, &|fd| {
                        set_pipe_size(fd, 1 << 20);
                    })
                    .map_err(|e| throw_walk(env, e))?,
                )
            }
            _ => Pushing::Plain(PushScan::default()),
        };
        external(env, Handle::Scan(Some(scan)))
    })
}

/// The scan behind a handle. The reference is used within the current callback only.
fn scan_of<'a>(env: Env, handle: napi_value) -> JsResult<&'a mut Option<Pushing>> {
    match handle_of(env, handle, BAD_HANDLE)? {
        Handle::Scan(scan) => Ok(scan),
        Handle::Counter(_) => Err(JsFail::Type(BAD_HANDLE)),
    }
}

/// The counter behind a handle; `bad` for anything else.
fn counter_of(env: Env, handle: napi_value, bad: &'static CStr) -> JsResult<Arc<AtomicU64>> {
    match handle_of(env, handle, bad)? {
        Handle::Counter(c) => Ok(Arc::clone(c)),
        Handle::Scan(_) => Err(JsFail::Type(bad)),
    }
}

/// An optional argument: None for undefined or null (or absent), else `some(value)`.
fn optional<T>(env: Env, value: napi_value, some: impl FnOnce(napi_value) -> JsResult<T>) -> JsResult<Option<T>> {
    let mut ty = 0;
    // Safety: `value` is an argument of this callback; `ty` a valid out-pointer.
    check(unsafe { napi_typeof(env.0, value, &mut ty) })?;
    if ty == NAPI_UNDEFINED || ty == NAPI_NULL {
        Ok(None)
    } else {
        some(value).map(Some)
    }
}

/// `progressCounter(): handle` — a counter at 0, for `layerScanFile`/`layerScanCommand` to move.
unsafe extern "C" fn counter_cb(env: napi_env, _info: napi_callback_info) -> napi_value {
    guarded(env, |env| external(env, Handle::Counter(Arc::new(AtomicU64::new(0)))))
}

/// `progressCounterValue(counter): number` — bytes the walk has got through so far. Relaxed: the
/// value is a hint for a display, ordered with nothing else; the promise carries the result.
unsafe extern "C" fn counter_value_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [handle] = args::<1>(env, info)?;
        let c = counter_of(env, handle, BAD_COUNTER)?;
        // Exact below 2^53, i.e. for every real file.
        env.f64(c.load(Ordering::Relaxed) as f64)
    })
}

/// `layerScanPush(handle, chunk)`: throws an Error with code ELFSCAN_TAR when the tar is malformed.
unsafe extern "C" fn push_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [handle, chunk] = args::<2>(env, info)?;
        let scan = scan_of(env, handle)?;
        let (data, len) = super::u8_array(env, chunk).map_err(|_| JsFail::Type(BAD_CHUNK))?;
        let Some(s) = scan.as_mut() else { return Err(JsFail::Type(BAD_HANDLE)) };
        let bytes: &[u8] = if data.is_null() || len == 0 {
            &[]
        } else {
            // Safety: Node guarantees `len` bytes at `data` for this callback; no JS runs and no
            // JS value is created while the slice lives.
            unsafe { std::slice::from_raw_parts(data, len) }
        };
        let r = match s {
            Pushing::Plain(p) => p.push(bytes).map_err(WalkFail::Tar),
            Pushing::Gzip(g) => g.push(bytes),
            Pushing::Command(c) => {
                c.push(bytes);
                Ok(())
            }
        };
        match r {
            Ok(()) => env.null(),
            Err(e) => Err(throw_walk(env, e)),
        }
    })
}

/// `layerScanEnd(handle): LayerRecords`: throws (code ELFSCAN_TAR) when the data stopped early.
unsafe extern "C" fn end_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [handle] = args::<1>(env, info)?;
        let scan = scan_of(env, handle)?;
        let Some(s) = scan.take() else { return Err(JsFail::Type(BAD_HANDLE)) };
        let r = match s {
            Pushing::Plain(p) => p.finish().map_err(WalkFail::Tar),
            Pushing::Gzip(g) => g.finish(),
            Pushing::Command(c) => c.finish(),
        };
        match r {
            Ok(records) => records_to_js(env, &records),
            Err(e) => Err(throw_walk(env, e)),
        }
    })
}

/// One walk on the thread pool: inputs, then the result the pool thread leaves for `complete`.
struct Job {
    path: String,
    start: u64,
    length: u64,
    /// 0: a plain layer; 1: an outer archive's entries; 2: a gzip layer.
    mode: u64,
    /// A decompressing command whose output is the layer (layerScanCommand); `path` is then its
    /// stdin, or empty for /dev/null.
    command: Option<Vec<String>>,
    /// Where the pool thread reports progress, if JS asked for it.
    counter: Option<Arc<AtomicU64>>,
    deferred: napi_deferred,
    work: napi_async_work,
    result: Option<Result<Vec<Record>, (&'static CStr, String)>>,
}

fn run_walk(job: &Job) -> Result<Vec<Record>, (&'static CStr, String)> {
    let io = |e: std::io::Error| (IO_ERROR, e.to_string());
    let progress = |n: u64| {
        if let Some(c) = &job.counter {
            c.store(n, Ordering::Relaxed);
        }
    };
    let walked = if let Some(argv) = &job.command {
        let input = if job.path.is_empty() { None } else { Some(File::open(&job.path).map_err(io)?) };
        walk_command(argv, input.as_ref(), &widen_pipe, &progress)
    } else {
        let file = File::open(&job.path).map_err(io)?;
        match job.mode {
            1 => walk_outer(&file, job.start, job.length, &progress),
            2 => match Gunzip::new() {
                Ok(gz) => walk_gzip_file(&file, job.start, job.length, gz, &progress),
                Err(e) => Err(WalkFail::Gzip(e)),
            },
            _ => walk_file(&file, job.start, job.length, &progress),
        }
    };
    match walked {
        Ok(r) => Ok(r),
        Err(WalkFail::Tar(e)) => Err((TAR_ERROR, e.0)),
        Err(WalkFail::Io(e)) => Err(io(e)),
        Err(WalkFail::Decoder(said)) => Err((DECODER_ERROR, said)),
        Err(WalkFail::Gzip(sentence)) => Err((GZIP_ERROR, sentence)),
    }
}

/// Asks Linux for a 1 MiB pipe (fcntl F_SETPIPE_SZ, within the unprivileged default limit);
/// elsewhere, or if refused, the pipe keeps its size.
#[cfg(target_os = "linux")]
fn widen_pipe(out: &std::process::ChildStdout) {
    use std::os::fd::AsRawFd;
    set_pipe_size(out.as_raw_fd(), 1 << 20);
}

#[cfg(not(target_os = "linux"))]
fn widen_pipe(_out: &std::process::ChildStdout) {}

/// `widenPipe(fd, bytes): number` — asks Linux to give the pipe at `fd` (stdin) `bytes` of
/// buffer, so that a producer like `cat` and this reader trade large chunks; the new size, or -1
/// (not a pipe, refused, or not Linux).
unsafe extern "C" fn widen_pipe_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [fd, bytes] = args::<2>(env, info)?;
        let fd = number(env, fd, BAD_WIDEN)?;
        let bytes = number(env, bytes, BAD_WIDEN)?;
        env.f64(f64::from(set_pipe_size(fd.min(i32::MAX as u64) as i32, bytes.min(1 << 30) as i32)))
    })
}
const BAD_WIDEN: &CStr = c"elfscan native: widenPipe(fd, bytes): two non-negative numbers";

#[cfg(target_os = "linux")]
fn set_pipe_size(fd: i32, bytes: i32) -> i32 {
    extern "C" {
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    }
    const F_SETPIPE_SZ: i32 = 1031;
    // Safety: F_SETPIPE_SZ takes an int and touches no memory of ours; a bad descriptor is an
    // error return, not undefined behaviour.
    unsafe { fcntl(fd, F_SETPIPE_SZ, bytes) }
}

#[cfg(not(target_os = "linux"))]
fn set_pipe_size(_fd: i32, _bytes: i32) -> i32 {
    -1
}

/// Runs on a pool thread: no Node-API calls here.
unsafe extern "C" fn execute_walk(_env: napi_env, data: *mut c_void) {
    // Safety: `data` is the Job made in `queue`; only this callback touches it until `complete`.
    let job = unsafe { &mut *data.cast::<Job>() };
    job.result = Some(match catch_unwind(AssertUnwindSafe(|| run_walk(job))) {
        Ok(r) => r,
        Err(_) => Err((TAR_ERROR, "elfscan native: internal error (the layer walker panicked)".into())),
    });
}

/// Back on the main thread: settles the promise and frees the job.
unsafe extern "C" fn complete_walk(env: napi_env, _status: napi_status, data: *mut c_void) {
    // Safety: `data` is the Job made in `queue`; the pool is done with it, so this owns it now.
    let job = unsafe { Box::from_raw(data.cast::<Job>()) };
    let e = Env(env);
    // Safety: `work` was created by `file_cb` and is deleted exactly once, here.
    unsafe { napi_delete_async_work(env, job.work) };
    let outcome = catch_unwind(AssertUnwindSafe(|| match job.result.as_ref() {
        Some(Ok(records)) => records_to_js(e, records).map(|v| (true, v)),
        Some(Err((code, msg))) => e.error(code, msg).map(|v| (false, v)),
        None => e.error(TAR_ERROR, "elfscan native: the layer walk did not run").map(|v| (false, v)),
    }));
    let (ok, value) = match outcome {
        Ok(Ok(v)) => v,
        _ => match e.error(TAR_ERROR, "elfscan native: internal error (could not build the layer's records)") {
            Ok(v) => (false, v),
            Err(_) => return,
        },
    };
    // Safety: `deferred` was created by `file_cb` and is settled exactly once, here.
    unsafe {
        if ok {
            napi_resolve_deferred(env, job.deferred, value);
        } else {
            napi_reject_deferred(env, job.deferred, value);
        }
    }
}

fn string_arg(env: Env, value: napi_value) -> JsResult<String> {
    let mut len = 0usize;
    // Safety: a null buffer asks only for the length; `len` is a valid out-pointer.
    check(unsafe { napi_get_value_string_utf8(env.0, value, ptr::null_mut(), 0, &mut len) })
        .map_err(|_| JsFail::Type(BAD_FILE_ARGS))?;
    let mut buf = vec![0u8; len + 1];
    let mut got = 0usize;
    // Safety: `buf` has room for `len` bytes plus the NUL Node writes.
    check(unsafe { napi_get_value_string_utf8(env.0, value, buf.as_mut_ptr().cast(), buf.len(), &mut got) })?;
    buf.truncate(got);
    String::from_utf8(buf).map_err(|_| JsFail::Type(BAD_FILE_ARGS))
}

/// `layerScanFile(path, start, length, mode?, counter?): Promise<LayerRecords>` — mode 0 a plain
/// layer, 2 a gzip layer (inflated on the pool thread), 1 the entries of an outer archive,
/// `meta`'s last field being each regular file's body offset; rejects with an Error whose code is
/// ELFSCAN_TAR (malformed tar), ELFSCAN_GZIP (bad gzip; the message is the sentence) or
/// ELFSCAN_IO (the file could not be read). A counter hears the bytes of the range got through
/// (stored bytes: compressed ones for gzip), and `length` once the walk succeeds.
unsafe extern "C" fn file_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [path, start, length, mode, counter] = args::<5>(env, info)?;
        let path = string_arg(env, path)?;
        let start = number(env, start, BAD_FILE_ARGS)?;
        let length = number(env, length, BAD_FILE_ARGS)?;
        let mode = number(env, mode, BAD_FILE_ARGS).unwrap_or(0);
        let counter = optional(env, counter, |c| counter_of(env, c, BAD_COUNTER_ARG))?;
        queue(
            env,
            Job {
                path,
                start,
                length,
                mode,
                command: None,
                counter,
                deferred: ptr::null_mut(),
                work: ptr::null_mut(),
                result: None,
            },
        )
    })
}

/// `layerScanCommand(argv: string[], input?: string | null, counter?): Promise<LayerRecords>` — the
/// layer a decompressing command writes to its stdout, read on the thread pool; rejects with code
/// ELFSCAN_DECODER (message: the command's stderr), ELFSCAN_TAR or ELFSCAN_IO (also when `input`
/// cannot be opened). `input` is opened on the pool thread and becomes the command's stdin (else
/// /dev/null), so that its read position in the file is known: a counter hears it, and the file's
/// size once the walk succeeds.
unsafe extern "C" fn command_cb(env: napi_env, info: napi_callback_info) -> napi_value {
    guarded(env, |env| {
        let [list, input, counter] = args::<3>(env, info)?;
        let argv = string_list(env, list)?;
        let input = optional(env, input, |v| string_arg(env, v).map_err(|_| JsFail::Type(BAD_INPUT)))?;
        if input.as_deref() == Some("") {
            return Err(JsFail::Type(BAD_INPUT));
        }
        let counter = optional(env, counter, |c| counter_of(env, c, BAD_COUNTER_ARG))?;
        let job = Job {
            path: input.unwrap_or_default(),
            start: 0,
            length: 0,
            mode: 0,
            command: Some(argv),
            counter,
            deferred: ptr::null_mut(),
            work: ptr::null_mut(),
            result: None,
        };
        queue(env, job)
    })
}

/// A command line: an array of 1 to 64 strings.
fn string_list(env: Env, list: napi_value) -> JsResult<Vec<String>> {
    let mut n = 0u32;
    // Safety: `list` is an argument of this callback; a non-array fails with a status.
    check(unsafe { napi_get_array_length(env.0, list, &mut n) }).map_err(|_| JsFail::Type(BAD_COMMAND))?;
    if n == 0 || n > 64 {
        return Err(JsFail::Type(BAD_COMMAND));
    }
    let mut argv = Vec::with_capacity(n as usize);
    for i in 0..n {
        let mut item = ptr::null_mut();
        // Safety: `list` is an array; `item` a valid out-pointer.
        check(unsafe { napi_get_element(env.0, list, i, &mut item) })?;
        argv.push(string_arg(env, item).map_err(|_| JsFail::Type(BAD_COMMAND))?);
    }
    Ok(argv)
}

/// Queues a walk on the thread pool; returns its promise.
fn queue(env: Env, mut job: Job) -> JsResult<napi_value> {
    let mut promise = ptr::null_mut();
    // Safety: both are valid out-pointers.
    check(unsafe { napi_create_promise(env.0, &mut job.deferred, &mut promise) })?;
    let job = Box::into_raw(Box::new(job));
    let name = env.string("elfscan:layerScan")?;
    let mut work = ptr::null_mut();
    // Safety: the callbacks are extern "C" fns that live forever; `job` stays valid until
    // complete_walk frees it.
    let status = unsafe {
        napi_create_async_work(
            env.0,
            ptr::null_mut(),
            name,
            Some(execute_walk),
            Some(complete_walk),
            job.cast(),
            &mut work,
        )
    };
    if status != NAPI_OK {
        // Safety: Node did not take the job.
        drop(unsafe { Box::from_raw(job) });
        return Err(JsFail::Status(status));
    }
    // Safety: `job` is valid and not yet shared with the pool.
    unsafe { (*job).work = work };
    // Safety: `work` was just created.
    let status = unsafe { napi_queue_async_work(env.0, work) };
    if status != NAPI_OK {
        // Safety: the work never ran: delete it and free the job here.
        unsafe {
            napi_delete_async_work(env.0, work);
            drop(Box::from_raw(job));
        }
        return Err(JsFail::Status(status));
    }
    Ok(promise)
}

pub(super) fn register(env: Env, exports: napi_value) -> JsResult<()> {
    env.set(exports, c"layerScanStart", env.function(c"layerScanStart", start_cb)?)?;
    env.set(exports, c"layerScanPush", env.function(c"layerScanPush", push_cb)?)?;
    env.set(exports, c"layerScanEnd", env.function(c"layerScanEnd", end_cb)?)?;
    env.set(exports, c"layerScanFile", env.function(c"layerScanFile", file_cb)?)?;
    env.set(exports, c"layerScanCommand", env.function(c"layerScanCommand", command_cb)?)?;
    env.set(exports, c"widenPipe", env.function(c"widenPipe", widen_pipe_cb)?)?;
    env.set(exports, c"progressCounter", env.function(c"progressCounter", counter_cb)?)?;
    env.set(exports, c"progressCounterValue", env.function(c"progressCounterValue", counter_value_cb)?)?;
    Ok(())
}
