// A layer that lies in a file at a known offset — a blob of an OCI layout, or a layer nested in a
// docker-save tarball — scanned without streaming it: a plain tar goes to the native walker,
// which reads only headers, file heads and the ranges ELF files want (docs/performance.md);
// a compressed one is read once, in large chunks, through its decompressor. A layer named by
// digest is still hashed whole, alongside the walk: a mismatch must end the scan.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { ElfscanError } from '../errors.js';
import type { LayerIndex } from '../model.js';
import { layerScanCommand, layerScanFile, newProgressCounter, progressCounterValue, type ProgressCounter } from '../native.js';
import type { Reading } from '../progress.js';
import { ZSTD_CLI_ARGS, detectCompression, zstdDecoder, zstdFailure } from './decompress.js';
import { asReadError, layerIndex, scanLayerStream, walkerError } from './layer-scanner.js';
import { ZstdFrameWalker } from './zstd-frames.js';

/** Compressed layers are read in chunks this large (a larger chunk is fewer event-loop turns). */
const READ_CHUNK = 1 << 20;
/** Chunks hashed at once when a layer read in place is checked against its digest (1 MiB: as fast as 4, 10 MB less RSS). */
const HASH_CHUNK = 1 << 20;

/** A layer lying at `[start, start + length)` of `file`. */
export interface LayerAt {
  file: string;
  start: number;
  length: number;
  /** What the layer is called in the report (its digest), or null. */
  digest: string | null;
  /** How errors name it, as the streaming path's do. */
  where: string;
  /** The digest its bytes must hash to, or null. */
  verify: string | null;
  /** Every reader of the range reports here; the layer has got as far as the slowest of them. */
  reading: Reading;
}

export async function scanLayerAt(layer: LayerAt): Promise<LayerIndex> {
  const { file, start, length, digest, where, verify, reading } = layer;
  let head: Buffer;
  try {
    head = await readAt(file, start, Math.min(4, length));
  } catch (e) {
    throw asReadError(e, where);
  }
  const compression = detectCompression(head);
  // A whole zstd blob file: the CLI reads it and the native walker its output, off the main thread.
  if (compression === 'zstd' && start === 0 && zstdDecoder() === 'cli' && (await sizeOf(file)) === length) {
    return zstdByCommand(layer);
  }
  if (compression === 'zstd') {
    const stream = createReadStream(file, { start, end: start + length - 1, highWaterMark: READ_CHUNK });
    return scanLayerStream(counting(stream, reading.counted()), digest, where, verify);
  }
  // Plain: walked at offsets; gzip: inflated and walked on a pool thread. Hashed here meanwhile.
  const walk = layerScanFile(file, start, length, compression === 'gzip' ? 'gzip' : 'plain', watched(reading));
  const hash = verify ? hashRange(file, start, length, verify.slice(0, verify.indexOf(':')), reading.counted()) : null;
  walk.catch(() => undefined);
  hash?.catch(() => undefined);
  let records;
  try {
    records = await walk;
  } catch (e) {
    throw walkerError(e, where);
  }
  if (hash && verify) {
    let got;
    try {
      got = await hash;
    } catch (e) {
      throw asReadError(e, where);
    }
    if (got !== verify) throw new ElfscanError(where, `content does not match its digest (got ${got})`);
  }
  return layerIndex(digest, records, length);
}

/**
 * `zstd -dc FILE` into the native walker, while this thread reads the same file once to check
 * its digest and to walk its frame headers (the refusals and the truncation rule of the
 * streaming path). Which failure is reported follows the streaming path's order: the frame
 * walker's, then the decoder's or the tar reader's, then a digest mismatch.
 */
async function zstdByCommand({ file, length, digest, where, verify, reading }: LayerAt): Promise<LayerIndex> {
  // The file is zstd's standard input, so the addon can tell how far into it zstd has read.
  const walk = layerScanCommand(['zstd', ...ZSTD_CLI_ARGS], file, watched(reading));
  walk.catch(() => undefined);
  const count = reading.counted();
  const alg = verify ? verify.slice(0, verify.indexOf(':')) : null;
  const h = alg ? createHash(alg) : null;
  const frames = new ZstdFrameWalker(where, { bytes: () => undefined, frameEnd: () => undefined });
  let framesError: unknown = null;
  try {
    await readChunks(file, length, (chunk) => {
      count(chunk.length);
      h?.update(chunk);
      if (framesError === null) {
        try {
          frames.feed(chunk);
        } catch (e) {
          framesError = e;
        }
      }
    });
  } catch (e) {
    throw asReadError(e, where);
  }
  if (framesError === null && !frames.atBoundary()) framesError = new ElfscanError(where, 'zstd data is truncated');
  if (framesError !== null) {
    if (framesError instanceof ElfscanError) throw framesError;
    throw new ElfscanError(where, `data is not valid zstd (${framesError instanceof Error ? framesError.message : String(framesError)})`);
  }
  let records;
  try {
    records = await walk;
  } catch (e) {
    if ((e as { code?: string } | null)?.code === 'ELFSCAN_DECODER') throw new ElfscanError(where, zstdFailure((e as Error).message));
    throw walkerError(e, where);
  }
  if (h && verify) {
    const got = `${alg}:${h.digest('hex')}`;
    if (got !== verify) throw new ElfscanError(where, `content does not match its digest (got ${got})`);
  }
  return layerIndex(digest, records, length);
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file)).size;
}

async function readAt(file: string, start: number, length: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** "alg:hex" of `[start, start + length)` of `file`; `count` is told the bytes hashed. */
async function hashRange(file: string, start: number, length: number, alg: string, count: (n: number) => void): Promise<string> {
  const h = createHash(alg);
  await readChunks(
    file,
    length,
    (c) => {
      count(c.length);
      h.update(c);
    },
    start,
  );
  return `${alg}:${h.digest('hex')}`;
}

/** A counter for a native walk, watched by `reading`. */
function watched(reading: Reading): ProgressCounter {
  const counter = newProgressCounter();
  reading.watch(() => progressCounterValue(counter));
  return counter;
}

async function* counting(input: AsyncIterable<Buffer>, count: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    count(chunk.length);
    yield chunk;
  }
}

/** Hands `[start, start + length)` of `file` to `use` in large chunks; the next read runs on the thread pool meanwhile. */
async function readChunks(file: string, length: number, use: (chunk: Buffer) => void, start = 0): Promise<void> {
  const fh = await open(file, 'r');
  try {
    const bufs = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
    let at = 0;
    let n = 0;
    let pending = fh.read(bufs[0]!, 0, Math.min(HASH_CHUNK, length), start);
    while (at < length) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const buf = bufs[n % 2]!;
      at += bytesRead;
      n++;
      if (at < length) pending = fh.read(bufs[n % 2]!, 0, Math.min(HASH_CHUNK, length - at), start + at);
      use(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}
