// What a per-platform npm package is for, read from its name — used only for packages that are
// NOT installed, whose package.json cannot be read: the optionalDependencies of a loader package
// (rollup, esbuild, sharp…) name one package per platform, and the one the target needs is the one
// whose name says linux, the target's CPU and its C library. Families spell these differently
// (`@rollup/rollup-linux-x64-gnu`, `@esbuild/linux-x64`, `@img/sharp-linuxmusl-arm64`,
// `turbo-linux-64`, `sass-embedded-linux-musl-arm64`, `@parcel/watcher-linux-arm-glibc`).

export interface NamedPlatform {
  os: string;
  /** Node's process.arch word. */
  cpu: string;
  /** Named in the package (`gnu`, `glibc`, `musl`, sharp's `linuxmusl`), else null: either. */
  libc: 'glibc' | 'musl' | null;
}

const OS: Readonly<Record<string, string>> = {
  linux: 'linux', linuxmusl: 'linux', darwin: 'darwin', macos: 'darwin', win32: 'win32', windows: 'win32', android: 'android',
  freebsd: 'freebsd', openbsd: 'openbsd', netbsd: 'netbsd', sunos: 'sunos', aix: 'aix',
};
/** CPU words → Node's process.arch ("64" is turbo's and esbuild-style x64). */
const CPU: Readonly<Record<string, string>> = {
  x64: 'x64', x86_64: 'x64', amd64: 'x64', '64': 'x64', arm64: 'arm64', aarch64: 'arm64', arm: 'arm', armv7: 'arm', armv7l: 'arm', armhf: 'arm',
  ia32: 'ia32', x86: 'ia32', '386': 'ia32', ppc64: 'ppc64', ppc64le: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', mips64el: 'mips64el',
  universal: 'universal',
};
const LIBC: Readonly<Record<string, 'glibc' | 'musl'>> = { gnu: 'glibc', glibc: 'glibc', gnueabihf: 'glibc', gnueabi: 'glibc', musl: 'musl', musleabihf: 'musl' };

/** The platform a package name spells, or null when it names none. */
export function namedPlatform(name: string): NamedPlatform | null {
  const bare = name.slice(name.lastIndexOf('/') + 1);
  const words = bare.split('-');
  for (let i = 0; i < words.length; i++) {
    const os = OS[words[i]!];
    if (!os) continue;
    let j = i + 1;
    // sass-embedded-linux-musl-x64: the libc word before the CPU.
    let libc: 'glibc' | 'musl' | null = words[i] === 'linuxmusl' ? 'musl' : null;
    if (LIBC[words[j] ?? ''] && CPU[words[j + 1] ?? '']) libc = LIBC[words[j++]!]!;
    const cpu = CPU[words[j] ?? ''];
    if (!cpu) continue;
    const after = LIBC[words[j + 1] ?? ''];
    if (after) libc = after;
    return { os, cpu, libc };
  }
  return null;
}

/** Whether a named platform is one the target runs: its os and CPU, and its C library or none named. */
export function namesTarget(p: NamedPlatform, os: string, cpu: string, libc: 'glibc' | 'musl' | null): boolean {
  return p.os === os && p.cpu === cpu && (p.libc === null || libc === null || p.libc === libc);
}
