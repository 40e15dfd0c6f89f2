// The native walker against archives written by GNU tar itself (long names, every --format, and
// sparse files in old GNU and all three PAX sparse versions), pushed in every chunking and read at
// offsets, so the walker is checked against real bytes, not only against our own builder. Bodies
// are scripts, so that the bytes the walker keeps (a `#!` line's) show each was found.

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync, mkdirSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../src/native.js';
import { walkEveryWay } from './walk-layer.js';

const LONG = `${'long-directory-name/'.repeat(8)}libsomething.so.1`;
const SMALL = `#!${'x'.repeat(698)}`;
/** What the walker keeps of a script: its first shebangMax + 1 bytes. */
const kept = (body: string) => body.slice(0, limits().shebangMax + 1);
let dir = '';

function tar(...args: string[]): Buffer {
  const r = spawnSync('tar', ['-C', dir, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', ...args], {
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

describe('archives written by GNU tar', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'elfscan-tar-'));
    mkdirSync(join(dir, 'tree', ...LONG.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, 'tree', LONG), '#!long body');
    writeFileSync(join(dir, 'tree', 'small'), SMALL);
    symlinkSync(LONG, join(dir, 'tree', 'link-to-long'));
    linkSync(join(dir, 'tree', 'small'), join(dir, 'tree', 'hard'));
    // A sparse file: 4 KiB of 'A' at 1 MiB, 4 KiB of 'B' at 3 MiB, 4 MiB long.
    const fd = openSync(join(dir, 'sparse.bin'), 'w');
    writeSync(fd, Buffer.concat([Buffer.from('#!'), Buffer.alloc(4094, 'A')]), 0, 4096, 1 << 20);
    writeSync(fd, Buffer.alloc(4096, 'B'), 0, 4096, 3 << 20);
    writeSync(fd, Buffer.alloc(1), 0, 1, (4 << 20) - 1);
    closeSync(fd);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['gnu', 'oldgnu', 'posix'])('reads --format=%s', async (format) => {
    const r = await walkEveryWay(tar(`--format=${format}`, 'tree'));
    expect(r.error).toBeNull();
    const byName = new Map(r.entries.map((e) => [e.name, e]));
    expect(byName.get(`/tree/${LONG}`)?.head?.toString()).toBe('#!long body');
    expect(byName.get('/tree/link-to-long')).toMatchObject({ type: 'symlink', linkname: LONG });
    // Whichever of the two names GNU tar meets first holds the body; the other links to it.
    const pair = [byName.get('/tree/small')!, byName.get('/tree/hard')!];
    const file = pair.find((e) => e.type === 'file')!;
    const link = pair.find((e) => e.type === 'hardlink')!;
    expect(file.head?.toString()).toBe(kept(SMALL));
    expect(link.linkname).toBe(file.name);
  });

  // The stored data of the sparse file: the data segments GNU tar found, in order. Filesystems
  // differ in how finely they report holes, so only the non-zero bytes are compared.
  function nonZero(b: Buffer): string {
    return b.toString('latin1').replace(/\0/g, '');
  }

  it.each([
    ['gnu', []],
    ['oldgnu', []],
    ['posix', ['--sparse-version=0.0']],
    ['posix', ['--sparse-version=0.1']],
    ['posix', ['--sparse-version=1.0']],
  ])('reads a sparse file written with --format=%s %s', async (format, extra) => {
    const data = tar(`--format=${format}`, '--sparse', ...(extra as string[]), 'sparse.bin', 'tree/small');
    const r = await walkEveryWay(data);
    expect(r.error).toBeNull();
    expect(r.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['/sparse.bin', 'file', 4 << 20],
      ['/tree/small', 'file', 700],
    ]);
    // The stored data starts with the first data segment; the entry after it is in step.
    expect(nonZero(r.entries[0]!.head!)).toBe(kept(`#!${'A'.repeat(4094)}`));
    expect(r.entries[1]!.head!.toString()).toBe(kept(SMALL));
  });
});
