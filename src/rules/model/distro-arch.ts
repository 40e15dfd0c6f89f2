// Distribution architecture names (dpkg's, apk's) as platforms of spec §3, to tell a package of
// the image's own architecture from a foreign one. Debian's armhf is ARMv7 hard-float, its armel
// ARMv5 soft-float; Alpine's armhf is ARMv6 hard-float, its armv7 ARMv7.

import { normalizePlatform, parsePlatform, type Platform } from '../../platform.js';
import type { DistroPackage } from './distro-packages.js';

const DEB: Readonly<Record<string, string>> = {
  amd64: 'linux/amd64', arm64: 'linux/arm64', armhf: 'linux/arm/v7', armel: 'linux/arm/v5', i386: 'linux/386', ppc64el: 'linux/ppc64le',
  ppc64: 'linux/ppc64', s390x: 'linux/s390x', riscv64: 'linux/riscv64', mips64el: 'linux/mips64le', mipsel: 'linux/mipsle', loong64: 'linux/loong64',
};
const APK: Readonly<Record<string, string>> = {
  x86_64: 'linux/amd64', aarch64: 'linux/arm64', armv7: 'linux/arm/v7', armhf: 'linux/arm/v6', x86: 'linux/386', ppc64le: 'linux/ppc64le',
  s390x: 'linux/s390x', riscv64: 'linux/riscv64', loongarch64: 'linux/loong64',
};

/** Architecture-independent packages: `all` (dpkg), `noarch` (apk). */
export function isArchIndependent(p: DistroPackage): boolean {
  return p.arch === 'all' || p.arch === 'noarch';
}

/** Whether the package's architecture is the target's own: same CPU and ABI, no newer ARM level. */
export function isNativeArch(p: DistroPackage, target: Platform): boolean {
  const name = (p.ecosystem === 'deb' ? DEB : APK)[p.arch];
  if (!name) return false;
  const pkg = normalizePlatform(parsePlatform(name));
  const t = normalizePlatform(target);
  if (pkg.os !== t.os || pkg.arch !== t.arch) return false;
  if (pkg.arch !== 'arm') return true;
  const level = (q: Platform) => Number(q.variant?.replace(/^v/, '') ?? 7);
  // v5 is soft-float (armel), v6 and up hard-float: the float ABI must agree, the level not exceed.
  return (level(pkg) === 5) === (level(t) === 5) && level(pkg) <= level(t);
}

/** The distribution's name for the target's architecture (what `apt-get install pkg:<arch>` takes). */
export function distroArchOf(ecosystem: 'deb' | 'apk', target: Platform): string | null {
  const t = normalizePlatform(target);
  const want = `${t.os}/${t.arch}${t.arch === 'arm' ? `/${t.variant ?? 'v7'}` : ''}`;
  const table = ecosystem === 'deb' ? DEB : APK;
  return Object.keys(table).find((k) => table[k] === want) ?? null;
}
