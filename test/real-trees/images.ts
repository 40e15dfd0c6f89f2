// The real-trees suite's inputs: the npm installs (one per target, of fixtures/real-trees/
// package.json) and the images made of them and of Debian roots dpkg installed. Nothing here
// says what elfscan must report — oracle.ts derives that from the loaders, npm, dpkg and binutils.

/** An `npm ci --os --cpu [--libc]` of the app, and how its addons are built afterwards. */
export interface Target {
  name: string;
  os: string;
  cpu: string;
  libc?: 'glibc' | 'musl';
  /** The Node whose headers the addons build against (the images' Node). */
  node?: 'x64' | 'arm64' | 'armv7l';
  /** Build addons as the target's install scripts would; `prefix` of Debian's cross compiler. */
  build?: { prefix: string };
  /** Why nothing is built, when nothing is. */
  noBuild?: string;
}

export const TARGETS: Target[] = [
  { name: 'linux-x64-glibc', os: 'linux', cpu: 'x64', libc: 'glibc', node: 'x64', build: { prefix: '' } },
  { name: 'linux-arm64-glibc', os: 'linux', cpu: 'arm64', libc: 'glibc', node: 'arm64', build: { prefix: 'aarch64-linux-gnu-' } },
  { name: 'linux-arm-glibc', os: 'linux', cpu: 'arm', libc: 'glibc', node: 'armv7l', build: { prefix: 'arm-linux-gnueabihf-' } },
  { name: 'linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl', noBuild: 'Debian has no musl C++ cross compiler (musl-tools is C only): source-only addons stay unbuilt, as with --ignore-scripts' },
  { name: 'darwin-arm64', os: 'darwin', cpu: 'arm64', noBuild: 'no macOS SDK here: the tree is what npm installs with --ignore-scripts, prebuilds and per-platform packages only' },
];

/** A layer part: a cache folder mounted somewhere, one file copied from it, or a literal file or link. */
export type Part =
  | { from: string; mount: string; exclude?: string[] }
  | { file: string; path: string; mode?: number }
  | { path: string; body: string; mode?: number }
  | { path: string; type: 'symlink'; target: string };

export interface RealImage {
  name: string;
  platform: string;
  layers: Part[][];
  env?: string[];
  about: string;
  /** The target whose tree is at /app, and npm's install for this image's platform (what a correct install contains). */
  tree?: string;
  correct?: string;
}

const node = (cpu: 'x64' | 'arm64' | 'armv7l'): Part[] => [
  { from: `node/${cpu}/bin`, mount: '/usr/local/bin' },
  // The official images keep Node's headers; node_version.h names its ABI.
  { file: `node/${cpu}/include/node/node_version.h`, path: '/usr/local/include/node/node_version.h' },
];
const app = (target: string, exclude: string[] = []): Part[] => [{ from: `trees/${target}`, mount: '/app', exclude: ['.stamp', 'built.json', ...exclude] }];
/**
 * What an Alpine-like musl root has beyond Debian's musl: the file node-gyp-build and
 * require-addon test, and Alpine's name for the C library, where Debian's musl loader looks
 * (/etc/ld-musl-x86_64.path: /lib/x86_64-linux-musl, /usr/lib/x86_64-linux-musl).
 */
const alpine: Part[] = [
  { path: '/etc/alpine-release', body: '3.20.3\n' },
  { path: '/usr/lib/x86_64-linux-musl/libc.musl-x86_64.so.1', type: 'symlink', target: 'libc.so' },
];

const amd64 = [{ from: 'roots/base-amd64', mount: '/' }, ...node('x64')];
const arm64 = [{ from: 'roots/base-arm64', mount: '/' }, ...node('arm64')];

export const REAL_IMAGES: RealImage[] = [
  { name: 'clean-amd64', platform: 'linux/amd64', layers: [amd64, app('linux-x64-glibc')], tree: 'linux-x64-glibc', correct: 'linux-x64-glibc', about: 'npm install on linux/amd64 glibc, addons built with g++' },
  { name: 'clean-arm64', platform: 'linux/arm64', layers: [arm64, app('linux-arm64-glibc')], tree: 'linux-arm64-glibc', correct: 'linux-arm64-glibc', about: 'npm install for linux/arm64 glibc, addons built with aarch64-linux-gnu-g++' },
  {
    name: 'clean-armv7',
    platform: 'linux/arm/v7',
    layers: [[{ from: 'roots/base-armhf', mount: '/' }, ...node('armv7l')], app('linux-arm-glibc')],
    tree: 'linux-arm-glibc',
    correct: 'linux-arm-glibc',
    about: 'npm install for linux/arm/v7 glibc, addons built with arm-linux-gnueabihf-g++',
  },
  { name: 'clean-musl', platform: 'linux/amd64', layers: [[{ from: 'roots/musl-amd64', mount: '/' }, ...alpine], app('linux-x64-musl')], tree: 'linux-x64-musl', correct: 'linux-x64-musl', about: 'npm install for linux/amd64 musl on an Alpine-like musl root (no Node: none is published for musl on npm)' },
  { name: 'amd64-tree-in-arm64', platform: 'linux/arm64', layers: [arm64, app('linux-x64-glibc')], tree: 'linux-x64-glibc', correct: 'linux-arm64-glibc', about: 'node_modules installed on an amd64 host copied into an arm64 image' },
  { name: 'macos-tree-in-amd64', platform: 'linux/amd64', layers: [amd64, app('darwin-arm64')], tree: 'darwin-arm64', correct: 'linux-x64-glibc', about: 'node_modules installed on a Mac (--os=darwin --cpu=arm64) copied into an amd64 image' },
  { name: 'glibc-tree-on-musl', platform: 'linux/amd64', layers: [[{ from: 'roots/musl-amd64', mount: '/' }, ...alpine], app('linux-x64-glibc')], tree: 'linux-x64-glibc', correct: 'linux-x64-musl', about: 'a glibc install copied onto a musl root' },
  {
    name: 'wrong-cpu-addon',
    platform: 'linux/amd64',
    layers: [amd64, app('linux-x64-glibc'), [{ from: 'trees/linux-arm64-glibc/node_modules/tree-sitter/build', mount: '/app/node_modules/tree-sitter/build' }]],
    tree: 'linux-x64-glibc',
    correct: 'linux-x64-glibc',
    about: 'the amd64 install, with tree-sitter rebuilt for arm64 (a build/ copied from another stage)',
  },
  {
    name: 'lost-platform-packages',
    platform: 'linux/arm64',
    layers: [arm64, app('linux-arm64-glibc', ['node_modules/@rollup/rollup-linux-arm64-gnu', 'node_modules/@esbuild/linux-arm64'])],
    tree: 'linux-arm64-glibc',
    correct: 'linux-arm64-glibc',
    about: 'the arm64 install without the two per-platform packages npm/cli#4828 drops (rollup, esbuild)',
  },
  {
    name: 'debian-amd64-packages',
    platform: 'linux/amd64',
    layers: [
      [{ from: 'roots/distro-amd64', mount: '/' }],
      [
        { file: 'roots/distro-amd64/usr/share/qemu/s390-ccw.img', path: '/opt/copied/s390-ccw.img' },
        { file: 'roots/distro-amd64/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf', path: '/opt/copied/fw_dynamic.elf' },
        { file: 'roots/distro-amd64/usr/aarch64-linux-gnu/lib/libc.so.6', path: '/opt/copied/libc.so.6' },
        { file: 'roots/distro-amd64/usr/lib/gcc/x86_64-w64-mingw32/12-win32/libgcc_s_seh-1.dll', path: '/opt/copied/libgcc_s_seh-1.dll', mode: 0o755 },
      ],
    ],
    about: 'Debian amd64 with emulator ROMs, firmware, boot loaders (i386 GRUB, EFI stubs, arm64 GRUB as multiarch), MinGW DLLs and the aarch64 cross toolchain; and four of their foreign files copied where no package owns them',
  },
  {
    name: 'debian-arm64-packages',
    platform: 'linux/arm64',
    layers: [
      [{ from: 'roots/distro-arm64', mount: '/' }],
      [
        { file: 'roots/distro-arm64/usr/share/qemu/s390-ccw.img', path: '/opt/copied/s390-ccw.img' },
        { file: 'roots/distro-arm64/usr/x86_64-linux-gnu/lib/libc.so.6', path: '/opt/copied/libc.so.6' },
        { file: 'roots/distro-arm64/usr/lib/systemd/boot/efi/systemd-bootaa64.efi', path: '/opt/copied/systemd-bootaa64.efi', mode: 0o755 },
      ],
    ],
    about: 'Debian arm64 with emulator ROMs, firmware, EFI stubs, amd64 GRUB as multiarch and the x86-64 cross toolchain; and three of their foreign files copied where no package owns them',
  },
];
