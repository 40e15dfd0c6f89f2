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
 * either 0 or 1 + the index of the entry's item in `extras` (for an outer archive: the offset of
 * a regular file's body). `links` holds the link text of each hard and symbolic link, in order;
 * an extra is a regular file's head bytes (its `#!` line or loader-configuration text) or, for a
 * binary candidate, the classifier's final answer.
 */
export interface LayerRecords {
  count: number;
  meta: Float64Array;
  names: string[];
  links: string[];
  extras: (Buffer | Classification)[];
}

/** A streaming layer scan inside the addon. */
export type LayerScanHandle = { readonly __brand: 'LayerScanHandle' };

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
  /** The largest size cap of a kept text (keptTextCap() gives each file's)… */
  textMax: number;
  /** …and at most this many per layer… */
  textsPerLayer: number;
  /** …and this many bytes of them. */
  textBytesPerLayer: number;
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
}

interface NativeConstants {
  limits: NativeLimits;
  /** The byte strings a binary candidate starts with (native/src/formats/sniff.rs MAGICS). */
  magics: number[][];
}

/** What the addon exports (native/src/node/mod.rs). */
interface Addon {
  inspect(head: Uint8Array, fileSize: number, pieces?: Piece[]): Classification;
  constants(): NativeConstants;
  keptTextCap(path: string): number;
  layerScanStart(kind: number, argv?: string[]): LayerScanHandle;
  layerScanPush(handle: LayerScanHandle, chunk: Uint8Array): void;
  layerScanEnd(handle: LayerScanHandle): LayerRecords;
  layerScanFile(path: string, start: number, length: number, mode: number, counter?: ProgressCounter | null): Promise<LayerRecords>;
  layerScanCommand(argv: string[], input?: string | null, counter?: ProgressCounter | null): Promise<LayerRecords>;
  widenPipe(fd: number, bytes: number): number;
  progressCounter(): ProgressCounter;
  progressCounterValue(counter: ProgressCounter): number;
  interfaceVersion: number;
}

/** Must equal INTERFACE_VERSION in native/src/node/mod.rs: a stale build is refused, not misread. */
const INTERFACE_VERSION = 6;
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
      `the native addon for ${addonTriple(env.host)} is missing: install the optional dependency ${pkg} (npm install without --omit=optional), or build native/${file} from a source checkout with \`${BUILD_COMMAND}\``,
    );
  }
  let loaded: unknown;
  try {
    loaded = env.load(path);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
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
 * The layer walker (native/src/layer/push.rs), streaming: start (`gzip`: the bytes pushed are a
 * gzip layer, inflated inside the addon by Node's own zlib), push the layer's bytes in chunks of
 * any size, end. push/end throw an Error with `code` 'ELFSCAN_TAR' (the tar reader's sentence) or
 * 'ELFSCAN_GZIP' (the gzip sentence) when the data is malformed or stops early.
 */
export const layerScan = {
  start: (gzip = false): LayerScanHandle => walker().layerScanStart(gzip ? 1 : 0),
  /** The pushed bytes go through the decompressing command `argv` (zstd -dc reading stdin); its failure is thrown by end() with `code` 'ELFSCAN_DECODER' (the message: its stderr). */
  startCommand: (argv: string[]): LayerScanHandle => walker().layerScanStart(2, argv),
  push: (h: LayerScanHandle, chunk: Uint8Array): void => walker().layerScanPush(h, chunk),
  end: (h: LayerScanHandle): LayerRecords => walker().layerScanEnd(h),
};

const FILE_MODES = { plain: 0, outer: 1, gzip: 2 } as const;

/**
 * The layer walker over `[start, start + length)` of a file, on libuv's thread pool. 'plain': only
 * tar headers, file heads and the ranges ELF files want are read; 'gzip': the range is inflated
 * (Node's zlib) and walked there; 'outer': an outer archive's entries with their body offsets.
 * Rejects with `code` 'ELFSCAN_TAR', 'ELFSCAN_GZIP' or 'ELFSCAN_IO' (read failure).
 * `counter` hears how far into the range the walk has got, in stored bytes (compressed ones for
 * 'gzip'; a body skipped unread counts as got through), and exactly `length` once it succeeds.
 */
export function layerScanFile(
  path: string,
  start: number,
  length: number,
  mode: keyof typeof FILE_MODES = 'plain',
  counter?: ProgressCounter,
): Promise<LayerRecords> {
  return walker().layerScanFile(path, start, length, FILE_MODES[mode], counter);
}

/**
 * The layer a decompressing command writes to its stdout, read and walked on libuv's thread pool —
 * the decompressed bytes never cross into JavaScript. With `input`, the addon opens that file and
 * gives it to the command as its stdin (`zstd -dc` with no file argument reads it), and `counter`
 * hears the command's read position in it — the file's size once the walk succeeds; without
 * `input` the command's stdin is /dev/null (`zstd -dc FILE`) and `counter` stays at 0.
 * Rejects with `code` 'ELFSCAN_DECODER' (the message is the command's stderr), 'ELFSCAN_TAR' or
 * 'ELFSCAN_IO' (also when `input` cannot be opened).
 */
export function layerScanCommand(argv: string[], input?: string, counter?: ProgressCounter): Promise<LayerRecords> {
  return walker().layerScanCommand(argv, input, counter);
}

/** A progress counter at 0, to hand to layerScanFile() or layerScanCommand(). */
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

/**
 * The most bytes of the file at `path` (normalized, absolute) whose whole text a layer keeps for
 * the rules, or 0 when its text is not kept: the policy of native/src/layer/kept_text.rs.
 */
export function keptTextCap(path: string): number {
  return addon().keptTextCap(path);
}

/**
 * Whether a head starts like something classify() can call a binary: ELF, Mach-O (thin in both
 * byte orders, fat), or MZ — by the addon's magic table, read once, then compared here so that
 * the pipeline only crosses into native for candidates. Java class files pass (they share
 * 0xCAFEBABE with fat Mach-O) and come back 'not-binary'.
 */
export function isCandidate(head: Uint8Array): boolean {
  for (const magic of nativeConstants().magics) {
    if (head.length < magic.length) continue;
    let i = 0;
    while (i < magic.length && head[i] === magic[i]) i++;
    if (i === magic.length) return true;
  }
  return false;
}

/** Where the addon is (or would be) loaded from. Reading `path` loads it if needed. */
export const nativeInfo: { readonly path: string } = {
  get path(): string {
    addon();
    return loaded!.path;
  },
};
