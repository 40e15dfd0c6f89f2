// The per-binary rules of spec §5 that one verdict decides: arch-mismatch, abi-mismatch,
// compat-32bit, variant-mismatch and foreign-format, plus unreadable headers (info). They share
// a file because platform.judge() grades each binary once and exactly one of them can apply.
// A foreign binary the target's loaders never load (the loader model) is by-design info instead.

import type { BinaryFacts, FinalFile, Finding, Severity } from '../model.js';
import { describeFacts, formatPlatform, judge, type Platform, type Verdict } from '../platform.js';
import { deviceCode } from './by-design.js';
import type { RuleContext } from './context.js';
import { loaderModel } from './model/loader-model.js';

const EXECUTABLE_BITS = 0o111;

export function binaryPlatform(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  const findings: Finding[] = [];
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
    if (verdict.kind === 'no-opinion' && !deviceCode(file.facts)) continue;
    const role = loaderModel(ctx, expected).role(file);
    const finding = role.loaded
      ? verdictFinding(verdict, file, file.facts, expected, role.hint ?? '')
      : byDesign(file, file.facts, expected, role.reason);
    if (finding) findings.push({ ...finding, layer: ctx.layerDigest(file.layer), ...(role.owner ? { package: role.owner } : {}) });
  }
  return findings;
}

/** A by-design finding for a file the target never loads. */
export function byDesign(file: FinalFile, facts: BinaryFacts | null, expected: Platform, reason: string): Finding {
  return {
    severity: 'info',
    rule: 'by-design',
    path: file.path,
    layer: null,
    found: facts?.platform ?? null,
    expected: formatPlatform(expected),
    message: facts ? `${describeFacts(facts)}: ${reason}` : reason,
  };
}

function verdictFinding(v: Verdict, file: FinalFile, facts: BinaryFacts, expected: Platform, hint: string): Finding | null {
  const exp = formatPlatform(expected);
  const what = `${describeFacts(facts)} in a ${exp} image`;
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
      return make('arch-mismatch', facts.kind === 'relocatable' ? 'warning' : 'error', `${what}${hint}`);
    case 'abi-mismatch':
      return make('abi-mismatch', 'error', `${what}: ${v.why}${hint}`);
    case 'compat-32bit':
      return make('compat-32bit', 'warning', `${what}: runs only where the host kernel keeps 32-bit support`);
    case 'variant-mismatch':
      return make('variant-mismatch', expected.arch === 'amd64' ? 'warning' : 'error', `${what}: ${v.why}`);
    case 'foreign-format': {
      const severe = file.path.endsWith('.node') || (file.mode & EXECUTABLE_BITS) !== 0;
      return make('foreign-format', severe ? 'error' : 'info', `${what}${severe ? hint : ''}`);
    }
  }
}

function formatName(format: 'elf' | 'macho' | 'pe'): string {
  return format === 'elf' ? 'ELF' : format === 'macho' ? 'Mach-O' : 'PE';
}
