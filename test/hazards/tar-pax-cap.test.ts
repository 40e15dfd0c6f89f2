// Spec §9 hazard: PAX extended headers are capped at 1 MiB (as Go's archive/tar does), so a
// hostile layer cannot make the reader buffer gigabytes of "header". tar-stream had no cap.

import { describe, expect, it } from 'vitest';
import { TarReader } from '../../src/layers/tar-reader.js';
import { buildTar, headerBlock, paxBody, rawTar } from '../helpers/tar-builder.js';
import { readTarAllChunkings } from '../layers/tar-collect.js';

/** A PAX body of exactly n bytes: a path record, then a comment record filling the rest. */
function paxOfSize(n: number, path: string): Buffer {
  const head = paxBody({ path });
  const len = n - head.length; // "LEN comment=VALUE\n" is len bytes, LEN included
  const value = 'c'.repeat(len - String(len).length - ' comment=\n'.length);
  const b = Buffer.concat([head, Buffer.from(`${len} comment=${value}\n`)]);
  if (b.length !== n) throw new Error(`cannot build a PAX body of ${n} bytes`);
  return b;
}

describe('PAX header cap (1 MiB)', () => {
  it('reads a PAX header of exactly 1 MiB', () => {
    const pax = paxOfSize(1 << 20, 'the/long/path');
    const tar = rawTar([
      headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: pax.length }),
      pax,
      headerBlock({ name: 'x', typeflag: '0', size: 1 }),
      Buffer.from('!'),
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.body?.toString()])).toEqual([['the/long/path', '!']]);
  });

  it('rejects a PAX header of 1 MiB + 1 byte', () => {
    const pax = paxOfSize((1 << 20) + 1, 'p');
    const tar = rawTar([headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: pax.length }), pax]);
    expect(readTarAllChunkings(tar).error).toBe('test.tar: tar entry header larger than 1 MiB');
  });

  it('rejects a huge declared PAX header from its header block alone, before reading any of it', () => {
    const r = new TarReader(() => null, 'img.tar: layer sha256:abc');
    const header = headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: 4 * 2 ** 30 });
    expect(() => r.push(header)).toThrow('img.tar: layer sha256:abc: tar entry header larger than 1 MiB');
  });

  it('caps PAX global headers too, although their contents are ignored', () => {
    const tar = rawTar([headerBlock({ name: 'global', typeflag: 'g', size: (1 << 20) + 1 })]);
    expect(readTarAllChunkings(tar).error).toBe('test.tar: tar entry header larger than 1 MiB');
  });

  it('caps the PAX 1.0 sparse map that opens a sparse file body', () => {
    // A map that never ends: a segment count of 10^6 and then only padding.
    const map = Buffer.alloc((1 << 20) + 4096);
    map.write('1000000\n');
    const records = paxBody({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '10' });
    const tar = rawTar([
      headerBlock({ name: 'PaxHeaders/s', typeflag: 'x', size: records.length }),
      records,
      headerBlock({ name: 'GNUSparseFile.0/s', typeflag: '0', size: map.length }),
      map,
    ]);
    expect(readTarAllChunkings(tar).error).toBe('test.tar: tar entry header larger than 1 MiB');
  });

  it('keeps going after many ordinary PAX headers (the cap is per header)', () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, pax: { path: `${'d/'.repeat(200)}f${i}` }, body: `${i}` }));
    const r = readTarAllChunkings(buildTar(entries));
    expect(r.error).toBeNull();
    expect(r.entries).toHaveLength(50);
    expect(r.entries[49]!.name).toBe(`${'d/'.repeat(200)}f49`);
  });
});
