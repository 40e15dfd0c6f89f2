// Spec §9 hazard: zstd layers that begin with a skippable frame (magic 0x184D2A50–5F, used by
// pzstd and seekable-zstd writers for indexes). Detection must still say zstd, and the frame's
// payload must be skipped, not decoded — by the addon, pushed in chunks and read from a file.

import { describe, expect, it } from 'vitest';
import { limits } from '../../src/native.js';
import { buildTar, patternBytes, zstd, zstdSkippable, zstdStored } from '../helpers/tar-builder.js';
import { pushLayer, readLayerFile, walkEveryWay } from '../layers/walk-layer.js';

const app = Buffer.concat([Buffer.from('#!'), patternBytes(19998)]);
const tar = buildTar([
  { name: 'usr/bin/app', body: app },
  { name: 'usr/lib/libx.so', body: patternBytes(5000, 2) },
]);

describe('zstd stream starting with a skippable frame', () => {
  it.each(Array.from({ length: 16 }, (_, i) => i))('reads a layer behind magic 0x184D2A5%s as zstd', (nibble) => {
    const r = pushLayer(Buffer.concat([zstdSkippable(Buffer.from('x'), nibble), zstd(tar)]));
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(['/usr/bin/app', '/usr/lib/libx.so']);
  });

  it('reads the layer behind it, in any chunking', async () => {
    const layer = Buffer.concat([zstdSkippable(patternBytes(1000, 9), 0xa), zstd(tar)]);
    const r = await walkEveryWay(layer, [1, 3, 8, 4096]);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.size])).toEqual([
      ['/usr/bin/app', 20000],
      ['/usr/lib/libx.so', 5000],
    ]);
    expect(r.entries[0]!.head).toEqual(app.subarray(0, limits().shebangMax + 1));
  });

  it('does not decode a payload that is itself a zstd frame', async () => {
    const decoy = zstdStored(buildTar([{ name: 'decoy', body: 'no' }]));
    const r = await walkEveryWay(Buffer.concat([zstdSkippable(decoy), zstdSkippable(Buffer.alloc(0), 1), zstd(tar)]), [1, 4096]);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => e.name)).toEqual(['/usr/bin/app', '/usr/lib/libx.so']);
  });

  it('reports a stream that stops inside the skippable frame as truncated', async () => {
    const cut = zstdSkippable(patternBytes(1000)).subarray(0, 500);
    expect(pushLayer(cut).error).toBe('img.tar: layer sha256:abc: zstd data is truncated');
    expect((await readLayerFile(cut)).error).toBe('img.tar: layer sha256:abc: zstd data is truncated');
  });

  it('reads a stream of only skippable frames as an empty layer', async () => {
    expect(await walkEveryWay(zstdSkippable(Buffer.from('index')), [1, 3])).toEqual({ entries: [], error: null });
  });
});
