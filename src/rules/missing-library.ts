// missing-library (spec §5): every DT_NEEDED name of a binary built for the image's platform,
// looked up the way the loader would (loader-path.ts). It is the only rule that catches shared
// objects built against the wrong C library — a glibc-built .node in Alpine, a musl-built one in
// Debian — since they have no PT_INTERP. Missing C libraries and loaders are errors (nothing
// loads); other libraries warnings (a plugin's host may supply them). Unknown needs are skipped;
// files the target never loads (the other C library's twin of a prebuild) are left to the
// loader model (rules/index.ts).

import type { BinaryFacts, FinalFile, Finding } from '../model.js';
import { describeFacts, formatPlatform, judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { imageLibc } from './image-facts.js';
import { findLibrary, imageLoaderConfig, loadedByMusl, searchPath, type LoaderConfig } from './loader-path.js';
import { hintOf } from './model/hint.js';

/** The C library and loader names — glibc's split-out parts included: nothing at all runs without them. */
const C_LIBRARY =
  /^(libc\.so(\.\d+)?|libc\.musl-[a-z0-9_]+\.so\.1|ld-linux[a-z0-9_.-]*\.so\.\d+|ld-musl-[a-z0-9_]+\.so\.1|ld64\.so\.[12]|ld\.so\.1|lib(m|pthread|dl|rt|util|resolv)\.so\.[0-9]+)$/;

export function missingLibrary(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  if (!expected) return [];
  const libc = imageLibc(ctx.tree);
  let cfg: LoaderConfig | undefined;
  const findings: Finding[] = [];
  for (const file of ctx.tree.files()) {
    const facts = file.facts;
    if (!facts || facts.format !== 'elf' || !facts.needed?.length) continue;
    if (facts.kind !== 'executable' && facts.kind !== 'shared-library') continue;
    if (judge(facts, expected).kind !== 'match') continue;
    cfg ??= imageLoaderConfig(ctx);
    const dirs = searchPath(file, facts, cfg, loadedByMusl(facts, libc));
    const missing: { name: string; found: 'foreign' | 'missing' }[] = [];
    for (const name of facts.needed) {
      const found = findLibrary(ctx.tree, name, dirs, facts);
      if (typeof found === 'string') missing.push({ name, found });
    }
    if (missing.length === 0) continue;
    // One finding per file, led by the most serious name: one root cause, one line.
    missing.sort((a, b) => rank(a.name) - rank(b.name));
    const { name, found } = missing[0]!;
    const more = missing.length > 1 ? ` (also missing: ${missing.slice(1).map((m) => m.name).join(', ')})` : '';
    const builtFor = /musl/.test(name) ? 'musl' : name === 'libc.so.6' || name.startsWith('ld-linux') ? 'glibc' : null;
    const why =
      found === 'foreign'
        ? `${name} is there only for another CPU${more}`
        : builtFor && libc && builtFor !== libc
          ? `${name} is not in the image${more}: it was built against ${builtFor}, the image has ${libc}${hintOf(ctx, file) ?? `; build it inside an image with ${libc}`}`
          : `${name} is found nowhere on the loader's search path${more}`;
    findings.push(finding(file, facts, ctx, C_LIBRARY.test(name) ? 'error' : 'warning', 'missing-library', why));
  }
  return findings;
}

/** The C library itself first, then the loader, glibc's other parts, anything else. */
function rank(name: string): number {
  if (/^libc\.(so|musl)/.test(name)) return 0;
  if (/^ld/.test(name)) return 1;
  return C_LIBRARY.test(name) ? 2 : 3;
}

function finding(file: FinalFile, facts: BinaryFacts, ctx: RuleContext, severity: Finding['severity'], rule: Finding['rule'], why: string): Finding {
  return {
    severity,
    rule,
    path: file.path,
    layer: ctx.layerDigest(file.layer),
    found: facts.platform,
    expected: ctx.expected ? formatPlatform(ctx.expected) : null,
    message: `${describeFacts(facts)}: ${why}`,
  };
}
