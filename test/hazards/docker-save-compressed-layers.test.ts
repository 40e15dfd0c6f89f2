// Spec §9: a docker save tarball from the containerd image store holds compressed layers;
// compression is told by magic bytes, never by names or media types.

import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { writeArchive, type ImageSpec } from '../helpers/image-builder.js';

const image: ImageSpec = {
  platform: 'linux/arm64',
  layers: [[{ path: '/bin/a', fixture: 'amd64/hello' }], [{ path: '/bin/b', fixture: 'arm64/hello' }]],
};

describe('compressed layers inside docker save', () => {
  for (const format of ['docker-legacy', 'docker-25'] as const) {
    for (const layerCompression of ['gzip', 'zstd'] as const) {
      it(`${format} with ${layerCompression} layers named like plain tars`, async () => {
        const report = await scan(writeArchive(image, format, { layerCompression }));
        const archRules = report.images[0]!.findings.filter((f) => f.rule === 'arch-mismatch');
        expect(archRules.map((f) => [f.rule, f.path])).toEqual([['arch-mismatch', '/bin/a']]);
        expect(report.images[0]!.stats.binaries).toBe(2);
      });
    }
  }
});
