// Spec §9 hazard: zstd layers made of several frames (pzstd, zstd --adapt/-T writers, seekable
// zstd, or simple concatenation). Every frame must be decoded in order, whatever its settings,
// with frame boundaries falling anywhere in the tar stream — even inside a tar header.

import { describe, expect, it } from 'vitest';
import { buildTar, patternBytes, zstd, zstdSkippable, zstdStored } from '../helpers/tar-builder.js';
import { readLayer } from '../layers/tar-collect.js';

const tar = buildTar(Array.from({ length: 12 }, (_, i) => ({ name: `lib/lib${i}.so`, body: patternBytes(3000 + i * 100, i) })));
const names = Array.from({ length: 12 }, (_, i) => `lib/lib${i}.so`);

/** Splits data at the given offsets and compresses each piece as its own frame. */
function frames(data: Buffer, cuts: number[], each: (b: Buffer, i: number) => Buffer): Buffer {
  const edges = [0, ...cuts, data.length];
  return Buffer.concat(edges.slice(0, -1).map((s, i) => each(data.subarray(s, edges[i + 1]), i)));
}

describe('zstd layer made of several frames', () => {
  it.each([1, 7, 4096])('reads frames split inside headers and bodies (writes of %i bytes)', async (chunk) => {
    // 700: inside the first body; 3584 + 100: inside a header; 10000: arbitrary.
    const layer = frames(tar, [700, 3684, 10000, 20000], (b) => zstd(b));
    const r = await readLayer(layer, chunk);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(names);
    expect(r.entries[5]!.body).toEqual(patternBytes(3500, 5));
  });

  it('reads frames of different kinds: compressed, stored, empty, with and without checksums', async () => {
    const layer = frames(tar, [1000, 1000, 5000, 30000], (b, i) =>
      i % 2 === 0 ? zstd(b, 19) : zstdStored(b, { checksum: i === 1, contentSize: i === 3 }),
    );
    const r = await readLayer(layer, 1000);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(names);
  });

  it('reads frames interleaved with skippable frames', async () => {
    const layer = frames(tar, [512, 9000], (b, i) => Buffer.concat([zstd(b), zstdSkippable(Buffer.from(`seek table ${i}`))]));
    const r = await readLayer(layer, 333);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(names);
  });

  it('reports a stream that stops inside its second frame as truncated', async () => {
    const first = zstd(tar.subarray(0, 5000));
    const second = zstd(tar.subarray(5000));
    const r = await readLayer(Buffer.concat([first, second.subarray(0, second.length - 10)]));
    expect(r.error).toBe('img.tar: layer sha256:abc: zstd data is truncated');
  });

  it('reports a stream that ends between frames but inside the tar as a truncated archive', async () => {
    const r = await readLayer(zstd(tar.subarray(0, 5000)));
    expect(r.error).toBe('img.tar: layer sha256:abc: archive is truncated');
  });

  it('rejects bytes between frames that start no frame', async () => {
    const layer = Buffer.concat([zstd(tar.subarray(0, 5000)), Buffer.from([0, 0, 0, 0]), zstd(tar.subarray(5000))]);
    const r = await readLayer(layer);
    expect(r.error).toMatch(/^img\.tar: layer sha256:abc: data is not valid zstd \(unknown frame type at offset \d+\)$/);
  });
});
