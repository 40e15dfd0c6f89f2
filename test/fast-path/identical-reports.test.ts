// Issue 6's promise: the seekable fast path (a file or a directory, read at offsets) and the
// streaming path (stdin, read once in order) give the same report — the same JSON, `source`
// aside — on every image the test helpers build (each format × layer compression × outer
// compression, OCI layout directories, image indexes, root filesystem tars), on the images real
// tools made (.cache/real-images) and on the example image; and the same sentence on bad input.

import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan, type ScanOptions } from '../../src/index.js';
import { reusedChunks } from '../../src/sources/stdin-chunks.js';
import { buildTar, gzip, patternBytes } from '../helpers/tar-builder.js';
import {
  FIXTURES,
  buildArchive,
  chunks,
  tempDir,
  writeArchive,
  writeOciDir,
  type ArchiveFormat,
  type FileSpec,
  type ImageSpec,
} from '../helpers/image-builder.js';
import { REAL_IMAGES } from '../setup/real-images.js';

/** Every fixture binary, scripts, loader configuration, links; a second layer that deletes and replaces. */
function richLayers(): FileSpec[][] {
  const bins: FileSpec[] = [];
  for (const d of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, d.name))) bins.push({ path: `/opt/${d.name}/${f}`, fixture: `${d.name}/${f}` });
  }
  return [
    [
      ...bins,
      { path: '/usr/bin/hello', fixture: 'arm64/hello' },
      { path: '/usr/lib/libhello.so', fixture: 'arm64/libhello.so' },
      { path: '/usr/local/bin/run', body: '#!/usr/bin/env node\nrequire("x")\n', mode: 0o755 },
      { path: '/etc/ld.so.conf', body: 'include /etc/ld.so.conf.d/*.conf\n' },
      { path: '/etc/ld.so.conf.d/opt.conf', body: '/opt/arm64\n' },
      { path: '/usr/lib/libhello.so.1', type: 'symlink', target: 'libhello.so' },
      { path: '/usr/bin/hello2', type: 'hardlink', target: '/usr/bin/hello' },
      { path: `/srv/${'deep/'.repeat(30)}file.so`, fixture: 'amd64/libhello.so' },
      { path: '/var/empty', body: '' },
      { path: '/var/big.bin', body: patternBytes(300_000) },
    ],
    [
      { path: '/opt/amd64', type: 'whiteout' },
      { path: '/srv', type: 'opaque' },
      { path: '/srv/new.so', fixture: 'armhf/libhello.so' },
      { path: '/usr/bin/hello', fixture: 'amd64/hello' },
      { path: '/app/node_modules/fast/build/Release/fast.node', fixture: 'amd64/libhello.so' },
    ],
  ];
}

const image: ImageSpec = { platform: 'linux/arm64', ref: 'example/app:1.0', entrypoint: ['/usr/bin/hello'], layers: richLayers() };
const second: ImageSpec = { platform: 'linux/amd64', ref: 'example/app:1.0', layers: [[{ path: '/usr/bin/hello', fixture: 'amd64/hello' }], richLayers()[1]!] };

/** The report as JSON, its `source` (the one thing that names how it was read) left out. */
function json(r: Awaited<ReturnType<typeof scan>>): string {
  return JSON.stringify({ ...r, source: null });
}

async function fromStdin(bytes: Buffer, options: ScanOptions): Promise<string> {
  return json(await scan('-', { ...options, stdin: chunks(bytes, 65536) }));
}

async function outcome(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** Both paths on one archive file: same report, or the same sentence (with the source's name swapped). */
async function expectSame(file: string, options: ScanOptions = { all: true }): Promise<string> {
  const fast = await outcome(async () => json(await scan(file, options)));
  const stream = await outcome(() => fromStdin(readFileSync(file), options));
  expect(fast.replaceAll(file, 'stdin')).toBe(stream);
  return fast;
}

const formats: ArchiveFormat[] = ['docker-legacy', 'docker-25', 'oci-archive'];

describe('the fast path and the streaming path give identical reports', () => {
  for (const format of formats) {
    for (const layerCompression of ['none', 'gzip', 'zstd'] as const) {
      for (const outerCompression of ['none', 'gzip'] as const) {
        it(`${format}, ${layerCompression} layers, outer ${outerCompression}`, async () => {
          const got = await expectSame(writeArchive(image, format, { layerCompression, outerCompression }));
          expect(got).toContain('"binaries":[');
          expect(got).toContain('arch-mismatch');
        });
      }
    }
  }

  for (const format of ['docker-25', 'oci-archive'] as const) {
    it(`${format} holding an image index of two platforms`, async () => {
      await expectSame(writeArchive([image, second], format, { layerCompression: 'gzip', attestation: true }), { all: true, platforms: ['linux/arm64', 'linux/amd64'] });
    });
  }

  it.each(['none', 'gzip', 'zstd'] as const)('an OCI layout directory with %s layers, against the same layout streamed as an oci-archive', async (layerCompression) => {
    const fast = json(await scan(writeOciDir([image, second], { layerCompression }), { all: true }));
    const stream = await fromStdin(buildArchive([image, second], 'oci-archive', { layerCompression }), { all: true });
    expect(fast).toBe(stream);
  });

  it('a root filesystem tar', async () => {
    const got = await expectSame(writeArchive(image, 'rootfs'), { all: true, platforms: ['linux/arm64'] });
    expect(got).toContain('/usr/bin/hello');
  });

  it.each(readdirSync(REAL_IMAGES).filter((n) => n !== 'labels.json' && !n.startsWith('.')))('the real image %s', async (name) => {
    const path = join(REAL_IMAGES, name);
    if (statSync(path).isDirectory()) {
      const tar = spawnSync('tar', ['-C', path, '-cf', '-', '.'], { maxBuffer: 1 << 30 });
      expect(tar.status).toBe(0);
      expect(json(await scan(path, { all: true }))).toBe(await fromStdin(tar.stdout, { all: true }));
    } else await expectSame(path);
  });

  it('the example image', async () => {
    await expectSame(new URL('../../fixtures/images/example-arm64.tar', import.meta.url).pathname);
  });
});

describe('and the same sentence on bad input', () => {
  /** A legacy archive whose one layer is `layer` (raw bytes). */
  function legacyWith(layer: Buffer): string {
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'arm64', rootfs: { type: 'layers', diff_ids: [] } }));
    const tar = buildTar([
      { name: 'abc/layer.tar', body: layer },
      { name: 'config.json', body: config },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'config.json', RepoTags: ['x:1'], Layers: ['abc/layer.tar'] }]) },
    ]);
    const file = join(tempDir(), 'bad.tar');
    writeFileSync(file, tar);
    return file;
  }
  const hello = readFileSync(join(FIXTURES, 'arm64', 'hello'));
  const good = buildTar([{ name: 'usr/bin/hello', body: hello }, { name: 'x', body: 'y' }]);
  const second = 512 + Math.ceil(hello.length / 512) * 512; // the second entry's header

  it.each([
    ['a truncated layer', good.subarray(0, 700)],
    ['a layer with a corrupt header', Buffer.concat([good.subarray(0, second), Buffer.alloc(512, 0x41), good.subarray(second + 512)])],
    ['a truncated gzip layer', gzip(good).subarray(0, 200)],
    ['a layer that is not a tar', Buffer.from('x'.repeat(5000))],
  ])('%s', async (_name, layer) => {
    const got = await expectSame(legacyWith(layer));
    expect(got).toMatch(/^error: /);
  });

  it('a truncated outer archive', async () => {
    const file = writeArchive(image, 'docker-legacy');
    const cut = join(tempDir(), 'cut.tar');
    writeFileSync(cut, readFileSync(file).subarray(0, 5000));
    expect(await expectSame(cut)).toMatch(/^error: .*truncated/);
  });
});

describe('stdin read into two reused buffers (stdin-chunks.ts)', () => {
  // Every consumer of a chunk must copy what it keeps past the call (Decompressor.write's
  // contract): nested gzip and zstd layers, documents, the outer decompressor's head. Small
  // buffers make every boundary fall inside something.
  it.each([
    ['docker-legacy', 'gzip', 'none'],
    ['docker-legacy', 'zstd', 'none'],
    ['oci-archive', 'gzip', 'gzip'],
    ['docker-25', 'zstd', 'zstd'],
  ] as const)('%s with %s layers, outer %s: the same report as from the file', async (format, layerCompression, outerCompression) => {
    const file = writeArchive([image], format, { layerCompression, outerCompression });
    const want = json(await scan(file, { all: true }));
    const fd = openSync(file, 'r');
    try {
      expect(json(await scan('-', { all: true, stdin: reusedChunks(fd, 4099) }))).toBe(want);
    } finally {
      closeSync(fd);
    }
    // Harsher than reusedChunks: one buffer, overwritten as soon as the next chunk is asked for.
    async function* oneBuffer(): AsyncGenerator<Buffer> {
      const buf = Buffer.alloc(3001);
      const fd = openSync(file, 'r');
      try {
        for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) yield buf.subarray(0, n);
      } finally {
        closeSync(fd);
      }
    }
    expect(json(await scan('-', { all: true, stdin: oneBuffer() }))).toBe(want);
  });
});
