// classify() through the TypeScript wrapper on every fixture of fixtures/binaries: each answer
// against expected.json (read back from the files with readelf when they were built).

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { BinaryFacts } from '../../src/model.js';
import { classify, inspect } from '../../src/native.js';
import { FIXTURES, classifyFile, expectedFixtures } from './fixtures.js';

const fixtures = expectedFixtures();

function fixture(file: string): Buffer {
  return readFileSync(`${FIXTURES}${file}`);
}

/** Every BinaryFacts field the addon must fill, with its JS type. */
function expectComplete(f: BinaryFacts): void {
  expect(Object.keys(f).sort()).toEqual(
    [
      'bits', 'cpu', 'eabi', 'endian', 'flags', 'floatAbi', 'format', 'interpreter', 'kind', 'machine', 'osabi', 'platform', 'slices',
      ...(f.format === 'elf' ? ['armArch', 'isaLevel', 'loadAlign', 'needed', 'rpath', 'runpath', 'soname', 'versionsDefined', 'versionsNeeded'] : []),
    ].sort(),
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
    // With the wanted ranges served, every fact agrees with readelf, ARM variants included.
    expect(f.platform).toBe(e.platform);
    expect(f.floatAbi).toBe(e.floatAbi);
    expect(f.eabi).toBe(e.format === 'elf' && e.machine === 40 ? 5 : null);
    if (e.format === 'elf') {
      expect(f.armArch).toBe(e.armArch ?? null);
      // expected.json records ISA levels above the baseline only.
      expect(f.isaLevel === 1 ? null : f.isaLevel).toBe(e.isaLevel ?? null);
      expect(f.needed ?? []).toEqual(e.needed ?? []);
    }
  });
});

describe('classify() contract', () => {
  it('asks for exactly the program headers, then wants exactly the interpreter path among its ranges', () => {
    const { result, asked, served } = classifyFile(`${FIXTURES}amd64/hello`, 64);
    // 13 program headers of 56 bytes at 64; PT_INTERP at 0x318, 28 bytes (readelf -l).
    expect(asked).toEqual([64 + 13 * 56]);
    expect(served[0]).toEqual({ offset: 0x318, length: 28 });
    expect(result.status === 'binary' && result.facts.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
  });

  it('answers from the head with what the program headers tell, and wants the rest', () => {
    const file = fixture('amd64/hello');
    const r = classify(file.subarray(0, 792), file.length);
    expect(r.status).toBe('binary');
    if (r.status !== 'binary') return;
    expect(r.facts).toMatchObject({ kind: 'executable', interpreter: null, needed: null, loadAlign: 4096 });
    expect(r.wants?.[0]).toEqual({ offset: 0x318, length: 28 });
    for (const w of r.wants ?? []) expect(w.offset + w.length).toBeLessThanOrEqual(file.length);
    const done = inspect(file.subarray(0, 792), file.length, (r.wants ?? []).map((w) => ({ offset: w.offset, bytes: file.subarray(w.offset, w.offset + w.length) })));
    expect(done.status === 'binary' && done.facts.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
  });

  it('throws a TypeError for malformed pieces', () => {
    const file = fixture('amd64/hello');
    expect(() => inspect(file, file.length, 'x' as unknown as [])).toThrow(/pieces must be an array/);
    expect(() => inspect(file, file.length, [{ offset: -1, bytes: file }])).toThrow(TypeError);
    expect(() => inspect(file, file.length, [{ offset: 0, bytes: 'x' as unknown as Uint8Array }])).toThrow(/must be a Uint8Array/);
    expect(() => inspect(file, file.length, [1 as unknown as { offset: number; bytes: Uint8Array }])).toThrow(TypeError);
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
    expect(() => classify(new Uint16Array(4) as unknown as Uint8Array, 8)).toThrow(/must be a Uint8Array/);
    expect(() => classify(new Uint8Array(4), -1)).toThrow(/fileSize must be a non-negative number/);
    expect(() => classify(new Uint8Array(4), Number.NaN)).toThrow(TypeError);
  });
});

