// The image's C library for the report header: its flavour (from the loader present, as the
// loader rules see it) and, for glibc, the newest GLIBC_x.y defined by the libc.so.6 the loader
// would load for the image's programs — read from the library's DT_VERDEF, never from a file
// name. musl defines no symbol versions and its library carries its version only as an
// unmarked string, so its version stays null (docs/rules.md says why).

import type { LibcInfo } from '../model.js';
import { judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { imageLibc } from './image-facts.js';
import { findLibrary, imageLoaderConfig, searchPath } from './loader-path.js';
import { newestOf } from './symbol-versions.js';

export function imageLibcInfo(ctx: RuleContext): LibcInfo | null {
  const flavor = imageLibc(ctx.tree);
  if (!flavor) return null;
  if (flavor === 'musl' || !ctx.expected) return { flavor, version: null };
  const cfg = imageLoaderConfig(ctx);
  // The first program of the image's platform that needs libc.so.6 stands for them all; its own
  // RUNPATH is left out, so that the answer is the image's default search (LD_LIBRARY_PATH included).
  for (const file of ctx.tree.files()) {
    const facts = file.facts;
    if (!facts || facts.format !== 'elf' || !facts.needed?.includes('libc.so.6') || judge(facts, ctx.expected).kind !== 'match') continue;
    const found = findLibrary(ctx.tree, 'libc.so.6', searchPath(file, { ...facts, rpath: null, runpath: null }, cfg, false), facts);
    if (typeof found === 'string') continue;
    return { flavor, version: newestOf(found.file.facts?.versionsDefined ?? [], 'GLIBC') };
  }
  return { flavor, version: null };
}
