// Facts about the whole image that several rules read: which C library its loader belongs to,
// the search PATH and environment of its config. Computed from the final filesystem and the
// config, never from the host.

import type { FinalFile, ImageConfig } from '../model.js';
import type { FileTree } from '../overlay/file-tree.js';

export type Libc = 'glibc' | 'musl';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The value of NAME in the config's Env, or undefined. */
export function configEnv(config: ImageConfig, name: string): string | undefined {
  const env = config.config?.Env;
  if (!Array.isArray(env)) return undefined;
  for (let i = env.length - 1; i >= 0; i--) {
    const e = env[i];
    if (typeof e === 'string' && e.startsWith(`${name}=`)) return e.slice(name.length + 1);
  }
  return undefined;
}

/** Which C library the image's loader is: glibc's ld-linux*, musl's ld-musl-*, or none found. */
export function imageLibc(tree: FileTree): Libc | null {
  let glibc = false;
  let musl = false;
  for (const dir of ['/lib', '/lib64', '/usr/lib', '/usr/lib64']) {
    const d = tree.resolve(dir);
    if (!d || d.type !== 'directory') continue;
    for (const f of childrenOf(tree, d)) {
      const base = f.path.slice(f.path.lastIndexOf('/') + 1);
      if (/^ld-musl-.*\.so\.1$/.test(base)) musl = true;
      else if (/^ld-linux.*\.so\.[0-9]$|^ld64\.so\.[12]$|^ld\.so\.1$/.test(base)) glibc = true;
    }
  }
  return glibc && !musl ? 'glibc' : musl && !glibc ? 'musl' : glibc ? 'glibc' : null;
}

/** musl's loader, which is its C library too, as the file it resolves to (a symlink on Debian), or null. */
export function muslLibrary(tree: FileTree): FinalFile | null {
  for (const dir of ['/lib', '/usr/lib']) {
    const d = tree.resolve(dir);
    if (!d || d.type !== 'directory') continue;
    for (const f of childrenOf(tree, d)) if (/\/ld-musl-[^/]*\.so\.1$/.test(f.path)) return tree.resolve(f.path) ?? null;
  }
  return null;
}

/** Files directly inside a directory (the tree offers whole-image iteration only). */
function childrenOf(tree: FileTree, dir: FinalFile): FinalFile[] {
  const prefix = dir.path === '/' ? '/' : `${dir.path}/`;
  const out: FinalFile[] = [];
  for (const name of ['ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1', 'ld-linux-armhf.so.3', 'ld-linux.so.3', 'ld-linux.so.2', 'ld64.so.2', 'ld64.so.1', 'ld.so.1', 'ld-linux-riscv64-lp64d.so.1', 'ld-linux-x32.so.2', 'ld-linux-loongarch-lp64d.so.1', 'ld-linux-mipsn8.so.1']) {
    const f = tree.resolve(prefix + name);
    if (f && f.type === 'file') out.push({ ...f, path: prefix + name });
  }
  for (const arch of ['x86_64', 'aarch64', 'armhf', 'arm', 'i386', 'ppc64le', 's390x', 'riscv64', 'mips64el', 'mipsel', 'loongarch64', 'x32', 'powerpc64le']) {
    const name = `ld-musl-${arch}.so.1`;
    const f = tree.resolve(prefix + name);
    if (f && f.type === 'file') out.push({ ...f, path: prefix + name });
  }
  return out;
}
