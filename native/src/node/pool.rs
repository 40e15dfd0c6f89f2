//! Walks on libuv's thread pool, each behind a promise: `layerScanFile(path, start, length,
//! mode?, counter?)` reads a file range (a plain layer, a gzip layer, or an outer archive's
//! entries) and `layerScanCommand(argv, input?, counter?)` reads what a decompressing command
//! writes. A walk given a progress counter stores how far it has got as it goes.
#![forbid(unsafe_code)]

use std::ffi::CStr;
use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::args::{number, optional, string_list};
use super::env::work::Work;
use super::env::{Env, JsFail, JsResult, Value, MAX_ARGS};
use super::fail::{code_and_message, TAR_ERROR};
use super::pipe::widen_pipe;
use super::progress::counter_of;
use super::records::records_to_js;
use super::scan::BAD_COMMAND;
use super::zlib::Gunzip;
use crate::layer::command::walk_command;
use crate::layer::fail::WalkFail;
use crate::layer::file::{walk_file, walk_gzip_file, walk_outer};
use crate::layer::record::Record;

const BAD_FILE_ARGS: &CStr =
    c"elfscan native: layerScanFile(path, start, length, mode, counter?): a path string and non-negative numbers";
const BAD_COUNTER_ARG: &CStr =
    c"elfscan native: layerScanFile/layerScanCommand(…, counter): counter must be a progress counter handle, null or undefined";
const BAD_INPUT: &CStr =
    c"elfscan native: layerScanCommand(argv, input, counter?): input must be a file path string, null or undefined";

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
    result: Option<Result<Vec<Record>, (&'static CStr, String)>>,
}

impl Job {
    fn run(&self) -> Result<Vec<Record>, WalkFail> {
        let progress = |n: u64| {
            if let Some(c) = &self.counter {
                c.store(n, Ordering::Relaxed);
            }
        };
        if let Some(argv) = &self.command {
            let input = if self.path.is_empty() { None } else { Some(File::open(&self.path)?) };
            return walk_command(argv, input.as_ref(), &widen_pipe, &progress);
        }
        let file = File::open(&self.path)?;
        match self.mode {
            1 => walk_outer(&file, self.start, self.length, &progress),
            2 => walk_gzip_file(&file, self.start, self.length, Gunzip::new().map_err(WalkFail::Gzip)?, &progress),
            _ => walk_file(&file, self.start, self.length, &progress),
        }
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
        let built = catch_unwind(AssertUnwindSafe(|| match self.result.as_ref() {
            Some(Ok(records)) => records_to_js(env, records).map(Ok),
            Some(Err((code, msg))) => env.error(code, msg).map(Err),
            None => env.error(TAR_ERROR, "elfscan native: the layer walk did not run").map(Err),
        }));
        match built {
            Ok(Ok(settled)) => Ok(settled),
            _ => env.error(TAR_ERROR, "elfscan native: internal error (could not build the layer's records)").map(Err),
        }
    }
}

/// `layerScanFile(path, start, length, mode?, counter?): Promise<LayerRecords>` — mode 0 a plain
/// layer, 2 a gzip layer (inflated on the pool thread), 1 the entries of an outer archive,
/// `meta`'s last field being each regular file's body offset; rejects with an Error whose code is
/// ELFSCAN_TAR (malformed tar), ELFSCAN_GZIP (bad gzip; the message is the sentence) or
/// ELFSCAN_IO (the file could not be read). A counter hears the bytes of the range got through
/// (stored bytes: compressed ones for gzip), and `length` once the walk succeeds.
pub fn scan_file(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [path, start, length, mode, counter, ..] = args;
    let path = env.string_value(path, BAD_FILE_ARGS)?;
    let start = number(env, start, BAD_FILE_ARGS)?;
    let length = number(env, length, BAD_FILE_ARGS)?;
    let mode = number(env, mode, BAD_FILE_ARGS).unwrap_or(0);
    let counter = optional(env, counter, |c| counter_of(env, c, BAD_COUNTER_ARG))?;
    let job = Job { path, start, length, mode, command: None, counter, result: None };
    env.queue("elfscan:layerScan", Box::new(job))
}

/// `layerScanCommand(argv: string[], input?: string | null, counter?): Promise<LayerRecords>` — the
/// layer a decompressing command writes to its stdout, read on the thread pool; rejects with code
/// ELFSCAN_DECODER (message: the command's stderr), ELFSCAN_TAR or ELFSCAN_IO (also when `input`
/// cannot be opened). `input` is opened on the pool thread and becomes the command's stdin (else
/// /dev/null), so that its read position in the file is known: a counter hears it, and the file's
/// size once the walk succeeds.
pub fn scan_command(env: Env, args: [Value; MAX_ARGS]) -> JsResult<Value> {
    let [list, input, counter, ..] = args;
    let argv = string_list(env, list, BAD_COMMAND)?;
    let input = optional(env, input, |v| env.string_value(v, BAD_INPUT).map_err(|_| JsFail::Type(BAD_INPUT)))?;
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
        result: None,
    };
    env.queue("elfscan:layerScan", Box::new(job))
}
