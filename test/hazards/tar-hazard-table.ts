// The spec §9 tar hazards, one table: for each hazard (named as the spec names it) the archives
// that show it, built in code, and what every reader must make of them — the entries (name as
// written in the archive, type, size, and mode, link and body where they matter) or the one
// sentence it must fail with. tar-hazard-drivers.ts runs each case through every reader.

import { buildTar, gzip, headerBlock, paxBody, patternBytes, rawTar, zstd, type SparseSpec, type TarEntry } from '../helpers/tar-builder.js';

/** What a tar entry is, as the walker reports it. */
export type EntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface ExpectedEntry {
  name: string;
  /** Default 'file'. */
  type?: EntryType;
  size: number;
  mode?: number;
  linkname?: string;
  /** The (stored) body, where the case is about it. */
  body?: Buffer;
}

export interface HazardCase {
  name: string;
  bytes: () => Buffer;
  /** The entries (with `error`, those before the failure: documentation, as a failed walk reports none). */
  entries?: ExpectedEntry[];
  /** The sentence after "where: ". */
  error?: string | RegExp;
  /** The bytes are a compressed layer. */
  compress?: 'gzip' | 'zstd';
  /** Chunk sizes to push in, where the default set would take too long. */
  chunks?: number[];
}

const MIB = 1 << 20;

/** A body that starts like a script, so that even a layer walk (which keeps only a `#!` line's
 *  bytes) can be held to its first bytes. */
const script = (n: number, seed = 0) => Buffer.concat([Buffer.from('#!'), patternBytes(n - 2, seed)]);
const NINE_GIB = 9 * 2 ** 30;

/** 3 MiB of "body" that is itself a valid little tar: it must be read as body bytes only. */
const bodyThatLooksLikeTar = () => Buffer.concat([buildTar([{ name: 'not-an-entry', body: 'x' }]), Buffer.alloc(3 * MIB)]);

/** A PAX body of exactly n bytes: a path record, then a comment record filling the rest. */
function paxOfSize(n: number, path: string): Buffer {
  const head = paxBody({ path });
  const len = n - head.length; // "LEN comment=VALUE\n" is len bytes, LEN included
  const value = 'c'.repeat(len - String(len).length - ' comment=\n'.length);
  const b = Buffer.concat([head, Buffer.from(`${len} comment=${value}\n`)]);
  if (b.length !== n) throw new Error(`cannot build a PAX body of ${n} bytes`);
  return b;
}

function longNameArchive(flag: 'L' | 'K', bodyLength: number): Buffer {
  const body = Buffer.alloc(bodyLength, 'n'.charCodeAt(0));
  body[bodyLength - 1] = 0;
  return rawTar([
    headerBlock({ name: '././@LongLink', typeflag: flag, size: body.length, format: 'gnu' }),
    body,
    headerBlock({ name: 'short', typeflag: flag === 'L' ? '0' : '2', size: 0, linkname: 'short-target', format: 'gnu' }),
  ]);
}

const longName = `${'usr/lib/node_modules/some-package/'.repeat(5)}build/Release/addon.node`;
const body3000 = script(3000);
const sizePax = paxBody({ size: String(body3000.length), mtime: '1700000000' });
const nameBody = Buffer.from(`${longName}\0`);
/** The real entry (its size field 0: the PAX record gives 3000), then one more. */
const realEntry = () => [
  headerBlock({ name: longName.slice(0, 99), typeflag: '0', size: 0 }),
  body3000,
  headerBlock({ name: 'etc/after', typeflag: '0', size: 5 }),
  Buffer.from('after'),
];
const paxThenL = () =>
  rawTar([
    headerBlock({ name: 'PaxHeaders/addon.node', typeflag: 'x', size: sizePax.length }),
    sizePax,
    headerBlock({ name: '././@LongLink', typeflag: 'L', size: nameBody.length, format: 'gnu' }),
    nameBody,
    ...realEntry(),
  ]);
const lThenPax = () =>
  rawTar([
    headerBlock({ name: '././@LongLink', typeflag: 'L', size: nameBody.length, format: 'gnu' }),
    nameBody,
    headerBlock({ name: 'PaxHeaders/addon.node', typeflag: 'x', size: sizePax.length }),
    sizePax,
    ...realEntry(),
  ]);
const longThenAfter: ExpectedEntry[] = [
  { name: longName, size: 3000, body: body3000 },
  { name: 'etc/after', size: 5, body: Buffer.from('after') },
];

function sparseArchive(sparse: SparseSpec): Buffer {
  const stored = sparse.map.reduce((a, [, n]) => a + n, 0);
  return buildTar([{ name: 'before', body: 'b' }, { name: 'usr/lib/libsparse.so', sparse, body: script(stored, 5) }, { name: 'after', body: 'after' }]);
}
const small: [number, number][] = [
  [0, 1000],
  [8192, 512],
  [65536, 3],
];
// 30 segments: 4 in the header, then two extension blocks of up to 21.
const many: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * 4096, 100 + i] as [number, number]);
const sparseCase = (name: string, sparse: SparseSpec): HazardCase => ({
  name: `${name}: real size, stored data as body, next entry intact`,
  bytes: () => sparseArchive(sparse),
  entries: [
    { name: 'before', size: 1, body: Buffer.from('b') },
    { name: 'usr/lib/libsparse.so', size: sparse.realSize, body: script(sparse.map.reduce((a, [, n]) => a + n, 0), 5) },
    { name: 'after', size: 5, body: Buffer.from('after') },
  ],
});

// bin/app: header 0, body 512–1212, padding to 1536; etc/conf: header 1536, body 2048–2052, padding to 2560.
const full = () => buildTar([{ name: 'bin/app', body: patternBytes(700) }, { name: 'etc/conf', body: 'k=v\n' }]);
const lastEntryEnd = 2560;
const fullEntries: ExpectedEntry[] = [
  { name: 'bin/app', size: 700, body: patternBytes(700) },
  { name: 'etc/conf', size: 4, body: Buffer.from('k=v\n') },
];
const cut = (name: string, at: number, error?: string): HazardCase => ({ name, bytes: () => full().subarray(0, at), ...(error ? { error } : { entries: fullEntries }) });

const capError = 'tar entry header larger than 1 MiB';
const big = [1, 513, 65536];

/** The spec §9 tar hazards, in the spec's words. */
export type TarHazard =
  | 'base-256 sizes over 8 GiB'
  | 'PAX and GNU long-name headers capped (1 MiB, as Go does)'
  | 'a PAX size followed by a GNU long-name entry parsed without desynchronizing'
  | 'GNU sparse entries'
  | 'a truncated final block';

export const TAR_HAZARDS: Record<TarHazard, HazardCase[]> = {
  'base-256 sizes over 8 GiB': [
    {
      name: 'a 9 GiB base-256 size: what follows is its body, not headers',
      bytes: () => Buffer.concat([headerBlock({ name: 'var/lib/big.img', typeflag: '0', size: NINE_GIB, base256Size: true, format: 'gnu' }), bodyThatLooksLikeTar()]),
      entries: [{ name: 'var/lib/big.img', size: NINE_GIB, mode: 0o644, linkname: '' }],
      error: 'archive is truncated',
      chunks: big,
    },
    {
      name: 'a 9 GiB size given by a PAX size record',
      bytes: () => {
        const pax = paxBody({ size: String(NINE_GIB) });
        return Buffer.concat([
          headerBlock({ name: 'PaxHeaders/big', typeflag: 'x', size: pax.length }),
          Buffer.concat([pax, Buffer.alloc(512 - pax.length)]),
          headerBlock({ name: 'big', typeflag: '0', size: 0 }),
          bodyThatLooksLikeTar(),
        ]);
      },
      entries: [{ name: 'big', size: NINE_GIB }],
      error: 'archive is truncated',
      chunks: [4096],
    },
    {
      name: 'a base-256 size of exactly 2^53 - 1 is read exactly',
      bytes: () => headerBlock({ name: 'm', typeflag: '0', size: 2 ** 53 - 1, base256Size: true, format: 'gnu' }),
      entries: [{ name: 'm', size: Number.MAX_SAFE_INTEGER }],
      error: 'archive is truncated',
    },
    {
      name: 'a base-256 size of 2^56 is refused',
      bytes: () =>
        headerBlock({
          name: 'o',
          typeflag: '0',
          size: 0,
          format: 'gnu',
          extra: (b) => {
            b.fill(0, 124, 136);
            b[124] = 0x80;
            b[128] = 0x01; // 2^56
          },
        }),
      error: 'tar entry at offset 0 declares a size of 2^53 bytes or more',
    },
    {
      name: 'a base-256 size on an entry that really has its body',
      bytes: () => buildTar([{ name: 'small', body: 'twelve bytes', base256Size: true }, { name: 'next', body: 'n' }]),
      entries: [
        { name: 'small', size: 12, body: Buffer.from('twelve bytes') },
        { name: 'next', size: 1, body: Buffer.from('n') },
      ],
    },
  ],

  'PAX and GNU long-name headers capped (1 MiB, as Go does)': [
    {
      name: 'PAX: a header of exactly 1 MiB is read',
      bytes: () =>
        rawTar([
          headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: MIB }),
          paxOfSize(MIB, 'the/long/path'),
          headerBlock({ name: 'x', typeflag: '0', size: 1 }),
          Buffer.from('!'),
        ]),
      entries: [{ name: 'the/long/path', size: 1, body: Buffer.from('!') }],
    },
    {
      name: 'PAX: a header of 1 MiB + 1 byte is refused',
      bytes: () => rawTar([headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: MIB + 1 }), paxOfSize(MIB + 1, 'p')]),
      error: capError,
    },
    {
      name: 'PAX: a declared 4 GiB header is refused from its header block alone',
      bytes: () => headerBlock({ name: 'PaxHeaders/x', typeflag: 'x', size: 4 * 2 ** 30 }),
      entries: [],
      error: capError,
    },
    {
      name: 'PAX: global headers are capped too, although their contents are ignored',
      bytes: () => rawTar([headerBlock({ name: 'global', typeflag: 'g', size: MIB + 1 })]),
      error: capError,
    },
    {
      name: 'PAX: the PAX 1.0 sparse map that opens a sparse file body is capped',
      bytes: () => {
        // A map that never ends: a segment count of 10^6 and then only padding.
        const map = Buffer.alloc(MIB + 4096);
        map.write('1000000\n');
        const records = paxBody({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '10' });
        return rawTar([
          headerBlock({ name: 'PaxHeaders/s', typeflag: 'x', size: records.length }),
          records,
          headerBlock({ name: 'GNUSparseFile.0/s', typeflag: '0', size: map.length }),
          map,
        ]);
      },
      error: capError,
    },
    {
      name: 'PAX: the cap is per header (50 long PAX paths in a row)',
      bytes: () => buildTar(Array.from({ length: 50 }, (_, i): TarEntry => ({ name: `f${i}`, pax: { path: `${'d/'.repeat(200)}f${i}` }, body: `${i}` }))),
      entries: Array.from({ length: 50 }, (_, i) => ({ name: `${'d/'.repeat(200)}f${i}`, size: String(i).length, body: Buffer.from(`${i}`) })),
    },
    {
      name: 'GNU: a long name of exactly 1 MiB (NUL included) is read',
      bytes: () => longNameArchive('L', MIB),
      entries: [{ name: 'n'.repeat(MIB - 1), size: 0 }],
    },
    {
      name: 'GNU: a long link name of exactly 1 MiB is read',
      bytes: () => longNameArchive('K', MIB),
      entries: [{ name: 'short', type: 'symlink', size: 0, linkname: 'n'.repeat(MIB - 1) }],
    },
    { name: "GNU: an 'L' entry of 1 MiB + 1 byte is refused", bytes: () => longNameArchive('L', MIB + 1), error: capError },
    { name: "GNU: a 'K' entry of 1 MiB + 1 byte is refused", bytes: () => longNameArchive('K', MIB + 1), error: capError },
    {
      name: 'GNU: a declared 10 GiB long name is refused from its header block alone',
      bytes: () => headerBlock({ name: '././@LongLink', typeflag: 'L', size: 10 * 2 ** 30, base256Size: true, format: 'gnu' }),
      entries: [],
      error: capError,
    },
  ],

  'a PAX size followed by a GNU long-name entry parsed without desynchronizing': [
    { name: 'x then L: the size goes to the real entry and the next header is found', bytes: paxThenL, entries: longThenAfter },
    { name: 'L then x: the same', bytes: lThenPax, entries: longThenAfter },
    {
      name: 'x then L inside a gzip layer written a byte at a time',
      bytes: () => gzip(paxThenL()),
      compress: 'gzip',
      chunks: [1],
      entries: longThenAfter,
    },
    {
      name: 'the PAX size applies to one entry only',
      bytes: () =>
        rawTar([
          headerBlock({ name: 'PaxHeaders/a', typeflag: 'x', size: sizePax.length }),
          sizePax,
          headerBlock({ name: 'a', typeflag: '0', size: 0 }),
          body3000,
          headerBlock({ name: 'b', typeflag: '0', size: 2 }),
          Buffer.from('bb'),
        ]),
      entries: [
        { name: 'a', size: 3000, body: body3000 },
        { name: 'b', size: 2, body: Buffer.from('bb') },
      ],
    },
  ],

  'GNU sparse entries': [
    sparseCase('old GNU, map in the header', { realSize: 70000, map: small }),
    sparseCase('old GNU, map in extension blocks', { realSize: 30 * 4096, map: many }),
    sparseCase('old GNU, ending in a hole', { realSize: 1 << 30, map: [[0, 10]] }),
    sparseCase('PAX 0.0', { realSize: 70000, map: small, format: 'pax-0.0' }),
    sparseCase('PAX 0.1', { realSize: 70000, map: small, format: 'pax-0.1' }),
    sparseCase('PAX 1.0', { realSize: 70000, map: small, format: 'pax-1.0' }),
    sparseCase('PAX 1.0, map longer than one block', {
      realSize: 30 * 4096,
      map: many.concat(Array.from({ length: 60 }, (_, i) => [200000 + i * 10, 1] as [number, number])),
      format: 'pax-1.0',
    }),
    {
      // before: 1024 bytes; sparse header at 1024, extension blocks at 1536 and 2048.
      name: 'a truncated extension block is a truncated archive',
      bytes: () => sparseArchive({ realSize: 30 * 4096, map: many }).subarray(0, 1800),
      error: 'archive is truncated',
    },
    {
      name: 'a PAX 1.0 map that is not numbers is refused',
      bytes: () => {
        const bad = Buffer.from(sparseArchive({ realSize: 70000, map: small, format: 'pax-1.0' }));
        bad.write('x', bad.indexOf('3\n0\n1000\n'));
        return bad;
      },
      error: /corrupt sparse map in tar entry at offset \d+/,
    },
  ],

  'a truncated final block': [
    cut('both zero blocks', 3584),
    cut('no end-of-archive marker at all', lastEntryEnd),
    cut('a single zero block', lastEntryEnd + 512),
    cut('a zero block cut short', lastEntryEnd + 100),
    cut('the second zero block cut short', lastEntryEnd + 512 + 300),
    cut('the last body, its padding cut short (umoci insert)', 2100),
    cut('the last body and all but one byte of its padding', lastEntryEnd - 1),
    cut('the last body and no padding at all', 2052),
    cut('data stopping inside a header is a truncated archive', 1536 + 300, 'archive is truncated'),
    cut('data stopping inside a body is a truncated archive', 2050, 'archive is truncated'),
    cut('data stopping one byte short of the last body is a truncated archive', 2051, 'archive is truncated'),
    cut('data stopping inside the first header is a truncated archive', 400, 'archive is truncated'),
    { name: 'a gzip layer whose tar has no end-of-archive marker', bytes: () => gzip(full().subarray(0, lastEntryEnd)), compress: 'gzip', chunks: [999], entries: fullEntries },
    { name: 'a zstd layer whose tar has no end-of-archive marker', bytes: () => zstd(full().subarray(0, lastEntryEnd)), compress: 'zstd', chunks: [999], entries: fullEntries },
    { name: 'a gzip layer whose tar stops inside a body', bytes: () => gzip(full().subarray(0, 2050)), compress: 'gzip', chunks: [65536], error: 'archive is truncated' },
    {
      name: 'anything after the two zero blocks is ignored',
      bytes: () => Buffer.concat([full(), Buffer.from('\x00\x00junk that is not a header'), Buffer.alloc(700, 7)]),
      entries: fullEntries,
    },
  ],
};
