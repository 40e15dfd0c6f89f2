// Loads the Rust addon built from native/ and is the only file that knows the classifier is
// native — and the only one that asks which machine elfscan runs on (to pick the addon's file
// name). Everything else calls classify() with bytes and gets plain data back.

import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ElfscanError } from './errors.js';
import type { Classification } from './model.js';

/** Bytes of a file at an offset, handed back to the classifier (see inspect()). */
export interface Piece {
  offset: number;
  bytes: Uint8Array;
}

/**
 * One layer's entries from the native walker (native/src/node/records.rs), flat: `meta` holds four
 * numbers per entry — type (0 file, 1 hard link, 2 symlink, 3 directory, 4 other), mode, size, and
 * either 0 or 1 + the index of the entry's item in `extras`. Names are normalized paths; `links`
 * holds the link text of each hard and symbolic link, in order (a hard link's target normalized).
 * An extra is a regular file's head bytes (its `#!` line), a loader configuration file's whole
 * text, or, for a binary candidate, the classifier's final answer.
 */
export interface LayerRecords {
  count: number;
  meta: Float64Array;
  names: string[];
  links: string[];
  extras: (Buffer | string | Classification)[];
}

/**
 * An outer archive's entries (native/src/node/records.rs `outer_to_js`): `meta` holds four
 * numbers per entry — type (as in LayerRecords), size, the body offset of a regular file (else
 * 0), and what the entry is (0 neither, 1 a JSON document, 2 a layer: by its path and first
 * bytes, native/src/layer/archive.rs); `names` are archive paths ("blobs/sha256/…"), `links` the
 * link text of each hard and symbolic link, in order.
 */
export interface OuterRecords {
  count: number;
  meta: Float64Array;
  names: string[];
  links: string[];
}

/** The kinds in OuterRecords `meta`. */
export const OUTER_KINDS = ['other', 'document', 'layer'] as const;

/**
 * What one push of a streamed outer archive saw (native/src/layer/outer_push.rs): layer blobs
 * whose bytes began to pass (entry, archive path), their bytes for the digest check — `[entry,
 * from, to]`, a range of the plain stream inside the chunk just pushed, or `[entry, bytes]`, a
 * copy, when the archive itself is compressed — and the entries whose layer walk ended.
 */
export interface OuterPushReport {
  started: [number, string][];
  pieces: ([number, number, number] | [number, Buffer])[];
  done: number[];
  /** The plain archive's end-of-archive marker passed: what follows is never read, so stop. */
  ended: boolean;
}

/** A streamed outer archive once it ended: its entries, documents, layers and root filesystem walk. */
export interface OuterStreamed {
  entries: OuterRecords;
  documents: [number, Buffer][];
  /** Each layer's records, or the Error its walk failed with (an error only if a manifest names it). */
  layers: [number, LayerRecords | Error][];
  rootfs: LayerRecords | Error;
}

/** A root filesystem directory listed by the addon, to be read once as a layer (layerScanDir()). */
export type DirListing = { readonly __brand: 'DirListing' };

/** A streaming scan inside the addon (a layer, or an outer archive). */
export type ScanHandle = { readonly __brand: 'ScanHandle' };

/**
 * How many bytes of its stored input a walk on the thread pool has got through, readable while
 * the walk's promise is pending (see progressCounterValue()). The addon refuses it where a scan
 * handle is expected, and a scan handle where a counter is.
 */
export type ProgressCounter = { readonly __brand: 'ProgressCounter' };

/**
 * The limits the native side works within, defined once in Rust (native/src/node/constants.rs
 * lists where each lives) and read here so that no TypeScript file repeats them.
 */
export interface NativeLimits {
  /** Bytes of each file handed to the classifier first. */
  headBytes: number;
  /** Most a classifier may ask for when headers sit further in. */
  maxHeadBytes: number;
  /** The largest size cap of a kept text (native/src/layer/kept_text.rs has each kind's)… */
  textMax: number;
  /** …and at most this many per layer. */
  textsPerLayer: number;
  /** A `#!` line is at most this many bytes. */
  shebangMax: number;
  /** ELF completion: kept from the start of a file, from its end, and captured in between. */
  prefixMax: number;
  tailMax: number;
  captureMax: number;
  /** ELF completion: most classifier calls per file. */
  completionCalls: number;
  /** Most one wanted range may cover. */
  wantMax: number;
  /** PAX records, GNU long names and PAX sparse maps are capped at this size. */
  headerRecordMax: number;
  /** Most pieces one inspect() call may pass. */
  piecesMax: number;
  /** An image document (index, manifest, config) is at most this large. */
  documentMax: number;
}

interface NativeConstants {
  limits: NativeLimits;
}

/** What the addon exports (native/src/node/mod.rs). */
interface Addon {
  inspect(head: Uint8Array, fileSize: number, pieces?: Piece[]): Classification;
  constants(): NativeConstants;
  layerScanStart(): ScanHandle;
  layerScanPush(handle: ScanHandle, chunk: Uint8Array): void;
  layerScanEnd(handle: ScanHandle): LayerRecords;
  layerScanFile(path: string, start: number, length: number, counter?: ProgressCounter | null): Promise<LayerRecords>;
  outerScanStart(): ScanHandle;
  outerScanPush(handle: ScanHandle, chunk: Uint8Array): OuterPushReport | null;
  outerScanEnd(handle: ScanHandle): OuterStreamed;
  outerScanFile(path: string, start: number, length: number, counter?: ProgressCounter | null): Promise<OuterRecords | null>;
  dirList(path: string): Promise<{ listing: DirListing; bytes: number }>;
  layerScanDir(listing: DirListing, counter?: ProgressCounter | null): Promise<LayerRecords>;
  hashFileRange(path: string, start: number, length: number, algorithm: string, counter?: ProgressCounter | null): Promise<string>;
  normalizePath(name: string): string;
  widenPipe(fd: number, bytes: number): number;
  releaseFreeMemory(): null;
  progressCounter(): ProgressCounter;
  progressCounterValue(counter: ProgressCounter): number;
  interfaceVersion: number;
}

/** Must equal INTERFACE_VERSION in native/src/node/mod.rs: a stale build is refused, not misread. */
const INTERFACE_VERSION = 10;
const BUILD_COMMAND = 'npm run build:native';

/** The facts about the running Node that choose the addon file. */
export interface Host {
  platform: string;
  arch: string;
  /** Only asked on Linux: glibc (true) or musl (false). */
  isGlibc(): boolean;
}

/** How the loader touches the world; replaced in tests to play another machine. */
export interface LoaderEnv {
  host: Host;
  /** The folder holding `elfscan.<triple>.node` (native/ of the package). */
  dir: string;
  exists(path: string): boolean;
  list(dir: string): string[];
  load(path: string): unknown;
  /** The folder of an installed npm package, or null (the per-platform `elfscan-<triple>` addon packages). */
  packageDir(name: string): string | null;
}

/** napi-rs's name for a build target (`napi build --platform` writes `elfscan.<this>.node`). */
export function addonTriple(host: Host): string {
  const { platform, arch } = host;
  switch (platform) {
    case 'linux': {
      const glibc = host.isGlibc();
      if (arch === 'arm') return glibc ? 'linux-arm-gnueabihf' : 'linux-arm-musleabihf';
      return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
    }
    case 'win32':
      return `win32-${arch}-msvc`;
    case 'android':
      return arch === 'arm' ? 'android-arm-eabi' : `android-${arch}`;
    default:
      // darwin-x64, darwin-arm64, freebsd-x64…
      return `${platform}-${arch}`;
  }
}

export function addonFileName(host: Host): string {
  return `elfscan.${addonTriple(host)}.node`;
}

/** Loads the addon for `env.host`, or throws an ElfscanError whose one sentence names the fix. */
export function loadAddon(env: LoaderEnv): { addon: Addon; path: string } {
  const file = addonFileName(env.host);
  // A source checkout builds into native/; an npm install brings the addon as the optional
  // dependency elfscan-<triple> (the napi-rs convention). A local build wins: it is the newer.
  const pkg = `elfscan-${addonTriple(env.host)}`;
  const pkgDir = env.exists(join(env.dir, file)) ? null : env.packageDir(pkg);
  const path = pkgDir ? join(pkgDir, file) : join(env.dir, file);
  const shown = pkgDir ? `${pkg}/${file}` : `native/${file}`;
  if (!env.exists(path)) {
    let others: string[] = [];
    try {
      others = env.list(env.dir).filter((f) => /^elfscan\..+\.node$/.test(f) && f !== file);
    } catch {
      // No native/ folder at all: the plain "missing" sentence below says what to do.
    }
    if (others.length > 0) {
      const builtFor = others.map((f) => f.slice('elfscan.'.length, -'.node'.length)).join(', ');
      throw new ElfscanError(
        'elfscan',
        `the native addon was built for ${builtFor}, but this machine needs ${shown}; build it here with \`${BUILD_COMMAND}\``,
      );
    }
    throw new ElfscanError(
      'elfscan',
      `the native addon for ${addonTriple(env.host)} is missing: install without --omit=optional (it is ${pkg}), or run \`${BUILD_COMMAND}\` in a source checkout`,
    );
  }
  let loaded: unknown;
  try {
    loaded = env.load(path);
  } catch (e) {
    // dlopen's first line names the file again ("/pkg/native/x.node: invalid ELF header"): the
    // sentence names it once, so that it fits the 200 characters of an exit-2 line.
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(`${path}: `, '');
    // Node before 22.15 carries no zstd (nor exports it): the addon decodes zstd layers with it.
    if (/undefined symbol: ZSTD_/.test(why))
      throw new ElfscanError('elfscan', `needs Node 22.15 or later, whose zstd the native addon decodes layers with (this is Node ${process.version})`);
    throw new ElfscanError(
      'elfscan',
      `the native addon ${shown} could not be loaded (${why}); rebuild it on this machine with \`${BUILD_COMMAND}\``,
    );
  }
  const addon = loaded as Partial<Addon> | null;
  if (!addon || typeof addon.inspect !== 'function' || addon.interfaceVersion !== INTERFACE_VERSION) {
    throw new ElfscanError(
      'elfscan',
      `the native addon ${shown} is out of date (interface ${String(addon?.interfaceVersion)}, expected ${INTERFACE_VERSION}); rebuild it with \`${BUILD_COMMAND}\``,
    );
  }
  return { addon: addon as Addon, path };
}

function isGlibc(): boolean {
  // The report header names the glibc version only when Node runs on glibc.
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return typeof report?.header?.glibcVersionRuntime === 'string';
}

const processEnv: LoaderEnv = {
  host: { platform: process.platform, arch: process.arch, isGlibc },
  // Resolved from this file, so it holds both for src/native.ts (vitest) and dist/native.js.
  dir: fileURLToPath(new URL('../native/', import.meta.url)),
  exists: existsSync,
  list: (dir) => readdirSync(dir),
  load: (path) => createRequire(import.meta.url)(path),
  packageDir(name) {
    try {
      return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
    } catch {
      return null;
    }
  },
};

let loaded: { addon: Addon; path: string } | undefined;

/** Loaded on first use, so that importing the library never fails and a missing build becomes
 *  an ElfscanError (exit 2) where the CLI can report it. */
function addon(): Addon {
  loaded ??= loadAddon(processEnv);
  return loaded.addon;
}

/**
 * Classifies a file from its first bytes. `fileSize` is the size of the whole file; when the
 * headers need bytes past `head` the answer is `{ status: 'need-more', bytes }` — call again with
 * at least the first `bytes` bytes. An ELF answer may carry `wants`: see inspect().
 */
export function classify(head: Uint8Array, fileSize: number): Classification {
  return addon().inspect(head, fileSize);
}

/**
 * classify() with `pieces` from further into the file. A binary's answer lists in `wants` the
 * ranges (sorted, merged, inside the file) that would complete facts still unknown — the PT_INTERP
 * string, PT_DYNAMIC and its strings, notes, section headers, `.ARM.attributes`; call again with
 * those that could be had. Facts never change value between calls, they only become known.
 */
export function inspect(head: Uint8Array, fileSize: number, pieces: Piece[]): Classification {
  return addon().inspect(head, fileSize, pieces);
}

/**
 * The layer walker (native/src/layer/push.rs), streaming: start, push the layer's bytes in chunks
 * of any size, end. The first bytes choose plain, gzip or zstd, decoded inside the addon by the
 * zlib and libzstd Node carries. push/end throw an Error whose `code` says what failed (see
 * nativeError()) when the data is malformed or stops early.
 */
export const layerScan = {
  start: (): ScanHandle => walker().layerScanStart(),
  push: (h: ScanHandle, chunk: Uint8Array): void => walker().layerScanPush(h, chunk),
  end: (h: ScanHandle): LayerRecords => walker().layerScanEnd(h),
};

/**
 * An outer archive (docker save, oci-archive, a root filesystem tar; plain, gzip or zstd) read
 * as it streams past (native/src/layer/outer_push.rs): its layers are walked as their bodies
 * pass, its documents kept, and the whole walked as a root filesystem too. Each push says which
 * layer blobs' bytes passed (for their digests); end() gives everything else.
 */
export const outerScan = {
  start: (): ScanHandle => walker().outerScanStart(),
  push: (h: ScanHandle, chunk: Uint8Array): OuterPushReport | null => walker().outerScanPush(h, chunk),
  end: (h: ScanHandle): OuterStreamed => walker().outerScanEnd(h),
};

/**
 * The layer walker over `[start, start + length)` of a file, on libuv's thread pool: a plain tar
 * is walked at offsets (only headers, file heads and the ranges ELF files want are read), a gzip
 * or zstd one is decoded as it is read. Rejects as layerScan does, or with `code` 'ELFSCAN_IO'.
 * `counter` hears how far into the range the walk has got, in stored bytes (a body skipped unread
 * counts as got through), and exactly `length` once it succeeds.
 */
export function layerScanFile(path: string, start: number, length: number, counter?: ProgressCounter): Promise<LayerRecords> {
  return walker().layerScanFile(path, start, length, counter);
}

/**
 * An outer archive in `[start, start + length)` of a file, on libuv's thread pool: its entries,
 * where each regular file's body starts, and what it is — reading only headers and the first
 * bytes of the files that can be documents or layers. null when the archive is compressed: it
 * can only be streamed (outerScan). `counter` as in layerScanFile.
 */
export function outerScanFile(path: string, start: number, length: number, counter?: ProgressCounter): Promise<OuterRecords | null> {
  return walker().outerScanFile(path, start, length, counter);
}

/**
 * The tree under `path` (symbolic links not followed), listed on libuv's thread pool, and the
 * sizes of its regular files summed. Rejects with `code` 'ELFSCAN_IO' (the message names the path).
 */
export function dirList(path: string): Promise<{ listing: DirListing; bytes: number }> {
  return walker().dirList(path);
}

/**
 * A listed directory read as one layer, on the thread pool, by the same rules as a tar's entries:
 * each regular file's head, an ELF file's wanted ranges at their offsets. `counter` hears the
 * sizes of the files read so far. A listing is read once.
 */
export function layerScanDir(listing: DirListing, counter?: ProgressCounter): Promise<LayerRecords> {
  return walker().layerScanDir(listing, counter);
}

/**
 * "alg:hex" of `[start, start + length)` of the file at `path` (algorithm "sha256" or "sha512"),
 * computed on the thread pool by the OpenSSL Node carries; fewer bytes are hashed where the file
 * ends first. `counter` hears the bytes hashed so far. Rejects with `code` 'ELFSCAN_IO'.
 */
export function hashFileRange(path: string, start: number, length: number, algorithm: string, counter?: ProgressCounter): Promise<string> {
  return walker().hashFileRange(path, start, length, algorithm, counter);
}

/**
 * A walk's failure (an Error with the addon's `code`) as one ElfscanError sentence naming
 * `where`; anything else is returned as it is.
 */
export function nativeError(e: unknown, where: string): unknown {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ELFSCAN_TAR' || code === 'ELFSCAN_DATA') return new ElfscanError(where, (e as Error).message);
  if (code === 'ELFSCAN_IO') return new ElfscanError(where, `read failed: ${(e as Error).message}`);
  return e;
}

/** A tar name as the walker keys it: lexically normalized and absolute ("./usr//lib/" → "/usr/lib"). */
export function normalizePath(name: string): string {
  return walker().normalizePath(name);
}

/** A progress counter at 0, to hand to layerScanFile() or outerScanFile(). */
export function newProgressCounter(): ProgressCounter {
  return walker().progressCounter();
}

/**
 * The bytes a walk given `counter` has got through so far: poll it while the walk is pending (a
 * progress bar). Throws a TypeError for anything but a counter.
 */
export function progressCounterValue(counter: ProgressCounter): number {
  return walker().progressCounterValue(counter);
}

/** Asks for a larger pipe buffer on `fd` (Linux; best effort): the new size, or -1. */
export function widenPipe(fd: number, bytes: number): number {
  return walker().widenPipe(fd, bytes);
}

/**
 * Returns the C library's free memory to the system (glibc's malloc_trim; elsewhere nothing):
 * called once an image's layers are walked, so that the pages the walks freed are not still held
 * while the overlay and the rules grow the JavaScript heap.
 */
export function releaseFreeMemory(): void {
  walker().releaseFreeMemory();
}

/** The addon, refused with the rebuild sentence when it predates the layer walker. */
function walker(): Addon {
  const a = addon();
  if (typeof a.layerScanFile !== 'function')
    throw new ElfscanError('elfscan', `the native addon ${loaded!.path} has no layer walker (it is out of date); rebuild it with \`${BUILD_COMMAND}\``);
  return a;
}

let constants: NativeConstants | undefined;

/** The addon's constants, read once. */
function nativeConstants(): NativeConstants {
  constants ??= addon().constants();
  return constants;
}

/** The native side's limits (loads the addon on first use). */
export function limits(): NativeLimits {
  return nativeConstants().limits;
}

/** Where the addon is (or would be) loaded from. Reading `path` loads it if needed. */
export const nativeInfo: { readonly path: string } = {
  get path(): string {
    addon();
    return loaded!.path;
  },
};
