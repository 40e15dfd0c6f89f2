// The image's C library for the report header: its flavour (from the loader present, as the
// loader rules see it) and its version. The version is the release the package manager installed
// — dpkg's libc6 or musl, apk's musl, read from their databases for the very file the loader
// would load — because that is what a person compares with a base image's tag; a glibc without a
// package record (a copied or self-built one) falls back to the newest GLIBC_x.y its libc.so.6
// defines in DT_VERDEF, what a binary can need — never a file name. (glibc 2.31 added no symbol
// version, so that fallback calls bullseye's glibc 2.30; musl defines none and stays null.)

import type { FinalFile, LibcInfo } from '../model.js';
import { judge } from '../platform.js';
import type { RuleContext } from './context.js';
import { imageLibc, muslLibrary, type Libc } from './image-facts.js';
import { findLibrary, imageLoaderConfig, searchPath } from './loader-path.js';
import { distroPackagesOf, type DistroPackage } from './model/distro-packages.js';
import { newestOf } from './symbol-versions.js';

export function imageLibcInfo(ctx: RuleContext): LibcInfo | null {
  const flavor = imageLibc(ctx.tree);
  if (!flavor) return null;
  const file = flavor === 'musl' ? muslLibrary(ctx.tree) : glibcLibrary(ctx);
  if (!file) return { flavor, version: null };
  const packaged = releaseOf(distroPackagesOf(ctx.tree, ctx.texts).ownerOf(file), flavor);
  if (packaged) return { flavor, version: packaged };
  return { flavor, version: flavor === 'glibc' ? newestOf(file.facts?.versionsDefined ?? [], 'GLIBC') : null };
}

/** The libc.so.6 the loader finds for the image's programs, or null. */
function glibcLibrary(ctx: RuleContext): FinalFile | null {
  if (!ctx.expected) return null;
  const cfg = imageLoaderConfig(ctx);
  // The first program of the image's platform that needs libc.so.6 stands for them all; its own
  // RUNPATH is left out, so that the answer is the image's default search (LD_LIBRARY_PATH included).
  for (const file of ctx.tree.files()) {
    const facts = file.facts;
    if (!facts || facts.format !== 'elf' || !facts.needed?.includes('libc.so.6') || judge(facts, ctx.expected).kind !== 'match') continue;
    const found = findLibrary(ctx.tree, 'libc.so.6', searchPath(file, { ...facts, rpath: null, runpath: null }, cfg, false), facts);
    if (typeof found !== 'string') return found.file;
  }
  return null;
}

/** The libc packages' names: Debian's libc6 (libc6.1 on alpha/ia64, libc6-<arch>-cross), musl everywhere. */
const LIBC_PACKAGE: Record<Libc, RegExp> = { glibc: /^libc6(\.1)?(-|$)|^libc0\.[13]$|^glibc$/, musl: /^musl$/ };

/** "2.31" of dpkg's "2.31-13+deb11u5", "1:2.36-9" or apk's "1.2.4-r2": the upstream release. */
export function releaseOf(pkg: DistroPackage | undefined, flavor: Libc): string | null {
  if (!pkg?.version || !LIBC_PACKAGE[flavor].test(pkg.name)) return null;
  const upstream = pkg.version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
  return /^\d+(\.\d+)+/.exec(upstream)?.[0] ?? null;
}
