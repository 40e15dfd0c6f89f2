// Runs the spec §9 tar hazards of tar-hazard-table.ts against every way the native walker reads
// a tar: a layer pushed in chunks of several sizes (1 byte included; compressed layers decoded
// in the addon on the way in), a layer read from a file at offsets, and an outer archive read at
// offsets (whose body offsets let every body be compared) and pushed as a stream.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { limits, normalizePath, outerScan, outerScanFile, type OuterRecords } from '../../src/native.js';
import { CHUNKINGS, WHERE, pushLayer, readLayerFile, sentence, type Walked } from '../layers/walk-layer.js';
import { TAR_HAZARDS, type EntryType, type HazardCase, type TarHazard } from './tar-hazard-table.js';

/** The walker's type numbers (native/src/tar/header.rs EntryType). */
const TYPES: EntryType[] = ['file', 'hardlink', 'symlink', 'directory', 'other'];

/** One entry as a reader reports it: the header's fields, and the body where the reader has it. */
interface Seen {
  name: string;
  type: EntryType;
  size: number;
  mode?: number;
  linkname: string;
  body?: Buffer;
}

interface Outcome {
  entries: Seen[];
  error: string | null;
}

function fromWalk(w: Walked): Outcome {
  return { entries: w.entries.map((e) => ({ name: e.name, type: e.type, size: e.size, mode: e.mode, linkname: e.linkname, ...(e.head ? { body: e.head } : {}) })), error: w.error };
}

/** An outer walk's entries; with `file`, each regular file's body read at `base` + its offset. */
function fromOuter(r: OuterRecords, file?: Buffer, base = 0): Seen[] {
  const out: Seen[] = [];
  let link = 0;
  for (let i = 0, m = 0; i < r.count; i++, m += 4) {
    const type = TYPES[r.meta[m]!]!;
    const linkname = type === 'hardlink' || type === 'symlink' ? r.links[link++]! : '';
    const e: Seen = { name: r.names[i]!, type, size: r.meta[m + 1]!, linkname };
    if (file && type === 'file') e.body = file.subarray(base + r.meta[m + 2]!);
    out.push(e);
  }
  return out;
}

async function outerFromFile(data: Buffer, file: string): Promise<Outcome> {
  // Behind a prefix and before trailing bytes, as the range of a file.
  const bytes = Buffer.concat([Buffer.from('prefix!!'), data, Buffer.from('trailing bytes')]);
  writeFileSync(file, bytes);
  try {
    return { entries: fromOuter((await outerScanFile(file, 8, data.length))!, bytes, 8), error: null };
  } catch (e) {
    return { entries: [], error: sentence(e) };
  }
}

function outerPushed(data: Buffer, chunk: number): Outcome {
  const h = outerScan.start();
  const step = Number.isFinite(chunk) ? chunk : Math.max(1, data.length);
  try {
    for (let i = 0; i < data.length; i += step) outerScan.push(h, data.subarray(i, i + step));
    return { entries: fromOuter(outerScan.end(h).entries), error: null };
  } catch (e) {
    return { entries: [], error: sentence(e) };
  }
}

/**
 * What the case says, as a reader reports it. `layer`: names are normalized (a layer walk keys
 * its records by path) and a body is compared only through the few head bytes the walker keeps
 * (a `#!` line); `outer`: names are archive paths, and every body is there when read at offsets.
 * A failing walk reports no entries: it is held to the sentence.
 */
function check(c: HazardCase, got: Outcome, how: 'layer' | 'outer'): void {
  if (c.error !== undefined) {
    if (c.error instanceof RegExp) expect(got.error).toMatch(new RegExp(`^${WHERE}: ${c.error.source}$`));
    else expect(got.error).toBe(`${WHERE}: ${c.error}`);
    return;
  }
  expect(got.error).toBeNull();
  const want = (c.entries ?? []).map((e) => ({
    name: how === 'layer' ? normalizePath(e.name) : normalizePath(e.name).slice(1),
    type: e.type ?? 'file',
    size: e.size,
    ...(e.mode !== undefined && how === 'layer' ? { mode: e.mode } : {}),
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
    } else if (body) {
      expect(body.subarray(0, e.body.length)).toEqual(e.body);
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
      const plain = c.compress === undefined;
      describe(c.name, () => {
        const chunks = c.chunks ?? CHUNKINGS;
        it.each(chunks)('a layer pushed in chunks of %s', (chunk) => check(c, fromWalk(pushLayer(bytes(), chunk)), 'layer'));
        it('a layer read from a file at offsets', async () => check(c, fromWalk(await readLayerFile(bytes(), file)), 'layer'));
        // A compressed archive file is streamed (decoded as it passes), never read at offsets.
        if (plain) it('an outer archive read at offsets: every body', async () => check(c, await outerFromFile(bytes(), file), 'outer'));
        it.each(chunks)('an outer archive streamed in chunks of %s', (chunk) => check(c, outerPushed(bytes(), chunk), 'outer'));
      });
    }
  });
}
