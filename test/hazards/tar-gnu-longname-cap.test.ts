// Spec §9 hazard: GNU long-name ('L') and long-link ('K') entries are capped at 1 MiB, as Go
// does; tar-stream buffered them without limit.

import { describe, expect, it } from 'vitest';
import { TarReader } from '../../src/layers/tar-reader.js';
import { headerBlock, rawTar } from '../helpers/tar-builder.js';
import { readTarAllChunkings } from '../layers/tar-collect.js';

function longNameArchive(flag: 'L' | 'K', bodyLength: number): Buffer {
  const body = Buffer.alloc(bodyLength, 'n'.charCodeAt(0));
  body[bodyLength - 1] = 0;
  return rawTar([
    headerBlock({ name: '././@LongLink', typeflag: flag, size: body.length, format: 'gnu' }),
    body,
    headerBlock({ name: 'short', typeflag: flag === 'L' ? '0' : '2', size: 0, linkname: 'short-target', format: 'gnu' }),
  ]);
}

describe('GNU long-name cap (1 MiB)', () => {
  it('reads a long name of exactly 1 MiB (NUL included)', () => {
    const r = readTarAllChunkings(longNameArchive('L', 1 << 20));
    expect(r.error).toBeNull();
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]!.name).toBe('n'.repeat((1 << 20) - 1));
  });

  it('reads a long link name of exactly 1 MiB', () => {
    const r = readTarAllChunkings(longNameArchive('K', 1 << 20));
    expect(r.error).toBeNull();
    expect(r.entries[0]!.linkname).toBe('n'.repeat((1 << 20) - 1));
    expect(r.entries[0]!.name).toBe('short');
  });

  it.each(['L', 'K'] as const)("rejects a GNU '%s' entry of 1 MiB + 1 byte", (flag) => {
    expect(readTarAllChunkings(longNameArchive(flag, (1 << 20) + 1)).error).toBe('test.tar: tar entry header larger than 1 MiB');
  });

  it('rejects a huge declared long name from its header block alone', () => {
    const r = new TarReader(() => null, 'img.tar');
    // 10 GiB in base-256, as GNU tar would write it.
    const h = headerBlock({ name: '././@LongLink', typeflag: 'L', size: 10 * 2 ** 30, base256Size: true, format: 'gnu' });
    expect(() => r.push(h)).toThrow('img.tar: tar entry header larger than 1 MiB');
  });
});
