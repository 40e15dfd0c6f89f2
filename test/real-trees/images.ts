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

/** A warning or error a clean image has, and why it is true (the oracle derives it too). */
export interface Truth {
  severity: 'error' | 'warning';
  rule: string;
  /** Anchored regex over the path. */
  path: string;
  why: string;
}

export interface RealImage {
  name: string;
  platform: string;
  layers: Part[][];
  env?: string[];
  about: string;
  /** The target whose tree is at /app, and npm's install for this image's platform (what a correct install contains). */
  tree?: string;
  correct?: string;
  /** For clean images: every error and warning they have, with why it is true. */
  truths?: Truth[];
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
  {
    name: 'clean-amd64',
    platform: 'linux/amd64',
    layers: [amd64, app('linux-x64-glibc')],
    tree: 'linux-x64-glibc',
    correct: 'linux-x64-glibc',
    about: 'npm install on linux/amd64 glibc, addons built with g++',
    truths: [{ severity: 'warning', rule: 'missing-library', path: '/app/node_modules/@dprint/linux-x64-glibc/dprint', why: 'dprint links liblzma.so.5, which the minimal Debian root leaves out (liblzma5 is not in its package list)' }],
  },
  { name: 'clean-arm64', platform: 'linux/arm64', layers: [arm64, app('linux-arm64-glibc')], tree: 'linux-arm64-glibc', correct: 'linux-arm64-glibc', about: 'npm install for linux/arm64 glibc, addons built with aarch64-linux-gnu-g++',
    truths: [{ severity: 'error', rule: 'missing-symbol-version', path: '/app/node_modules/@dprint/linux-arm64-glibc/dprint', why: "dprint's linux-arm64-gnu build needs GLIBC_2.39 (readelf -V), and bookworm's libc6 defines up to GLIBC_2.36: it fails to start on this base" }] },
  {
    name: 'clean-armv7',
    platform: 'linux/arm/v7',
    layers: [[{ from: 'roots/base-armhf', mount: '/' }, ...node('armv7l')], app('linux-arm-glibc')],
    tree: 'linux-arm-glibc',
    correct: 'linux-arm-glibc',
    about: 'npm install for linux/arm/v7 glibc, addons built with arm-linux-gnueabihf-g++',
    truths: [
      { severity: 'error', rule: 'variant-mismatch', path: '/app/node_modules/@img/sharp-libvips-linux-arm/lib/libvips-cpp\\.so\\.42', why: "sharp's prebuilt libvips for linux-arm is tagged ARMv8-A (Tag_CPU_arch v8): 32-bit ARMv8 code, for a Raspberry Pi 3 or 4, not for an ARMv7 CPU" },
      { severity: 'error', rule: 'abi-mismatch', path: '/app/node_modules/@sentry/cli-linux-arm/bin/sentry-cli', why: "@sentry/cli's linux-arm package holds a soft-float (armel) build, which spec §5 calls an ABI mismatch in a hard-float image (being static, it would run)" },
      { severity: 'warning', rule: 'missing-native-build', path: '/app/node_modules/(sodium|udx)-native', why: 'require-addon looks for prebuilds/linux-arm/, which these versions do not ship, and they have no install script that would build one' },
    ],
  },
  {
    name: 'clean-musl',
    platform: 'linux/amd64',
    layers: [[{ from: 'roots/musl-amd64', mount: '/' }, ...alpine], app('linux-x64-musl')],
    tree: 'linux-x64-musl',
    correct: 'linux-x64-musl',
    about: 'npm install for linux/amd64 musl on an Alpine-like musl root (no Node: none is published for musl on npm)',
    truths: [
      { severity: 'error', rule: 'missing-library', path: '/app/node_modules/(bufferutil|microtime|tree-sitter)/prebuilds/linux-x64/[^/]+\\.node', why: 'these ship one untagged, glibc-built linux-x64 prebuild, which node-gyp-build picks on musl too; a real Alpine install runs their install script, whose test load fails, and builds them from source — here nothing is built (no musl C++ compiler)' },
      { severity: 'warning', rule: 'missing-library', path: '/app/node_modules/.*', why: 'the musl root has no libstdc++.so.6 and libgcc_s.so.1 (Debian builds neither for musl; Alpine images install libstdc++)' },
      { severity: 'warning', rule: 'missing-native-build', path: '/app/node_modules/(sodium|udx)-native', why: 'require-addon looks for prebuilds/linux-x64-musl/ on Alpine, which these versions do not ship' },
    ],
  },
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
    truths: [
      { severity: 'error', rule: '(arch-mismatch|foreign-format)', path: '/opt/copied/.*', why: 'foreign files copied where no package owns them: the look-alikes of the packaged ones' },
      { severity: 'warning', rule: 'missing-library', path: '/usr/lib/grub/i386-pc/grub-bios-setup', why: "grub-pc-bin is installed without its dependencies (--force-depends): libdevmapper1.02.1 is not there" },
    ],
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
    truths: [{ severity: 'error', rule: '(arch-mismatch|foreign-format)', path: '/opt/copied/.*', why: 'foreign files copied where no package owns them: the look-alikes of the packaged ones' }],
  },
];
