// GNU target triplets ("aarch64-linux-gnu", "arm-linux-gnueabihf", Rust's
// "x86_64-unknown-linux-musl") read as the ELF layout they build for, so that a folder named for
// a CPU can be compared with the binaries inside it: Debian multiarch folders, cross-toolchain
// sysroots and rustlib targets hold code for the CPU their name says, by design.

import type { BinaryFacts } from '../model.js';

interface Layout {
  machine: number;
  bits: 32 | 64;
  endian: 'little' | 'big';
}

/** The CPU word of a triplet → its ELF layout. */
const CPUS: readonly [RegExp, Layout][] = [
  [/^x86_64$/, { machine: 62, bits: 64, endian: 'little' }],
  [/^i[3-6]86$/, { machine: 3, bits: 32, endian: 'little' }],
  [/^aarch64$/, { machine: 183, bits: 64, endian: 'little' }],
  [/^aarch64_be$/, { machine: 183, bits: 64, endian: 'big' }],
  [/^(arm|armv[4-8][a-z0-9]*|thumbv[4-8][a-z0-9.]*)$/, { machine: 40, bits: 32, endian: 'little' }],
  [/^(armeb|armv[4-8][a-z0-9]*eb)$/, { machine: 40, bits: 32, endian: 'big' }],
  [/^(powerpc64le|ppc64le)$/, { machine: 21, bits: 64, endian: 'little' }],
  [/^(powerpc64|ppc64)$/, { machine: 21, bits: 64, endian: 'big' }],
  [/^(powerpc|ppc)$/, { machine: 20, bits: 32, endian: 'big' }],
  [/^s390x$/, { machine: 22, bits: 64, endian: 'big' }],
  [/^riscv64[a-z0-9]*$/, { machine: 243, bits: 64, endian: 'little' }],
  [/^mips64(el|isa64r6el)$/, { machine: 8, bits: 64, endian: 'little' }],
  [/^mips64(isa64r6)?$/, { machine: 8, bits: 64, endian: 'big' }],
  [/^mips(el|isa32r6el)$/, { machine: 8, bits: 32, endian: 'little' }],
  [/^mips(isa32r6)?$/, { machine: 8, bits: 32, endian: 'big' }],
  [/^loongarch64$/, { machine: 258, bits: 64, endian: 'little' }],
  [/^sparc64$/, { machine: 43, bits: 64, endian: 'big' }],
];

/** A triplet-shaped name: a CPU word, then at least one more part, one of them naming an OS or ABI. */
const TRIPLET = /^([a-z0-9_.]+)-(?:[a-z0-9_.]+-)*(linux|none|elf|eabi|eabihf|gnu|musl|android|unknown)[a-z0-9_.-]*$/;

/** The layout a triplet builds for, or null when the name is not a triplet we know. */
export function tripletLayout(name: string): Layout | null {
  const m = TRIPLET.exec(name);
  if (!m) return null;
  const cpu = m[1]!;
  // x32: "x86_64-linux-gnux32".
  if (cpu === 'x86_64' && /gnux32$/.test(name)) return { machine: 62, bits: 32, endian: 'little' };
  for (const [re, layout] of CPUS) if (re.test(cpu)) return layout;
  return null;
}

/** Whether a triplet names exactly the CPU, class and byte order of `facts`. */
export function tripletNames(name: string, facts: BinaryFacts): boolean {
  const l = tripletLayout(name);
  return l !== null && facts.format === 'elf' && l.machine === facts.machine && l.bits === facts.bits && l.endian === facts.endian;
}

/** Debian's multiarch directory name for an ELF layout (for the loader's default search path). */
export function multiarchDirs(facts: BinaryFacts): string[] {
  const { machine: m, bits: b, endian: e } = facts;
  if (m === 62) return b === 64 ? ['x86_64-linux-gnu'] : ['x86_64-linux-gnux32'];
  if (m === 3) return ['i386-linux-gnu', 'i686-linux-gnu'];
  if (m === 183) return e === 'little' ? ['aarch64-linux-gnu'] : ['aarch64_be-linux-gnu'];
  if (m === 40) return facts.floatAbi === 'soft' ? ['arm-linux-gnueabi'] : facts.floatAbi === 'hard' ? ['arm-linux-gnueabihf'] : ['arm-linux-gnueabihf', 'arm-linux-gnueabi'];
  if (m === 21) return e === 'little' ? ['powerpc64le-linux-gnu'] : ['powerpc64-linux-gnu'];
  if (m === 22) return ['s390x-linux-gnu'];
  if (m === 243) return ['riscv64-linux-gnu'];
  if (m === 8) return b === 64 ? [e === 'little' ? 'mips64el-linux-gnuabi64' : 'mips64-linux-gnuabi64'] : [e === 'little' ? 'mipsel-linux-gnu' : 'mips-linux-gnu'];
  if (m === 258) return ['loongarch64-linux-gnu'];
  return [];
}

/** OCI architecture → the ELF layout of its code (the triplet's own platform test). */
const PLATFORM_LAYOUTS: ReadonlyMap<string, Layout> = new Map([
  ['amd64', { machine: 62, bits: 64, endian: 'little' }], ['arm64', { machine: 183, bits: 64, endian: 'little' }],
  ['arm', { machine: 40, bits: 32, endian: 'little' }], ['386', { machine: 3, bits: 32, endian: 'little' }],
  ['ppc64le', { machine: 21, bits: 64, endian: 'little' }], ['ppc64', { machine: 21, bits: 64, endian: 'big' }],
  ['s390x', { machine: 22, bits: 64, endian: 'big' }], ['riscv64', { machine: 243, bits: 64, endian: 'little' }],
  ['mips64le', { machine: 8, bits: 64, endian: 'little' }], ['mips64', { machine: 8, bits: 64, endian: 'big' }],
  ['mipsle', { machine: 8, bits: 32, endian: 'little' }], ['mips', { machine: 8, bits: 32, endian: 'big' }],
  ['loong64', { machine: 258, bits: 64, endian: 'little' }],
] as [string, Layout][]);

/** Whether a triplet names the platform's own CPU layout (its own multiarch folder is not foreign). */
export function tripletIsPlatform(name: string, arch: string): boolean {
  const l = tripletLayout(name);
  const p = PLATFORM_LAYOUTS.get(arch);
  return l !== null && p !== undefined && l.machine === p.machine && l.bits === p.bits && l.endian === p.endian;
}
