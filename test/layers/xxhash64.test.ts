// XXH64 as zstd's frame checksum uses it: known digests, every tail length, any chunking, and
// agreement with the checksums the zstd CLI writes.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Xxh64 } from '../../src/layers/xxhash64.js';
import { patternBytes } from '../helpers/tar-builder.js';

const hex = ([h, l]: [number, number]) => h.toString(16).padStart(8, '0') + l.toString(16).padStart(8, '0');

function digest(data: Buffer, chunk = data.length || 1): [number, number] {
  const x = new Xxh64();
  for (let i = 0; i < data.length; i += chunk) x.update(data.subarray(i, i + chunk));
  return x.digest();
}

describe('XXH64', () => {
  it('gives the reference digests', () => {
    expect(hex(digest(Buffer.alloc(0)))).toBe('ef46db3751d8e999');
    expect(hex(digest(Buffer.from('abc')))).toBe('44bc2cf5ad770999');
  });

  it('gives the same digest in any chunking and after reset()', () => {
    const data = patternBytes(1000);
    const whole = digest(data);
    for (const chunk of [1, 3, 8, 31, 32, 33, 100]) expect(digest(data, chunk)).toEqual(whole);
    const x = new Xxh64();
    x.update(Buffer.from('something else'));
    x.reset();
    x.update(data);
    expect(x.digest()).toEqual(whole);
  });

  it('gives the same digest for aligned and unaligned input (word and byte read paths)', () => {
    const data = patternBytes(4099, 3);
    const want = digest(data);
    for (const offset of [0, 1, 2, 3, 4, 8]) {
      const host = new Uint8Array(new ArrayBuffer(data.length + 16));
      host.set(data, offset);
      const x = new Xxh64();
      x.update(host.subarray(offset, offset + data.length));
      expect([offset, x.digest()]).toEqual([offset, want]);
    }
  });

  it('matches the content checksums the zstd CLI writes, for every tail length', () => {
    for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 31, 32, 33, 39, 63, 64, 65, 100, 1000, 100_003]) {
      const data = patternBytes(n, n);
      const z = spawnSync('zstd', ['-q', '-c', '--check'], { input: data }).stdout;
      const x = new Xxh64();
      x.update(data);
      expect([n, x.digest32()]).toEqual([n, z.readUInt32LE(z.length - 4)]);
    }
  });
});
