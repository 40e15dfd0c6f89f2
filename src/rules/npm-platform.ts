// Node's per-platform packaging, read from paths: the per-platform npm packages that esbuild,
// rollup, swc, sharp and lightningcss publish (@rollup/rollup-linux-x64-gnu, @esbuild/linux-x64,
// @img/sharp-linuxmusl-arm64…) and prebuildify's prebuilds/<os>-<arch>/ folders. A foreign file in
// one of them means npm install ran on another platform; the messages name the package or
// prebuild the image needs instead (style convention 8, after esbuild's own message).

import type { Platform } from '../platform.js';

/** OCI architecture → Node's process.arch. */
const NODE_ARCH: ReadonlyMap<string, string> = new Map([
  ['amd64', 'x64'], ['arm64', 'arm64'], ['arm', 'arm'], ['386', 'ia32'], ['ppc64le', 'ppc64'], ['s390x', 's390x'],
  ['riscv64', 'riscv64'], ['loong64', 'loong64'], ['mips64le', 'mips64el'], ['mipsle', 'mipsel'],
]);

export function nodeArch(p: Platform): string | null {
  return NODE_ARCH.get(p.arch) ?? null;
}

export type Libc = 'glibc' | 'musl';

/** A per-platform package: its full name and the os/arch/libc words inside it. */
export interface NpmPlatformPackage {
  /** "@rollup/rollup-linux-x64-gnu". */
  name: string;
  /** Path of the package folder: "/app/node_modules/@rollup/rollup-linux-x64-gnu". */
  dir: string;
  os: string;
  arch: string;
  libc: Libc | null;
  /** How the name spells os-arch-libc for another platform: candidates, most likely first
   *  (a family spells glibc "gnu" or "glibc"; from a musl name alone it cannot be told). */
  spell: (os: string, arch: string, libc: Libc | null) => string[];
}

const OS = '(linux|linuxmusl|darwin|win32|android|freebsd|openbsd|sunos|netbsd|aix)';
const ARCH = '(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el|mipsel|universal)';
const SUFFIX = '(?:-(gnu|glibc|musl|gnueabihf|musleabihf|msvc|eabi))?';
const PLATFORM_NAME = new RegExp(`^(.*?)(^|-)${OS}-${ARCH}${SUFFIX}$`);

/** The innermost node_modules package holding `path`, if its name is a per-platform one. */
export function npmPlatformPackage(path: string): NpmPlatformPackage | null {
  const m = /^(.*\/node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (!m) return null;
  // Innermost: the regex is greedy on the prefix.
  const name = m[2]!;
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/') + 1) : '';
  const bare = name.slice(scope.length);
  const p = PLATFORM_NAME.exec(bare);
  if (!p) return null;
  const [, stem, sep, os, arch, abi] = p as unknown as [string, string, string, string, string, string | undefined];
  const musl = os === 'linuxmusl' || abi === 'musl' || abi === 'musleabihf';
  // A name without a libc word is for either (esbuild's static Go binaries) — except sharp's,
  // whose plain "linux" is the glibc build next to "linuxmusl".
  const glibc = (abi !== undefined && /^(gnu|glibc)/.test(abi)) || (os === 'linux' && /sharp/.test(stem));
  const libc: Libc | null = os === 'linux' || os === 'linuxmusl' ? (musl ? 'musl' : glibc ? 'glibc' : null) : null;
  const sharpStyle = os === 'linuxmusl';
  const spell = (o: string, a: string, l: Libc | null): string[] => {
    const name = (word: string, suffix: string) => `${scope}${stem}${sep}${word}-${a}${suffix}`;
    if (o !== 'linux') return [name(o, '')];
    if (sharpStyle || (!abi && /sharp/.test(stem))) return [name(l === 'musl' ? 'linuxmusl' : 'linux', '')];
    if (!abi) return [name('linux', '')];
    const eabi = a === 'arm' ? 'eabihf' : '';
    if (l === 'musl') return [name('linux', `-musl${eabi}`)];
    return abi === 'glibc' ? [name('linux', '-glibc'), name('linux', `-gnu${eabi}`)] : [name('linux', `-gnu${eabi}`), name('linux', '-glibc')];
  };
  return { name, dir: `${m[1]}${name}`, os: os === 'linuxmusl' ? 'linux' : os, arch, libc, spell };
}

/** prebuildify's layout: <package>/prebuilds/<os>-<arch>[+<arch>…]/<file>. */
export interface Prebuild {
  /** The package folder holding prebuilds/. */
  packageDir: string;
  os: string;
  archs: string[];
}

export function prebuildOf(path: string): Prebuild | null {
  const m = /^(.*)\/prebuilds\/([a-z0-9]+)-([a-z0-9+]+)\/[^/]+$/.exec(path);
  if (!m) return null;
  return { packageDir: m[1]!, os: m[2]!, archs: m[3]!.split('+') };
}

/** Whether a prebuild folder is the one node-gyp-build picks on the target platform. */
export function prebuildIsFor(p: Prebuild, target: Platform): boolean {
  const arch = nodeArch(target);
  return p.os === 'linux' && arch !== null && p.archs.includes(arch);
}

/** The npm command that installs for the target platform. */
export function npmInstallHint(target: Platform, libc: Libc | null): string {
  const arch = nodeArch(target) ?? target.arch;
  return `npm install --os=linux --cpu=${arch}${libc ? ` --libc=${libc}` : ''}`;
}
