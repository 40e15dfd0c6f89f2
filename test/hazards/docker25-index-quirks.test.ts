// Spec §9: Docker ≥ 25 archives whose index.json nests an index, is null, or is incomplete must
// still scan, from manifest.json.

import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { buildArchive, chunks, writeArchive, type ImageSpec } from '../helpers/image-builder.js';

const image: ImageSpec = {
  platform: 'linux/amd64',
  ref: 'quirk:1',
  // One native static binary beside the foreign library, so that most of the image is not foreign (mislabeled-image).
  layers: [[{ path: '/usr/lib/x.so', fixture: 'arm64/libhello.so' }, { path: '/usr/bin/native', fixture: 'amd64/hello-static' }]],
};

describe('Docker ≥ 25 index.json quirks fall back to manifest.json', () => {
  for (const index25 of ['normal', 'null', 'nested', 'incomplete'] as const) {
    it(`index.json ${index25}`, async () => {
      const report = await scan(writeArchive(image, 'docker-25', { index25, layerCompression: 'gzip' }));
      const img = report.images[0]!;
      expect(img.ref).toBe('quirk:1');
      expect(img.findings.map((f) => [f.rule, f.path])).toEqual([['arch-mismatch', '/usr/lib/x.so']]);
      // The manifest digest is filled from index.json whenever it can be found there.
      if (index25 === 'null') expect(img.manifestDigest).toBeNull();
      else expect(img.manifestDigest).toMatch(/^sha256:/);
    });
    it(`index.json ${index25}, from stdin`, async () => {
      const report = await scan('-', { stdin: chunks(buildArchive(image, 'docker-25', { index25 }), 777) });
      expect(report.images[0]!.findings.map((f) => f.rule)).toEqual(['arch-mismatch']);
    });
  }
});
