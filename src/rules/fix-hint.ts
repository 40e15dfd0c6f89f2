// The "what to do about it" tail of a finding's message (style convention 8): a file in a
// per-platform npm package names the package the target needs instead; a prebuild folder without
// the target's prebuild says so; any other wrong-arch Node addon means node_modules was installed
// on another machine; anything else was built or downloaded for the wrong CPU.

import type { BinaryFacts, FinalFile } from '../model.js';
import type { FileTree } from '../overlay/file-tree.js';
import { formatPlatform, type Platform } from '../platform.js';
import { shipsTargetPrebuild } from './by-design.js';
import { nodeArch, npmInstallHint, npmPlatformPackage, prebuildIsFor, prebuildOf, type Libc } from './npm-platform.js';

export interface HintContext {
  tree: FileTree;
  /** The image's C library, for naming glibc or musl packages. */
  libc: Libc | null;
}

export function fixHint(file: FinalFile, facts: BinaryFacts, expected: Platform, hc?: HintContext): string {
  const target = formatPlatform(expected);
  const pkg = npmPlatformPackage(file.path);
  const arch = nodeArch(expected);
  if (pkg && arch) {
    const libc = hc?.libc ?? pkg.libc;
    const candidates = pkg.spell('linux', arch, pkg.os === 'linux' || pkg.libc ? libc : null);
    const present = candidates.find((c) => hc?.tree.resolve(pkg.dir.replace(pkg.name, c)) !== undefined);
    const needed = present ?? candidates[0]!;
    const exists = present !== undefined;
    return `; ${pkg.name} is the ${pkg.os}-${pkg.arch}${pkg.libc ? ` (${pkg.libc})` : ''} build, but a ${target}${libc ? ` ${libc}` : ''} image needs ${needed}${exists ? ' (present too)' : ''}: npm install ran on another platform — run npm ci inside the ${target} build stage, or ${npmInstallHint(expected, libc)}`;
  }
  const pb = prebuildOf(file.path);
  if (pb && !prebuildIsFor(pb, expected) && hc && !shipsTargetPrebuild(hc.tree, pb.packageDir, expected)) {
    return `; the package ships no prebuild for linux-${arch ?? expected.arch} (prebuilds/linux-${arch ?? expected.arch}/), so node-gyp-build finds nothing to load: build it from source in the ${target} build stage (npm rebuild) or use a version that ships it`;
  }
  if (file.path.endsWith('.node') || file.path.includes('/node_modules/')) {
    return `; node_modules was installed for ${facts.platform}: run npm ci inside the ${target} build stage instead of copying node_modules in`;
  }
  if (/\.(cpython|abi3|pypy)[^/]*\.so$/.test(file.path) || file.path.includes('/site-packages/')) {
    return `; install the ${target} wheel inside the image build instead of copying site-packages in`;
  }
  return `; build or download it for ${target}`;
}
