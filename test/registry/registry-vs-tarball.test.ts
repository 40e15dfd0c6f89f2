// The same two-platform image scanned from the local registry and from the equivalent
// docker-save tarball (Docker ≥ 25 layout) gives the same report. Their speed is measured by
// bench/registry-vs-tarball.bench.ts, not here.

import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { writeArchive, tempDir } from '../helpers/image-builder.js';
import { bigImage, push, summary } from './helpers/images.js';
import { startRegistry, type Registry } from './helpers/registry-server.js';

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
