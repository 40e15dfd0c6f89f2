// Spec §9 hazard: GNU sparse entries. Their stored data is shorter than the file; the map that
// says where the data goes sits in the header and extension blocks (old GNU 'S'), in PAX records
// (0.0, 0.1) or at the start of the body (1.0). A reader that gets this wrong desynchronizes.
// The body handed out is the stored data; the size reported is the file's real size.

import { describe, expect, it } from 'vitest';
import { buildTar, patternBytes, type SparseSpec } from '../helpers/tar-builder.js';
import { readTarAllChunkings } from '../layers/tar-collect.js';

function archive(sparse: SparseSpec) {
  const stored = sparse.map.reduce((a, [, n]) => a + n, 0);
  return {
    stored: patternBytes(stored, 5),
    tar: buildTar([
      { name: 'before', body: 'b' },
      { name: 'usr/lib/libsparse.so', sparse, body: patternBytes(stored, 5) },
      { name: 'after', body: 'after' },
    ]),
  };
}

const small: [number, number][] = [
  [0, 1000],
  [8192, 512],
  [65536, 3],
];
// 30 segments: 4 in the header, then two extension blocks of up to 21.
const many: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * 4096, 100 + i] as [number, number]);

describe('GNU sparse entries', () => {
  it.each([
    ['old GNU, map in the header', { realSize: 70000, map: small }],
    ['old GNU, map in extension blocks', { realSize: 30 * 4096, map: many }],
    ['old GNU, ending in a hole', { realSize: 1 << 30, map: [[0, 10]] }],
    ['PAX 0.0', { realSize: 70000, map: small, format: 'pax-0.0' }],
    ['PAX 0.1', { realSize: 70000, map: small, format: 'pax-0.1' }],
    ['PAX 1.0', { realSize: 70000, map: small, format: 'pax-1.0' }],
    ['PAX 1.0, map longer than one block', { realSize: 30 * 4096, map: many.concat(Array.from({ length: 60 }, (_, i) => [200000 + i * 10, 1] as [number, number])), format: 'pax-1.0' }],
  ] as [string, SparseSpec][])('%s: real size, stored data as body, next entry intact', (_kind, sparse) => {
    const { tar, stored } = archive(sparse);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['before', 'file', 1],
      ['usr/lib/libsparse.so', 'file', sparse.realSize],
      ['after', 'file', 5],
    ]);
    expect(r.entries[1]!.body).toEqual(stored);
    expect(r.entries[2]!.body?.toString()).toBe('after');
  });

  it('reports a truncated extension block as a truncated archive', () => {
    const { tar } = archive({ realSize: 30 * 4096, map: many });
    // before: 1024 bytes; sparse header at 1024, extension blocks at 1536 and 2048.
    expect(readTarAllChunkings(tar.subarray(0, 1800)).error).toBe('test.tar: archive is truncated');
  });

  it('rejects a PAX 1.0 map that is not numbers', () => {
    const { tar } = archive({ realSize: 70000, map: small, format: 'pax-1.0' });
    const bad = Buffer.from(tar);
    const at = bad.indexOf('3\n0\n1000\n');
    bad.write('x', at);
    expect(readTarAllChunkings(bad).error).toMatch(/^test\.tar: corrupt sparse map in tar entry at offset \d+$/);
  });
});
