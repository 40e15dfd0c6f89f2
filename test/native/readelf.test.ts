// An independent opinion: GNU readelf (binutils-multiarch reads every machine) on each ELF
// fixture and on a few full-size system binaries must agree with classify() on machine, class,
// byte order, type and interpreter. test/setup/debian-tools.ts installs it when missing.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { FIXTURES, classifyFile, expectedFixtures } from './fixtures.js';

/** readelf's machine names (binutils elfcomm/readelf.c get_machine_name) → e_machine. */
const MACHINES: Record<string, number> = {
  'Intel 80386': 3,
  'MIPS R3000': 8,
  PowerPC64: 21,
  'IBM S/390': 22,
  ARM: 40,
  'Advanced Micro Devices X86-64': 62,
  AArch64: 183,
  'RISC-V': 243,
  'Linux BPF': 247,
  LoongArch: 258,
};

interface ReadelfView {
  machine: number | string;
  bits: number;
  endian: string;
  type: string;
  interpreter: string | null;
}

function readelf(path: string): ReadelfView {
  const out = execFileSync('readelf', ['-h', '-l', '-W', path], { encoding: 'utf8' });
  const field = (name: string): string => {
    const m = new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(out);
    if (!m?.[1]) throw new Error(`${path}: readelf printed no ${name}`);
    return m[1].trim();
  };
  const machineName = field('Machine');
  return {
    machine: MACHINES[machineName] ?? `unmapped readelf machine "${machineName}"`,
    bits: field('Class') === 'ELF64' ? 64 : 32,
    endian: field('Data').includes('big endian') ? 'big' : 'little',
    type: field('Type').split(' ')[0]!,
    interpreter: /\[Requesting program interpreter: (.*)\]/.exec(out)?.[1] ?? null,
  };
}

/** ELF types as classify() names them (ET_DYN is an executable when it has an interpreter). */
function kindOf(type: string, interpreter: string | null): string {
  if (type === 'REL') return 'relocatable';
  if (type === 'EXEC') return 'executable';
  if (type === 'CORE') return 'core';
  if (type === 'DYN') return interpreter ? 'executable' : 'shared-library';
  return 'other';
}

const elfFiles = expectedFixtures()
  .filter((e) => e.format === 'elf')
  .map((e) => `${FIXTURES}${e.file}`);
const systemFiles = [
  '/usr/bin/ls',
  '/usr/lib/x86_64-linux-gnu/libc.so.6', // PT_INTERP 1.7 MB into the file
  '/usr/aarch64-linux-gnu/lib/libc.so.6',
  '/usr/arm-linux-gnueabihf/lib/libm.so.6',
  '/usr/s390x-linux-gnu/lib/libm.so.6',
].filter((p) => existsSync(p));

describe('classify() agrees with readelf -h -l', () => {
  it.each([...elfFiles, ...systemFiles])('%s', (path) => {
    const want = readelf(path);
    const { result } = classifyFile(path);
    expect(result.status).toBe('binary');
    if (result.status !== 'binary') return;
    const f = result.facts;
    expect({ machine: f.machine, bits: f.bits, endian: f.endian, interpreter: f.interpreter, kind: f.kind }).toEqual({
      machine: want.machine,
      bits: want.bits,
      endian: want.endian,
      interpreter: want.interpreter,
      kind: kindOf(want.type, want.interpreter),
    });
  });
});
