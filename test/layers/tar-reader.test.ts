// TarReader: formats, fields, bodies, end of archive and malformed input — every archive is also
// read in 1-, 7-, 511-, 512-, 513- and 4096-byte chunks and must give identical results.

import { describe, expect, it } from 'vitest';
import { TarReader } from '../../src/layers/tar-reader.js';
import { buildTar, headerBlock, paxBody, patternBytes, rawTar } from '../helpers/tar-builder.js';
import { readTar, readTarAllChunkings } from './tar-collect.js';

const names = (r: { entries: { name: string }[] }) => r.entries.map((e) => e.name);

describe('ustar basics', () => {
  it('reads names, types, link names, sizes, modes and bodies', () => {
    const tar = buildTar([
      { name: 'etc/', type: 'directory', mode: 0o755 },
      { name: 'etc/hostname', body: 'box\n', mode: 0o644 },
      { name: 'usr/bin/tool', body: patternBytes(1000), mode: 0o4755 },
      { name: 'usr/bin/alias', type: 'symlink', linkname: 'tool' },
      { name: 'usr/bin/hard', type: 'hardlink', linkname: 'usr/bin/tool' },
      { name: 'dev/null', type: 'char' },
      { name: 'run/fifo', type: 'fifo' },
      { name: 'big.bin', body: patternBytes(512 * 3) },
      { name: 'empty', body: '' },
      { name: 'contig', type: 'contiguous', body: 'c' },
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map(({ body, ended, ...h }) => h)).toEqual([
      { name: 'etc/', type: 'directory', linkname: '', size: 0, mode: 0o755 },
      { name: 'etc/hostname', type: 'file', linkname: '', size: 4, mode: 0o644 },
      { name: 'usr/bin/tool', type: 'file', linkname: '', size: 1000, mode: 0o4755 },
      { name: 'usr/bin/alias', type: 'symlink', linkname: 'tool', size: 0, mode: 0o644 },
      { name: 'usr/bin/hard', type: 'hardlink', linkname: 'usr/bin/tool', size: 0, mode: 0o644 },
      { name: 'dev/null', type: 'other', linkname: '', size: 0, mode: 0o644 },
      { name: 'run/fifo', type: 'other', linkname: '', size: 0, mode: 0o644 },
      { name: 'big.bin', type: 'file', linkname: '', size: 1536, mode: 0o644 },
      { name: 'empty', type: 'file', linkname: '', size: 0, mode: 0o644 },
      { name: 'contig', type: 'file', linkname: '', size: 1, mode: 0o644 },
    ]);
    expect(r.entries[1]!.body!.toString()).toBe('box\n');
    expect(r.entries[2]!.body).toEqual(patternBytes(1000));
    expect(r.entries[7]!.body).toEqual(patternBytes(1536));
    expect(r.entries[8]!.body).toEqual(Buffer.alloc(0));
    expect(r.entries.every((e) => e.ended)).toBe(true);
    expect(r.bytesConsumed).toBe(tar.length);
  });

  it('joins the ustar prefix and name', () => {
    const tar = buildTar([{ name: 'file.so', prefix: 'usr/lib/x86_64-linux-gnu/very/deep', body: 'x' }]);
    expect(names(readTarAllChunkings(tar))).toEqual(['usr/lib/x86_64-linux-gnu/very/deep/file.so']);
  });

  it('ignores the prefix bytes of GNU headers (they hold atime/ctime there)', () => {
    const tar = rawTar([
      headerBlock({ name: 'a', typeflag: '0', size: 0, format: 'gnu', extra: (b) => b.write('junk', 345) }),
    ]);
    expect(names(readTarAllChunkings(tar))).toEqual(['a']);
  });

  it('reads a v7 header; a NUL typeflag with a trailing slash is a directory without a body', () => {
    const tar = rawTar([
      headerBlock({ name: 'olddir/', typeflag: '\0', size: 0, format: 'v7' }),
      headerBlock({ name: 'olddir/f', typeflag: '\0', size: 3, format: 'v7' }),
      Buffer.from('abc'),
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.type, e.body?.toString()])).toEqual([
      ['olddir/', 'directory', ''],
      ['olddir/f', 'file', 'abc'],
    ]);
  });

  it('decodes UTF-8 names', () => {
    const tar = buildTar([{ name: 'données/naïve-文件', body: 'x' }]);
    expect(names(readTarAllChunkings(tar))).toEqual(['données/naïve-文件']);
  });

  it('gives header-only types no body even when their size field is set (as Go does)', () => {
    const tar = rawTar([
      headerBlock({ name: 'd/', typeflag: '5', size: 600 }),
      headerBlock({ name: 'l', typeflag: '2', size: 10, linkname: 't' }),
      headerBlock({ name: 'f', typeflag: '0', size: 2 }),
      Buffer.from('ok'),
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.size, e.body?.length])).toEqual([
      ['d/', 600, 0],
      ['l', 10, 0],
      ['f', 2, 2],
    ]);
  });

  it('reports unknown types as other and skips their declared body', () => {
    const tar = buildTar([{ name: 'vol', typeflag: 'V', body: 'label' }, { name: 'next', body: 'n' }]);
    const r = readTarAllChunkings(tar);
    expect(r.entries.map((e) => [e.name, e.type, e.body?.toString()])).toEqual([
      ['vol', 'other', 'label'],
      ['next', 'file', 'n'],
    ]);
  });
});

describe('bodies', () => {
  it('skips bodies when onEntry returns null and still finds the next header', () => {
    const tar = buildTar([
      { name: 'skip-me', body: patternBytes(5000) },
      { name: 'keep', body: 'kept' },
    ]);
    const r = readTarAllChunkings(tar, { wantBody: (h) => h.name === 'keep' });
    expect(r.entries.map((e) => [e.name, e.body?.toString() ?? null])).toEqual([
      ['skip-me', null],
      ['keep', 'kept'],
    ]);
  });

  it('hands out views of the pushed chunk without copying', () => {
    const tar = buildTar([{ name: 'f', body: 'hello' }]);
    const seen: Buffer[] = [];
    const r = new TarReader(() => ({ data: (c) => seen.push(c), end: () => {} }), 't');
    r.push(tar);
    r.end();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.buffer).toBe(tar.buffer);
    expect(seen[0]!.toString()).toBe('hello');
  });

  it('calls end() on an empty body right away and data() never', () => {
    const calls: string[] = [];
    const r = new TarReader(() => ({ data: () => calls.push('data'), end: () => calls.push('end') }), 't');
    r.push(buildTar([{ name: 'e', body: '' }]));
    expect(calls).toEqual(['end']);
  });

  it('does not end a sink whose body was cut short', () => {
    const tar = buildTar([{ name: 'f', body: patternBytes(2000) }], { cutAt: 512 + 1000 });
    const r = readTar(tar, 100);
    expect(r.entries[0]!.ended).toBe(false);
    expect(r.error).toBe('test.tar: archive is truncated');
  });
});

describe('GNU long names', () => {
  it('reads GNU L and K entries for the next entry only', () => {
    const long = `${'deep/'.repeat(60)}lib.so`;
    const target = `${'target/'.repeat(40)}t`;
    const tar = buildTar([
      { name: long, body: 'elf', gnuLongName: true },
      { name: `${long}.link`, type: 'symlink', linkname: target, gnuLongName: true },
      { name: 'short', body: 's' },
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.linkname, e.body?.toString()])).toEqual([
      [long, '', 'elf'],
      [`${long}.link`, target, ''],
      ['short', '', 's'],
    ]);
  });

  it('lets a GNU long name win over a PAX path (Go order)', () => {
    const tar = buildTar([{ name: 'gnu-name', pax: { path: 'pax-name' }, gnuLongName: true, body: '' }]);
    expect(names(readTarAllChunkings(tar))).toEqual(['gnu-name']);
  });
});

describe('PAX', () => {
  it('reads path, linkpath and size and ignores other records', () => {
    const long = `${'p/'.repeat(100)}x`;
    const tar = buildTar([
      { name: 'short', pax: { path: long, mtime: '1700000000.5', 'SCHILY.xattr.user.a': 'v' }, body: 'b' },
      { name: 'lnk', type: 'symlink', pax: { linkpath: 'ü/target' } },
      { name: 'after', body: 'a' },
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.entries.map((e) => [e.name, e.linkname, e.body?.toString()])).toEqual([
      [long, '', 'b'],
      ['lnk', 'ü/target', ''],
      ['after', '', 'a'],
    ]);
  });

  it('takes the body size from a PAX size record', () => {
    // The header field says 0; the PAX record says 700 and the body really is 700 bytes.
    const body = patternBytes(700);
    const tar = rawTar([
      headerBlock({ name: 'pax', typeflag: 'x', size: paxBody({ size: '700' }).length }),
      paxBody({ size: '700' }),
      headerBlock({ name: 'f', typeflag: '0', size: 0 }),
      body,
      headerBlock({ name: 'g', typeflag: '0', size: 1 }),
      Buffer.from('!'),
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.size])).toEqual([
      ['f', 700],
      ['g', 1],
    ]);
    expect(r.entries[0]!.body).toEqual(body);
  });

  it('ignores global headers and applies an x header to one entry only', () => {
    const tar = buildTar([
      { name: 'global', typeflag: 'g', body: paxBody({ path: 'ignored', comment: 'c' }) },
      { name: 'a', pax: { path: 'renamed-a' }, body: '1' },
      { name: 'b', body: '2' },
    ]);
    expect(names(readTarAllChunkings(tar))).toEqual(['renamed-a', 'b']);
  });

  it('treats empty values as absent and NUL padding as the end of the records', () => {
    const records = Buffer.concat([paxBody({ path: '' }), Buffer.alloc(20)]);
    const tar = rawTar([
      headerBlock({ name: 'p', typeflag: 'x', size: records.length }),
      records,
      headerBlock({ name: 'header-name', typeflag: '0', size: 0 }),
    ]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(names(r)).toEqual(['header-name']);
  });

  it.each([
    ['no length', Buffer.from('path=x\n')],
    ['length past the end', Buffer.from('99 path=x\n')],
    ['no newline', Buffer.from('9 path=xy')],
    ['no key', Buffer.from('6 =xy\n')],
    ['bad size', paxBody({ size: '12a' })],
    ['negative size', paxBody({ size: '-1' })],
    ['size over 2^53', paxBody({ size: '9007199254740993' })],
  ])('rejects a malformed PAX header (%s)', (_why, records) => {
    const tar = rawTar([headerBlock({ name: 'p', typeflag: 'x', size: records.length }), records]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toMatch(/^test\.tar: corrupt PAX header at offset 0 \(/);
    expect(r.errorName).toBe('ElfscanError');
  });
});

describe('numeric fields', () => {
  function sizeField(bytes: number[] | string): Buffer {
    const b = headerBlock({ name: 'n', typeflag: '0', size: 0 });
    const field = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    b.fill(0, 124, 136);
    field.copy(b, 124);
    return headerBlock({ name: 'n', typeflag: '0', size: 0, extra: (x) => b.copy(x, 124, 124, 136) });
  }

  it.each([
    ['NUL-terminated', '00000000012\0', 10],
    ['space-terminated', '00000000012 ', 10],
    ['leading spaces', '        12\0\0', 10],
    ['leading NULs', '\x00'.repeat(8) + '012 ', 10],
    ['12 digits, no terminator', '000000000012', 10],
    ['all NUL', '\0'.repeat(12), 0],
    ['all spaces', ' '.repeat(12), 0],
  ])('parses an octal size (%s)', (_why, field, size) => {
    const tar = rawTar([sizeField(field), patternBytes(size)]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(r.entries[0]!.size).toBe(size);
    expect(r.entries[0]!.body).toEqual(patternBytes(size));
  });

  it('parses a base-256 size', () => {
    const tar = buildTar([{ name: 'b', body: patternBytes(1234), base256Size: true }, { name: 'next' }]);
    const r = readTarAllChunkings(tar);
    expect(r.entries.map((e) => [e.name, e.size])).toEqual([
      ['b', 1234],
      ['next', 0],
    ]);
    expect(r.entries[0]!.body).toEqual(patternBytes(1234));
  });

  it('rejects a size field with garbage', () => {
    const r = readTarAllChunkings(rawTar([sizeField('12x4')]));
    expect(r.error).toBe('test.tar: corrupt tar header at offset 0');
  });

  it('rejects a negative base-256 size', () => {
    const r = readTarAllChunkings(rawTar([sizeField([0xff, ...Array(11).fill(0xff)])]));
    expect(r.error).toBe('test.tar: corrupt tar header at offset 0');
  });

  it('rejects a base-256 size of 2^53 or more', () => {
    // 2^53 = 0x20_0000_0000_0000 in the last 7 bytes of the field.
    const r = readTarAllChunkings(rawTar([sizeField([0x80, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0])]));
    expect(r.error).toBe('test.tar: tar entry at offset 0 declares a size of 2^53 bytes or more');
  });

  it('accepts the largest exact size, 2^53 - 1, and then wants that many bytes', () => {
    const r = readTarAllChunkings(rawTar([sizeField([0x80, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]));
    expect(r.entries[0]!.size).toBe(2 ** 53 - 1);
    expect(r.error).toBe('test.tar: archive is truncated');
  });

  it('keeps only permission bits of the mode and reads a garbled mode as 0', () => {
    const tar = rawTar([
      headerBlock({ name: 'm', typeflag: '0', size: 0, mode: 0o100755 }),
      headerBlock({ name: 'g', typeflag: '0', size: 0, extra: (b) => b.write('zz', 100) }),
    ]);
    expect(readTarAllChunkings(tar).entries.map((e) => e.mode)).toEqual([0o755, 0]);
  });
});

describe('checksums', () => {
  it('accepts signed checksums (old Sun tar)', () => {
    // Bytes >= 0x80 make the signed and unsigned sums differ.
    const tar = rawTar([headerBlock({ name: 'ñandú', typeflag: '0', size: 0, checksum: 'signed' })]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(names(r)).toEqual(['ñandú']);
  });

  it('rejects a bad checksum with the header offset', () => {
    const tar = buildTar([
      { name: 'ok', body: patternBytes(600) },
      { name: 'bad', body: 'x', checksum: 'bad' },
    ]);
    const r = readTarAllChunkings(tar);
    expect(names(r)).toEqual(['ok']);
    expect(r.error).toBe('test.tar: corrupt tar header at offset 1536');
  });

  it('says "not a tar archive" when the first block is not a tar header', () => {
    const json = Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [] }).padEnd(2000, ' '));
    expect(readTarAllChunkings(json).error).toBe('test.tar: not a tar archive');
    // Shorter than one block:
    expect(readTarAllChunkings(Buffer.from('{"a":1}')).error).toBe('test.tar: not a tar archive');
  });

  it('says "corrupt tar header" when the first block has the ustar magic but a bad checksum', () => {
    const tar = buildTar([{ name: 'x', body: 'y', checksum: 'bad' }]);
    expect(readTarAllChunkings(tar).error).toBe('test.tar: corrupt tar header at offset 0');
  });
});

describe('end of archive', () => {
  const entries = [
    { name: 'a', body: patternBytes(100) },
    { name: 'b', body: patternBytes(512) },
  ];
  const full = buildTar(entries);
  const contentEnd = full.length - 1024;

  it('stops at two zero blocks and ignores what follows', () => {
    const tar = Buffer.concat([full, Buffer.from('trailing garbage that is not a header'.repeat(30))]);
    const r = readTarAllChunkings(tar);
    expect(r.error).toBeNull();
    expect(names(r)).toEqual(['a', 'b']);
    expect(r.bytesConsumed).toBe(tar.length);
  });

  it('accepts data ending at an entry boundary, after one zero block, or inside the trailer', () => {
    for (const cut of [contentEnd, contentEnd + 1, contentEnd + 511, contentEnd + 512, contentEnd + 1000]) {
      const r = readTarAllChunkings(full.subarray(0, cut));
      expect({ cut, error: r.error, names: names(r) }).toEqual({ cut, error: null, names: ['a', 'b'] });
    }
  });

  it('reports truncation inside a header or a body', () => {
    // a: header 0–512, body 512–612, padding 612–1024; b: header 1024–1536, body 1536–2048.
    for (const cut of [300, 511, 513, 611, 1100, 1535, 1536, 2047]) {
      const r = readTarAllChunkings(full.subarray(0, cut));
      expect({ cut, error: r.error }).toEqual({ cut, error: 'test.tar: archive is truncated' });
    }
  });

  it('accepts data that ends inside the padding after a whole body (umoci insert writes layers so)', () => {
    for (const cut of [612, 1023]) {
      const r = readTarAllChunkings(full.subarray(0, cut));
      expect({ cut, error: r.error, names: names(r) }).toEqual({ cut, error: null, names: ['a'] });
    }
  });

  it('calls a first block cut before its ustar magic "not a tar archive"', () => {
    // Fewer than 263 bytes cannot show the magic; such a stream is not a tar archive anyway.
    expect(readTarAllChunkings(full.subarray(0, 100)).error).toBe('test.tar: not a tar archive');
  });

  it('reports truncation after a PAX header or a GNU long name with no entry after it', () => {
    const pax = buildTar([{ name: 'x', pax: { path: 'long' } }], { endBlocks: 0 }).subarray(0, 1024);
    expect(readTarAllChunkings(pax).error).toBe('test.tar: archive is truncated');
    const gnu = buildTar([{ name: 'x', gnuLongName: true }], { endBlocks: 0 }).subarray(0, 1024);
    expect(readTarAllChunkings(gnu).error).toBe('test.tar: archive is truncated');
  });

  it('reads an empty stream and a stream of only zero blocks as an empty archive', () => {
    expect(readTarAllChunkings(Buffer.alloc(0))).toMatchObject({ entries: [], error: null });
    expect(readTarAllChunkings(Buffer.alloc(10240))).toMatchObject({ entries: [], error: null });
  });

  it('skips a lone zero block between entries, as GNU tar does', () => {
    const tar = rawTar([
      headerBlock({ name: 'a', typeflag: '0', size: 0 }),
      Buffer.alloc(512),
      headerBlock({ name: 'b', typeflag: '0', size: 0 }),
    ]);
    expect(names(readTarAllChunkings(tar))).toEqual(['a', 'b']);
  });
});

describe('failure handling', () => {
  it('rethrows the first error on every later call', () => {
    const r = new TarReader(() => null, 'x.tar');
    expect(() => r.push(Buffer.alloc(512, 1))).toThrow('x.tar: not a tar archive');
    expect(() => r.push(buildTar([]))).toThrow('x.tar: not a tar archive');
    expect(() => r.end()).toThrow('x.tar: not a tar archive');
  });

  it('propagates an error thrown by a sink and stays failed', () => {
    const r = new TarReader(
      () => ({
        data: () => {
          throw new Error('sink broke');
        },
        end: () => {},
      }),
      'x.tar',
    );
    expect(() => r.push(buildTar([{ name: 'a', body: 'x' }]))).toThrow('sink broke');
    expect(() => r.end()).toThrow('sink broke');
  });
});
