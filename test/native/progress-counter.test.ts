// Progress counters of the native walks on the thread pool: a counter starts at 0, a walk moves it
// through the stored bytes of its input and leaves it at the whole length when it succeeds (plain,
// gzip, zstd and outer walks of a file range; a root filesystem directory: its files' sizes), and
// a counter and a scan handle are never taken for each other.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

import { ElfscanError } from '../../src/errors.js';
import {
  dirList,
  layerScan,
  layerScanDir,
  layerScanFile,
  loadAddon,
  newProgressCounter,
  outerScan,
  outerScanFile,
  progressCounterValue,
  type LayerRecords,
  type LoaderEnv,
  type ProgressCounter,
} from '../../src/native.js';
import { fixture, tempDir } from '../helpers/image-builder.js';
import { buildTar, patternBytes, zstd, type TarEntry } from '../helpers/tar-builder.js';
import { thrownMessage } from '../helpers/thrown.js';

/** Real ELF files (classified), a script, a large body the plain walk skips, many small files. */
function layer(): Buffer {
  const entries: TarEntry[] = [
    { name: 'usr/bin/hello', body: fixture('arm64/hello'), mode: 0o755 },
    { name: 'usr/lib/libhello.so', body: fixture('amd64/libhello.so') },
    { name: 'usr/bin/run.sh', body: '#!/bin/sh\nexec hello\n', mode: 0o755 },
    { name: 'usr/share/big.dat', body: patternBytes(3 << 20, 1) },
    { name: 'etc/', type: 'directory' },
  ];
  for (let i = 0; i < 400; i++) entries.push({ name: `usr/share/doc/f${i}`, body: patternBytes(200 + (i % 900), i) });
  return buildTar(entries);
}

/** `bytes` behind `prefix` and followed by unrelated bytes, as a layer nested in a file is. */
function writeAt(name: string, prefix: string, bytes: Buffer): string {
  const file = join(tempDir(), name);
  writeFileSync(file, Buffer.concat([Buffer.from(prefix), bytes, Buffer.from('trailing bytes, not part of the range')]));
  return file;
}

/** Records as plain data, so that two walks can be compared. */
const plain = (r: LayerRecords) => JSON.parse(JSON.stringify({ ...r, meta: [...r.meta] })) as unknown;

const typeError = (f: () => unknown): string => thrownMessage(f, TypeError);

describe('progress counters of file walks', () => {
  const tar = layer();

  it('a plain walk moves its counter from 0 to the range length', async () => {
    const file = writeAt('layer.tar', 'prefix!!', tar);
    const counter = newProgressCounter();
    expect(progressCounterValue(counter)).toBe(0);
    const records = await layerScanFile(file, 8, tar.length, counter);
    expect(progressCounterValue(counter)).toBe(tar.length);
    expect(records.count).toBe(405);
    // Without a counter (the four-argument call every caller makes today): the same records.
    expect(plain(await layerScanFile(file, 8, tar.length))).toEqual(plain(records));
  });

  it('a walk that ends on its zero blocks before the range does still ends at the length (the rest is padding)', async () => {
    const padded = Buffer.concat([tar, Buffer.alloc(1 << 20)]);
    const file = writeAt('padded.tar', '', padded);
    const counter = newProgressCounter();
    await layerScanFile(file, 0, padded.length, counter);
    expect(progressCounterValue(counter)).toBe(padded.length);
  });

  it.each([
    ['gzip', gzipSync],
    ['zstd', (b: Buffer) => zstd(b)],
  ])('a %s walk counts compressed bytes and ends at the compressed length', async (name, compress) => {
    const z = compress(tar);
    const file = writeAt(`layer.tar.${name}`, 'z', z);
    const counter = newProgressCounter();
    const records = await layerScanFile(file, 1, z.length, counter);
    expect(progressCounterValue(counter)).toBe(z.length);
    expect(plain(records)).toEqual(plain(await layerScanFile(writeAt('same.tar', '', tar), 0, tar.length)));
  });

  it('an outer walk ends at the range length', async () => {
    const file = writeAt('outer.tar', 'prefix!!', tar);
    const counter = newProgressCounter();
    const records = await outerScanFile(file, 8, tar.length, counter);
    expect(records?.count).toBe(405);
    expect(progressCounterValue(counter)).toBe(tar.length);
  });

  it('a directory walk counts its files’ sizes and ends at their sum', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'usr/bin'), { recursive: true });
    writeFileSync(join(dir, 'usr/bin/hello'), fixture('arm64/hello'));
    writeFileSync(join(dir, 'big'), patternBytes(3 << 20, 1));
    const { listing, bytes } = await dirList(dir);
    expect(bytes).toBe(fixture('arm64/hello').length + (3 << 20));
    const counter = newProgressCounter();
    const records = await layerScanDir(listing, counter);
    expect(records.names).toEqual(['/big', '/usr', '/usr/bin', '/usr/bin/hello']);
    expect(progressCounterValue(counter)).toBe(bytes);
    // A listing is read once.
    expect(typeError(() => layerScanDir(listing))).toMatch(/not an unread directory listing/);
  });

  it('a failing walk leaves its counter short of the length', async () => {
    // Cut among the small files after the big body, in the middle of a block.
    const cut = tar.subarray(0, tar.length - 100_000);
    const file = join(tempDir(), 'cut.tar');
    writeFileSync(file, cut);
    const counter = newProgressCounter();
    await expect(layerScanFile(file, 0, tar.length, counter)).rejects.toMatchObject({ code: 'ELFSCAN_TAR', message: 'archive is truncated' });
    expect(progressCounterValue(counter)).toBeGreaterThan(3 << 20);
    expect(progressCounterValue(counter)).toBeLessThanOrEqual(cut.length);
  });

  it('one counter per walk: two walks at once each end at their own length', async () => {
    const gz = gzipSync(tar);
    const a = newProgressCounter();
    const b = newProgressCounter();
    await Promise.all([
      layerScanFile(writeAt('a.tar', '', tar), 0, tar.length, a),
      layerScanFile(writeAt('b.tar.gz', '', gz), 0, gz.length, b),
    ]);
    expect([progressCounterValue(a), progressCounterValue(b)]).toEqual([tar.length, gz.length]);
  });
});

describe('counters and scan handles are not confused', () => {
  const chunk = new Uint8Array(512);

  it('reading a scan handle, a number or nothing as a counter throws a TypeError', () => {
    const scan = layerScan.start();
    const read = (v: unknown) => typeError(() => progressCounterValue(v as ProgressCounter));
    expect(read(scan)).toBe('elfscan native: progressCounterValue(counter): not a progress counter handle');
    expect(read(42)).toBe('elfscan native: progressCounterValue(counter): not a progress counter handle');
    expect(read(undefined)).toMatch(/^elfscan native: progressCounterValue/);
    expect(read({})).toMatch(/^elfscan native: progressCounterValue/);
    // The scan handle still works afterwards.
    layerScan.push(scan, new Uint8Array(1024));
    expect(layerScan.end(scan).count).toBe(0);
  });

  it('a layer scan handle and an outer scan handle are not taken for each other', () => {
    const outer = outerScan.start() as unknown as Parameters<typeof layerScan.push>[0];
    expect(typeError(() => layerScan.push(outer, chunk))).toMatch(/not a live layer scan handle/);
    const layer = layerScan.start() as unknown as Parameters<typeof outerScan.push>[0];
    expect(typeError(() => outerScan.end(layer))).toMatch(/not a live outer scan handle/);
    expect(typeError(() => layerScan.push(layerScan.start(), 'text' as unknown as Uint8Array))).toBe('elfscan native: a pushed chunk must be a Uint8Array');
  });

  it('pushing to or ending a counter throws, and leaves the counter as it was', () => {
    const counter = newProgressCounter() as unknown as Parameters<typeof layerScan.push>[0];
    expect(typeError(() => layerScan.push(counter, chunk))).toMatch(/^elfscan native: layerScanPush\/End\(handle, …\): not a live layer scan handle$/);
    expect(typeError(() => layerScan.end(counter))).toMatch(/not a live layer scan handle/);
    expect(progressCounterValue(counter as unknown as ProgressCounter)).toBe(0);
  });

  it('a walk given a scan handle or a number as its counter throws before it starts', () => {
    const scan = layerScan.start() as unknown as ProgressCounter;
    const file = writeAt('small.tar', '', buildTar([{ name: 'a', body: 'a' }]));
    expect(typeError(() => layerScanFile(file, 0, 2048, scan))).toMatch(/counter must be a progress counter handle/);
    expect(typeError(() => layerScanFile(file, 0, 2048, 7 as unknown as ProgressCounter))).toMatch(/counter must be a progress counter handle/);
    expect(typeError(() => outerScanFile(file, 0, 2048, scan))).toMatch(/counter must be a progress counter handle/);
  });
});

describe('interface version', () => {
  it('a build from before the progress counters (interface 2) is refused with the out-of-date sentence', () => {
    const old = { inspect() {}, layerScanFile() {}, interfaceVersion: 2 };
    const env: LoaderEnv = {
      host: { platform: 'linux', arch: 'x64', isGlibc: () => true },
      dir: '/pkg/native',
      exists: (p) => p === '/pkg/native/elfscan.linux-x64-gnu.node',
      list: () => ['elfscan.linux-x64-gnu.node'],
      load: () => old,
      packageDir: () => null,
    };
    expect(() => loadAddon(env)).toThrow(ElfscanError);
    expect(() => loadAddon(env)).toThrow(
      'elfscan: the native addon native/elfscan.linux-x64-gnu.node is out of date (interface 2, expected 10); rebuild it with `npm run build:native`',
    );
  });
});
