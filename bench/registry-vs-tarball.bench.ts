// Scan time of one two-platform image (4 gzip layers per platform, ~25 MB, 3,046 files per image)
// from a real docker-registry on loopback vs from the equivalent docker-save tarball.
// Run: npx vitest bench --run --config bench/vitest.bench.config.ts

import { beforeAll, bench, describe } from 'vitest';
import { scan } from '../src/index.js';
import { tempDir, writeArchive } from '../test/helpers/image-builder.js';
import { bigImage, push } from '../test/registry/helpers/images.js';
import { startRegistry, type Registry } from '../test/registry/helpers/registry-server.js';

let registry: Registry;
let tarball = '';
const env = { DOCKER_CONFIG: tempDir() };

beforeAll(async () => {
  registry = await startRegistry();
  const specs = [bigImage('linux/arm64'), bigImage('linux/amd64')];
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
