// Spec §9 hazard: a truncated final block. Many writers stop after one zero block or cut the
// end-of-archive marker short, and `umoci insert` even stops right after the last body, without
// its padding; all of that is fine (every byte of every entry is there). Data that stops inside a
// header or a body is a truncated archive and must not be reported as a complete scan.

import { describe, expect, it } from 'vitest';
import { buildTar, gzip, patternBytes, zstd } from '../helpers/tar-builder.js';
import { readLayer, readTarAllChunkings } from '../layers/tar-collect.js';

const full = buildTar([
  { name: 'bin/app', body: patternBytes(700) },
  { name: 'etc/conf', body: 'k=v\n' },
]);
// bin/app: header 0, body 512–1212, padding to 1536; etc/conf: header 1536, body 2048–2052, padding to 2560.
const lastEntryEnd = 2560;

describe('truncated final block', () => {
  it.each([
    ['both zero blocks', full.length],
    ['no end-of-archive marker at all', lastEntryEnd],
    ['a single zero block', lastEntryEnd + 512],
    ['a zero block cut short', lastEntryEnd + 100],
    ['the second zero block cut short', lastEntryEnd + 512 + 300],
    ['the last body, its padding cut short (umoci insert)', 2100],
    ['the last body and all but one byte of its padding', lastEntryEnd - 1],
    ['the last body and no padding at all', 2052],
  ])('accepts an archive ending with %s', (_how, cut) => {
    const r = readTarAllChunkings(full.subarray(0, cut));
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(['bin/app', 'etc/conf']);
    expect(r.entries.every((e) => e.ended)).toBe(true);
  });

  it.each([
    ['inside a header', 1536 + 300],
    ['inside a body', 2050],
    ['one byte short of the last body', 2051],
    ['inside the first header', 400],
  ])('reports a truncated archive when data stops %s', (_where, cut) => {
    expect(readTarAllChunkings(full.subarray(0, cut)).error).toBe('test.tar: archive is truncated');
  });

  it('accepts a compressed layer whose tar has no end-of-archive marker', async () => {
    const tar = full.subarray(0, lastEntryEnd);
    for (const data of [gzip(tar), zstd(tar)]) {
      const r = await readLayer(data, 999);
      expect(r.error).toBeNull();
      expect(r.entries.map((e) => e.name)).toEqual(['bin/app', 'etc/conf']);
    }
  });

  it('reports a compressed layer whose tar stops inside a body', async () => {
    const r = await readLayer(gzip(full.subarray(0, 2050)));
    expect(r.error).toBe('img.tar: layer sha256:abc: archive is truncated');
  });

  it('ignores anything after the two zero blocks', () => {
    const r = readTarAllChunkings(Buffer.concat([full, Buffer.from('\x00\x00junk that is not a header'), Buffer.alloc(700, 7)]));
    expect(r.error).toBeNull();
    expect(r.entries).toHaveLength(2);
  });
});
