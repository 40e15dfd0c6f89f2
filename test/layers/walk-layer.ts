// Runs a layer's bytes (plain, gzip or zstd) through the native walker the ways a layer is read —
// pushed in chunks of a given size, and read from a file range at offsets — and records what came
// out as plain data, so that tests can state an archive's expected entries once and check them
// for every driver and chunking. A body is seen through what the walker keeps of it: the bytes
// of a `#!` line (at most shebangMax + 1 of them), or a loader configuration file's text.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { layerScan, layerScanFile, nativeError, type LayerRecords } from '../../src/native.js';
import { tempDir } from '../helpers/image-builder.js';

export const WHERE = 'img.tar: layer sha256:abc';
/** Chunk sizes every archive test is pushed in (Infinity: one push). */
export const CHUNKINGS = [1, 7, 511, 512, 513, 4096, Infinity];
/** The walker's type numbers (native/src/tar/header.rs EntryType). */
const TYPES = ['file', 'hardlink', 'symlink', 'directory', 'other'] as const;

export interface WalkedEntry {
  /** Normalized: "/usr/lib/x.so". */
  name: string;
  type: (typeof TYPES)[number];
  size: number;
  mode: number;
  linkname: string;
  /** What the walker kept of the body (see above), or null. */
  head: Buffer | null;
  /** The classifier's answer for a binary candidate. */
  class: string | null;
}

export interface Walked {
  entries: WalkedEntry[];
  /** The sentence after "where: " (the ElfscanError message), or null. */
  error: string | null;
}

export function entriesOf(r: LayerRecords): WalkedEntry[] {
  const out: WalkedEntry[] = [];
  let link = 0;
  for (let i = 0, m = 0; i < r.count; i++, m += 4) {
    const type = TYPES[r.meta[m]!]!;
    const linkname = type === 'hardlink' || type === 'symlink' ? r.links[link++]! : '';
    const x = r.meta[m + 3]!;
    const extra = x === 0 ? null : r.extras[x - 1]!;
    const head = typeof extra === 'string' ? Buffer.from(extra) : Buffer.isBuffer(extra) ? extra : null;
    const klass = extra !== null && head === null ? JSON.stringify(extra) : null;
    out.push({ name: r.names[i]!, type, size: r.meta[m + 2]!, mode: r.meta[m + 1]!, linkname, head, class: klass });
  }
  return out;
}

/** A walker failure as the one sentence users read. */
export function sentence(e: unknown, where = WHERE): string {
  const err = nativeError(e, where);
  if (!(err instanceof Error) || err.name !== 'ElfscanError') throw e;
  return err.message;
}

/** The bytes pushed into the walker `chunk` at a time. */
export function pushLayer(data: Buffer, chunk = 65536): Walked {
  const h = layerScan.start();
  const step = Number.isFinite(chunk) ? chunk : Math.max(1, data.length);
  try {
    for (let i = 0; i < data.length; i += step) layerScan.push(h, data.subarray(i, i + step));
    return { entries: entriesOf(layerScan.end(h)), error: null };
  } catch (e) {
    return { entries: [], error: sentence(e) };
  }
}

/** The bytes read from a file range, behind a prefix and before trailing bytes, as a nested layer is. */
export async function readLayerFile(data: Buffer, file = join(tempDir(), 'layer.bin')): Promise<Walked> {
  writeFileSync(file, Buffer.concat([Buffer.from('prefix!!'), data, Buffer.from('trailing bytes')]));
  try {
    return { entries: entriesOf(await layerScanFile(file, 8, data.length)), error: null };
  } catch (e) {
    return { entries: [], error: sentence(e) };
  }
}

/** Every driver and chunking; asserts they all agree and returns the one outcome. */
export async function walkEveryWay(data: Buffer, chunks = CHUNKINGS): Promise<Walked> {
  const want = pushLayer(data, Infinity);
  for (const chunk of chunks) expect({ chunk, got: pushLayer(data, chunk) }).toEqual({ chunk, got: want });
  expect(await readLayerFile(data)).toEqual(want);
  return want;
}
