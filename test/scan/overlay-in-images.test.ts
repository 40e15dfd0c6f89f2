// Overlay semantics seen through whole scans: only the final filesystem is reported.

import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { writeArchive, type FileSpec } from '../helpers/image-builder.js';

async function reported(layers: FileSpec[][]) {
  const report = await scan(writeArchive({ platform: 'linux/arm64', layers }, 'docker-legacy', { layerCompression: 'gzip' }));
  const img = report.images[0]!;
  // Which foreign files the overlay leaves; the loader rules (no libc in these images) are tested in test/rules.
  const paths = img.findings.filter((f) => f.rule === 'arch-mismatch').map((f) => f.path);
  return { paths, files: img.stats.files, binaries: img.stats.binaries };
}

const foreign = (path: string): FileSpec => ({ path, fixture: 'amd64/libhello.so' });
const native = (path: string): FileSpec => ({ path, fixture: 'arm64/libhello.so' });

describe('only the final filesystem is reported', () => {
  it('a foreign file deleted by a later whiteout is not reported', async () => {
    expect(await reported([[foreign('/app/x.node')], [{ path: '/app/x.node', type: 'whiteout' }]])).toEqual({ paths: [], files: 0, binaries: 0 });
  });
  it('a foreign file replaced by a native one in a later layer is not reported', async () => {
    expect((await reported([[foreign('/app/x.node')], [native('/app/x.node')]])).paths).toEqual([]);
  });
  it('a native file replaced by a foreign one is reported', async () => {
    expect((await reported([[native('/app/x.node')], [foreign('/app/x.node')]])).paths).toEqual(['/app/x.node']);
  });
  it('later entries win within one layer too', async () => {
    expect((await reported([[native('/app/x.node'), foreign('/app/x.node')]])).paths).toEqual(['/app/x.node']);
    expect((await reported([[foreign('/app/x.node'), native('/app/x.node')]])).paths).toEqual([]);
  });
  it('an opaque directory hides the foreign files of lower layers', async () => {
    const got = await reported([[foreign('/app/lib/a.so'), foreign('/app/keep.so')], [{ path: '/app/lib', type: 'opaque' }, native('/app/lib/b.so')]]);
    expect(got.paths).toEqual(['/app/keep.so']);
  });
  it('a hard link to a foreign binary is reported at the link path too', async () => {
    const got = await reported([[foreign('/usr/lib/a.so'), { path: '/usr/lib/b.so', type: 'hardlink', target: '/usr/lib/a.so' }]]);
    expect(got).toEqual({ paths: ['/usr/lib/a.so', '/usr/lib/b.so'], files: 2, binaries: 2 });
  });
  it('a symlink to a foreign binary is not itself a binary', async () => {
    const got = await reported([[foreign('/usr/lib/a.so'), { path: '/usr/lib/b.so', type: 'symlink', target: 'a.so' }]]);
    expect(got).toEqual({ paths: ['/usr/lib/a.so'], files: 1, binaries: 1 });
  });
  it('long paths (PAX records) are reported whole', async () => {
    const long = `/app/node_modules/${'@scope-with-a-long-name/'.repeat(5)}addon/build/Release/addon.node`;
    expect(long.length).toBeGreaterThan(150);
    expect((await reported([[foreign(long)]])).paths).toEqual([long]);
  });
  it('paths are absolute and normalized whatever the tar wrote', async () => {
    expect((await reported([[foreign('./app//lib/../x.so')]])).paths).toEqual(['/app/x.so']);
  });
});
