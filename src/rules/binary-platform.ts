// The per-binary rules of spec §5 that one verdict decides: arch-mismatch, abi-mismatch,
// compat-32bit, variant-mismatch and foreign-format, plus unreadable headers (info). They share
// a file because platform.judge() grades each binary once and exactly one of them can apply.
// A foreign binary that belongs where it is (by-design.ts) becomes by-design info instead.

import type { BinaryFacts, FinalFile, Finding, Severity } from '../model.js';
import { describeFacts, formatPlatform, judge, type Platform, type Verdict } from '../platform.js';
import { byDesignReason } from './by-design.js';
import type { RuleContext } from './context.js';
import { fixHint } from './fix-hint.js';
import { imageLibc } from './image-facts.js';
import { prebuildIsFor, prebuildOf, type Libc } from './npm-platform.js';

const EXECUTABLE_BITS = 0o111;

export function binaryPlatform(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  const findings: Finding[] = [];
  let libc: Libc | null | undefined;
  /** Prebuild packages already reported for lacking the target's prebuild: one error each. */
  const lacking = new Map<string, string>();
  for (const file of ctx.tree.files()) {
    if (file.unreadable) {
      findings.push({
        severity: 'info',
        rule: 'unreadable-binary',
        path: file.path,
        layer: ctx.layerDigest(file.layer),
        found: file.unreadable.format,
        expected: expected ? formatPlatform(expected) : null,
        message: `${formatName(file.unreadable.format)} file whose headers cannot be read (${file.unreadable.reason}); not checked`,
      });
      continue;
    }
    if (!file.facts || !expected) continue;
    const verdict = judge(file.facts, expected);
    if (verdict.kind === 'match') continue;
    const reason = byDesignReason(file, file.facts, { tree: ctx.tree, expected });
    if (reason) {
      findings.push(byDesign(file, file.facts, expected, reason, ctx.layerDigest(file.layer)));
      continue;
    }
    const pb = prebuildOf(file.path);
    if (pb && !prebuildIsFor(pb, expected) && (verdict.kind === 'arch-mismatch' || verdict.kind === 'foreign-format' || verdict.kind === 'abi-mismatch')) {
      const first = lacking.get(pb.packageDir);
      if (first !== undefined) {
        const why = `another platform's prebuild; the missing ${formatPlatform(expected)} one is reported at ${first}`;
        findings.push(byDesign(file, file.facts, expected, why, ctx.layerDigest(file.layer)));
        continue;
      }
      lacking.set(pb.packageDir, file.path);
    }
    libc ??= imageLibc(ctx.tree);
    const finding = verdictFinding(verdict, file, file.facts, expected, ctx, libc);
    if (finding) findings.push({ ...finding, layer: ctx.layerDigest(file.layer) });
  }
  return findings;
}

function byDesign(file: FinalFile, facts: BinaryFacts, expected: Platform, reason: string, layer: string | null): Finding {
  return {
    severity: 'info',
    rule: 'by-design',
    path: file.path,
    layer,
    found: facts.platform,
    expected: formatPlatform(expected),
    message: `${describeFacts(facts)}: ${reason}`,
  };
}

function verdictFinding(v: Verdict, file: FinalFile, facts: BinaryFacts, expected: Platform, ctx: RuleContext, libc: Libc | null): Finding | null {
  const exp = formatPlatform(expected);
  const what = `${describeFacts(facts)} in a ${exp} image`;
  const hint = () => fixHint(file, facts, expected, { tree: ctx.tree, libc });
  const make = (rule: Finding['rule'], severity: Severity, message: string): Finding => ({
    severity,
    rule,
    path: file.path,
    layer: null,
    found: facts.platform,
    expected: exp,
    message,
  });
  switch (v.kind) {
    case 'match':
    case 'no-opinion':
      return null;
    case 'arch-mismatch':
      return make('arch-mismatch', facts.kind === 'relocatable' ? 'warning' : 'error', `${what}${hint()}`);
    case 'abi-mismatch':
      return make('abi-mismatch', 'error', `${what}: ${v.why}${hint()}`);
    case 'compat-32bit':
      return make('compat-32bit', 'warning', `${what}: runs only where the host kernel keeps 32-bit support`);
    case 'variant-mismatch':
      return make('variant-mismatch', expected.arch === 'amd64' ? 'warning' : 'error', `${what}: ${v.why}`);
    case 'foreign-format': {
      const severe = file.path.endsWith('.node') || (file.mode & EXECUTABLE_BITS) !== 0;
      return make('foreign-format', severe ? 'error' : 'info', `${what}${severe ? hint() : ''}`);
    }
  }
}

function formatName(format: 'elf' | 'macho' | 'pe'): string {
  return format === 'elf' ? 'ELF' : format === 'macho' ? 'Mach-O' : 'PE';
}
