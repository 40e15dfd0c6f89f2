// Two facts about foreign code that need no package database: code for no host CPU (GPU and
// accelerator code objects, BPF programs — loaded into a device or the kernel, never by ld.so),
// and whether the image has its own platform's loader, without which a multiarch folder is not
// extra code next to a native userland but the userland of a mislabelled image.

import type { BinaryFacts } from '../model.js';
import type { FileTree } from '../overlay/file-tree.js';
import { judge, type Platform } from '../platform.js';

/** ELF machines that are code for no host CPU: GPUs, accelerators, the kernel's BPF VM. */
const DEVICE_MACHINES: ReadonlyMap<number, string> = new Map([
  [190, 'NVIDIA CUDA'],
  [205, 'Intel GPU'],
  [224, 'AMD GPU'],
  [247, 'BPF'],
  [0, 'machine-independent (EM_NONE)'],
]);

/** Why the file is code for no host CPU, or null. */
export function deviceCode(facts: BinaryFacts): string | null {
  const device = facts.format === 'elf' ? DEVICE_MACHINES.get(facts.machine) : undefined;
  return device ? `${device} code runs on a device or in the kernel, not on the host CPU` : null;
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
 * Whether the image has the platform's own loader, one that runs there (Debian armhf's is ARMv7
 * code, no loader for arm/v6); an unknown platform: assumed so.
 */
export function hasNativeLoader(tree: FileTree, target: Platform): boolean {
  const loaders = NATIVE_LOADERS.get(target.arch);
  return (
    !loaders ||
    loaders.some((p) => {
      const f = tree.resolve(p);
      return f?.type === 'file' && (!f.facts || judge(f.facts, target).kind === 'match');
    })
  );
}
