// Layers compressed with gzip or zstd are decoded inside the addon (Node's zlib and libzstd),
// chosen by their first bytes only, pushed in any chunking or read from a file: the same records
// as the plain layer, and every failure one sentence naming the layer — never a hang, a crash or
// records from garbage. (The decoders' own cases are cargo tests: native/src/node/zlib.rs, zstd.rs.)

import { describe, expect, it } from 'vitest';
import { buildTar, gzip, patternBytes, zstd, zstdStored } from '../helpers/tar-builder.js';
import { pushLayer, readLayerFile, walkEveryWay } from './walk-layer.js';

const plain = buildTar([
  ...Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, body: patternBytes(5000 + i * 331, i) })),
  { name: 'bin/run', body: '#!/bin/sh\nexec f0\n', mode: 0o755 },
  { name: 'etc/ld.so.conf', body: '/opt/lib\n' },
]);
const W = 'img.tar: layer sha256:abc';

describe('a layer is decoded by its first bytes', () => {
  it.each([
    ['gzip', gzip(plain)],
    ['gzip, two members and zero padding between them', Buffer.concat([gzip(plain.subarray(0, 10000)), Buffer.alloc(7), gzip(plain.subarray(10000))])],
    ['zstd', zstd(plain)],
    ['zstd, stored blocks with checksums', zstdStored(plain, { checksum: true, contentSize: true })],
  ])('%s: the records of the plain layer, in any chunking', async (_name, data) => {
    const want = pushLayer(plain);
    expect(want.entries).toHaveLength(42);
    expect(await walkEveryWay(data, [1, 7, 4096, 1 << 20])).toEqual(want);
  });

  it('a layer whose compressed data is intact but whose tar stops early is a truncated archive', async () => {
    expect(pushLayer(gzip(plain.subarray(0, 20000))).error).toBe(`${W}: archive is truncated`);
    expect((await readLayerFile(zstd(plain.subarray(0, 20000)))).error).toBe(`${W}: archive is truncated`);
  });
});

describe('bad compressed data is one sentence', () => {
  const gz = gzip(plain);
  const cases: [string, Buffer, string | RegExp][] = [
    ['gzip with bytes after the last member that start none (as zlib and Go refuse them)', Buffer.concat([gz, Buffer.from('not gzip')]), `${W}: data is not valid gzip (incorrect header check)`],
    ['gzip with a bad header', Buffer.concat([gz.subarray(0, 2), Buffer.from([7]), gz.subarray(3)]), /^img\.tar: layer sha256:abc: data is not valid gzip \(.+\)$/],
    ['gzip with a corrupt CRC', Buffer.concat([gz.subarray(0, gz.length - 8), Buffer.from([0, 0, 0, 0]), gz.subarray(gz.length - 4)]), `${W}: data is not valid gzip (incorrect data check)`],
    ['zstd with garbage after the last frame', Buffer.concat([zstdStored(plain), Buffer.from('trailing junk')]), `${W}: data is not valid zstd (unknown frame type at offset ${zstdStored(plain).length})`],
    ['zstd with a wrong content checksum', zstdStored(plain, { checksum: 'bad' }), `${W}: data is not valid zstd (content checksum mismatch)`],
  ];
  for (const cut of [2, 10, 100, 0.5, -8, -1]) {
    const at = cut > 0 && cut < 1 ? Math.floor(gz.length * cut) : cut < 0 ? gz.length + cut : cut;
    cases.push([`gzip cut at byte ${at}`, gz.subarray(0, at), `${W}: gzip data is truncated`]);
  }
  const z = zstd(plain);
  for (const at of [5, 20, Math.floor(z.length / 2), z.length - 1]) cases.push([`zstd cut at byte ${at}`, z.subarray(0, at), `${W}: zstd data is truncated`]);

  it.each(cases)('%s', async (_name, data, sentence) => {
    for (const got of [pushLayer(data, 997), pushLayer(data, 1 << 20), await readLayerFile(data)]) {
      if (typeof sentence === 'string') expect(got.error).toBe(sentence);
      else expect(got.error).toMatch(sentence);
      expect(got.entries).toEqual([]);
    }
  });

  // A deterministic mutate-and-walk loop: every outcome is the original records or one sentence.
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
  ])('%s: 300 mutations end in the original records or in one sentence', (_name, src) => {
    const original = pushLayer(src);
    let failed = 0;
    for (const m of mutations(src, 300)) {
      const r = pushLayer(m, 997);
      if (r.error !== null) {
        expect(r.error).toMatch(/^img\.tar: layer sha256:abc: [^\n]+$/);
        failed++;
      } else if (m[0] === src[0] && m[1] === src[1]) expect(r).toEqual(original);
    }
    expect(failed).toBeGreaterThan(250);
  });
});
