// Scan time of one two-platform image (4 gzip layers per platform, ~25 MB, 3,046 files per image)
// from a real docker-registry on loopback vs from the equivalent docker-save tarball.
// Run: npx vitest bench --run --config bench/vitest.bench.config.ts

import { randomBytes } from 'node:crypto';
import { beforeAll, bench, describe } from 'vitest';
import { scan } from '../src/index.js';
import { tempDir, writeArchive, type FileSpec, type ImageSpec } from '../test/helpers/image-builder.js';
import { push } from '../test/registry/helpers/images.js';
import { startRegistry, type Registry } from '../test/registry/helpers/registry-server.js';

function image(platform: 'linux/arm64' | 'linux/amd64'): ImageSpec {
  const arch = platform === 'linux/arm64' ? 'arm64' : 'amd64';
  const other = arch === 'arm64' ? 'amd64' : 'arm64';
  const text: FileSpec[] = Array.from({ length: 3000 }, (_, i) => ({ path: `/usr/share/doc/pkg${i % 100}/file${i}.txt`, body: `line ${i}\n`.repeat(200) }));
  const bins: FileSpec[] = Array.from({ length: 40 }, (_, i) => ({ path: `/usr/lib/lib${i}.so`, fixture: `${arch}/libhello.so` }));
  const blobs: FileSpec[] = Array.from({ length: 4 }, (_, i) => ({ path: `/opt/data/blob${i}.bin`, body: randomBytes(3 << 20) }));
  return { platform, layers: [text, [...bins, { path: '/usr/bin/hello', fixture: `${arch}/hello` }], blobs, [{ path: '/app/addon.node', fixture: `${other}/libhello.so` }]] };
}

let registry: Registry;
let tarball = '';
const env = { DOCKER_CONFIG: tempDir() };

beforeAll(async () => {
  registry = await startRegistry();
  const specs = [image('linux/arm64'), image('linux/amd64')];
  await push(specs, `${registry.host}/bench/multi:1`);
  tarball = writeArchive(specs, 'docker-25', { layerCompression: 'gzip' });
});

describe('two-platform image', () => {
  bench('from the local registry', async () => {
    await scan(`${registry.host}/bench/multi:1`, { env });
  }, { iterations: 5 });
  bench('from the docker-save tarball', async () => {
    await scan(tarball);
  }, { iterations: 5 });
});
