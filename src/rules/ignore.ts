// --ignore globs and the config's ignore list: a finding on a matching path becomes by-design
// info, so a user can accept a foreign file without losing sight of it. A pattern without "/"
// matches the file name anywhere. The config's per-rule severities apply last ("off" drops).

import picomatch from 'picomatch';
import type { Finding, RuleId, Severity } from '../model.js';

/** A pattern and, from a config file, the reason it was accepted. */
export interface Accept {
  pattern: string;
  reason?: string;
}

export function ignoreMatcher(patterns: (string | Accept)[]): (path: string) => Accept | null {
  const matchers = patterns.map((raw) => {
    const a: Accept = typeof raw === 'string' ? { pattern: raw } : raw;
    const p = a.pattern;
    const basename = !p.includes('/');
    const pattern = basename || p.startsWith('/') || p.startsWith('**') ? p : `/${p}`;
    return { a, test: picomatch(pattern, { dot: true, basename }) };
  });
  return (path) => matchers.find((m) => m.test(path))?.a ?? null;
}

export function applyIgnores(findings: Finding[], patterns: (string | Accept)[]): Finding[] {
  if (patterns.length === 0) return findings;
  const match = ignoreMatcher(patterns);
  return findings.map((f) => {
    const a = f.path === null || f.rule === 'by-design' ? null : match(f.path);
    if (a === null) return f;
    const why = a.reason ? `matches ${a.pattern}: ${a.reason}` : `matches --ignore ${a.pattern}`;
    return { ...f, severity: 'info', rule: 'by-design', message: `${f.message} (accepted: ${why}; was ${f.rule})` };
  });
}

export function applySeverities(findings: Finding[], overrides: Partial<Record<RuleId, Severity | 'off'>>): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const o = overrides[f.rule];
    if (o === 'off') continue;
    out.push(o ? { ...f, severity: o } : f);
  }
  return out;
}
