// The same two-platform image scanned from the local registry and from the equivalent
// docker-save tarball (Docker ≥ 25 layout) gives the same report. Their speed is measured by
// bench/registry-vs-tarball.bench.ts, not here.

import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { writeArchive, tempDir, type FileSpec, type ImageSpec } from '../helpers/image-builder.js';
import { push, summary } from './helpers/images.js';
import { startRegistry, type Registry } from './helpers/registry-server.js';

function bigImage(platform: 'linux/arm64' | 'linux/amd64'): ImageSpec {
  const arch = platform === 'linux/arm64' ? 'arm64' : 'amd64';
  const other = arch === 'arm64' ? 'amd64' : 'arm64';
  const text: FileSpec[] = Array.from({ length: 3000 }, (_, i) => ({ path: `/usr/share/doc/pkg${i % 100}/file${i}.txt`, body: `line ${i}\n`.repeat(200) }));
  const bins: FileSpec[] = Array.from({ length: 40 }, (_, i) => ({ path: `/usr/lib/lib${i}.so`, fixture: `${arch}/libhello.so` }));
  const blobs: FileSpec[] = Array.from({ length: 4 }, (_, i) => ({ path: `/opt/data/blob${i}.bin`, body: randomBytes(3 << 20) }));
  return {
    platform,
    layers: [text, [...bins, { path: '/usr/bin/hello', fixture: `${arch}/hello` }], blobs, [{ path: '/app/addon.node', fixture: `${other}/libhello.so` }]],
  };
}

let registry: Registry;
let tarball: string;
const specs = [bigImage('linux/arm64'), bigImage('linux/amd64')];

beforeAll(async () => {
  registry = await startRegistry();
  await push(specs, `${registry.host}/bench/multi:1`);
  tarball = writeArchive(specs, 'docker-25', { layerCompression: 'gzip' });
});

describe('registry vs docker-save tarball', () => {
  it('report the same for the same two-platform image', async () => {
    const env = { DOCKER_CONFIG: tempDir() };
    const fromRegistry = await scan(`${registry.host}/bench/multi:1`, { env });
    const fromTarball = await scan(tarball);
    expect(summary(fromRegistry)).toEqual(summary(fromTarball));
    expect(summary(fromRegistry).map((i) => i.findings.length)).toEqual([1, 1]);
  });
});
