// releaseFreeMemory gives back what the walks freed: a walk's records and buffers are freed into
// glibc's arenas on the pool threads, which keep the pages until they are trimmed (scan.ts calls
// it once an image's layers are walked, before the overlay grows the JavaScript heap).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerScanFile, releaseFreeMemory } from '../../src/native.js';
import { tempDir } from '../helpers/image-builder.js';
import { buildTar } from '../helpers/tar-builder.js';

const rssMb = () => (Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096) / 2 ** 20;

describe.runIf(process.platform === 'linux' && process.report.getReport().header.glibcVersionRuntime)('releaseFreeMemory', () => {
  it('returns the pages a walk of 60,000 entries freed, which are otherwise kept', async () => {
    const file = join(tempDir(), 'layer.tar');
    writeFileSync(file, buildTar(Array.from({ length: 60_000 }, (_, i) => ({ name: `usr/share/doc/package-${i % 600}/a-file-with-a-long-name-${i}`, body: '' }))));
    const size = readFileSync(file).length;
    const kept = [await layerScanFile(file, 0, size), await layerScanFile(file, 0, size)];
    const before = rssMb();
    const untrimmed = rssMb();
    releaseFreeMemory();
    const after = rssMb();
    expect(kept[1]!.count).toBe(60_000);
    expect(before - untrimmed).toBeLessThan(0.5);
    expect(before - after).toBeGreaterThan(2);
  });
});
