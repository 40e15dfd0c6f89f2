// classify() through the TypeScript wrapper on every fixture of fixtures/binaries: each answer
// against expected.json (read back from the files with readelf when they were built).

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { BinaryFacts } from '../../src/model.js';
import { classify } from '../../src/native.js';
import { FIXTURES, classifyFile, expectedFixtures, type Expected } from './fixtures.js';

const fixtures = expectedFixtures();

function fixture(file: string): Buffer {
  return readFileSync(`${FIXTURES}${file}`);
}

/** Every BinaryFacts field the addon must fill, with its JS type. */
function expectComplete(f: BinaryFacts): void {
  expect(Object.keys(f).sort()).toEqual(
    ['bits', 'cpu', 'eabi', 'endian', 'flags', 'floatAbi', 'format', 'interpreter', 'kind', 'machine', 'osabi', 'platform', 'slices'].sort(),
  );
  expect(['elf', 'macho', 'pe']).toContain(f.format);
  expect([32, 64]).toContain(f.bits);
  expect(['little', 'big']).toContain(f.endian);
  expect(['executable', 'shared-library', 'relocatable', 'core', 'other']).toContain(f.kind);
  expect(typeof f.cpu).toBe('string');
  for (const n of [f.machine, f.osabi, f.flags]) expect(Number.isInteger(n) && n >= 0).toBe(true);
  expect(Array.isArray(f.slices)).toBe(true);
  for (const s of f.slices) expectComplete(s);
}

/**
 * The head-only answer for 32-bit ARM may be less specific than expected.json, which also read
 * `.ARM.attributes`: a float ABI only the attributes know comes back "unknown" (platform
 * "linux/arm"), and v6 vs v7 (Tag_CPU_arch) is not told apart — hard-float reads as arm/v7.
 */
function expectArm(f: BinaryFacts, e: Expected): void {
  expect(f.eabi).toBe(5);
  if (f.floatAbi === 'unknown') {
    expect(f.platform).toBe('linux/arm');
    return;
  }
  expect(f.floatAbi).toBe(e.floatAbi);
  expect(f.platform).toBe(f.floatAbi === 'hard' ? 'linux/arm/v7' : 'linux/arm/v5');
  if (e.armArch !== 6) expect(f.platform).toBe(e.platform);
}

describe('classify() on every fixture', () => {
  it('lists the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
  });

  it.each(fixtures.map((e) => [e.file, e] as const))('%s', (file, e) => {
    const { result } = classifyFile(`${FIXTURES}${file}`);
    if (e.format === null) {
      expect(result).toEqual({ status: 'not-binary' });
      return;
    }
    expect(result.status).toBe('binary');
    if (result.status !== 'binary') return;
    const f = result.facts;
    expectComplete(f);
    expect(f.format).toBe(e.format);
    expect(f.machine).toBe(e.machine);
    if (e.bits !== null) expect({ bits: f.bits, endian: f.endian }).toEqual({ bits: e.bits, endian: e.endian });
    expect(f.interpreter).toBe(e.interpreter);
    expect(f.slices.map((s) => s.platform)).toEqual(e.slices ?? []);
    // A fat file's kind needs its slices' headers, which lie past a 4 KiB head here.
    if (f.slices.length > 0) expect([e.kind, 'other']).toContain(f.kind);
    else expect(f.kind).toBe(e.kind);
    if (e.format === 'elf' && e.machine === 40) {
      expectArm(f, e);
    } else {
      expect(f.platform).toBe(e.platform);
      expect(f.floatAbi).toBe(e.floatAbi);
      expect(f.eabi).toBeNull();
    }
  });
});

describe('classify() contract', () => {
  it('asks for exactly the program headers, then exactly the interpreter path', () => {
    const { result, asked } = classifyFile(`${FIXTURES}amd64/hello`, 64);
    // 13 program headers of 56 bytes at 64; PT_INTERP at 0x318, 28 bytes (readelf -l).
    expect(asked).toEqual([64 + 13 * 56, 0x318 + 28]);
    expect(result.status === 'binary' && result.facts.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
  });

  it('calls a file shorter than its headers unreadable, with a reason', () => {
    const { result: whole } = classifyFile(`${FIXTURES}amd64/hello`);
    expect(whole.status).toBe('binary');
    const cut = fixture('amd64/hello').subarray(0, 300);
    const r = classify(cut, 300);
    expect(r).toMatchObject({ status: 'unreadable', format: 'elf' });
    // Section headers at 12600 (readelf -h): the first sign of a cut file.
    expect(r.status === 'unreadable' && r.reason).toBe('section header table lies past the end of the file (offset 0x3138)');
  });

  it('accepts a Buffer or a plain Uint8Array, at any offset of its ArrayBuffer', () => {
    const file = fixture('pe/arm64.exe');
    const padded = new Uint8Array(file.length + 7);
    padded.set(file, 7);
    const r = classify(padded.subarray(7), file.length);
    expect(r.status === 'binary' && r.facts.platform).toBe('pe/arm64');
    expect(classify(file, file.length)).toEqual(r);
  });

  it('returns not-binary for an empty head of an empty file', () => {
    expect(classify(new Uint8Array(0), 0)).toEqual({ status: 'not-binary' });
  });

  it('throws a TypeError for arguments of the wrong type', () => {
    expect(() => classify('x' as unknown as Uint8Array, 1)).toThrow(TypeError);
    expect(() => classify(new Uint16Array(4) as unknown as Uint8Array, 8)).toThrow(/head must be a Uint8Array/);
    expect(() => classify(new Uint8Array(4), -1)).toThrow(/fileSize must be a non-negative number/);
    expect(() => classify(new Uint8Array(4), Number.NaN)).toThrow(TypeError);
  });
});

