// The kept-text policy (native/src/layer/kept_text.rs, its cases tested there): on a layer
// holding every kind of file the loader model reads and their look-alikes, the native walker —
// pushed in chunks and reading a file at offsets — and the TypeScript collector, which asks the
// addon's keptTextCap(), keep exactly the same texts, and no others.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerEntryCollector } from '../../src/layers/layer-entries.js';
import { layerIndex, nativeTarSink } from '../../src/layers/layer-scanner.js';
import { TarReader } from '../../src/layers/tar-reader.js';
import { keptTextCap, layerScanFile } from '../../src/native.js';
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

const WHERE = 'img.tar: layer sha256:abc';
const texts = (index: { entries: { path: string; text?: Buffer }[] }) => index.entries.filter((e) => e.text !== undefined).map((e) => [e.path, e.text!.toString('utf8')]);

function tsCollector(tar: Buffer, chunk: number) {
  const c = new LayerEntryCollector(null);
  const r = new TarReader(c.onEntry, WHERE);
  for (let i = 0; i < tar.length; i += chunk) r.push(tar.subarray(i, i + chunk));
  r.end();
  return texts(c.finish(tar.length));
}

function nativePushed(tar: Buffer, chunk: number) {
  const s = nativeTarSink(WHERE);
  for (let i = 0; i < tar.length; i += chunk) s.push(tar.subarray(i, i + chunk));
  s.end();
  return texts(layerIndex(null, s.records!, tar.length));
}

async function nativeAtOffsets(tar: Buffer) {
  const file = join(tempDir(), 'layer.tar');
  writeFileSync(file, tar);
  return texts(layerIndex(null, await layerScanFile(file, 0, tar.length), tar.length));
}

describe('the kept-text policy', () => {
  const entries: TarEntry[] = [...KEPT, ...NOT_KEPT].map((name) => ({ name, body: `text of ${name}\n` }));
  // Over its cap: a package.json of 64 KiB + 1 is unknown, not half-read.
  entries.push({ name: 'app/node_modules/big/package.json', body: 'x'.repeat(64 * 1024 + 1) });
  const tar = buildTar(entries);

  it('keeps the files the loader model reads and nothing else, in TypeScript and in Rust alike', async () => {
    const want = KEPT.map((n) => [`/${n}`, `text of ${n}\n`]);
    expect(tsCollector(tar, 1 << 20)).toEqual(want);
    for (const chunk of [1 << 20, 4096, 513, 7]) expect({ chunk, got: nativePushed(tar, chunk) }).toEqual({ chunk, got: want });
    expect(await nativeAtOffsets(tar)).toEqual(want);
  });

  it('caps each kind by size', () => {
    expect(keptTextCap('/etc/ld.so.conf')).toBe(16 * 1024);
    expect(keptTextCap('/app/node_modules/x/package.json')).toBe(64 * 1024);
    expect(keptTextCap('/var/lib/dpkg/info/x.list')).toBe(4 << 20);
    expect(keptTextCap('/var/lib/dpkg/status')).toBe(32 << 20);
    expect(keptTextCap('/etc/passwd')).toBe(0);
  });
});
