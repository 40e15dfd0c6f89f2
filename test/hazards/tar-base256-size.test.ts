// Spec §9 hazard: entries of 8 GiB or more. Their size does not fit the 11 octal digits of the
// ustar size field, so GNU tar writes it in base-256 (high bit set) and PAX writers use a 'size'
// record. 8 GiB cannot be written in a test, so the header is built by hand and the reader is
// shown to take the size and then read that many body bytes as body, not as headers.

import { describe, expect, it } from 'vitest';
import { TarReader, type TarHeader } from '../../src/layers/tar-reader.js';
import { buildTar, headerBlock, paxBody } from '../helpers/tar-builder.js';

const NINE_GIB = 9 * 2 ** 30;

function feed(blocks: Buffer[], chunk: number) {
  const seen: TarHeader[] = [];
  let bodyBytes = 0;
  let ended = false;
  const r = new TarReader((h) => {
    seen.push(h);
    return { data: (c) => (bodyBytes += c.length), end: () => (ended = true) };
  }, 'img.tar: layer sha256:abc');
  const all = Buffer.concat(blocks);
  for (let i = 0; i < all.length; i += chunk) r.push(all.subarray(i, i + chunk));
  let error: string | null = null;
  try {
    r.end();
  } catch (e) {
    error = (e as Error).message;
  }
  return { seen, bodyBytes, ended, error, consumed: r.bytesConsumed };
}

/** 3 MiB of "body" that is itself a valid little tar: it must be read as body bytes only. */
const bodyThatLooksLikeTar = Buffer.concat([buildTar([{ name: 'not-an-entry', body: 'x' }]), Buffer.alloc(3 * 2 ** 20)]);

describe('sizes over 8 GiB', () => {
  it.each([1, 513, 65536])('reads a 9 GiB base-256 size and treats what follows as its body (chunks of %i)', (chunk) => {
    const header = headerBlock({ name: 'var/lib/big.img', typeflag: '0', size: NINE_GIB, base256Size: true, format: 'gnu' });
    expect(header[124]).toBe(0x80);
    const r = feed([header, bodyThatLooksLikeTar], chunk);
    expect(r.seen).toEqual([{ name: 'var/lib/big.img', type: 'file', linkname: '', size: NINE_GIB, mode: 0o644 }]);
    expect(r.bodyBytes).toBe(bodyThatLooksLikeTar.length);
    expect(r.ended).toBe(false);
    expect(r.error).toBe('img.tar: layer sha256:abc: archive is truncated');
  });

  it('reads a 9 GiB size given by a PAX size record', () => {
    const pax = paxBody({ size: String(NINE_GIB) });
    const r = feed(
      [
        headerBlock({ name: 'PaxHeaders/big', typeflag: 'x', size: pax.length }),
        Buffer.concat([pax, Buffer.alloc(512 - pax.length)]),
        headerBlock({ name: 'big', typeflag: '0', size: 0 }),
        bodyThatLooksLikeTar,
      ],
      4096,
    );
    expect(r.seen.map((h) => [h.name, h.size])).toEqual([['big', NINE_GIB]]);
    expect(r.bodyBytes).toBe(bodyThatLooksLikeTar.length);
    expect(r.error).toBe('img.tar: layer sha256:abc: archive is truncated');
  });

  it('reads base-256 sizes exactly up to 2^53 - 1 and refuses larger ones', () => {
    const max = feed([headerBlock({ name: 'm', typeflag: '0', size: 2 ** 53 - 1, base256Size: true, format: 'gnu' })], 512);
    expect(max.seen[0]!.size).toBe(Number.MAX_SAFE_INTEGER);
    const over = headerBlock({ name: 'o', typeflag: '0', size: 0, format: 'gnu', extra: (b) => {
      b.fill(0, 124, 136);
      b[124] = 0x80;
      b[128] = 0x01; // 2^56
    } });
    expect(() => feed([over], 512)).toThrow('img.tar: layer sha256:abc: tar entry at offset 0 declares a size of 2^53 bytes or more');
  });

  it('reads a base-256 size on an entry that really has its body', () => {
    const tar = buildTar([{ name: 'small', body: 'twelve bytes', base256Size: true }, { name: 'next', body: 'n' }]);
    const r = feed([tar], 7);
    expect(r.seen.map((h) => [h.name, h.size])).toEqual([
      ['small', 12],
      ['next', 1],
    ]);
    expect(r.error).toBeNull();
  });
});
