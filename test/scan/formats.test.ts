// The same image in every format elfscan reads gives the same findings: docker save (legacy and
// Docker ≥ 25), OCI layout directory and archive, stdin, and each layer compression.

import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { buildArchive, chunks, writeArchive, writeOciDir, type ArchiveFormat, type ImageSpec } from '../helpers/image-builder.js';

const image: ImageSpec = {
  platform: 'linux/arm64',
  ref: 'example/app:1.0',
  layers: [
    [
      { path: '/usr/bin/hello', fixture: 'arm64/hello' },
      { path: '/usr/lib/libhello.so', fixture: 'arm64/libhello.so' },
      { path: '/etc/motd', body: 'hello\n' },
    ],
    [{ path: '/app/node_modules/fast/build/Release/fast.node', fixture: 'amd64/libhello.so' }],
  ],
};

function summary(report: Awaited<ReturnType<typeof scan>>) {
  return report.images.map((i) => ({
    platform: i.platform,
    stats: { layers: i.stats.layers, files: i.stats.files, binaries: i.stats.binaries },
    // The image has no C library: the loader rules' findings (tested in test/rules) are left out.
    findings: i.findings.filter((f) => f.rule !== 'missing-interpreter' && f.rule !== 'missing-library').map((f) => [f.severity, f.rule, f.path, f.found, f.expected]),
  }));
}

const expected = [
  {
    platform: { declared: 'linux/arm64', expected: 'linux/arm64' },
    stats: { layers: 2, files: 4, binaries: 3 },
    findings: [['error', 'arch-mismatch', '/app/node_modules/fast/build/Release/fast.node', 'linux/amd64', 'linux/arm64']],
  },
];

describe('every source format gives the same report', () => {
  const formats: ArchiveFormat[] = ['docker-legacy', 'docker-25', 'oci-archive'];
  for (const format of formats) {
    for (const layerCompression of ['none', 'gzip', 'zstd'] as const) {
      it(`${format} with ${layerCompression} layers, from a file`, async () => {
        const report = await scan(writeArchive(image, format, { layerCompression }));
        expect(summary(report)).toEqual(expected);
      });
    }
    it(`${format} from stdin in 1000-byte chunks`, async () => {
      const bytes = buildArchive(image, format, { layerCompression: 'gzip' });
      const report = await scan('-', { stdin: chunks(bytes, 1000) });
      expect(report.source).toBe('-');
      expect(summary(report)).toEqual(expected);
    });
    for (const outerCompression of ['gzip', 'zstd'] as const) {
      it(`${format} compressed whole with ${outerCompression}`, async () => {
        const report = await scan(writeArchive(image, format, { outerCompression }));
        expect(summary(report)).toEqual(expected);
      });
    }
  }

  it('an OCI layout directory', async () => {
    const report = await scan(writeOciDir(image, { layerCompression: 'gzip' }));
    expect(summary(report)).toEqual(expected);
  });

  it('reports the layer that provided each file, as the manifest names it', async () => {
    const report = await scan(writeArchive(image, 'docker-25', { layerCompression: 'gzip' }));
    const img = report.images[0]!;
    expect(img.findings[0]!.layer).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(img.manifestDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(img.ref).toBe('example/app:1.0');
  });

  it('reports a legacy archive layer by its diff_id', async () => {
    const report = await scan(writeArchive(image, 'docker-legacy', { layerCompression: 'gzip' }));
    const layer = report.images[0]!.findings[0]!.layer!;
    // diff_id = digest of the uncompressed layer tar, from the config
    const again = await scan(writeArchive(image, 'docker-legacy', { layerCompression: 'none' }));
    expect(again.images[0]!.findings[0]!.layer).toBe(layer);
    expect(report.images[0]!.manifestDigest).toBeNull();
  });
});
