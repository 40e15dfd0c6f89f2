// The real-world corpus: images assembled from artefacts nobody here wrote — Debian packages of
// seven architectures and npm packages with prebuilt native code (fixtures/corpus/fetch.sh pins
// the versions) — each labelled with what a scan must report. Everything a scan reports at
// warning or error level that no label names counts against precision; a label not met counts
// against recall (corpus.test.ts computes both; docs/rules.md quotes them).

import type { FileSpec } from '../helpers/image-builder.js';
import type { RuleId, Severity } from '../../src/model.js';

export interface Layer {
  /** dpkg -x trees by "<package>_<arch>" (fetch.sh's trees/), installed as dpkg would with merged /usr. */
  debs?: string[];
  /** dpkg -x trees copied in without their dpkg record (a COPY from another stage): no package owns them. */
  copy?: string[];
  /** npm packages (fetch.sh's npm/<name>) → the folder they are unpacked to. */
  npm?: Record<string, string>;
  files?: FileSpec[];
}

/** A finding the scan must report: rule, severity, a path regex (anchored), and how many at least. */
export interface Label {
  rule: RuleId;
  severity: Severity;
  path?: string;
  min?: number;
}

export interface CorpusImage {
  name: string;
  platform: string;
  layers: Layer[];
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  /** Why the image is in the corpus. */
  about: string;
  /** Findings that must be there; every other error or warning is a false positive. */
  expect: Label[];
}

const link = (path: string, target: string): FileSpec => ({ path, type: 'symlink', target });

/** What base-files and libc-bin add to a Debian bookworm root: merged-/usr links and ld.so.conf. */
const ROOT: FileSpec[] = [
  link('/bin', 'usr/bin'),
  link('/sbin', 'usr/sbin'),
  link('/lib', 'usr/lib'),
  link('/lib64', 'usr/lib64'),
  link('/lib32', 'usr/lib32'),
  { path: '/etc/ld.so.conf', body: 'include /etc/ld.so.conf.d/*.conf\n\n' },
  { path: '/etc/os-release', body: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
];

const BASE = ['libc6', 'libgcc-s1', 'coreutils', 'libacl1', 'libattr1', 'libselinux1', 'libpcre2-8-0', 'libgmp10', 'libssl3', 'busybox-static'];
const NODE = ['nodejs', 'libnode108', 'libuv1', 'libbrotli1', 'libc-ares2', 'libicu72', 'libnghttp2-14', 'zlib1g', 'libstdc++6'];

function debian(arch: string, extra: string[] = []): Layer {
  return { debs: [...BASE, ...extra].map((p) => `${p}_${arch}`), files: ROOT };
}

/** node_modules as npm lays them out: each package at /app/node_modules/<name>. */
function modules(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, `/app/node_modules/${n}`]));
}

const APP: FileSpec[] = [
  { path: '/app/package.json', body: '{"name":"app","version":"1.0.0","private":true}\n' },
  { path: '/app/index.js', body: "console.log('hello');\n" },
  { path: '/app/run', body: '#!/usr/bin/env node\nrequire("./index.js");\n', mode: 0o755 },
];

/** The loader packages of the families below: npm always installs them with their per-platform package. */
const LOADERS = ['rollup', '@swc/core', 'esbuild', 'lightningcss', 'sharp', '@parcel/watcher'];
const X64_GLIBC = ['@rollup/rollup-linux-x64-gnu', '@swc/core-linux-x64-gnu', '@esbuild/linux-x64', 'lightningcss-linux-x64-gnu', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64', '@parcel/watcher-linux-x64-glibc'];
const X64_MUSL = ['@rollup/rollup-linux-x64-musl', '@swc/core-linux-x64-musl', 'lightningcss-linux-x64-musl', '@img/sharp-linuxmusl-x64', '@img/sharp-libvips-linuxmusl-x64', '@parcel/watcher-linux-x64-musl'];
const ARM64_GLIBC = ['@rollup/rollup-linux-arm64-gnu', '@esbuild/linux-arm64', 'lightningcss-linux-arm64-gnu', '@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64', '@parcel/watcher-linux-arm64-glibc'];

const PLATFORMS: Record<string, string> = {
  amd64: 'linux/amd64', arm64: 'linux/arm64', armhf: 'linux/arm/v7', armel: 'linux/arm/v5', ppc64el: 'linux/ppc64le', s390x: 'linux/s390x', i386: 'linux/386',
};

const clean: CorpusImage[] = Object.entries(PLATFORMS).map(([arch, platform]) => ({
  name: `debian-${arch}`,
  platform,
  layers: [debian(arch, arch === 'amd64' || arch === 'arm64' ? NODE : arch === 'armhf' ? ['direnv'] : [])],
  entrypoint: ['/bin/ls'],
  about: `Debian bookworm ${arch}: glibc, coreutils and what it links, static busybox${arch === 'amd64' || arch === 'arm64' ? ', Node 18 with libnode and ICU' : ''}${arch === 'armhf' ? ', direnv (Go with cgo)' : ''}. No error.`,
  // A real catch, kept as a label: on armel, libssl3's libcrypto needs libatomic1 (its Depends
  // says so), which this package list leaves out — elfscan found it, we had not.
  expect: arch === 'armel' ? [{ rule: 'missing-library', severity: 'warning', path: '/usr/lib/arm-linux-gnueabi/libcrypto\\.so\\.3' }] : [],
}));

export const CORPUS: CorpusImage[] = [
  ...clean,
  {
    name: 'debian-amd64-cross',
    platform: 'linux/amd64',
    layers: [debian('amd64'), { debs: ['libc6-arm64-cross_all', 'libc6-armhf-cross_all', 'libc6-ppc64el-cross_all', 'libc6-i386_amd64', 'libc6_arm64', 'libgcc-s1_arm64'] }],
    entrypoint: ['/bin/ls'],
    about: 'amd64 with cross sysroots (/usr/<triplet>/), the i386 multilib libc (/usr/lib32) and arm64 multiarch libc (/usr/lib/aarch64-linux-gnu): foreign by design, no error.',
    expect: [],
  },
  {
    name: 'node-amd64-app',
    platform: 'linux/amd64',
    layers: [debian('amd64', NODE), { npm: modules(...LOADERS, ...X64_GLIBC, ...X64_MUSL, 'bufferutil', '@esbuild/darwin-arm64'), files: APP }],
    entrypoint: ['/app/run'],
    about:
      'A Node app installed by npm on linux/amd64: glibc and musl variants side by side (npm cannot tell libcs apart), bufferutil prebuilds for every OS, a darwin package next to the linux one (never loaded), a #!/usr/bin/env node entrypoint. No error.',
    expect: [],
  },
  {
    name: 'node-arm64-from-x64',
    platform: 'linux/arm64',
    layers: [debian('arm64', NODE), { npm: modules(...LOADERS, ...X64_GLIBC, 'bufferutil'), files: APP }],
    entrypoint: ['/app/node_modules/@esbuild/linux-x64/bin/esbuild'],
    about:
      'node_modules installed on x86-64 and copied into an arm64 image: every per-platform package is foreign. bufferutil 4.0.8 ships prebuilds for darwin, win32 and linux-x64 but not linux-arm64: missing-native-build on the package (it falls back to JavaScript at run time, but its native speed-up is gone), its prebuilds info. esbuild, the entrypoint, gets entrypoint-mismatch only (one root cause per file).',
    expect: [
      { rule: 'arch-mismatch', severity: 'error', path: '/app/node_modules/@rollup/rollup-linux-x64-gnu/.*\\.node' },
      { rule: 'arch-mismatch', severity: 'error', path: '/app/node_modules/@swc/core-linux-x64-gnu/.*\\.node' },
      { rule: 'arch-mismatch', severity: 'error', path: '/app/node_modules/lightningcss-linux-x64-gnu/.*\\.node' },
      { rule: 'arch-mismatch', severity: 'error', path: '/app/node_modules/@img/sharp-linux-x64/.*\\.node' },
      { rule: 'arch-mismatch', severity: 'error', path: '/app/node_modules/@img/sharp-libvips-linux-x64/lib/.*\\.so.*' },
      { rule: 'arch-mismatch', severity: 'error', path: '/app/node_modules/@parcel/watcher-linux-x64-glibc/.*\\.node' },
      { rule: 'entrypoint-mismatch', severity: 'error', path: '/app/node_modules/@esbuild/linux-x64/bin/esbuild' },
      { rule: 'missing-native-build', severity: 'warning', path: '/app/node_modules/bufferutil' },
    ],
  },
  {
    name: 'musl-amd64-glibc-addons',
    platform: 'linux/amd64',
    layers: [
      {
        debs: ['musl_amd64', 'busybox-static_amd64'],
        files: [link('/lib', 'usr/lib'), link('/bin', 'usr/bin'), link('/usr/lib/libc.musl-x86_64.so.1', 'ld-musl-x86_64.so.1'), link('/usr/bin/sh', 'busybox')],
      },
      { npm: modules(...LOADERS, ...X64_GLIBC), files: APP },
    ],
    entrypoint: ['/bin/sh'],
    about: 'An Alpine-like musl image (Debian’s musl loader, Alpine’s libc.musl-x86_64.so.1 name) with node_modules installed on glibc: the .node addons have no PT_INTERP, only missing-library catches them.',
    expect: [
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@rollup/rollup-linux-x64-gnu/.*\\.node' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@swc/core-linux-x64-gnu/.*\\.node' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/lightningcss-linux-x64-gnu/.*\\.node' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@img/sharp-linux-x64/.*\\.node' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@img/sharp-libvips-linux-x64/lib/.*' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@parcel/watcher-linux-x64-glibc/.*\\.node' },
    ],
  },
  {
    name: 'debian-amd64-musl-addons',
    platform: 'linux/amd64',
    layers: [debian('amd64'), { npm: modules('rollup', '@swc/core', 'lightningcss', '@rollup/rollup-linux-x64-musl', '@swc/core-linux-x64-musl', 'lightningcss-linux-x64-musl'), files: APP }],
    entrypoint: ['/app/start.sh'],
    about: 'node_modules installed on Alpine and copied into Debian: the musl addons need libc.musl-x86_64.so.1; the entrypoint script was never copied.',
    expect: [
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@rollup/rollup-linux-x64-musl/.*\\.node' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/@swc/core-linux-x64-musl/.*\\.node' },
      { rule: 'missing-library', severity: 'error', path: '/app/node_modules/lightningcss-linux-x64-musl/.*\\.node' },
      { rule: 'entrypoint-missing', severity: 'error', path: '/app/start.sh' },
    ],
  },
  {
    name: 'debian-arm64-labelled-amd64',
    platform: 'linux/amd64',
    layers: [debian('arm64')],
    entrypoint: ['/bin/ls'],
    about: 'An arm64 userland labelled linux/amd64 (an emulated build that forgot --platform).',
    expect: [
      { rule: 'mislabeled-image', severity: 'error' },
      { rule: 'arch-mismatch', severity: 'error', path: '/usr/.*', min: 50 },
      { rule: 'entrypoint-mismatch', severity: 'error', path: '/usr/bin/ls' },
    ],
  },
  {
    name: 'debian-armhf-labelled-v6',
    platform: 'linux/arm/v6',
    layers: [debian('armhf'), { npm: { '@esbuild/linux-arm': '/usr/local/lib/esbuild' } }],
    entrypoint: ['/bin/ls'],
    about: 'Debian armhf (built for ARMv7) labelled linux/arm/v6 (Raspberry Pi 1/Zero): variant-mismatch from Tag_CPU_arch. The Go static esbuild (e_flags 0x5000002, no float bit, ARMv5 code) must stay quiet.',
    expect: [
      { rule: 'variant-mismatch', severity: 'error', path: '/usr/.*', min: 20 },
      { rule: 'entrypoint-mismatch', severity: 'error', path: '/usr/bin/ls' },
    ],
  },
  {
    name: 'debian-armhf-go-and-armel',
    platform: 'linux/arm/v7',
    layers: [debian('armhf'), { npm: { '@esbuild/linux-arm': '/usr/local/lib/esbuild' }, copy: ['busybox-static_armel'] }],
    entrypoint: ['/usr/local/lib/esbuild/bin/esbuild'],
    about: 'armhf with the Go static esbuild as entrypoint (quiet: unknown float ABI is never a finding) and a soft-float armel busybox copied over the armhf one from another stage, no package owning it (abi-mismatch; installed as busybox-static:armel it would be multiarch, by design).',
    expect: [{ rule: 'abi-mismatch', severity: 'error', path: '/usr/bin/busybox' }],
  },
];
