// Spec §9 hazard: zstd layers made of several frames (pzstd, zstd --adapt/-T writers, seekable
// zstd, or simple concatenation). Every frame must be decoded in order, whatever its settings,
// with frame boundaries falling anywhere in the tar stream — even inside a tar header. The layer
// is decoded inside the addon (libzstd), pushed in chunks and read from a file.

import { describe, expect, it } from 'vitest';
import { limits } from '../../src/native.js';
import { buildTar, patternBytes, zstd, zstdSkippable, zstdStored } from '../helpers/tar-builder.js';
import { pushLayer, readLayerFile, walkEveryWay } from '../layers/walk-layer.js';

/** A script's body: the walker keeps its first bytes, so a misplaced byte shows. */
const script = (n: number, seed: number) => Buffer.concat([Buffer.from('#!'), patternBytes(n - 2, seed)]);
const tar = buildTar(Array.from({ length: 12 }, (_, i) => ({ name: `lib/lib${i}.so`, body: script(3000 + i * 100, i) })));
const names = Array.from({ length: 12 }, (_, i) => `/lib/lib${i}.so`);
const kept = (b: Buffer) => b.subarray(0, limits().shebangMax + 1);

/** Splits data at the given offsets and compresses each piece as its own frame. */
function frames(data: Buffer, cuts: number[], each: (b: Buffer, i: number) => Buffer): Buffer {
  const edges = [0, ...cuts, data.length];
  return Buffer.concat(edges.slice(0, -1).map((s, i) => each(data.subarray(s, edges[i + 1]), i)));
}

describe('zstd layer made of several frames', () => {
  it('reads frames split inside headers and bodies, in any chunking', async () => {
    // 700: inside the first body; 3584 + 100: inside a header; 10000: arbitrary.
    const r = await walkEveryWay(frames(tar, [700, 3684, 10000, 20000], (b) => zstd(b)), [1, 7, 4096]);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(names);
    expect(r.entries[5]!.head).toEqual(kept(script(3500, 5)));
  });

  it('reads frames of different kinds: compressed, stored, empty, with and without checksums', async () => {
    const layer = frames(tar, [1000, 1000, 5000, 30000], (b, i) =>
      i % 2 === 0 ? zstd(b, 19) : zstdStored(b, { checksum: i === 1, contentSize: i === 3 }),
    );
    const r = await walkEveryWay(layer, [1000]);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(names);
  });

  it('reads frames interleaved with skippable frames', async () => {
    const layer = frames(tar, [512, 9000], (b, i) => Buffer.concat([zstd(b), zstdSkippable(Buffer.from(`seek table ${i}`))]));
    const r = await walkEveryWay(layer, [333]);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(names);
  });

  it('reports a stream that stops inside its second frame as truncated', async () => {
    const first = zstd(tar.subarray(0, 5000));
    const second = zstd(tar.subarray(5000));
    const layer = Buffer.concat([first, second.subarray(0, second.length - 10)]);
    expect(pushLayer(layer).error).toBe('img.tar: layer sha256:abc: zstd data is truncated');
    expect((await readLayerFile(layer)).error).toBe('img.tar: layer sha256:abc: zstd data is truncated');
  });

  it('reports a stream that ends between frames but inside the tar as a truncated archive', () => {
    expect(pushLayer(zstd(tar.subarray(0, 5000))).error).toBe('img.tar: layer sha256:abc: archive is truncated');
  });

  it('rejects bytes between frames that start no frame, naming where', () => {
    const first = zstd(tar.subarray(0, 5000));
    const layer = Buffer.concat([first, Buffer.from([0, 0, 0, 0]), zstd(tar.subarray(5000))]);
    expect(pushLayer(layer, 100).error).toBe(`img.tar: layer sha256:abc: data is not valid zstd (unknown frame type at offset ${first.length})`);
  });

  it('checks each frame: a wrong content checksum or a frame holding fewer bytes than it declares', () => {
    const bad = Buffer.concat([zstdStored(tar.subarray(0, 1000), { checksum: true }), zstdStored(tar.subarray(1000), { checksum: 'bad' })]);
    expect(pushLayer(bad).error).toBe('img.tar: layer sha256:abc: data is not valid zstd (content checksum mismatch)');
    const short = Buffer.concat([zstdStored(tar.subarray(0, 1000)), zstdStored(tar.subarray(1000), { contentSize: tar.length })]);
    expect(pushLayer(short).error).toBe(`img.tar: layer sha256:abc: data is not valid zstd (corrupt data in the frame at offset ${zstdStored(tar.subarray(0, 1000)).length})`);
  });

  it('refuses a frame that needs a window over 128 MiB before allocating it, and one that needs a dictionary', () => {
    // Window descriptor 0x89: 2^27 + 2^24 bytes. Exactly 128 MiB (0x88) is allowed: zstd's own default limit.
    const big = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x89, 0x01, 0x00, 0x00]);
    expect(pushLayer(big).error).toBe('img.tar: layer sha256:abc: data is not valid zstd (the frame at offset 0 needs a window larger than 128 MiB)');
    const ok = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88, 0x01, 0x00, 0x00]);
    expect(pushLayer(ok)).toEqual({ entries: [], error: null });
    const dict = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x01, 0x38, 0x07, 0x01, 0x00, 0x00]);
    expect(pushLayer(dict).error).toBe('img.tar: layer sha256:abc: data is not valid zstd (the frame at offset 0 needs a dictionary)');
  });
});
