// missing-symbol-version (spec §5): the next question glibc's loader asks after finding every
// DT_NEEDED library — does each library define the symbol versions this file needs from it
// (DT_VERNEED against the library's DT_VERDEF, dl-version.c)? A program built on a newer
// distribution than the image's fails at start with "version `GLIBC_2.34' not found". The
// library is the one the loader would find (loader-path.ts, the same lookup as missing-library);
// weak needs, libraries without version definitions (the loader checks nothing then), musl
// (whose loader ignores versions) and anything unknown are never a finding. One root cause per
// file: a file whose interpreter or libraries are missing is left to those rules, and one the
// target's loaders never load to the loader model (one-cause.ts).

import { posix } from 'node:path';

import type { BinaryFacts, Finding, VersionNeed } from '../model.js';
import { describeFacts, formatPlatform, judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { imageLibc } from './image-facts.js';
import { findLibrary, imageLoaderConfig, interpreterFound, loadedByMusl, searchPath, type LoaderConfig } from './loader-path.js';
import { compareNumbers, newestOf, parseVersion, requirement } from './symbol-versions.js';

/** The versions one library does not define. */
interface Miss {
  library: string;
  /** Where the loader finds it: "/lib/x86_64-linux-gnu/libc.so.6". */
  path: string;
  versions: string[];
  defined: string[];
}

export function missingSymbolVersion(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  if (!expected) return [];
  const libc = imageLibc(ctx.tree);
  let cfg: LoaderConfig | undefined;
  const findings: Finding[] = [];
  for (const file of ctx.tree.files()) {
    const facts = file.facts;
    if (!facts || facts.format !== 'elf' || !facts.versionsNeeded?.length || !facts.needed) continue;
    if (facts.kind !== 'executable' && facts.kind !== 'shared-library') continue;
    if (loadedByMusl(facts, libc) || !interpreterFound(ctx.tree, facts)) continue;
    if (judge(facts, expected).kind !== 'match') continue;
    cfg ??= imageLoaderConfig(ctx);
    const misses = missesOf(ctx, facts, facts.versionsNeeded, searchPath(file, facts, cfg, false));
    if (misses.length === 0) continue;
    findings.push({
      severity: 'error',
      rule: 'missing-symbol-version',
      path: file.path,
      layer: ctx.layerDigest(file.layer),
      found: facts.platform,
      expected: formatPlatform(expected),
      message: `${describeFacts(facts)}: ${explain(misses)}`,
    });
  }
  return findings;
}

/** Every non-weak version a found library does not define; none when a needed library is missing (missing-library's finding). */
function missesOf(ctx: RuleContext, facts: BinaryFacts, needs: VersionNeed[], dirs: string[]): Miss[] {
  const found = new Map<string, ReturnType<typeof findLibrary>>();
  const find = (name: string) => {
    if (!found.has(name)) found.set(name, findLibrary(ctx.tree, name, dirs, facts));
    return found.get(name)!;
  };
  if (facts.needed!.some((name) => typeof find(name) === 'string')) return [];
  const misses: Miss[] = [];
  for (const need of needs) {
    const lib = find(need.library);
    // Not found (not a DT_NEEDED name), unknown, or no version definitions at all: the loader checks nothing.
    const defined = typeof lib === 'string' ? null : lib.file.facts?.versionsDefined;
    if (typeof lib === 'string' || !defined?.length) continue;
    const versions = need.versions.filter((v) => !defined.includes(v));
    if (versions.length > 0) misses.push({ library: need.library, path: lib.path, versions, defined });
  }
  return misses;
}

/**
 * "needs GLIBC_2.34 of libc.so.6, which the image's /lib/…/libc.so.6 does not define (its newest is
 * GLIBC_2.30); build it in a stage from the same base image, or use a base with glibc ≥ 2.34".
 */
function explain(misses: Miss[]): string {
  const parts: string[] = [];
  const need: string[] = [];
  for (const m of misses) {
    const families = [...new Set(m.versions.map((v) => parseVersion(v)?.family ?? v))];
    const newest = families.map((f) => {
      const n = newestOf(m.defined, f);
      return n ? `${f}_${n}` : `no ${f} version`;
    });
    parts.push(`${list(sortVersions(m.versions))} of ${m.library}, which the image's ${posix.normalize(m.path)} does not define (its newest is ${list(newest)})`);
    for (const f of families) {
      const wanted = newestOf(m.versions, f);
      if (wanted) need.push(requirement(f, wanted, m.library));
    }
  }
  // A build against the image's own libraries needs only what they define.
  return `needs ${parts.join('; and ')}; build it in a stage from the same base image, or use a base with ${list([...new Set(need)])}`;
}

function sortVersions(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const x = parseVersion(a);
    const y = parseVersion(b);
    if (!x || !y || x.family !== y.family) return a < b ? -1 : a > b ? 1 : 0;
    return compareNumbers(y.number, x.number);
  });
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
