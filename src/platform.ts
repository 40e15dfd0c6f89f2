// Platforms: the one table of spec §3 (what an ELF file must look like for each OCI platform),
// and everything read from it — parsing and normalizing `--platform`, naming binaries in
// messages, and grading a binary against the platform an image is meant for.

import { ElfscanError } from './errors.js';
import type { BinaryFacts, ImageConfig } from './model.js';

export interface Platform {
  os: string;
  arch: string;
  /** Absent for an architecture's baseline (amd64 = v1, arm64 = v8); always set for arm. */
  variant?: string;
}

/** How a binary relates to the platform an image is meant for; the rules turn this into findings. */
export type Verdict =
  | { kind: 'match' }
  /** A different CPU (e_machine) that the expected platform cannot run. */
  | { kind: 'arch-mismatch' }
  /** Same CPU, wrong class, byte order or float ABI. */
  | { kind: 'abi-mismatch'; why: string }
  /** i386 in amd64, EABI 32-bit ARM in arm64: runs only where the host keeps 32-bit support. */
  | { kind: 'compat-32bit' }
  /** Needs a newer CPU than the variant promises (ARMv7 code in arm/v6, x86-64-v3 in amd64). */
  | { kind: 'variant-mismatch'; why: string }
  /** Mach-O or PE in a Linux image. */
  | { kind: 'foreign-format' }
  /** The expected platform is not in the table, or the file is not code for a host CPU (BPF, GPU). */
  | { kind: 'no-opinion' };

const EM_386 = 3;
const EM_MIPS = 8;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;

/** One row of spec §3: an OCI platform and the ELF header that runs on it. */
interface PlatformRow {
  arch: string;
  /** Normalized variant; undefined for the baseline. */
  variant?: string;
  /** Further variants that judge like this row (arm64/v8.2, arm64/v9), and how to list them. */
  alsoVariants?: { re: RegExp; label: string };
  machine: number;
  bits: 32 | 64;
  endian: 'little' | 'big';
  /** How messages name this CPU in an ELF file. */
  cpu: string;
  /** EM_ARM: the float ABI the image's C library uses. */
  float?: 'hard' | 'soft';
  /** EM_ARM: the newest architecture version (5–8) the variant promises; amd64: ISA level 1–4. */
  level?: number;
  /** The 32-bit ELF machine this 64-bit platform's kernels usually also run (spec §5 compat-32bit). */
  compat32?: number;
  /** The same CPU in Mach-O (cputype) and PE (COFF Machine), with the names those worlds use. */
  macho?: readonly [number, string];
  pe?: readonly [number, string];
}

const PLATFORMS: readonly PlatformRow[] = [
  { arch: 'amd64', machine: EM_X86_64, bits: 64, endian: 'little', cpu: 'x86-64', level: 1, compat32: EM_386, macho: [0x01000007, 'x86-64'], pe: [0x8664, 'amd64'] },
  { arch: 'amd64', variant: 'v2', machine: EM_X86_64, bits: 64, endian: 'little', cpu: 'x86-64', level: 2, compat32: EM_386 },
  { arch: 'amd64', variant: 'v3', machine: EM_X86_64, bits: 64, endian: 'little', cpu: 'x86-64', level: 3, compat32: EM_386 },
  { arch: 'amd64', variant: 'v4', machine: EM_X86_64, bits: 64, endian: 'little', cpu: 'x86-64', level: 4, compat32: EM_386 },
  { arch: '386', machine: EM_386, bits: 32, endian: 'little', cpu: 'i386', macho: [7, 'i386'], pe: [0x14c, 'i386'] },
  { arch: 'arm64', alsoVariants: { re: /^v(8\.[1-9]|9(\.[1-9])?)$/, label: 'v8.1–v8.9, v9, v9.1–v9.9' }, machine: EM_AARCH64, bits: 64, endian: 'little', cpu: 'AArch64', compat32: EM_ARM, macho: [0x0100000c, 'arm64'], pe: [0xaa64, 'arm64'] },
  { arch: 'arm', variant: 'v8', machine: EM_ARM, bits: 32, endian: 'little', cpu: '32-bit ARM', float: 'hard', level: 8 },
  { arch: 'arm', variant: 'v7', machine: EM_ARM, bits: 32, endian: 'little', cpu: '32-bit ARM', float: 'hard', level: 7, macho: [12, 'arm'], pe: [0x1c4, 'arm'] },
  { arch: 'arm', variant: 'v6', machine: EM_ARM, bits: 32, endian: 'little', cpu: '32-bit ARM', float: 'hard', level: 6 },
  { arch: 'arm', variant: 'v5', machine: EM_ARM, bits: 32, endian: 'little', cpu: '32-bit ARM', float: 'soft', level: 5 },
  { arch: 'ppc64le', machine: EM_PPC64, bits: 64, endian: 'little', cpu: 'PowerPC64 (little-endian)' },
  { arch: 'ppc64', machine: EM_PPC64, bits: 64, endian: 'big', cpu: 'PowerPC64 (big-endian)', macho: [0x01000012, 'ppc64'] },
  { arch: 's390x', machine: EM_S390, bits: 64, endian: 'big', cpu: 'IBM Z (s390x)' },
  { arch: 'riscv64', machine: EM_RISCV, bits: 64, endian: 'little', cpu: 'RISC-V 64-bit' },
  { arch: 'mips64le', machine: EM_MIPS, bits: 64, endian: 'little', cpu: 'MIPS64 (little-endian)' },
  { arch: 'mips64', machine: EM_MIPS, bits: 64, endian: 'big', cpu: 'MIPS64 (big-endian)' },
  { arch: 'mipsle', machine: EM_MIPS, bits: 32, endian: 'little', cpu: 'MIPS (little-endian)' },
  { arch: 'mips', machine: EM_MIPS, bits: 32, endian: 'big', cpu: 'MIPS (big-endian)' },
  { arch: 'loong64', machine: EM_LOONGARCH, bits: 64, endian: 'little', cpu: 'LoongArch64' },
];

/**
 * Other spellings of an architecture (containerd's normalizeArch, plus i686); a variant given
 * here overrides the one in the string. Maps, not object literals: "constructor" is a valid
 * architecture word and must not find Object's prototype.
 */
const ARCH_ALIASES: ReadonlyMap<string, { arch: string; variant?: string }> = new Map([
  ['aarch64', { arch: 'arm64' }],
  ['x86_64', { arch: 'amd64' }],
  ['x86-64', { arch: 'amd64' }],
  ['i386', { arch: '386' }],
  ['i686', { arch: '386' }],
  ['armhf', { arch: 'arm', variant: 'v7' }],
  // containerd's choice, kept for compatibility: Debian's armel is really arm/v5 soft-float.
  ['armel', { arch: 'arm', variant: 'v6' }],
]);

/** Variant spellings per architecture; null means "the baseline" (no variant). */
const VARIANT_ALIASES: ReadonlyMap<string, ReadonlyMap<string, string | null>> = new Map([
  ['amd64', new Map([['v1', null]])],
  ['arm64', new Map([['8', null], ['v8', null], ['v8.0', null], ['9', 'v9'], ['9.0', 'v9'], ['v9.0', 'v9']])],
  // A bare "arm" means v7, as in containerd's Normalize.
  ['arm', new Map([['', 'v7'], ['5', 'v5'], ['6', 'v6'], ['7', 'v7'], ['8', 'v8']])],
]);

/** containerd's known operating systems: `--platform amd64/linux` is a slip (a usage error), `windows/amd64` a platform elfscan does not check. */
const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux',
  'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);

/** ELF machines that are not a CPU a Linux userland runs on: nothing to grade, the rules decide. */
const NOT_HOST_CPU = new Set([
  0, // EM_NONE
  190, // EM_CUDA
  205, // EM_INTELGT (Intel graphics)
  224, // EM_AMDGPU
  247, // EM_BPF
]);

/**
 * `.ARM.attributes` Tag_CPU_arch, by value (ARM IHI 0045): its name, and the OCI arm variant
 * (5–8) a CPU must reach to run it. M- and R-profile code has no Linux variant: null.
 * Checked against gcc -march: armv6k → 9 (v6K, still a v6), armv6t2 → 8 (needs Thumb-2 and
 * movw/movt, which the ARM1176 of arm/v6 lacks), armv7-a → 10, armv8-a → 14.
 */
const TAG_CPU_ARCH: readonly (readonly [string, number | null])[] = [
  ['ARMv4 or older', 5], ['ARMv4', 5], ['ARMv4T', 5], ['ARMv5T', 5], ['ARMv5TE', 5], ['ARMv5TEJ', 5],
  ['ARMv6', 6], ['ARMv6KZ', 6], ['ARMv6T2', 7], ['ARMv6K', 6], ['ARMv7', 7], ['ARMv6-M', null],
  ['ARMv6S-M', null], ['ARMv7E-M', null], ['ARMv8-A', 8], ['ARMv8-R', null], ['ARMv8-M baseline', null],
  ['ARMv8-M mainline', null], ['ARMv8.1-A', 8], ['ARMv8.2-A', 8], ['ARMv8.3-A', 8],
  ['ARMv8.1-M mainline', null], ['ARMv9-A', 8],
];

const PART = /^[a-z0-9_.-]+$/;

/** Every platform the table judges, as `--platform` spells it (baselines without a variant). */
export const KNOWN_PLATFORMS: readonly string[] = PLATFORMS.map((r) => formatPlatform({ os: 'linux', arch: r.arch, ...(r.variant ? { variant: r.variant } : {}) }));

/** KNOWN_PLATFORMS for a person: one entry per architecture, its variants folded in ("linux/amd64[/v2|v3|v4]"). */
export function knownPlatformList(): string {
  const arches = [...new Set(PLATFORMS.map((r) => r.arch))];
  return arches
    .map((arch) => {
      const rows = PLATFORMS.filter((r) => r.arch === arch);
      const variants = rows.flatMap((r) => (r.variant ? [r.variant] : [])).sort();
      if (variants.length === 0) return `linux/${arch}`;
      return rows.some((r) => !r.variant) ? `linux/${arch}[/${variants.join('|')}]` : `linux/${arch}/${variants.join('|')}`;
    })
    .join(', ');
}

/** The other spellings `--platform` takes, with what each means. */
export const PLATFORM_ALIASES: readonly (readonly [string, string])[] = [...ARCH_ALIASES].map(([alias, p]) => [alias, formatPlatform(normalizePlatform({ os: 'linux', arch: p.arch, ...(p.variant ? { variant: p.variant } : {}) }))]);

/** Optimal string alignment distance (Levenshtein plus swapped neighbours): how far a typo is. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known platform a mistyped one most likely meant, normalized (`linux/aarch` → linux/arm64,
 * `amd64/linux` → linux/amd64, `aarch` → linux/arm64), or null when none is close.
 */
export function suggestPlatform(s: string): string | null {
  const text = s.trim().toLowerCase();
  const parts = text.split('/');
  if (parts.length === 2 && parts[1] === 'linux') return suggestPlatform(`linux/${parts[0]}`);
  const spellings = [...KNOWN_PLATFORMS, ...PLATFORM_ALIASES.map(([alias]) => `linux/${alias}`)];
  // A bare word is compared as an architecture; anything else as the whole os/arch[/variant].
  const candidates = parts.length === 1 ? spellings.map((p) => [p, p.slice('linux/'.length)] as const) : spellings.map((p) => [p, p] as const);
  let best: { platform: string; distance: number } | null = null;
  for (const [platform, spelled] of candidates) {
    const distance = editDistance(text, spelled);
    if (best === null || distance < best.distance) best = { platform, distance };
  }
  // Close means a slip of a few keys, not a different word: at most 2 edits, and fewer than a third of it.
  if (best === null || best.distance > Math.min(2, Math.ceil(text.length / 3))) return null;
  return formatPlatform(parsePlatform(best.platform));
}

function unknown(s: string, why: string): ElfscanError {
  const guess = suggestPlatform(s);
  const hint = guess ? `did you mean ${guess}?` : '';
  const known = `elfscan knows ${knownPlatformList()} (and the aliases ${PLATFORM_ALIASES.map(([a]) => a).join(', ')})`;
  return new ElfscanError('--platform', `unknown platform "${s}" (${why})${hint ? `: ${hint}` : ''}`, known);
}

function usage(s: string): ElfscanError {
  return unknown(s, 'expected os/arch[/variant], e.g. linux/arm64');
}

function rowFor(p: Platform): PlatformRow | undefined {
  return PLATFORMS.find(
    (r) => r.arch === p.arch && (r.variant === p.variant || (p.variant !== undefined && r.alsoVariants?.re.test(p.variant) === true)),
  );
}

/** The variants the table knows for an architecture, for the error message. */
function knownVariants(arch: string): string {
  const rows = PLATFORMS.filter((r) => r.arch === arch);
  if (rows.length === 1 && !rows[0]?.alsoVariants) return 'takes no variant';
  // The baseline is spelled the way its alias table spells it (amd64 → v1, arm64 → v8).
  const baseline = [...(VARIANT_ALIASES.get(arch) ?? new Map<string, string | null>())].find(([k, v]) => v === null && k.startsWith('v'))?.[0];
  const vs = rows.map((r) => r.variant ?? baseline).filter((v): v is string => v !== undefined).sort();
  const also = rows.flatMap((r) => (r.alsoVariants ? [r.alsoVariants.label] : []));
  return `takes ${[...vs, ...also].join(', ')}`;
}

/** Parses `os/arch[/variant]` or a bare arch (which means linux), as `--platform` takes it. */
export function parsePlatform(s: string): Platform {
  const text = s.trim();
  const parts = text.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !PART.test(p))) throw usage(s);
  let raw: Platform;
  if (parts.length === 1) {
    const arch = parts[0]!;
    // A bare word must be an architecture we know; the OS is never taken from the host.
    if (!ARCH_ALIASES.has(arch) && !PLATFORMS.some((r) => r.arch === arch)) throw usage(s);
    raw = { os: 'linux', arch };
  } else {
    raw = { os: parts[0]!, arch: parts[1]!, ...(parts[2] !== undefined ? { variant: parts[2] } : {}) };
    if (!KNOWN_OS.has(raw.os)) throw usage(s);
  }
  const p = normalizePlatform(raw);
  // Only the table's platforms can be judged: an unknown one would turn every binary into
  // no-opinion (by-design) and report a clean image that was never checked.
  if (p.os !== 'linux') throw unknown(s, `elfscan checks Linux images, not ${p.os} ones`);
  if (!PLATFORMS.some((r) => r.arch === p.arch)) throw unknown(s, `no architecture "${p.arch}"`);
  // Variants of a known architecture are a closed set; anything else is a typo worth naming.
  if (!rowFor(p)) {
    throw new ElfscanError('--platform', `unknown variant "${p.variant ?? ''}" in platform "${text}" (${p.arch} ${knownVariants(p.arch)})`);
  }
  return p;
}

/** containerd's normalization: lower case, arch aliases, baseline variants dropped, bare arm → arm/v7. */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.trim().toLowerCase() || 'linux';
  let arch = p.arch.trim().toLowerCase();
  let variant: string | null = p.variant?.trim().toLowerCase() ?? '';
  const alias = ARCH_ALIASES.get(arch);
  if (alias) {
    arch = alias.arch;
    if (alias.variant !== undefined) variant = alias.variant;
  }
  const spelled = VARIANT_ALIASES.get(arch)?.get(variant);
  if (spelled !== undefined) variant = spelled;
  return variant ? { os, arch, variant } : { os, arch };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.arch}/${p.variant}` : `${p.os}/${p.arch}`;
}

/** The platform an image config declares, normalized; null when it declares none we can read. */
export function platformFromConfig(cfg: ImageConfig): Platform | null {
  const { os, architecture, variant } = cfg;
  if (typeof os !== 'string' || typeof architecture !== 'string') return null;
  const parts = [os, architecture, ...(typeof variant === 'string' && variant !== '' ? [variant] : [])];
  if (parts.some((x) => !PART.test(x.toLowerCase()))) return null;
  return normalizePlatform({ os, arch: architecture, ...(parts[2] !== undefined ? { variant: parts[2] } : {}) });
}

/**
 * Whether an index child should be scanned for `--platform wanted`: equal after normalization,
 * so arm64 selects arm64/v8, arm/v7 selects a variant-less arm, amd64 selects amd64/v1 — but
 * amd64 does not select amd64/v3 (an index holding both means two different images).
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const a = normalizePlatform(wanted);
  const b = normalizePlatform(candidate);
  return a.os === b.os && a.arch === b.arch && a.variant === b.variant;
}

function armName(tag: number | null | undefined): string | null {
  return tag == null ? null : (TAG_CPU_ARCH[tag]?.[0] ?? null);
}

/**
 * Grades one binary against the expected platform from its numeric facts (never its platform
 * string); docs/platforms.md gives the order and the why. A `why` names only the clash — the
 * finding already names the file and the expected platform.
 */
export function judge(facts: BinaryFacts, expected: Platform): Verdict {
  const want = normalizePlatform(expected);
  if (want.os !== 'linux') return { kind: 'no-opinion' };
  if (facts.format !== 'elf') return { kind: 'foreign-format' };
  const row = rowFor(want);
  if (!row) return { kind: 'no-opinion' };
  if (facts.machine !== row.machine) {
    if (facts.machine === row.compat32 && facts.bits === 32 && facts.endian === 'little') {
      // arm64 kernels run only EABI ARM code (compat_elf_check_arch); soft-float has no libraries there.
      if (facts.machine !== EM_ARM) return { kind: 'compat-32bit' };
      if (facts.eabi !== 0 && facts.floatAbi !== 'soft') return { kind: 'compat-32bit' };
    }
    return NOT_HOST_CPU.has(facts.machine) ? { kind: 'no-opinion' } : { kind: 'arch-mismatch' };
  }

  if (facts.bits !== row.bits) {
    const what = facts.machine === EM_X86_64 && facts.bits === 32 ? 'x32 (32-bit x86-64)' : `${facts.bits}-bit ${facts.cpu}`;
    return { kind: 'abi-mismatch', why: `${what} in a ${row.bits}-bit image` };
  }
  if (facts.endian !== row.endian) {
    return { kind: 'abi-mismatch', why: `${facts.endian}-endian ${facts.cpu} in a ${row.endian}-endian image` };
  }
  // Unknown float ABI is never a finding (Go's static ARM binaries carry no float flag).
  if (row.float && (facts.floatAbi === 'hard' || facts.floatAbi === 'soft') && facts.floatAbi !== row.float) {
    return { kind: 'abi-mismatch', why: `${facts.floatAbi}-float ARM in a ${row.float}-float image` };
  }
  if (row.machine === EM_ARM && row.level !== undefined && facts.armArch != null) {
    const needs = TAG_CPU_ARCH[facts.armArch]?.[1];
    if (needs != null && needs > row.level) {
      return { kind: 'variant-mismatch', why: `${armName(facts.armArch)} code in an arm/${want.variant} image` };
    }
  }
  if (row.machine === EM_X86_64 && row.level !== undefined && facts.isaLevel != null && facts.isaLevel > row.level) {
    return { kind: 'variant-mismatch', why: `x86-64-v${facts.isaLevel} code in an x86-64-v${row.level} image` };
  }
  return { kind: 'match' };
}

const KIND_WORDS: Readonly<Record<BinaryFacts['kind'], string>> = {
  executable: 'executable',
  'shared-library': 'shared library',
  relocatable: 'relocatable object',
  core: 'core dump',
  other: 'file',
};

function elfCpu(f: BinaryFacts): string {
  if (f.machine === EM_ARM) {
    const notes = [armName(f.armArch), f.floatAbi === 'hard' || f.floatAbi === 'soft' ? `${f.floatAbi}-float` : null];
    if (f.endian === 'big') notes.push('big-endian');
    const shown = notes.filter((n): n is string => n !== null);
    return shown.length ? `32-bit ARM (${shown.join(', ')})` : '32-bit ARM';
  }
  if (f.machine === EM_X86_64 && f.bits === 32) return 'x32 (32-bit x86-64)';
  const row = PLATFORMS.find((r) => r.machine === f.machine && r.bits === f.bits && r.endian === f.endian);
  if (!row) return `${f.cpu} (${f.bits}-bit, ${f.endian}-endian)`;
  if (f.machine === EM_X86_64 && f.isaLevel != null && f.isaLevel > 1) return `x86-64-v${f.isaLevel}`;
  return row.cpu;
}

function foreignCpu(f: BinaryFacts, column: 'macho' | 'pe'): string {
  return PLATFORMS.find((r) => r[column]?.[0] === f.machine)?.[column]?.[1] ?? f.cpu;
}

/** Names a binary for messages: "x86-64 shared library", "Mach-O universal (x86-64, arm64) executable". */
export function describeFacts(facts: BinaryFacts): string {
  const kind = KIND_WORDS[facts.kind] ?? 'file';
  switch (facts.format) {
    case 'elf':
      return `${elfCpu(facts)} ${kind}`;
    case 'pe':
      return `PE ${foreignCpu(facts, 'pe')} ${kind}`;
    case 'macho': {
      if (facts.slices.length === 0) return `Mach-O ${foreignCpu(facts, 'macho')} ${kind}`;
      const sliceKind = facts.kind === 'other' ? (facts.slices[0]?.kind ?? 'other') : facts.kind;
      const cpus = facts.slices.map((s) => foreignCpu(s, 'macho')).join(', ');
      return `Mach-O universal (${cpus}) ${KIND_WORDS[sliceKind] ?? 'file'}`;
    }
    default:
      return `${facts.cpu} ${kind}`;
  }
}
