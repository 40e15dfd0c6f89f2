// The default by-design patterns of spec §5: foreign code that belongs where it is. Each returns
// the reason a person would give, which becomes the by-design finding's message; docs/rules.md
// lists them with the why. A pattern only ever excuses code for the CPU its folder names (a
// cross sysroot for aarch64 excuses AArch64 files, not x86-64 ones), so a real mistake that
// happens to sit in such a folder is still reported.

import type { BinaryFacts, FinalFile } from '../model.js';
import { formatPlatform, type Platform } from '../platform.js';
import type { FileTree } from '../overlay/file-tree.js';
import { nodeArch, npmPlatformPackage, prebuildIsFor, prebuildOf } from './npm-platform.js';
import { tripletIsPlatform, tripletNames } from './triplets.js';

/** ELF machines that are code for no host CPU: GPUs, accelerators, the kernel's BPF VM. */
const DEVICE_MACHINES: ReadonlyMap<number, string> = new Map([
  [190, 'NVIDIA CUDA'],
  [205, 'Intel GPU'],
  [224, 'AMD GPU'],
  [247, 'BPF'],
  [0, 'machine-independent (EM_NONE)'],
]);

export interface ByDesignContext {
  tree: FileTree;
  expected: Platform;
}

/** Where each platform's own loader lives (glibc, then musl): an image that has it runs that platform's code natively. */
const NATIVE_LOADERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['amd64', ['/lib64/ld-linux-x86-64.so.2', '/lib/ld-musl-x86_64.so.1']],
  ['arm64', ['/lib/ld-linux-aarch64.so.1', '/lib/ld-musl-aarch64.so.1']],
  ['arm', ['/lib/ld-linux-armhf.so.3', '/lib/ld-linux.so.3', '/lib/ld-musl-armhf.so.1', '/lib/ld-musl-arm.so.1']],
  ['386', ['/lib/ld-linux.so.2', '/lib/ld-musl-i386.so.1']],
  ['ppc64le', ['/lib64/ld64.so.2', '/lib/ld-musl-powerpc64le.so.1']],
  ['ppc64', ['/lib64/ld64.so.1', '/lib/ld-musl-powerpc64.so.1']],
  ['s390x', ['/lib/ld64.so.1', '/lib/ld-musl-s390x.so.1']],
  ['riscv64', ['/lib/ld-linux-riscv64-lp64d.so.1', '/lib/ld-musl-riscv64.so.1']],
  ['mips64le', ['/lib64/ld.so.1', '/lib/ld-musl-mips64el.so.1']],
  ['mipsle', ['/lib/ld.so.1', '/lib/ld-musl-mipsel.so.1']],
  ['loong64', ['/lib64/ld-linux-loongarch-lp64d.so.1', '/lib/ld-musl-loongarch64.so.1']],
]);

/**
 * Whether the image has the expected platform's own loader. A multiarch or multilib folder is
 * extra code only next to a native userland; in an image whose whole userland is foreign (a
 * mislabelled image) it is the userland itself, and must be reported.
 */
function hasNativeLoader(tree: FileTree, expected: Platform): boolean {
  const loaders = NATIVE_LOADERS.get(expected.arch);
  return !loaders || loaders.some((p) => tree.resolve(p)?.type === 'file');
}

/** Why this binary is foreign by design, or null when it is not. */
export function byDesignReason(file: FinalFile, facts: BinaryFacts, ctx: ByDesignContext): string | null {
  const device = facts.format === 'elf' ? DEVICE_MACHINES.get(facts.machine) : undefined;
  if (device) return `${device} code runs on a device or in the kernel, not on the host CPU`;
  const path = file.path;
  if (/\/firmware\//.test(path)) return 'firmware is loaded into devices, not run by the host CPU';
  const folders = path.split('/').slice(1, -1);
  for (let i = 0; i < folders.length; i++) {
    const dir = folders[i]!;
    const parent = folders[i - 1];
    // A folder named for the image's own CPU excuses nothing: its code is meant to run.
    if (tripletIsPlatform(dir, ctx.expected.arch)) continue;
    // /usr/<triplet>/…: a cross toolchain's sysroot; /usr/lib/gcc-cross/<triplet>/…: its libgcc.
    if (tripletNames(dir, facts) && (i === 1 && folders[0] === 'usr')) return `/usr/${dir}/ is a cross-compilation sysroot for ${dir}`;
    if (tripletNames(dir, facts) && parent === 'gcc-cross') return `gcc-cross/${dir}/ holds a cross compiler's libraries for ${dir}`;
    // /usr/lib/<triplet>/ and /lib/<triplet>/: Debian multiarch (dpkg --add-architecture).
    if (tripletNames(dir, facts) && parent === 'lib' && (i === 1 || (i === 2 && folders[0] === 'usr')) && hasNativeLoader(ctx.tree, ctx.expected))
      return `/${folders.slice(0, i + 1).join('/')}/ is the Debian multiarch folder for ${dir} (installed with dpkg --add-architecture)`;
    if (tripletNames(dir, facts) && parent === 'rustlib') return `rustlib/${dir}/ is Rust's standard library for cross-compiling to ${dir}`;
    // The i386 and x32 multilib folders of an amd64 image (libc6-i386, libc6-x32).
    if (ctx.expected.arch === 'amd64' && facts.machine === 3 && /^lib32$/.test(dir) && i <= 1 && hasNativeLoader(ctx.tree, ctx.expected)) return `/${folders.slice(0, i + 1).join('/')}/ is the 32-bit multilib folder (libc6-i386)`;
    if (ctx.expected.arch === 'amd64' && facts.machine === 62 && facts.bits === 32 && /^libx32$/.test(dir) && i <= 1 && hasNativeLoader(ctx.tree, ctx.expected))
      return `/${folders.slice(0, i + 1).join('/')}/ is the x32 multilib folder (libc6-x32)`;
  }
  const pkg = npmPlatformPackage(path);
  const arch = nodeArch(ctx.expected);
  if (pkg && arch && (pkg.os !== 'linux' || pkg.arch !== arch)) {
    // esbuild's, rollup's, sharp's loaders pick their package by os/cpu/libc: another platform's
    // package next to the target's is never loaded.
    const mine = pkg.spell('linux', arch, pkg.libc).find((c) => ctx.tree.resolve(pkg.dir.replace(pkg.name, c)) !== undefined);
    if (mine) return `${pkg.name} is the ${pkg.os}-${pkg.arch} package; ${mine} is there too and is the one loaded on ${formatPlatform(ctx.expected)}`;
  }
  const pb = prebuildOf(path);
  if (pb && !prebuildIsFor(pb, ctx.expected) && shipsTargetPrebuild(ctx.tree, pb.packageDir, ctx.expected))
    return `a prebuild for ${pb.os}-${pb.archs.join('+')}; the package also ships the ${formatPlatform(ctx.expected)} one, which node-gyp-build loads there`;
  return null;
}

const targetPrebuilds = new WeakMap<FileTree, Map<string, Set<string>>>();

/** Whether a prebuildify package has a .node file node-gyp-build would load on the target. */
export function shipsTargetPrebuild(tree: FileTree, packageDir: string, target: Platform): boolean {
  const key = formatPlatform(target);
  let index = targetPrebuilds.get(tree);
  if (!index) {
    // One pass over the image: which package folders hold a prebuild for which platform.
    index = new Map();
    targetPrebuilds.set(tree, index);
  }
  let dirs = index.get(key);
  if (!dirs) {
    dirs = new Set();
    for (const f of tree.files()) {
      if (!f.path.endsWith('.node') || (f.type !== 'file' && f.type !== 'symlink')) continue;
      const pb = prebuildOf(f.path);
      if (pb && prebuildIsFor(pb, target)) dirs.add(pb.packageDir);
    }
    index.set(key, dirs);
  }
  return dirs.has(packageDir);
}
