// --ignore globs: a finding on a matching path becomes by-design info, so a user can accept a
// foreign file without losing sight of it. A pattern without "/" matches the file name anywhere.

import picomatch from 'picomatch';
import type { Finding } from '../model.js';

export function ignoreMatcher(patterns: string[]): (path: string) => string | null {
  const matchers = patterns.map((p) => {
    const basename = !p.includes('/');
    const pattern = basename || p.startsWith('/') || p.startsWith('**') ? p : `/${p}`;
    return { p, test: picomatch(pattern, { dot: true, basename }) };
  });
  return (path) => matchers.find((m) => m.test(path))?.p ?? null;
}

export function applyIgnores(findings: Finding[], patterns: string[]): Finding[] {
  if (patterns.length === 0) return findings;
  const match = ignoreMatcher(patterns);
  return findings.map((f) => {
    const pattern = f.path === null || f.rule === 'by-design' ? null : match(f.path);
    if (pattern === null) return f;
    return { ...f, severity: 'info', rule: 'by-design', message: `${f.message} (accepted: matches --ignore ${pattern}; was ${f.rule})` };
  });
}
