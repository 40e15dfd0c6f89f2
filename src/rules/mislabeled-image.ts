// mislabeled-image (spec §5, §5.1): the image says one platform and its binaries say another —
// an emulated build that forgot --platform, a `docker tag` of the wrong image, a FROM scratch
// image whose one static binary is x86-64 under an arm64 label. Judged on images of every size:
// it fires when more than half of the ELF executables and shared objects are for one other
// platform. Files the declared platform's loaders never load (the loader model: firmware of a
// native package, another platform's prebuild) are not counted.

import type { Finding } from '../model.js';
import { formatPlatform, judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { loaderModel } from './model/loader-model.js';

export function mislabeledImage(ctx: RuleContext): Finding[] {
  const declared = ctx.declared;
  if (!declared) return [];
  let total = 0;
  const foreign = new Map<string, number>();
  for (const file of ctx.tree.files()) {
    const f = file.facts;
    if (!f || f.format !== 'elf' || (f.kind !== 'executable' && f.kind !== 'shared-library')) continue;
    const v = judge(f, declared);
    if (v.kind === 'no-opinion') continue;
    const mismatch = v.kind === 'arch-mismatch' || v.kind === 'abi-mismatch';
    // Only a foreign file can be excused; asking the model about the others would read databases for nothing.
    if (v.kind !== 'match' && !loaderModel(ctx, declared).role(file).loaded) continue;
    total++;
    if (mismatch) {
      // Group by CPU layout; the variant part of ARM platforms differs between files of one build.
      const key = f.platform.replace(/^(linux\/arm)\/v\d$/, '$1');
      foreign.set(key, (foreign.get(key) ?? 0) + 1);
    }
  }
  const [top, count] = [...foreign].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  if (count * 2 <= total) return [];
  const d = formatPlatform(declared);
  return [
    {
      severity: 'error',
      rule: 'mislabeled-image',
      path: null,
      layer: null,
      found: top,
      expected: d,
      message: `the image is labelled ${d}, but ${count} of its ${total} ELF executables and shared libraries are ${top}: it was built for the wrong platform or mislabelled; rebuild it with --platform ${d}`,
    },
  ];
}
