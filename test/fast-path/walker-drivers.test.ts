// The layer walker's drivers agree: a layer pushed in chunks of any size (as stdin, a registry
// or a streamed archive gives it) and the same layer read from a file at offsets (as a layer
// blob or a layer nested in a docker-save tarball is) give the same LayerIndex, or the same
// sentence, on every kind of tar — GNU long names, PAX path / linkpath / size, sparse files in all
// four formats, base-256 sizes, padding, truncation, damage — including real system libraries
// whose wanted ranges lie past the kept prefix.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfscanError } from '../../src/errors.js';
import { layerIndex } from '../../src/layers/layer-index.js';
import type { LayerIndex } from '../../src/model.js';
import { layerScan, layerScanFile, nativeError } from '../../src/native.js';
import { FIXTURES, tempDir } from '../helpers/image-builder.js';
import { buildTar, headerBlock, patternBytes, paxBody, rawTar, type TarEntry } from '../helpers/tar-builder.js';

const WHERE = 'img.tar: layer sha256:abc';

type Outcome = { error: string } | { index: unknown };

async function outcome(run: () => LayerIndex | Promise<LayerIndex>): Promise<Outcome> {
  try {
    // The entries are a view over the walker's records: listed, so that they are compared.
    const index = (await run()) as LayerIndex;
    return { index: JSON.parse(JSON.stringify({ ...index, entries: [...index.entries] })) };
  } catch (e) {
    const err = nativeError(e, WHERE);
    expect(err).toBeInstanceOf(ElfscanError);
    return { error: (err as Error).message };
  }
}

function pushed(tar: Buffer, chunk: number): Promise<Outcome> {
  return outcome(() => {
    const h = layerScan.start();
    for (let i = 0; i < tar.length; i += chunk) layerScan.push(h, tar.subarray(i, i + chunk));
    return layerIndex(null, layerScan.end(h), tar.length);
  });
}

function walked(tar: Buffer, dir: string): Promise<Outcome> {
  // Behind a prefix, as a layer nested in an outer archive is.
  const file = join(dir, 'layer.bin');
  writeFileSync(file, Buffer.concat([Buffer.from('prefix!!'), tar, Buffer.from('trailing bytes')]));
  return outcome(async () => layerIndex(null, await layerScanFile(file, 8, tar.length), tar.length));
}

function fixtureFiles(): TarEntry[] {
  const out: TarEntry[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, dir.name))) out.push({ name: `usr/lib/${dir.name}/${f}`, body: readFileSync(join(FIXTURES, dir.name, f)), mode: 0o755 });
  }
  return out;
}

/** Real system libraries (large ELF files whose wanted ranges lie past the 256 KiB prefix). */
function systemLibraries(): TarEntry[] {
  const out: TarEntry[] = [];
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu']) {
    for (const f of ['libc.so.6', 'libstdc++.so.6', 'libcrypto.so.3', 'libm.so.6']) {
      const p = join(dir, f);
      if (existsSync(p) && out.length < 4) out.push({ name: `sys/${f}`, body: readFileSync(p) });
    }
  }
  return out;
}

const ELF_HEAD = readFileSync(join(FIXTURES, 'arm64', 'hello'));

const cases: [string, Buffer][] = [
  [
    'every fixture binary, scripts, loader configuration, links, whiteouts',
    buildTar([
      ...fixtureFiles(),
      { name: 'usr/bin/script', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
      { name: 'usr/bin/crlf', body: '#!/usr/bin/env python3\r\nprint(1)\n' },
      { name: 'usr/bin/long-shebang', body: `#!/${'x'.repeat(400)}\n` },
      { name: 'usr/bin/no-newline', body: '#!/bin/true' },
      { name: 'etc/ld.so.conf', body: 'include /etc/ld.so.conf.d/*.conf\n' },
      { name: 'etc/ld.so.conf.d/x.conf', body: '/opt/lib\n' },
      { name: './etc//ld.so.conf.d/../ld.so.conf.d/y.conf', body: '/opt/lib2\n' },
      { name: 'etc/ld-musl-aarch64.path', body: '/lib:/usr/lib\n' },
      { name: 'etc/ld.so.conf.d/big.conf', body: 'x'.repeat(17000) },
      { name: 'etc/empty', body: '' },
      { name: 'usr/lib/dir/', type: 'directory' },
      { name: 'usr/lib/link', type: 'symlink', linkname: '../lib/x86/libhello.so' },
      { name: 'usr/lib/hard', type: 'hardlink', linkname: './usr/lib/arm64/hello' },
      { name: 'usr/lib/.wh.gone', body: '' },
      { name: 'usr/.wh..wh..opq', body: '' },
      { name: 'usr/lib/.wh..wh.plnk', body: 'aufs' },
      { name: '../../escape/hello', body: ELF_HEAD },
      { name: './', body: 'x' },
      { name: 'dev/fifo', type: 'fifo' },
      { name: 'java/Hello.class', body: readFileSync(join(FIXTURES, 'java', 'Hello.class')) },
      { name: 'shortmz', body: 'MZ' },
      { name: 'elf-cut', body: ELF_HEAD.subarray(0, 100) },
      { name: 'elf-3', body: ELF_HEAD.subarray(0, 3) },
    ]),
  ],
  ['large system libraries (wanted ranges past the prefix: captures, tail)', buildTar(systemLibraries())],
  [
    'an ELF file whose headers lie past the first 4 KiB',
    buildTar([{ name: 'padded', body: Buffer.concat([ELF_HEAD.subarray(0, 64), Buffer.alloc(9000), ELF_HEAD.subarray(64)]) }]),
  ],
  [
    'GNU long names and long link names, PAX path, linkpath and size',
    buildTar([
      { name: `usr/lib/${'n'.repeat(150)}/hello`, body: ELF_HEAD, gnuLongName: true },
      { name: `usr/lib/${'l'.repeat(120)}`, type: 'symlink', linkname: `../${'t'.repeat(130)}`, gnuLongName: true },
      { name: 'ignored', body: ELF_HEAD, pax: { path: `opt/${'p'.repeat(200)}/hello`, mtime: '1.5' } },
      { name: 'lnk', type: 'symlink', linkname: 'x', pax: { linkpath: `/${'q'.repeat(300)}` } },
      { name: 'sized', body: patternBytes(3000), pax: { size: '3000' } },
      { name: 'unicode-é-名', body: '#!/bin/é\n' },
    ]),
  ],
  [
    'a PAX size followed by a GNU long-name entry',
    rawTar([
      headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: paxBody({ size: '5' }).length }),
      Buffer.concat([paxBody({ size: '5' }), Buffer.alloc(512 - (paxBody({ size: '5' }).length % 512))]),
      headerBlock({ name: '././@LongLink', typeflag: 'L', size: 12, format: 'gnu' }),
      Buffer.concat([Buffer.from('long/name/x\0'), Buffer.alloc(500)]),
      headerBlock({ name: 'short', typeflag: '0', size: 0, format: 'gnu' }),
      Buffer.concat([Buffer.from('hello'), Buffer.alloc(507)]),
      headerBlock({ name: 'after', typeflag: '0', size: 0 }),
    ]),
  ],
  [
    'sparse files in every format',
    buildTar([
      { name: 'a', body: 'before' },
      { name: 'old', sparse: { realSize: 70000, map: [[0, 1000], [8192, 512], [65536, 3]] }, body: patternBytes(1515) },
      { name: 'ext', sparse: { realSize: 30 * 4096, map: Array.from({ length: 30 }, (_, i) => [i * 4096, 100 + i] as [number, number]) }, body: patternBytes(30 * 100 + 435) },
      { name: 'p00', sparse: { realSize: 70000, map: [[0, 1000], [65536, 3]], format: 'pax-0.0' }, body: patternBytes(1003) },
      { name: 'p01', sparse: { realSize: 70000, map: [[0, 1000], [65536, 3]], format: 'pax-0.1' }, body: patternBytes(1003) },
      { name: 'p10', sparse: { realSize: 70000, map: [[0, 1000], [65536, 3]], format: 'pax-1.0' }, body: Buffer.concat([ELF_HEAD.subarray(0, 1000), Buffer.alloc(3)]) },
      { name: 'z', body: 'after' },
    ]),
  ],
  ['base-256 sizes, v7 headers, a ustar prefix, a global header', buildTar([
    { name: 'b256', body: patternBytes(700), base256Size: true },
    { name: 'v7file', body: 'v7', format: 'v7' },
    { name: 'v7dir/', typeflag: '\0', format: 'v7' },
    { name: 'file', prefix: 'very/long/prefix', body: ELF_HEAD },
    { name: 'global', typeflag: 'g', body: paxBody({ comment: 'x' }) },
    { name: 'signed', body: 'é', checksum: 'signed' },
  ])],
  ['a lone zero block between entries, one end block', Buffer.concat([buildTar([{ name: 'a', body: 'a' }], { endBlocks: 1 }), buildTar([{ name: 'b', body: ELF_HEAD }], { endBlocks: 1 })])],
  ['no end blocks', buildTar([{ name: 'a', body: ELF_HEAD }], { endBlocks: 0 })],
  ['an empty stream', Buffer.alloc(0)],
  ['a bad checksum', buildTar([{ name: 'a', body: 'a' }, { name: 'b', body: 'b', checksum: 'bad' }])],
  ['not a tar at all', Buffer.from('{"this": "is json, not a tar archive at all"}'.repeat(20))],
  ['a PAX header over 1 MiB', rawTar([headerBlock({ name: 'x', typeflag: 'x', size: (1 << 20) + 1 })])],
  ['a corrupt PAX record', buildTar([{ name: 'a', body: 'a', pax: { size: 'twelve' } }])],
];

// Truncations of a tar with an ELF file whose body streams past (every state of the reader).
const base = buildTar([
  { name: 'usr/bin/hello', body: ELF_HEAD, mode: 0o755 },
  { name: `l/${'n'.repeat(120)}`, body: 'x', gnuLongName: true },
  { name: 'p', body: 'y', pax: { path: 'pp' } },
]);
for (const cut of [100, 512, 700, 512 + ELF_HEAD.length - 10, 512 + ELF_HEAD.length + 10, base.length - 1030, base.length - 700, base.length - 100]) {
  cases.push([`cut at byte ${cut}`, base.subarray(0, cut)]);
}
const badUtf8 = buildTar([{ name: 'ab', body: '#!/x\n' }]);
badUtf8[0] = 0xff; // a name that is not UTF-8; fix the checksum
badUtf8.write('        ', 148, 'latin1');
badUtf8.write(`${badUtf8.subarray(0, 512).reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
cases.push(['a name that is not UTF-8', badUtf8]);

describe('pushed in chunks and read at offsets, a layer gives the same entries', () => {
  it.each(cases)('%s', async (_name, tar) => {
    const want = await pushed(tar, 1 << 20);
    for (const chunk of [65536, 4096, 513, 7]) expect({ chunk, got: await pushed(tar, chunk) }).toEqual({ chunk, got: want });
    expect(await walked(tar, tempDir())).toEqual(want);
  });

  it('the case set holds binaries, texts, scripts and errors (the comparison is not vacuous)', async () => {
    const outcomes = await Promise.all(cases.map(([, t]) => pushed(t, 1 << 20)));
    const indexes = outcomes.flatMap((o) => ('index' in o ? [o.index as { entries: { facts?: unknown; shebang?: string }[]; texts: unknown[] }] : []));
    const entries = indexes.flatMap((i) => i.entries);
    expect(entries.filter((e) => e.facts).length).toBeGreaterThan(40);
    expect(indexes.flatMap((i) => i.texts).length).toBeGreaterThanOrEqual(4);
    expect(entries.filter((e) => e.shebang !== undefined).length).toBeGreaterThanOrEqual(4);
    expect(outcomes.filter((o) => 'error' in o).length).toBeGreaterThanOrEqual(8);
  });
});
