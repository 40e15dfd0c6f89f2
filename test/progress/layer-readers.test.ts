// A layer read at offsets reports its progress while it is read, not only when it ends: the
// native walk (plain at offsets; gzip and zstd decoded on the thread pool) is polled through its
// counter while this thread waits, and the digest check's reader counts too — the layer is as
// far as the slower of them.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanLayer } from '../../src/layers/scan-layer.js';
import { ProgressMeter } from '../../src/progress.js';
import { tempDir } from '../helpers/image-builder.js';
import { buildTar, gzip, patternBytes, zstd } from '../helpers/tar-builder.js';

/** 40,000 small files (~40 MB of tar): long enough a walk that polling sees it between ends. */
const tar = buildTar(Array.from({ length: 40_000 }, (_, i) => ({ name: `d${i % 97}/f${i}`, body: patternBytes(300 + (i % 700), i) })));

/** Scans `bytes` from a file while polling the meter on every turn of the event loop; returns what was seen. */
async function scanPolling(bytes: Buffer, verify: boolean): Promise<{ seen: number[]; size: number; entries: number }> {
  const file = join(tempDir(), 'layer');
  writeFileSync(file, bytes);
  const meter = new ProgressMeter();
  const digest = verify ? `sha256:${createHash('sha256').update(bytes).digest('hex')}` : null;
  let done = false;
  const blob = { digest, verify: digest, mediaType: null, size: bytes.length, where: 'layer', bytes: { range: { file, offset: 0, length: bytes.length } } };
  const scanning = meter.layer(bytes.length, (reading) => scanLayer(blob, reading)).finally(() => {
    done = true;
  });
  const seen: number[] = [];
  while (!done) {
    seen.push(meter.snapshot().bytes);
    await new Promise((r) => setImmediate(r));
  }
  const layer = await scanning;
  seen.push(meter.snapshot().bytes);
  return { seen, size: bytes.length, entries: [...layer.entries].length };
}

/**
 * Scans until a poll lands part way (at most `ATTEMPTS` scans), checking every scan's progress
 * never goes back and ends at the size. Whether a poll lands inside a walk of some milliseconds is
 * up to the scheduler: on a loaded machine this thread may get no CPU until the walk on the
 * thread pool is done (a fresh-clone run saw exactly that once in ten). A reader that reports only
 * at the end never lands part way, however often it is tried.
 */
const ATTEMPTS = 5;
async function expectMoved(bytes: Buffer, verify: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { seen, size, entries } = await scanPolling(bytes, verify);
    expect(entries).toBeGreaterThanOrEqual(40_000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never goes back
    expect(seen.at(-1)).toBe(size);
    if (seen.some((b) => b > 0 && b < size)) return; // seen part way
    expect(attempt, `no poll saw the layer part way in ${ATTEMPTS} scans`).toBeLessThan(ATTEMPTS);
  }
}

describe('a layer read at offsets reports progress while it is read', () => {
  it('plain, walked at offsets', async () => {
    await expectMoved(tar, false);
  });

  it('plain with its digest checked: the walk and the hash both count', async () => {
    await expectMoved(tar, true);
  });

  it('gzip, inflated on the thread pool (no digest: only the walk counts)', async () => {
    await expectMoved(gzip(tar), false);
  });

  it('zstd, decoded on the thread pool while this thread checks its digest', async () => {
    await expectMoved(zstd(tar), true);
  });
});
