// The streaming side of the wants protocol: an ELF file fed once, forward, in chunks of any size,
// must end with the same facts as reading the wanted ranges at their offsets — or with unknown
// facts where the caps leave a range out, never different ones.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { ElfCompletion } from '../../src/layers/elf-completion.js';
import type { BinaryFacts, Classification } from '../../src/model.js';
import { classify, inspect, limits } from '../../src/native.js';
import { tempDir, writeArchive } from '../helpers/image-builder.js';
import { FIXTURES, classifyFile, expectedFixtures } from './fixtures.js';

function stream(file: Buffer, chunk: number, headLen = 4096): Classification {
  let len = Math.min(headLen, file.length);
  let c = classify(file.subarray(0, len), file.length);
  while (c.status === 'need-more') c = classify(file.subarray(0, (len = c.bytes)), file.length);
  if (c.status !== 'binary' || !c.wants?.length) return c;
  const done = new ElfCompletion(Buffer.from(file.subarray(0, len)), file.length, c);
  for (let at = len; at < file.length; at += chunk) done.data(file.subarray(at, Math.min(at + chunk, file.length)));
  return done.finish();
}

const facts = (c: Classification): BinaryFacts => {
  if (c.status !== 'binary') throw new Error(JSON.stringify(c));
  return c.facts;
};

const hostLibc = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/aarch64-linux-gnu/libc.so.6'].find(existsSync);

describe('ElfCompletion', () => {
  it.each([1, 7, 512, 65536])('gives every fixture its full facts in %i-byte chunks', (chunk) => {
    for (const e of expectedFixtures().filter((x) => x.format === 'elf')) {
      const file = readFileSync(`${FIXTURES}${e.file}`);
      expect(facts(stream(file, chunk)), e.file).toEqual(facts(classifyFile(`${FIXTURES}${e.file}`).result));
    }
  });

  it.skipIf(!hostLibc)("reads glibc's libc.so.6 interpreter 1.4–1.7 MB into the file, and its needs", () => {
    const file = readFileSync(hostLibc!);
    const f = facts(stream(file, 64 * 1024));
    expect(f.kind).toBe('executable');
    expect(f.interpreter).toMatch(/^\/lib.*\/ld-linux-.*\.so\.[12]$/);
    expect(f.needed).toEqual([expect.stringMatching(/^ld-linux-/)]);
    expect(f).toEqual(facts(classifyFile(hostLibc!).result));
  });

  it('completes the same when the head is only 64 bytes and every want arrives later', () => {
    // Push the dynamic string table past the kept prefix: a file whose .dynstr lies beyond
    // the kept prefix and before .dynamic cannot be completed in one pass.
    const lib = readFileSync(`${FIXTURES}amd64/libhello.so`);
    const whole = facts(classifyFile(`${FIXTURES}amd64/libhello.so`).result);
    expect(whole.needed).toEqual(['libc.so.6']);
    // The same answer when the stream starts with only 64 bytes of head (wants arrive later).
    expect(facts(stream(lib, 100, 64))).toEqual(whole);
    expect(limits().prefixMax).toBe(1024 * 1024);
  });
});

describe.skipIf(!hostLibc)("glibc's libc.so.6 through whole scans", () => {
  const body = hostLibc ? readFileSync(hostLibc) : Buffer.alloc(0);
  const expectLibc = (bins: { path: string; interpreter: string | null; needed: string[] | null }[] | undefined) => {
    const libc = bins?.find((b) => b.path === '/usr/lib/libc.so.6');
    expect(libc?.interpreter).toMatch(/ld-linux/);
    expect(libc?.needed).toEqual([expect.stringMatching(/^ld-linux/)]);
  };
  it('streamed from a layer (no unreadable-binary info: the defect of issue 5)', async () => {
    const r = await scan(writeArchive({ platform: 'linux/amd64', layers: [[{ path: '/usr/lib/libc.so.6', body }]] }, 'docker-legacy', { layerCompression: 'gzip' }), { all: true });
    expect(r.images[0]!.findings.filter((f) => f.rule === 'unreadable-binary')).toEqual([]);
    expectLibc(r.images[0]!.binaries);
  });
  it('read at offsets from a root filesystem directory', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'usr/lib'), { recursive: true });
    writeFileSync(join(dir, 'usr/lib/libc.so.6'), body);
    const r = await scan(dir, { all: true, platforms: ['linux/amd64'] });
    expectLibc(r.images[0]!.binaries);
  });
});

/** An ELF64 shared object whose .dynstr is at `strAt` and PT_DYNAMIC at `dynAt` (both far in). */
function farDynamic(strAt: number, dynAt: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  b.writeUInt16LE(3, 16);
  b.writeUInt16LE(62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(2, 56);
  b.writeUInt16LE(64, 58);
  const ph = (at: number, type: number, off: number, filesz: number, align: number) => {
    b.writeUInt32LE(type, at);
    b.writeBigUInt64LE(BigInt(off), at + 8);
    b.writeBigUInt64LE(BigInt(off), at + 16);
    b.writeBigUInt64LE(BigInt(filesz), at + 32);
    b.writeBigUInt64LE(BigInt(filesz), at + 40);
    b.writeBigUInt64LE(BigInt(align), at + 48);
  };
  ph(64, 1, 0, size, 0x1000);
  ph(120, 2, dynAt, 64, 8);
  const strings = Buffer.from('\0libfoo.so.1\0');
  strings.copy(b, strAt);
  [[1n, 1n], [5n, BigInt(strAt)], [10n, BigInt(strings.length)], [0n, 0n]].forEach(([tag, val], i) => {
    b.writeBigUInt64LE(tag!, dynAt + i * 16);
    b.writeBigUInt64LE(val!, dynAt + i * 16 + 8);
  });
  return b;
}

describe('per-file caps', () => {
  it('a .dynstr beyond the kept prefix and before .dynamic leaves the needs unknown in a stream, known with random access', () => {
    const file = farDynamic(1_100_000, 1_300_000, 1_400_000);
    expect(facts(stream(file, 65536)).needed).toBeNull();
    const dir = tempDir();
    writeFileSync(join(dir, 'lib.so'), file);
    expect(facts(classifyFile(join(dir, 'lib.so')).result).needed).toEqual(['libfoo.so.1']);
  });
  it('a .dynstr inside the prefix is served from it when .dynamic arrives late', () => {
    expect(facts(stream(farDynamic(100_000, 1_100_000, 1_200_000), 4096)).needed).toEqual(['libfoo.so.1']);
  });
  it('a .dynamic after the strings but beyond the prefix is captured as it passes', () => {
    expect(facts(stream(farDynamic(1_150_000, 1_100_000, 1_200_000), 1000)).needed).toEqual(['libfoo.so.1']);
  });
});

/** Random access over a buffer, as a root filesystem read does it (no caps). */
function randomAccess(file: Buffer, headLen = 4096): Classification {
  let len = Math.min(headLen, file.length);
  let c = classify(file.subarray(0, len), file.length);
  while (c.status === 'need-more') c = classify(file.subarray(0, (len = c.bytes)), file.length);
  const pieces: { offset: number; bytes: Buffer }[] = [];
  for (let round = 0; round < 16 && c.status === 'binary'; round++) {
    const fresh = (c.wants ?? []).filter((w) => !pieces.some((p) => p.offset === w.offset && p.bytes.length === w.length));
    if (fresh.length === 0) break;
    for (const w of fresh) pieces.push({ offset: w.offset, bytes: file.subarray(w.offset, w.offset + w.length) });
    c = inspect(file.subarray(0, len), file.length, pieces);
  }
  return c;
}

describe('ElfCompletion on mutated files', () => {
  it('agrees with random access or leaves facts unknown, in any chunking, and never throws', () => {
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    let compared = 0;
    for (const e of expectedFixtures().filter((x) => x.format === 'elf')) {
      const original = readFileSync(`${FIXTURES}${e.file}`);
      for (let i = 0; i < 40; i++) {
        const file = Buffer.from(original);
        for (let k = 0; k <= rand(6); k++) file[rand(file.length)] = rand(256);
        const streamed = stream(file, 1 + rand(3000));
        const whole = randomAccess(file);
        // A bad range the stream could not keep stays unknown instead of unreadable; never the reverse.
        if (streamed.status !== whole.status) expect([streamed.status, whole.status], e.file).toEqual(['binary', 'unreadable']);
        if (streamed.status !== 'binary' || whole.status !== 'binary') continue;
        const s = streamed.facts;
        const w = whole.facts;
        for (const k of ['interpreter', 'needed', 'soname', 'runpath', 'rpath', 'isaLevel', 'armArch'] as const) {
          if (s[k] !== null) expect(s[k], `${e.file} ${k}`).toEqual(w[k]);
        }
        expect([s.machine, s.kind, s.loadAlign]).toEqual([w.machine, w.kind, w.loadAlign]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
