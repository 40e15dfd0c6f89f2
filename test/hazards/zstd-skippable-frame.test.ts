// Spec §9 hazard: zstd layers that begin with a skippable frame (magic 0x184D2A50–5F, used by
// pzstd and seekable-zstd writers for indexes). Detection must still say zstd, and the frame's
// payload must be skipped, not decoded.

import { describe, expect, it } from 'vitest';
import { detectCompression } from '../../src/layers/decompress.js';
import { buildTar, patternBytes, zstd, zstdSkippable, zstdStored } from '../helpers/tar-builder.js';
import { readLayer } from '../layers/tar-collect.js';

const tar = buildTar([
  { name: 'usr/bin/app', body: patternBytes(20000) },
  { name: 'usr/lib/libx.so', body: patternBytes(5000, 2) },
]);

describe('zstd stream starting with a skippable frame', () => {
  it.each(Array.from({ length: 16 }, (_, i) => i))('detects magic 0x184D2A5%s as zstd', (nibble) => {
    expect(detectCompression(zstdSkippable(Buffer.from('x'), nibble))).toBe('zstd');
  });

  it.each([1, 3, 8, 4096])('reads the layer behind it (writes of %i bytes)', async (chunk) => {
    const layer = Buffer.concat([zstdSkippable(patternBytes(1000, 9), 0xa), zstd(tar)]);
    const r = await readLayer(layer, chunk);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.size])).toEqual([
      ['usr/bin/app', 20000],
      ['usr/lib/libx.so', 5000],
    ]);
    expect(r.entries[0]!.body).toEqual(patternBytes(20000));
  });

  it('does not decode a payload that is itself a zstd frame', async () => {
    const decoy = zstdStored(buildTar([{ name: 'decoy', body: 'no' }]));
    const r = await readLayer(Buffer.concat([zstdSkippable(decoy), zstdSkippable(Buffer.alloc(0), 1), zstd(tar)]));
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(['usr/bin/app', 'usr/lib/libx.so']);
  });

  it('reports a stream that stops inside the skippable frame as truncated', async () => {
    const r = await readLayer(zstdSkippable(patternBytes(1000)).subarray(0, 500));
    expect(r.error).toBe('img.tar: layer sha256:abc: zstd data is truncated');
  });

  it('reads a stream of only skippable frames as an empty layer', async () => {
    const r = await readLayer(zstdSkippable(Buffer.from('index')));
    expect(r).toMatchObject({ error: null, entries: [] });
  });
});
