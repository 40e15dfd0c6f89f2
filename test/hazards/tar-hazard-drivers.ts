// Runs the spec §9 tar hazards of tar-hazard-table.ts against every reader a layer or an archive
// goes through: the native walker fed in chunks of several sizes (1 byte included), the native
// walker reading a file at offsets (as a layer and as an outer archive, whose body offsets let
// every body be compared), and — until the native outer-archive push mode replaces it — the
// TypeScript TarReader that still reads the outer archive of a stream.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZSTD_CLI_ARGS } from '../../src/layers/decompress.js';
import { normalizePath } from '../../src/layers/layer-entries.js';
import { walkerError } from '../../src/layers/layer-scanner.js';
import type { TarHeader } from '../../src/layers/tar-reader.js';
import { layerScan, layerScanCommand, layerScanFile, limits, type LayerRecords } from '../../src/native.js';
import { hasZstdCli } from '../helpers/tar-builder.js';
import { readLayer, readTar } from '../layers/tar-collect.js';
import { TAR_HAZARDS, type HazardCase, type TarHazard } from './tar-hazard-table.js';

export const WHERE = 'img.tar: layer sha256:abc';
/** Chunk sizes the bytes are pushed in (Infinity: one push). */
const CHUNKINGS = [1, 7, 511, 512, 513, 4096, Infinity];
/** The walker's type numbers (native/src/tar/header.rs EntryType). */
const TYPES: TarHeader['type'][] = ['file', 'hardlink', 'symlink', 'directory', 'other'];

/** One entry as a reader reports it: the header's fields, and the body where the reader has it. */
interface Seen {
  name: string;
  type: TarHeader['type'];
  size: number;
  mode: number;
  linkname: string;
  body?: Buffer;
}

interface Outcome {
  entries: Seen[];
  error: string | null;
}

/** A thrown walker failure as the one sentence the user reads. */
function sentence(e: unknown): string {
  const err = walkerError(e, WHERE);
  if (!(err instanceof Error) || err.name !== 'ElfscanError') throw e;
  return err.message;
}

/**
 * LayerRecords as entries. With `file`, an outer walk's: each regular file's body is read from
 * `file` at `base` + its offset; else a body is the head bytes the walker kept (a `#!` line).
 */
function fromRecords(r: LayerRecords, file?: Buffer, base = 0): Seen[] {
  const out: Seen[] = [];
  let link = 0;
  for (let i = 0, m = 0; i < r.count; i++, m += 4) {
    const type = TYPES[r.meta[m]!]!;
    const linkname = type === 'hardlink' || type === 'symlink' ? r.links[link++]! : '';
    const e: Seen = { name: r.names[i]!, type, size: r.meta[m + 2]!, mode: r.meta[m + 1]!, linkname };
    const x = r.meta[m + 3]!;
    if (file && type === 'file' && x > 0) e.body = file.subarray(base + x); // an outer walk: the body offset
    else if (!file && x > 0 && Buffer.isBuffer(r.extras[x - 1])) e.body = r.extras[x - 1] as Buffer;
    out.push(e);
  }
  return out;
}

function pushed(c: HazardCase, data: Buffer, chunk: number): Outcome {
  const h = c.compress === 'gzip' ? layerScan.start(true) : c.compress === 'zstd' ? layerScan.startCommand(['zstd', ...ZSTD_CLI_ARGS]) : layerScan.start();
  const step = Number.isFinite(chunk) ? chunk : Math.max(1, data.length);
  try {
    for (let i = 0; i < data.length; i += step) layerScan.push(h, data.subarray(i, i + step));
    return { entries: fromRecords(layerScan.end(h)), error: null };
  } catch (e) {
    return { entries: [], error: sentence(e) };
  }
}

async function fromFile(c: HazardCase, data: Buffer, file: string, mode: 'plain' | 'outer'): Promise<Outcome> {
  // Behind a prefix and before trailing bytes, as a layer nested in an outer archive is.
  const bytes = Buffer.concat([Buffer.from('prefix!!'), data, Buffer.from('trailing bytes')]);
  writeFileSync(file, c.compress === 'zstd' ? data : bytes);
  try {
    if (c.compress === 'zstd') return { entries: fromRecords(await layerScanCommand(['zstd', ...ZSTD_CLI_ARGS], file)), error: null };
    const r = await layerScanFile(file, 8, data.length, c.compress === 'gzip' ? 'gzip' : mode);
    return { entries: mode === 'outer' ? fromRecords(r, bytes, 8) : fromRecords(r), error: null };
  } catch (e) {
    return { entries: [], error: sentence(e) };
  }
}

async function typescript(c: HazardCase, data: Buffer, chunk: number): Promise<Outcome> {
  const r = c.compress ? await readLayer(data, Number.isFinite(chunk) ? chunk : data.length, WHERE) : readTar(data, chunk, { where: WHERE });
  const entries = r.entries.map((e): Seen => ({ name: e.name, type: e.type, size: e.size, mode: e.mode, linkname: e.linkname, ...(e.ended && e.body ? { body: e.body } : {}) }));
  return { entries, error: r.error };
}

/**
 * What the case says, as a reader reports it. `layer`: names are normalized (a layer walk keys
 * its records by path) and a body is compared only through the few head bytes the walker keeps
 * (a `#!` line); `outer` and the TypeScript reader have every body. The native walks report no
 * entries when they fail: for a failing case they are held to the sentence.
 */
function check(c: HazardCase, got: Outcome, how: 'layer' | 'outer' | 'typescript'): void {
  const expected = `${WHERE}: ${c.error}`;
  if (c.error !== undefined) {
    if (c.error instanceof RegExp) expect(got.error).toMatch(new RegExp(`^${WHERE}: ${c.error.source}$`));
    else expect(got.error).toBe(expected);
    if (how !== 'typescript' || c.entries === undefined) return;
  } else {
    expect(got.error).toBeNull();
  }
  const want = (c.entries ?? []).map((e) => ({
    name: how === 'layer' ? normalizePath(e.name) : e.name,
    type: e.type ?? 'file',
    size: e.size,
    ...(e.mode !== undefined ? { mode: e.mode } : {}),
    ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
  }));
  const keys = got.entries.map((g, i) => {
    const w = want[i];
    return { name: g.name, type: g.type, size: g.size, ...(w?.mode !== undefined ? { mode: g.mode } : {}), ...(w?.linkname !== undefined ? { linkname: g.linkname } : {}) };
  });
  expect(keys).toEqual(want);
  (c.entries ?? []).forEach((e, i) => {
    const body = got.entries[i]!.body;
    if (!e.body) return;
    if (how === 'layer') {
      const starts = e.body[0] === 0x23 && e.body[1] === 0x21;
      if (starts) expect(body).toEqual(e.body.subarray(0, limits().shebangMax + 1));
    } else if (c.error === undefined || how === 'typescript') {
      expect(body?.subarray(0, e.body.length)).toEqual(e.body);
    }
  });
}

/** The describe() of one spec §9 hazard: its cases (those `only` keeps) through every reader. */
export function runTarHazard(hazard: TarHazard, only: (c: HazardCase) => boolean = () => true): void {
  const dir = mkdtempSync(join(tmpdir(), 'elfscan-tar-hazard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  describe(hazard, () => {
    for (const c of TAR_HAZARDS[hazard].filter(only)) {
      const file = join(dir, `case-${n++}`);
      let built: Buffer | undefined;
      const bytes = () => (built ??= c.bytes());
      const skip = c.compress === 'zstd' && !hasZstdCli;
      describe(c.name, () => {
        const chunks = c.chunks ?? CHUNKINGS;
        it.skipIf(skip).each(chunks)('native walker, pushed in chunks of %s', (chunk) => check(c, pushed(c, bytes(), chunk), 'layer'));
        it.skipIf(skip)('native walker, reading the file at offsets', async () => check(c, await fromFile(c, bytes(), file, 'plain'), 'layer'));
        it.skipIf(skip || c.compress !== undefined)('native walker, an outer archive read at offsets: every body', async () =>
          check(c, await fromFile(c, bytes(), file, 'outer'), 'outer'));
        it.each(chunks)('TypeScript TarReader (outer archives of a stream), chunks of %s', async (chunk) =>
          check(c, await typescript(c, bytes(), chunk), 'typescript'));
      });
    }
  });
}
