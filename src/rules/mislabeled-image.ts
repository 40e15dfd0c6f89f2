// mislabeled-image (spec §5): the image says one platform and its binaries say another — an
// emulated build that forgot --platform, a `docker tag` of the wrong image. Judged on the
// executables outside by-design folders (what the label promises to run; a folder of plugin
// libraries says less); it fires only when at least MIN_BINARIES of them exist and more than
// SHARE of them are for one other platform, so a handful of stray files (or a vendored toolchain
// in an otherwise right image) never fires it.

import type { Finding } from '../model.js';
import { formatPlatform, judge } from '../platform.js';
import { byDesignReason } from './by-design.js';
import type { RuleContext } from './context.js';

export const MIN_BINARIES = 10;
export const SHARE = 0.75;

export function mislabeledImage(ctx: RuleContext): Finding[] {
  const declared = ctx.declared;
  if (!declared) return [];
  let total = 0;
  const foreign = new Map<string, number>();
  for (const file of ctx.tree.files()) {
    const f = file.facts;
    if (!f || f.format !== 'elf' || f.kind !== 'executable') continue;
    const v = judge(f, declared);
    if (v.kind === 'no-opinion' || byDesignReason(file, f, { tree: ctx.tree, expected: declared })) continue;
    total++;
    if (v.kind === 'arch-mismatch' || v.kind === 'abi-mismatch') {
      // Group by CPU layout; the variant part of ARM platforms differs between files of one build.
      const key = f.platform.replace(/^(linux\/arm)\/v\d$/, '$1');
      foreign.set(key, (foreign.get(key) ?? 0) + 1);
    }
  }
  if (total < MIN_BINARIES) return [];
  const [top, count] = [...foreign].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (count / total <= SHARE) return [];
  const d = formatPlatform(declared);
  return [
    {
      severity: 'error',
      rule: 'mislabeled-image',
      path: null,
      layer: null,
      found: top,
      expected: d,
      message: `the image is labelled ${d}, but ${count} of its ${total} binaries are ${top}: it was built for the wrong platform or mislabelled; rebuild it with --platform ${d}`,
    },
  ];
}
