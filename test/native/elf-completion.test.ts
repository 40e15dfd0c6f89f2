// ELF facts past the head, completed by the layer walker in one forward pass: an ELF file in a
// layer pushed once, in chunks of any size, read from a file at offsets, or read from a root
// filesystem directory, ends with the same facts — all of them for the fixtures and for the
// host's libc.so.6 (PT_INTERP 1.4–1.7 MB in), and where the per-file caps leave a range out, the
// fact unknown, never a different one.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import type { BinaryFacts, Classification } from '../../src/model.js';
import { dirList, layerScan, layerScanDir, layerScanFile, limits, type LayerRecords } from '../../src/native.js';
import { tempDir, writeArchive } from '../helpers/image-builder.js';
import { buildTar } from '../helpers/tar-builder.js';
import { FIXTURES, classifyFile, expectedFixtures } from './fixtures.js';

/** The walker's final answer for the one file of a layer. */
function answer(r: LayerRecords): Classification {
  const x = r.meta[3]!;
  return (x === 0 ? { status: 'not-binary' } : r.extras[x - 1]) as Classification;
}

const layerOf = (body: Buffer) => buildTar([{ name: 'f', body }]);

function streamed(body: Buffer, chunk: number): Classification {
  const tar = layerOf(body);
  const h = layerScan.start();
  for (let i = 0; i < tar.length; i += chunk) layerScan.push(h, tar.subarray(i, i + chunk));
  return answer(layerScan.end(h));
}

async function atOffsets(body: Buffer): Promise<Classification> {
  const tar = layerOf(body);
  const file = join(tempDir(), 'layer.tar');
  writeFileSync(file, tar);
  return answer(await layerScanFile(file, 0, tar.length));
}

async function fromDirectory(body: Buffer): Promise<Classification> {
  const dir = tempDir();
  writeFileSync(join(dir, 'f'), body);
  return answer(await layerScanDir((await dirList(dir)).listing));
}

const facts = (c: Classification): BinaryFacts => {
  if (c.status !== 'binary') throw new Error(JSON.stringify(c));
  return c.facts;
};

// The suite runs on Debian (x86-64 or arm64), whose libc6 is always installed.
const hostLibc = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/aarch64-linux-gnu/libc.so.6'].find(existsSync) ?? 'no libc.so.6 on this host';

describe('ELF completion in the layer walker', () => {
  it.each([7, 512, 65536])('gives every fixture its full facts, pushed in %i-byte chunks, at offsets and from a directory', async (chunk) => {
    for (const e of expectedFixtures().filter((x) => x.format === 'elf')) {
      const body = readFileSync(`${FIXTURES}${e.file}`);
      const whole = facts(classifyFile(`${FIXTURES}${e.file}`).result);
      expect(facts(streamed(body, chunk)), e.file).toEqual(whole);
      if (chunk === 512) {
        expect(facts(await atOffsets(body)), e.file).toEqual(whole);
        expect(facts(await fromDirectory(body)), e.file).toEqual(whole);
      }
    }
  });

  it("reads glibc's libc.so.6 interpreter 1.4–1.7 MB into the file, and its needs", async () => {
    const body = readFileSync(hostLibc);
    const f = facts(streamed(body, 64 * 1024));
    expect(f.kind).toBe('executable');
    expect(f.interpreter).toMatch(/^\/lib.*\/ld-linux-.*\.so\.[12]$/);
    expect(f.needed).toEqual([expect.stringMatching(/^ld-linux-/)]);
    expect(f).toEqual(facts(classifyFile(hostLibc).result));
    expect(facts(await atOffsets(body))).toEqual(f);
  });
});

describe("glibc's libc.so.6 through whole scans", () => {
  const body = readFileSync(hostLibc);
  const expectLibc = (bins: { path: string; interpreter: string | null; needed: string[] | null }[] | undefined) => {
    const libc = bins?.find((b) => b.path === '/usr/lib/libc.so.6');
    expect(libc?.interpreter).toMatch(/ld-linux/);
    expect(libc?.needed).toEqual([expect.stringMatching(/^ld-linux/)]);
  };
  it('streamed from a gzip layer (no unreadable-binary info: the defect of issue 5)', async () => {
    const r = await scan(writeArchive({ platform: 'linux/amd64', layers: [[{ path: '/usr/lib/libc.so.6', body }]] }, 'docker-legacy', { layerCompression: 'gzip' }), { all: true });
    expect(r.images[0]!.findings.filter((f) => f.rule === 'unreadable-binary')).toEqual([]);
    expectLibc(r.images[0]!.binaries);
  });
  it('read from a root filesystem directory', async () => {
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

describe('per-file caps: what one forward pass can keep', () => {
  it('a .dynstr beyond the kept prefix and before .dynamic leaves the needs unknown, however the layer is read', async () => {
    expect(limits().prefixMax).toBe(1024 * 1024); // the offsets below straddle it
    const file = farDynamic(1_100_000, 1_300_000, 1_400_000);
    // The bytes are there (random access finds them); a single pass has let them go.
    const dir = tempDir();
    writeFileSync(join(dir, 'lib.so'), file);
    expect(facts(classifyFile(join(dir, 'lib.so')).result).needed).toEqual(['libfoo.so.1']);
    expect(facts(streamed(file, 65536)).needed).toBeNull();
    expect(facts(await atOffsets(file)).needed).toBeNull();
    expect(facts(await fromDirectory(file)).needed).toBeNull();
  });
  it('a .dynstr inside the prefix is served from it when .dynamic arrives late', async () => {
    const file = farDynamic(100_000, 1_100_000, 1_200_000);
    expect(facts(streamed(file, 4096)).needed).toEqual(['libfoo.so.1']);
    expect(facts(await atOffsets(file)).needed).toEqual(['libfoo.so.1']);
  });
  it('a .dynamic after the strings but beyond the prefix is captured as it passes', async () => {
    const file = farDynamic(1_150_000, 1_100_000, 1_200_000);
    expect(facts(streamed(file, 1000)).needed).toEqual(['libfoo.so.1']);
    expect(facts(await atOffsets(file)).needed).toEqual(['libfoo.so.1']);
  });
});

describe('ELF completion on mutated files', () => {
  it('agrees with random access or leaves facts unknown, in any chunking, and never throws', () => {
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const dir = tempDir();
    let compared = 0;
    for (const e of expectedFixtures().filter((x) => x.format === 'elf')) {
      const original = readFileSync(`${FIXTURES}${e.file}`);
      for (let i = 0; i < 25; i++) {
        const file = Buffer.from(original);
        for (let k = 0; k <= rand(6); k++) file[rand(file.length)] = rand(256);
        const s1 = streamed(file, 1 + rand(3000));
        writeFileSync(join(dir, 'm'), file);
        const whole = classifyFile(join(dir, 'm')).result;
        // A bad range the stream could not keep stays unknown instead of unreadable; never the reverse.
        if (s1.status !== whole.status) expect([s1.status, whole.status], e.file).toEqual(['binary', 'unreadable']);
        if (s1.status !== 'binary' || whole.status !== 'binary') continue;
        const s = s1.facts;
        const w = whole.facts;
        for (const k of ['interpreter', 'needed', 'soname', 'runpath', 'rpath', 'isaLevel', 'armArch'] as const) {
          if (s[k] !== null) expect(s[k], `${e.file} ${k}`).toEqual(w[k]);
        }
        expect([s.machine, s.kind, s.loadAlign]).toEqual([w.machine, w.kind, w.loadAlign]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
