// Symbol version names (`GLIBC_2.34`, `GLIBCXX_3.4.30`, `CXXABI_1.3.13`, `GCC_12.0.0`) as the
// rules and the report read them: their family and number, their order, the newest a file needs
// or a library defines, and which release of the toolchain brought a libstdc++ version — so that
// a message can name the base image or compiler that fixes it. The names come from the files'
// DT_VERNEED and DT_VERDEF (native/src/formats/elf/versions.rs); nothing here looks at file names.

import type { BinaryFacts } from '../model.js';

export interface SymbolVersion {
  /** What precedes the number: "GLIBC", "GLIBCXX", "CXXABI", "GCC", "OPENSSL". */
  family: string;
  /** The dotted number: "2.34". */
  number: string;
}

/** `FAMILY_1.2.3` → its parts ("CXXABI_TM_1" is CXXABI_TM 1); null for names without a number (GLIBC_PRIVATE). */
export function parseVersion(name: string): SymbolVersion | null {
  const m = /^(.+?)_(\d+(?:\.\d+)*)$/.exec(name);
  return m ? { family: m[1]!, number: m[2]! } : null;
}

/** Numeric order of dotted numbers: 2.2.5 < 2.17 < 2.34. */
export function compareNumbers(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The highest number of `family` among `names`, or null when none is of it. */
export function newestOf(names: Iterable<string>, family: string): string | null {
  let best: string | null = null;
  for (const n of names) {
    const v = parseVersion(n);
    if (v && v.family === family && (best === null || compareNumbers(v.number, best) > 0)) best = v.number;
  }
  return best;
}

/** The newest version of `family` a file needs from any library (weak needs count too: a build needed them); null when none or unknown. */
export function newestNeeded(facts: BinaryFacts, family: string): string | null {
  const needs = facts.versionsNeeded;
  if (!needs) return null;
  return newestOf(
    needs.flatMap((n) => [...n.versions, ...n.weak]),
    family,
  );
}

/**
 * The first GCC release whose libstdc++ defines each version (libstdc++'s manual, "ABI Policy
 * and Guidelines", versioning history). Versions older than GCC 5 are left out: nothing current
 * lacks them.
 */
const LIBSTDCXX_RELEASES: Record<string, [version: string, gcc: string][]> = {
  GLIBCXX: [
    ['3.4.21', '5'],
    ['3.4.22', '6'],
    ['3.4.23', '7'],
    ['3.4.24', '7.2'],
    ['3.4.25', '8'],
    ['3.4.26', '9'],
    ['3.4.27', '9.2'],
    ['3.4.28', '9.3'],
    ['3.4.29', '11'],
    ['3.4.30', '12'],
    ['3.4.31', '13'],
    ['3.4.32', '13.2'],
    ['3.4.33', '14'],
    ['3.4.34', '15'],
  ],
  CXXABI: [
    ['1.3.9', '5'],
    ['1.3.10', '6'],
    ['1.3.11', '7'],
    ['1.3.12', '9'],
    ['1.3.13', '11'],
    ['1.3.14', '13'],
    ['1.3.15', '14'],
    ['1.3.16', '15'],
  ],
};

/** The GCC release whose libstdc++ first defines `family_number`, or null when the table does not know it. */
export function gccRelease(family: string, number: string): string | null {
  return LIBSTDCXX_RELEASES[family]?.find(([v]) => v === number)?.[1] ?? null;
}

/**
 * What a base image must have for `family_number`, in the words its packages use:
 * "glibc ≥ 2.34", "libstdc++6 from gcc ≥ 12 (GLIBCXX_3.4.30)", "libgcc-s1 from gcc ≥ 12".
 */
export function requirement(family: string, number: string, library: string): string {
  if (family === 'GLIBC') return `glibc ≥ ${number}`;
  if (family === 'GLIBCXX' || family === 'CXXABI') {
    const gcc = gccRelease(family, number);
    return gcc ? `libstdc++6 from gcc ≥ ${gcc} (${family}_${number})` : `a libstdc++6 that defines ${family}_${number}`;
  }
  if (family === 'GCC') return `libgcc-s1 from gcc ≥ ${number.split('.')[0]}`;
  return `a ${library} that defines ${family}_${number}`;
}
