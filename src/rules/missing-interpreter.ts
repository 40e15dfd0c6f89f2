// missing-interpreter (spec §5): the PT_INTERP of a binary built for the image's platform must
// exist in the final filesystem, followed through symlinks inside the image. A glibc binary in
// an Alpine image, a musl binary in Debian, or a loader of another CPU all fail at exec with a
// misleading "no such file or directory". Foreign binaries are left to the arch rules, files the
// target never loads to the loader model (rules/index.ts).

import type { Finding } from '../model.js';
import { describeFacts, formatPlatform, judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { hintOf } from './model/hint.js';
import { imageLibc } from './image-facts.js';

export function missingInterpreter(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  if (!expected) return [];
  const findings: Finding[] = [];
  const libc = imageLibc(ctx.tree);
  for (const file of ctx.tree.files()) {
    const facts = file.facts;
    if (!facts || facts.format !== 'elf' || !facts.interpreter) continue;
    if (judge(facts, expected).kind !== 'match') continue;
    const interp = facts.interpreter;
    const loader = ctx.tree.resolve(interp);
    let why: string | null = null;
    if (!loader || loader.type !== 'file') {
      const wants = /ld-musl-/.test(interp) ? 'musl' : /ld-linux|ld64\.so|\/ld\.so/.test(interp) ? 'glibc' : null;
      why =
        wants && libc && wants !== libc
          ? `its interpreter ${interp} is not in the image: a ${wants} binary in a ${libc} image${hintOf(ctx, file) ?? `; build it against ${libc} (or install ${wants === 'musl' ? 'musl' : 'glibc compatibility (gcompat)'})`}`
          : `its interpreter ${interp} is not in the image; install the C library it was built against or build it statically`;
    } else if (loader.facts && loader.facts.format === 'elf' && (loader.facts.machine !== facts.machine || loader.facts.bits !== facts.bits)) {
      why = `its interpreter ${interp} is for another CPU (${describeFacts(loader.facts)}); install the loader for ${formatPlatform(expected)}`;
    }
    if (why) {
      findings.push({
        severity: 'error',
        rule: 'missing-interpreter',
        path: file.path,
        layer: ctx.layerDigest(file.layer),
        found: facts.platform,
        expected: formatPlatform(expected),
        message: `${describeFacts(facts)}: ${why}`,
      });
    }
  }
  return findings;
}
