// Decompressor: detection by magic bytes, gzip and zstd round trips in any chunking, and every
// failure (corrupt, truncated, a consumer that throws) ending as one ElfscanError — no hang, no
// unhandled rejection.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecompressor, detectCompression, resetZstdDecoder, zstdDecoder } from '../../src/layers/decompress.js';
import { ElfscanError } from '../../src/errors.js';
import { TarReader } from '../../src/layers/tar-reader.js';
import {
  buildTar,
  gzip,
  patternBytes,
  zstd,
  zstdSkippable,
  zstdStored,
} from '../helpers/tar-builder.js';
import { feed } from './tar-collect.js';

interface Outcome {
  out: Buffer;
  ended: boolean;
  error: string | null;
  compression: string | null;
}

async function decompress(
  data: Buffer,
  chunk = 65536,
  push?: (b: Buffer) => void,
  end?: () => void,
): Promise<Outcome> {
  const parts: Buffer[] = [];
  let ended = false;
  const d = createDecompressor(
    {
      push: (b) => {
        push?.(b);
        parts.push(Buffer.from(b));
      },
      end: () => {
        end?.();
        ended = true;
      },
    },
    'img.tar: layer sha256:abc',
  );
  const thrown = await feed(d, data, chunk);
  if (thrown !== null) expect(thrown).toBeInstanceOf(ElfscanError);
  const error = thrown === null ? null : (thrown as Error).message;
  return { out: Buffer.concat(parts), ended, error, compression: d.compression };
}

// Compressible but not trivial: a tar of pattern files.
const plain = buildTar(Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, body: patternBytes(5000 + i * 331, i) })));

describe('detectCompression', () => {
  it.each([
    [[0x1f, 0x8b, 8, 0], 'gzip'],
    [[0x1f, 0x8b], 'gzip'],
    [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    [[0x50, 0x2a, 0x4d, 0x18], 'zstd'],
    [[0x5f, 0x2a, 0x4d, 0x18], 'zstd'],
    [[0x60, 0x2a, 0x4d, 0x18], 'none'],
    [[0x28, 0xb5, 0x2f], 'none'],
    [[0x1f], 'none'],
    [[], 'none'],
    [[0x2e, 0x2f, 0, 0], 'none'],
  ])('%j → %s', (bytes, want) => {
    expect(detectCompression(Uint8Array.from(bytes))).toBe(want);
  });
});

describe('plain data', () => {
  it('passes bytes through unchanged in any chunking', async () => {
    for (const chunk of [1, 3, 4, 5, 4096]) {
      const r = await decompress(plain, chunk);
      expect(r.error).toBeNull();
      expect(r.compression).toBe('none');
      expect(r.out.equals(plain)).toBe(true);
      expect(r.ended).toBe(true);
    }
  });

  it('reads zero-length input as none and ends the consumer', async () => {
    const r = await decompress(Buffer.alloc(0));
    expect(r).toEqual({ out: Buffer.alloc(0), ended: true, error: null, compression: 'none' });
  });

  it('decides on fewer than four bytes at end', async () => {
    const r = await decompress(Buffer.from([0x28, 0xb5]), 1);
    expect(r).toMatchObject({ compression: 'none', ended: true, error: null });
    expect([...r.out]).toEqual([0x28, 0xb5]);
  });
});

describe('gzip', () => {
  const gz = gzip(plain);

  it('round-trips in any chunking', async () => {
    for (const chunk of [1, 7, 4096, 1 << 20]) {
      const r = await decompress(gz, chunk);
      expect(r.error).toBeNull();
      expect(r.compression).toBe('gzip');
      expect(r.out.equals(plain)).toBe(true);
      expect(r.ended).toBe(true);
    }
  });

  it('reads concatenated gzip members as one stream', async () => {
    const r = await decompress(Buffer.concat([gzip(plain.subarray(0, 10000)), gzip(plain.subarray(10000))]));
    expect(r.error).toBeNull();
    expect(r.out.equals(plain)).toBe(true);
  });

  it('rejects bytes after the last member that are not a gzip header (as zlib and Go do)', async () => {
    const r = await decompress(Buffer.concat([gz, Buffer.from('not gzip')]));
    expect(r.error).toBe('img.tar: layer sha256:abc: data is not valid gzip (incorrect header check)');
  });

  it('rejects corrupt data in the middle of the stream', async () => {
    const bad = Buffer.from(gz);
    for (let i = 2000; i < 2400; i++) bad[i] = 0xff;
    const r = await decompress(bad);
    expect(r.error).toMatch(/^img\.tar: layer sha256:abc: data is not valid gzip \(.+\)$/);
    expect(r.ended).toBe(false);
  });

  it('rejects a bad header', async () => {
    const bad = Buffer.from(gz);
    bad[2] = 7; // compression method must be 8 (deflate)
    expect((await decompress(bad)).error).toMatch(/data is not valid gzip/);
  });

  it.each([2, 10, 100, 0.5, -8, -1])('reports truncation (cut at %s)', async (cut) => {
    const at = cut > 0 && cut < 1 ? Math.floor(gz.length * cut) : cut < 0 ? gz.length + cut : cut;
    const r = await decompress(gz.subarray(0, at));
    expect(r.error).toBe('img.tar: layer sha256:abc: gzip data is truncated');
    expect(r.ended).toBe(false);
  });

  it('reports a backlog and resolves drain() once zlib caught up', async () => {
    const big = gzip(patternBytes(8 << 20));
    let total = 0;
    const d = createDecompressor({ push: (b) => (total += b.length), end: () => {} }, 'x');
    d.write(big);
    expect(d.backlog).toBe(big.length);
    await d.drain();
    expect(d.backlog).toBeLessThanOrEqual(1 << 20);
    await d.end();
    expect(total).toBe(8 << 20);
    expect(d.backlog).toBe(0);
  });
});

// Every zstd case runs with fzstd and with the zstd CLI (the default where it is on PATH).
describe.each(['js', 'cli'] as const)('zstd (%s decoder)', (decoder) => {
  beforeAll(() => {
    process.env.ELFSCAN_ZSTD = decoder;
    resetZstdDecoder();
    expect(zstdDecoder()).toBe(decoder);
  });
  afterAll(() => {
    delete process.env.ELFSCAN_ZSTD;
    resetZstdDecoder();
  });

  it('round-trips stored-block frames in any chunking', async () => {
    const z = zstdStored(plain);
    for (const chunk of [1, 5, 4096]) {
      const r = await decompress(z, chunk);
      expect(r.error).toBeNull();
      expect(r.compression).toBe('zstd');
      expect(r.out.equals(plain)).toBe(true);
      expect(r.ended).toBe(true);
    }
  });

  it('round-trips data compressed by the zstd CLI (levels 1, 3, 19, with checksum)', async () => {
    for (const level of [1, 3, 19]) {
      const r = await decompress(zstd(plain, level), 777);
      expect(r.error).toBeNull();
      expect(r.out.equals(plain)).toBe(true);
    }
  });

  it('skips skippable frames before, between and after frames', async () => {
    const z = Buffer.concat([
      zstdSkippable(Buffer.from('pzstd index or similar')),
      zstd(plain.subarray(0, 9000)),
      zstdSkippable(Buffer.alloc(0), 0xf),
      zstd(plain.subarray(9000)),
      zstdSkippable(patternBytes(300), 3),
    ]);
    for (const chunk of [1, 13, 1 << 20]) {
      const r = await decompress(z, chunk);
      expect(r.error).toBeNull();
      expect(r.out.equals(plain)).toBe(true);
    }
  });

  it('checks content checksums and declared sizes of tiny and empty frames, frame by frame', async () => {
    const z = Buffer.concat([
      zstdStored(Buffer.from('one'), { checksum: true }),
      zstdStored(Buffer.alloc(0), { checksum: true, contentSize: true }),
      zstdStored(Buffer.from('two'), { contentSize: true }),
      zstdStored(patternBytes(300000), { checksum: true, contentSize: true }),
    ]);
    for (const chunk of [1, 5, 1 << 20]) {
      const r = await decompress(z, chunk);
      expect(r.error).toBeNull();
      expect(r.out.equals(Buffer.concat([Buffer.from('onetwo'), patternBytes(300000)]))).toBe(true);
    }
  });

  it('rejects a frame whose content checksum does not match', async () => {
    const z = Buffer.concat([zstdStored(Buffer.from('fine'), { checksum: true }), zstdStored(Buffer.from('data'), { checksum: 'bad' })]);
    expect((await decompress(z)).error).toBe('img.tar: layer sha256:abc: data is not valid zstd (content checksum mismatch)');
  });

  it('rejects a frame that holds fewer bytes than it declares', async () => {
    const z = zstdStored(Buffer.from('data'), { contentSize: 5 });
    // fzstd's output is counted per frame; the CLI only says the frame is corrupt.
    const why = decoder === 'js' ? 'a frame holds more or fewer bytes than it declares' : 'Data corruption detected';
    expect((await decompress(z)).error).toBe(`img.tar: layer sha256:abc: data is not valid zstd (${why})`);
  });

  it('reports truncation inside a frame header, a block, a checksum or a skippable frame', async () => {
    const framed = zstdStored(Buffer.from('abc'), { checksum: true });
    const skippable = Buffer.concat([zstdStored(Buffer.from('abc')), zstdSkippable(Buffer.alloc(100))]);
    const cases: Buffer[] = [
      framed.subarray(0, 3), // inside the magic
      framed.subarray(0, 5), // inside the frame header
      framed.subarray(0, 8), // inside a block header
      framed.subarray(0, 11), // inside a block
      framed.subarray(0, framed.length - 2), // inside the checksum
      skippable.subarray(0, skippable.length - 50),
      zstd(plain).subarray(0, 1000),
    ];
    for (const c of cases) {
      const r = await decompress(c, 3);
      // Three bytes of magic are not yet zstd: that case reads as plain data.
      if (c.length < 4) expect(r.compression).toBe('none');
      else expect({ len: c.length, error: r.error }).toEqual({ len: c.length, error: 'img.tar: layer sha256:abc: zstd data is truncated' });
    }
  });

  it('rejects a frame that needs a window over 128 MiB before allocating it', async () => {
    // Window descriptor 0x88: exponent 17 → 2^27, mantissa 0... 0x89 → 2^27 + 2^24.
    const z = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x89, 0x01, 0x00, 0x00]);
    expect((await decompress(z)).error).toBe(
      'img.tar: layer sha256:abc: data is not valid zstd (the frame at offset 0 needs a window larger than 128 MiB)',
    );
    // Exactly 128 MiB is allowed (zstd's own default limit).
    const ok = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88, 0x01, 0x00, 0x00]);
    expect((await decompress(ok)).error).toBeNull();
  });

  it('rejects frames that need a dictionary, reserved bits and reserved block types', async () => {
    const dict = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x38, 0x07, 0x01, 0x00, 0x00]);
    expect((await decompress(dict)).error).toMatch(/needs a dictionary/);
    const reservedBit = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x38, 0x01, 0x00, 0x00]);
    expect((await decompress(reservedBit)).error).toMatch(/reserved bit/);
    const reservedBlock = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38, 0x07, 0x00, 0x00]);
    expect((await decompress(reservedBlock)).error).toMatch(/reserved block type/);
  });

  it('rejects garbage after the last frame', async () => {
    const r = await decompress(Buffer.concat([zstdStored(Buffer.from('x')), Buffer.from('trailing junk')]));
    expect(r.error).toBe('img.tar: layer sha256:abc: data is not valid zstd (unknown frame type at offset 10)');
  });

  it('rejects corrupt compressed data', async () => {
    const z = Buffer.from(zstd(plain, 19));
    for (let i = 40; i < 400; i++) z[i] = (z[i]! * 13 + 7) & 0xff;
    const r = await decompress(z);
    expect(r.error).toMatch(/^img\.tar: layer sha256:abc: data is not valid zstd \(.+\)$/);
  });
});

describe('consumer failures', () => {
  const kinds: [string, Buffer][] = [
    ['none', plain],
    ['gzip', gzip(plain)],
    ['zstd', zstd(plain)],
  ];

  it.each(kinds)('%s: an ElfscanError from out.push rejects end() with that error', async (_k, data) => {
    let calls = 0;
    const r = await decompress(data, 4096, () => {
      if (++calls === 2) throw new ElfscanError('img.tar: layer sha256:abc', 'corrupt tar header at offset 512');
    });
    expect(r.error).toBe('img.tar: layer sha256:abc: corrupt tar header at offset 512');
    expect(r.ended).toBe(false);
  });

  it.each(kinds)('%s: any other error from out.push is wrapped with the source', async (_k, data) => {
    const r = await decompress(data, 4096, () => {
      throw new TypeError('boom');
    });
    expect(r.error).toBe('img.tar: layer sha256:abc: could not read the decompressed data (boom)');
  });

  it.each(kinds)('%s: an error from out.end rejects end()', async (_k, data) => {
    const r = await decompress(data, 4096, undefined, () => {
      throw new ElfscanError('img.tar', 'archive is truncated');
    });
    expect(r.error).toBe('img.tar: archive is truncated');
  });

  it('exposes the failure at once and rejects drain()', async () => {
    const d = createDecompressor(
      {
        push: () => {
          throw new ElfscanError('w', 'stop');
        },
        end: () => {},
      },
      'w',
    );
    d.write(plain);
    expect(d.error?.message).toBe('w: stop');
    await expect(d.drain()).rejects.toThrow('w: stop');
    d.write(plain); // ignored
    await expect(d.end()).rejects.toThrow('w: stop');
  });
});

describe('into a TarReader', () => {
  it.each([
    ['gzip', gzip(plain)],
    ['zstd', zstd(plain)],
    ['zstd, stored blocks', zstdStored(plain)],
  ])('%s layer → entries', async (_k, data) => {
    const names: string[] = [];
    let bytes = 0;
    const tar = new TarReader((h) => {
      names.push(h.name);
      return { data: (c) => (bytes += c.length), end: () => {} };
    }, 'l');
    const d = createDecompressor(tar, 'l');
    for (let i = 0; i < data.length; i += 1000) d.write(data.subarray(i, i + 1000));
    await d.end();
    expect(names).toHaveLength(40);
    expect(bytes).toBe(Array.from({ length: 40 }, (_, i) => 5000 + i * 331).reduce((a, b) => a + b));
  });

  it('a truncated layer ends as "archive is truncated" when the compression is intact', async () => {
    const tar = new TarReader(() => null, 'img.tar: layer sha256:abc');
    const d = createDecompressor(tar, 'img.tar: layer sha256:abc');
    d.write(gzip(plain.subarray(0, 20000)));
    await expect(d.end()).rejects.toThrow('img.tar: layer sha256:abc: archive is truncated');
  });
});

describe('mutated streams', () => {
  // A deterministic mutate-and-decompress loop: every outcome is success or one ElfscanError.
  function* mutations(src: Buffer, count: number): Generator<Buffer> {
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < count; i++) {
      const b = Buffer.from(src);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      yield rnd() < 0.2 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
    }
  }

  it.each([
    ['gzip', gzip(plain.subarray(0, 30000))],
    ['zstd', zstd(plain.subarray(0, 30000))],
  ])('%s: 300 mutations end in one ElfscanError or in the original bytes', async (_k, src) => {
    const original = plain.subarray(0, 30000);
    let failed = 0;
    for (const m of mutations(src, 300)) {
      const r = await decompress(m, 997);
      if (r.error !== null) failed++;
      // A mutated magic makes the data plain: passed through as is (the tar reader rejects it).
      else if (r.compression === 'none') expect(r.out.equals(m)).toBe(true);
      else expect(r.out.equals(original)).toBe(true);
    }
    expect(failed).toBeGreaterThan(250);
  });
});
