// Images written by real tools (umoci layers, skopeo conversions), scanned against the labels
// their build script wrote down (fixtures/scripts/make-real-images.sh).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { REAL_IMAGES } from '../setup/real-images.js';

interface Labels {
  platform: string;
  images: { path: string; ref: string; layers: number }[];
  expected: Record<'threeLayers' | 'umociInsert', { binaries: { path: string; platform: string }[]; foreign: { path: string; rule: string; severity: string; found: string; expected: string }[] }>;
}

const labels = JSON.parse(readFileSync(join(REAL_IMAGES, 'labels.json'), 'utf8')) as Labels;

describe('images made by umoci and skopeo', () => {
  for (const image of labels.images) {
    it(`${image.path}: reports exactly the labelled foreign files and binaries`, async () => {
      const want = image.path === 'oci-umoci-insert' ? labels.expected.umociInsert : labels.expected.threeLayers;
      const report = await scan(join(REAL_IMAGES, image.path), { all: true });
      expect(report.images).toHaveLength(1);
      const img = report.images[0]!;
      expect(img.ref).toBe(image.ref);
      expect(img.platform).toEqual({ declared: labels.platform, expected: labels.platform });
      expect(img.stats.layers).toBe(image.layers);
      const arch = img.findings.filter((f) => ['arch-mismatch', 'abi-mismatch', 'foreign-format'].includes(f.rule));
      expect(arch.map((f) => ({ path: f.path, rule: f.rule, severity: f.severity, found: f.found, expected: f.expected }))).toEqual(want.foreign);
      expect(img.binaries!.map((b) => ({ path: b.path, platform: b.platform }))).toEqual(want.binaries.map((b) => ({ path: b.path, platform: b.platform })));
      expect(img.stats.binaries).toBe(want.binaries.length);
    });
  }
});
