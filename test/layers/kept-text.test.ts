// The kept-text policy (native/src/layer/kept_text.rs, its cases tested there): on a layer
// holding every kind of file the loader model reads and their look-alikes, every way the walker
// reads a layer — pushed in chunks, a file range at offsets, a root filesystem directory — keeps
// exactly the same texts, and no others.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerIndex } from '../../src/layers/layer-index.js';
import { dirList, layerScan, layerScanDir, layerScanFile, type LayerRecords } from '../../src/native.js';
import { tempDir } from '../helpers/image-builder.js';
import { buildTar, type TarEntry } from '../helpers/tar-builder.js';

const KEPT = [
  'etc/ld.so.conf',
  'etc/ld.so.conf.d/x86_64-linux-gnu.conf',
  'etc/ld-musl-x86_64.path',
  'usr/local/include/node/node_version.h',
  'app/node_modules/rollup/package.json',
  'app/node_modules/@rollup/rollup-linux-x64-gnu/package.json',
  'app/node_modules/a/node_modules/b/package.json',
  'var/lib/dpkg/status',
  'var/lib/dpkg/info/libc6:amd64.list',
  'var/lib/dpkg/status.d/base-files',
  'var/lib/dpkg/status.d/base-files.md5sums',
  'lib/apk/db/installed',
];
const NOT_KEPT = [
  'etc/passwd',
  'app/package.json',
  'app/node_modules/rollup/dist/package.json',
  'app/node_modules/@rollup/package.json',
  'app/node_modules/.bin/package.json',
  'var/lib/dpkg/status-old',
  'var/lib/dpkg/info/libc6.md5sums',
  'var/lib/dpkg/info/.list',
  'lib/apk/db/scripts.tar',
];

const texts = (r: LayerRecords) => layerIndex(null, r, 0).texts;

function pushed(tar: Buffer, chunk: number) {
  const h = layerScan.start();
  for (let i = 0; i < tar.length; i += chunk) layerScan.push(h, tar.subarray(i, i + chunk));
  return texts(layerScan.end(h));
}

describe('the kept-text policy', () => {
  const entries: TarEntry[] = [...KEPT, ...NOT_KEPT].map((name) => ({ name, body: `text of ${name}\n` }));
  // Over its cap: a package.json of 64 KiB + 1 is unknown, not half-read.
  entries.push({ name: 'app/node_modules/big/package.json', body: 'x'.repeat(64 * 1024 + 1) });
  const tar = buildTar(entries);
  const want = KEPT.map((n) => [`/${n}`, `text of ${n}\n`]);

  it('keeps the files the loader model reads and nothing else, pushed in chunks and at offsets', async () => {
    for (const chunk of [1 << 20, 4096, 513, 7]) expect({ chunk, got: pushed(tar, chunk) }).toEqual({ chunk, got: want });
    const file = join(tempDir(), 'layer.tar');
    writeFileSync(file, tar);
    expect(await layerScanFile(file, 0, tar.length).then(texts)).toEqual(want);
  });

  it('keeps the same texts of a root filesystem directory', async () => {
    const root = tempDir();
    for (const e of entries) {
      mkdirSync(dirname(join(root, e.name)), { recursive: true });
      writeFileSync(join(root, e.name), e.body!);
    }
    const { listing } = await dirList(root);
    const got = await layerScanDir(listing).then(texts);
    expect(got.sort()).toEqual([...want].sort());
  });
});
