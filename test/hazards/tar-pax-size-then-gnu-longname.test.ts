// Spec §9 hazard: a PAX 'size' record followed by a GNU long-name entry. The size belongs to the
// real entry after the 'L' entry, not to the 'L' body; applying it to the 'L' body (as one
// well-known reader did) desynchronizes everything after it.

import { describe, expect, it } from 'vitest';
import { gzip, headerBlock, paxBody, patternBytes, rawTar } from '../helpers/tar-builder.js';
import { readLayer, readTarAllChunkings } from '../layers/tar-collect.js';

const longName = `${'usr/lib/node_modules/some-package/'.repeat(5)}build/Release/addon.node`;
const body = patternBytes(3000);
const pax = paxBody({ size: String(body.length), mtime: '1700000000' });
const nameBody = Buffer.from(`${longName}\0`);

/** x(size=3000) → L(long name, its own small size) → real entry (size field 0) → next entry. */
const paxThenL = rawTar([
  headerBlock({ name: 'PaxHeaders/addon.node', typeflag: 'x', size: pax.length }),
  pax,
  headerBlock({ name: '././@LongLink', typeflag: 'L', size: nameBody.length, format: 'gnu' }),
  nameBody,
  headerBlock({ name: longName.slice(0, 99), typeflag: '0', size: 0 }),
  body,
  headerBlock({ name: 'etc/after', typeflag: '0', size: 5 }),
  Buffer.from('after'),
]);

/** The same with the long name first. */
const lThenPax = rawTar([
  headerBlock({ name: '././@LongLink', typeflag: 'L', size: nameBody.length, format: 'gnu' }),
  nameBody,
  headerBlock({ name: 'PaxHeaders/addon.node', typeflag: 'x', size: pax.length }),
  pax,
  headerBlock({ name: longName.slice(0, 99), typeflag: '0', size: 0 }),
  body,
  headerBlock({ name: 'etc/after', typeflag: '0', size: 5 }),
  Buffer.from('after'),
]);

describe('PAX size followed by a GNU long name', () => {
  it.each([
    ['x then L', paxThenL],
    ['L then x', lThenPax],
  ])('%s: the size goes to the real entry and the next header is found', (_order, tar) => {
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.size])).toEqual([
      [longName, 3000],
      ['etc/after', 5],
    ]);
    expect(r.entries[0]!.body).toEqual(body);
    expect(r.entries[1]!.body?.toString()).toBe('after');
  });

  it('also inside a gzip layer written a byte at a time', async () => {
    const r = await readLayer(gzip(paxThenL), 1);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual([longName, 'etc/after']);
  });

  it('applies the PAX size to one entry only', () => {
    const tar = rawTar([
      headerBlock({ name: 'PaxHeaders/a', typeflag: 'x', size: pax.length }),
      pax,
      headerBlock({ name: 'a', typeflag: '0', size: 0 }),
      body,
      headerBlock({ name: 'b', typeflag: '0', size: 2 }),
      Buffer.from('bb'),
    ]);
    expect(readTarAllChunkings(tar).entries.map((e) => [e.name, e.size])).toEqual([
      ['a', 3000],
      ['b', 2],
    ]);
  });
});
