// One root cause, one finding (spec §5.1), applied to what the rules found: a file the target's
// loaders never load gets one by-design info and nothing else; any other file at most one error —
// the most specific — and no missing-library warning beside an error that already keeps it from
// loading. Every finding on a file a package owns names the package. The loader model is asked
// only about files that have findings.

import type { Finding, RuleId } from '../model.js';
import { byDesign } from './binary-platform.js';
import type { RuleContext } from './context.js';
import { loaderModel } from './model/loader-model.js';

/** Lower first: the entrypoint says most (nothing starts), then what the file is, then what it lacks. */
const PRECEDENCE: Partial<Record<RuleId, number>> = {
  'entrypoint-mismatch': 0,
  'arch-mismatch': 1,
  'abi-mismatch': 1,
  'foreign-format': 1,
  'variant-mismatch': 1,
  'missing-interpreter': 2,
  'missing-library': 3,
  'missing-symbol-version': 4,
};
/** Findings about a folder or the configuration, not about a file's content. */
const NOT_FILE: ReadonlySet<RuleId> = new Set(['missing-platform-package', 'missing-native-build', 'entrypoint-missing', 'by-design', 'unreadable-binary']);

export function oneCause(ctx: RuleContext, findings: Finding[]): Finding[] {
  const expected = ctx.expected;
  if (!expected) return findings;
  const byPath = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.path === null || NOT_FILE.has(f.rule)) continue;
    const list = byPath.get(f.path) ?? [];
    list.push(f);
    byPath.set(f.path, list);
  }
  const replaced = new Map<Finding, Finding | null>();
  for (const [path, group] of byPath) {
    const file = ctx.tree.get(path);
    if (!file || file.type !== 'file') continue;
    const role = loaderModel(ctx, expected).role(file);
    const pkg = role.owner ? { package: role.owner } : {};
    for (const f of group) replaced.set(f, { ...f, ...pkg });
    if (!role.loaded) {
      // The loader rules judged a file matching the platform that nothing loads (the foreign
      // ones binary-platform already called by-design); the entrypoint is run whatever the
      // model says of the file.
      const rest = group.filter((f) => f.rule !== 'entrypoint-mismatch');
      const was = [...new Set(rest.map((f) => f.rule))].join(', ');
      const info = byDesign(file, file.facts, expected, role.reason);
      rest.forEach((f, i) => replaced.set(f, i === 0 ? { ...info, layer: f.layer, ...pkg, message: `${info.message} (was ${was})` } : null));
      continue;
    }
    keepOneError(group, replaced);
  }
  return findings.flatMap((f) => {
    const r = replaced.get(f);
    return r === undefined ? [f] : r === null ? [] : [r];
  });
}

function keepOneError(group: Finding[], replaced: Map<Finding, Finding | null>): void {
  const errors = group.filter((f) => f.severity === 'error').sort((a, b) => (PRECEDENCE[a.rule] ?? 9) - (PRECEDENCE[b.rule] ?? 9));
  for (const f of errors.slice(1)) replaced.set(f, null);
  if (errors.length) for (const f of group) if (f.rule === 'missing-library' && f.severity === 'warning') replaced.set(f, null);
}
