// The npm half of the loader model (spec §5.1): node-gyp-build's choice among prebuilds,
// per-platform packages judged by their package.json and their loader's optionalDependencies,
// and the two rules that fire when the target's native code is not there at all —
// missing-native-build and missing-platform-package — each next to the look-alike that must stay
// quiet. Real fixture binaries stand in for the addons.

import { describe, expect, it } from 'vitest';
import type { FileSpec } from '../helpers/image-builder.js';
import { at, glibcAmd64, glibcArm64, link, muslAmd64, npmManifest, report, rows, text } from './helpers.js';

const NM = '/app/node_modules';

/** rollup 4.24.0 as npm installs it: the loader package and the per-platform packages given. */
function rollup(...platforms: [name: string, fixture: string, pkg: Record<string, unknown>][]): FileSpec[] {
  const optional = ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'linux-arm64-musl', 'darwin-arm64', 'win32-x64-msvc'];
  return [
    npmManifest(`${NM}/rollup`, { name: 'rollup', version: '4.24.0', optionalDependencies: Object.fromEntries(optional.map((o) => [`@rollup/rollup-${o}`, '4.24.0'])) }),
    text(`${NM}/rollup/dist/native.js`, "require('@rollup/rollup-' + platform)\n"),
    ...platforms.flatMap(([name, fixture, pkg]) => [
      npmManifest(`${NM}/@rollup/rollup-${name}`, { name: `@rollup/rollup-${name}`, version: '4.24.0', ...pkg }),
      at(`${NM}/@rollup/rollup-${name}/rollup.${name}.node`, fixture),
    ]),
  ];
}
const X64_GNU: [string, string, Record<string, unknown>] = ['linux-x64-gnu', 'amd64/libhello.so', { os: ['linux'], cpu: ['x64'], libc: ['glibc'] }];
const X64_MUSL: [string, string, Record<string, unknown>] = ['linux-x64-musl', 'amd64-musl/hello', { os: ['linux'], cpu: ['x64'], libc: ['musl'] }];
const ARM64_GNU: [string, string, Record<string, unknown>] = ['linux-arm64-gnu', 'arm64/libhello.so', { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] }];
const DARWIN: [string, string, Record<string, unknown>] = ['darwin-arm64', 'macho/arm64', { os: ['darwin'], cpu: ['arm64'] }];

describe('per-platform npm packages', () => {
  it('another platform’s package next to the target’s is by design, naming the one loaded', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, rollup(X64_GNU, DARWIN, ARM64_GNU)] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['info', 'by-design', `${NM}/@rollup/rollup-darwin-arm64/rollup.darwin-arm64.node`],
      ['info', 'by-design', `${NM}/@rollup/rollup-linux-arm64-gnu/rollup.linux-arm64-gnu.node`],
    ]);
    expect(img.findings[0]!.message).toMatch(/@rollup\/rollup-linux-x64-gnu 4\.24\.0 is there too and is the one rollup 4\.24\.0 loads on linux\/amd64/);
    expect(img.findings[0]!.package).toEqual({ ecosystem: 'npm', name: '@rollup/rollup-darwin-arm64', version: '4.24.0', arch: 'arm64' });
  });

  it('without the target’s package, the installed one is an error naming the package needed and the npm command', async () => {
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, rollup(X64_GNU)] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['error', 'arch-mismatch', `${NM}/@rollup/rollup-linux-x64-gnu/rollup.linux-x64-gnu.node`]]);
    const f = img.findings[0]!;
    expect(f.message).toMatch(/@rollup\/rollup-linux-x64-gnu 4\.24\.0 is the linux-x64 glibc build, but a linux\/arm64 glibc image needs @rollup\/rollup-linux-arm64-gnu@4\.24\.0/);
    expect(f.message).toMatch(/npm install --os=linux --cpu=arm64 --libc=glibc/);
    expect(f.package).toEqual({ ecosystem: 'npm', name: '@rollup/rollup-linux-x64-gnu', version: '4.24.0', arch: 'x64' });
  });

  it('the musl twin npm installs beside the glibc one (no libc field) is by design; alone it is the error', async () => {
    const noLibc = (p: [string, string, Record<string, unknown>]): [string, string, Record<string, unknown>] => [p[0], p[1], { os: ['linux'], cpu: ['x64'] }];
    const both = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, rollup(noLibc(X64_GNU), noLibc(X64_MUSL))] });
    expect(both).toEqual([['info', 'by-design', `${NM}/@rollup/rollup-linux-x64-musl/rollup.linux-x64-musl.node`]]);
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, rollup(noLibc(X64_MUSL))] });
    const errors = img.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.rule, f.path])).toEqual([['missing-interpreter', `${NM}/@rollup/rollup-linux-x64-musl/rollup.linux-x64-musl.node`]]);
    expect(errors[0]!.message).toMatch(/needs @rollup\/rollup-linux-x64-gnu@4\.24\.0/);
  });

  it('in a musl image the target’s package is the musl one (sharp spells it linuxmusl)', async () => {
    const sharp: FileSpec[] = [
      npmManifest(`${NM}/sharp`, { name: 'sharp', version: '0.33.5', optionalDependencies: { '@img/sharp-linux-x64': '0.33.5', '@img/sharp-linuxmusl-x64': '0.33.5' } }),
      npmManifest(`${NM}/@img/sharp-linux-x64`, { name: '@img/sharp-linux-x64', version: '0.33.5', os: ['linux'], cpu: ['x64'], libc: ['glibc'] }),
      at(`${NM}/@img/sharp-linux-x64/lib/sharp-linux-x64.node`, 'amd64/libhello.so'),
    ];
    const img = await report({ platform: 'linux/amd64', layers: [muslAmd64, sharp] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['error', 'missing-library']]);
    expect(img.findings[0]!.message).toMatch(/a linux\/amd64 musl image needs @img\/sharp-linuxmusl-x64@0\.33\.5/);
    expect(img.findings[0]!.package?.name).toBe('@img/sharp-linux-x64');
  });

  it('a package whose loader has no package for the target is never loaded there (fsevents on Linux)', async () => {
    const files: FileSpec[] = [
      npmManifest(`${NM}/chokidar`, { name: 'chokidar', version: '3.6.0', optionalDependencies: { fsevents: '~2.3.2' } }),
      npmManifest(`${NM}/fsevents`, { name: 'fsevents', version: '2.3.3', os: ['darwin'] }),
      at(`${NM}/fsevents/fsevents.node`, 'macho/fat'),
    ];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['info', 'by-design']]);
    expect(img.findings[0]!.message).toMatch(/chokidar 3\.6\.0 has none for linux\/amd64/);
  });

  it('with napi-rs’ WebAssembly build installed, the loader falls back to it: another platform’s package is by design', async () => {
    const wasm = [npmManifest(`${NM}/@rollup/wasm-fallback-wasm32-wasi`, { name: '@rollup/wasm-fallback-wasm32-wasi', version: '4.24.0' })];
    const family = rollup(X64_GNU).map((f) =>
      f.path === `${NM}/rollup/package.json` ? npmManifest(`${NM}/rollup`, { name: 'rollup', version: '4.24.0', optionalDependencies: { '@rollup/rollup-linux-x64-gnu': '4.24.0', '@rollup/rollup-linux-arm64-gnu': '4.24.0', '@rollup/wasm-fallback-wasm32-wasi': '4.24.0' } }) : f,
    );
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, [...family, ...wasm]] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['info', 'by-design']]);
    expect(img.findings[0]!.message).toMatch(/falls back to its WebAssembly build @rollup\/wasm-fallback-wasm32-wasi 4\.24\.0, which is installed/);
    // Nor is a missing native package a finding then.
    const none = family.filter((f) => !f.path.includes('rollup-linux-x64-gnu'));
    expect(await rows({ platform: 'linux/arm64', layers: [glibcArm64, [...none, ...wasm]] })).toEqual([]);
    expect(await rows({ platform: 'linux/arm64', layers: [glibcArm64, none] })).toEqual([['error', 'missing-platform-package', `${NM}/rollup`]]);
  });

  it('a platform package no loader lists is still judged by its package.json', async () => {
    const files = [npmManifest(`${NM}/@esbuild/linux-x64`, { name: '@esbuild/linux-x64', version: '0.24.0', os: ['linux'], cpu: ['x64'] }), at(`${NM}/@esbuild/linux-x64/bin/esbuild`, 'amd64/hello-static', 0o755)];
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['error', 'arch-mismatch']]);
    expect(img.findings[0]!.message).toMatch(/@esbuild\/linux-x64 0\.24\.0 is the linux-x64 build \(its package\.json says so\)/);
  });
});

describe('missing-platform-package', () => {
  it('fires when a loader package has no per-platform package installed at all', async () => {
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, rollup()] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['error', 'missing-platform-package', `${NM}/rollup`]]);
    expect(img.findings[0]!.message).toMatch(/Cannot find module '@rollup\/rollup-linux-arm64-gnu'/);
    expect(img.findings[0]!.message).toMatch(/npm install --os=linux --cpu=arm64 --libc=glibc @rollup\/rollup-linux-arm64-gnu@4\.24\.0/);
    expect(img.findings[0]!.package).toEqual({ ecosystem: 'npm', name: 'rollup', version: '4.24.0', arch: null });
  });
  it('is quiet when the target’s package is installed, in a nested node_modules or through a pnpm symlink', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, rollup(X64_GNU)] })).toEqual([]);
    const nested = rollup().concat([
      npmManifest(`${NM}/rollup/node_modules/@rollup/rollup-linux-x64-gnu`, { name: '@rollup/rollup-linux-x64-gnu', version: '4.24.0', os: ['linux'], cpu: ['x64'], libc: ['glibc'] }),
      at(`${NM}/rollup/node_modules/@rollup/rollup-linux-x64-gnu/rollup.linux-x64-gnu.node`, 'amd64/libhello.so'),
    ]);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, nested] })).toEqual([]);
    const store = `${NM}/.pnpm/@rollup+rollup-linux-x64-gnu@4.24.0/node_modules/@rollup/rollup-linux-x64-gnu`;
    const pnpm = rollup().concat([
      npmManifest(store, { name: '@rollup/rollup-linux-x64-gnu', version: '4.24.0', os: ['linux'], cpu: ['x64'], libc: ['glibc'] }),
      at(`${store}/rollup.linux-x64-gnu.node`, 'amd64/libhello.so'),
      { path: `${NM}/@rollup/rollup-linux-x64-gnu`, type: 'symlink', target: `../.pnpm/@rollup+rollup-linux-x64-gnu@4.24.0/node_modules/@rollup/rollup-linux-x64-gnu` },
    ]);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, pnpm] })).toEqual([]);
  });
  it('is quiet for optional dependencies that are not per-platform packages, and for a family with none for the target', async () => {
    const ws = [npmManifest(`${NM}/ws`, { name: 'ws', version: '8.18.0', optionalDependencies: { bufferutil: '^4.0.1', 'utf-8-validate': '>=5.0.2' } })];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, ws] })).toEqual([]);
    const macOnly = [npmManifest(`${NM}/mac-tool`, { name: 'mac-tool', version: '1.0.0', optionalDependencies: { 'mac-tool-darwin-arm64': '1.0.0', 'mac-tool-darwin-x64': '1.0.0' } })];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, macOnly] })).toEqual([]);
  });
});

describe('node-gyp-build prebuilds', () => {
  const pkg = `${NM}/bufferutil`;
  const manifest = npmManifest(pkg, { name: 'bufferutil', version: '4.0.8', dependencies: { 'node-gyp-build': '^4.3.0' } });

  it('judges the prebuild it loads; every other one is by design', async () => {
    const files = [manifest, at(`${pkg}/prebuilds/linux-x64/node.napi.node`, 'amd64/libhello.so'), at(`${pkg}/prebuilds/linux-arm64/node.napi.node`, 'arm64/libhello.so'), at(`${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`, 'macho/fat')];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['info', 'by-design', `${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`],
      ['info', 'by-design', `${pkg}/prebuilds/linux-arm64/node.napi.node`],
    ]);
    expect(img.findings[0]!.message).toMatch(/node-gyp-build loads prebuilds\/linux-x64\/node\.napi\.node on linux\/amd64/);
    expect(img.findings[0]!.package).toEqual({ ecosystem: 'npm', name: 'bufferutil', version: '4.0.8', arch: null });
  });

  it('takes the libc tag as node-gyp-build does: musl only when /etc/alpine-release exists', async () => {
    const dir = `${NM}/utf-8-validate/prebuilds/linux-x64`;
    const twins = [at(`${dir}/utf-8-validate.glibc.node`, 'amd64/libhello.so'), at(`${dir}/utf-8-validate.musl.node`, 'amd64-musl/hello')];
    // Debian: the musl prebuild is never loaded (its missing loader and libc are no finding).
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, twins] })).toEqual([['info', 'by-design', `${dir}/utf-8-validate.musl.node`]]);
    // musl without /etc/alpine-release: node-gyp-build still takes the glibc one, which cannot load.
    const musl = await rows({ platform: 'linux/amd64', layers: [muslAmd64, twins] });
    expect(musl).toEqual([['error', 'missing-library', `${dir}/utf-8-validate.glibc.node`]]);
    const alpine = await rows({ platform: 'linux/amd64', layers: [[...muslAmd64, text('/etc/alpine-release', '3.20.3\n')], twins] });
    expect(alpine).toEqual([['info', 'by-design', `${dir}/utf-8-validate.glibc.node`]]);
  });

  it('takes the armv tag: on arm/v6 the armv6 prebuild, never the armv7 one', async () => {
    const dir = `${pkg}/prebuilds/linux-arm`;
    const files = [at(`${dir}/node.napi.armv6.node`, 'armhf/libhello-armv6.so'), at(`${dir}/node.napi.armv7.node`, 'armhf/libhello.so')];
    const libc = [at('/usr/lib/arm-linux-gnueabihf/libc.so.6', 'armhf/libhello-armv6.so'), link('/lib', 'usr/lib')];
    expect(await rows({ platform: 'linux/arm/v6', layers: [libc, files] })).toEqual([['info', 'by-design', `${dir}/node.napi.armv7.node`]]);
    // Alone, the armv7 one is no candidate: node-gyp-build finds nothing.
    expect(await rows({ platform: 'linux/arm/v6', layers: [libc, [files[1]!]] })).toEqual([
      ['warning', 'missing-native-build', pkg],
      ['info', 'by-design', `${dir}/node.napi.armv7.node`],
    ]);
    // Untagged ARMv7 code is loaded, and is the variant-mismatch it is.
    expect(await rows({ platform: 'linux/arm/v6', layers: [libc, [at(`${dir}/node.napi.node`, 'armhf/libhello.so')]] })).toEqual([['error', 'variant-mismatch', `${dir}/node.napi.node`]]);
  });

  it('takes the ABI of the image’s Node (node_version.h), an abi prebuild before napi', async () => {
    const dir = `${pkg}/prebuilds/linux-arm64`;
    const files = [at(`${dir}/node.abi115.node`, 'arm64/hello-4k'), at(`${dir}/node.napi.node`, 'arm64/libhello.so')];
    const node = (abi: number) => [at('/usr/local/bin/node', 'arm64/hello'), text('/usr/local/include/node/node_version.h', `#define NODE_MAJOR_VERSION 20\n#define NODE_MODULE_VERSION ${abi}\n`)];
    // Node 20 (ABI 115) loads the 4 KiB-aligned abi115 file: page-size says so.
    expect((await rows({ platform: 'linux/arm64', layers: [glibcArm64, node(115), files] })).filter((r) => r[2]!.startsWith(dir))).toEqual([['warning', 'page-size', `${dir}/node.abi115.node`]]);
    // Node 18 (ABI 108) loads the napi one; the abi115 file is never loaded.
    expect((await rows({ platform: 'linux/arm64', layers: [glibcArm64, node(108), files] })).filter((r) => r[2]!.startsWith(dir))).toEqual([['info', 'by-design', `${dir}/node.abi115.node`]]);
  });

  it('an android prebuild is never loaded on Linux (its page size is no finding)', async () => {
    const files = [at(`${pkg}/prebuilds/android-arm64/node.napi.node`, 'arm64/hello-4k'), at(`${pkg}/prebuilds/linux-arm64/node.napi.node`, 'arm64/libhello.so')];
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['info', 'by-design', `${pkg}/prebuilds/android-arm64/node.napi.node`]]);
    expect(img.findings[0]!.message).toMatch(/\(was page-size\)$/);
  });

  it('loads build/Release first: a wrong-arch build is the error even beside the right prebuild', async () => {
    const files = [manifest, at(`${pkg}/prebuilds/linux-x64/node.napi.node`, 'amd64/libhello.so'), at(`${pkg}/build/Release/bufferutil.node`, 'arm64/libhello.so')];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['error', 'arch-mismatch', `${pkg}/build/Release/bufferutil.node`]]);
    expect(img.findings[0]!.message).toMatch(/delete build\/ so that prebuilds\/linux-x64\/node\.napi\.node is loaded/);
    // PREBUILDS_ONLY makes node-gyp-build skip build/.
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files], env: ['PREBUILDS_ONLY=1'] })).toEqual([['info', 'by-design', `${pkg}/build/Release/bufferutil.node`]]);
  });

  it('prefers a single-arch folder to a multi-arch one', async () => {
    const files = [at(`${pkg}/prebuilds/linux-x64+arm64/node.napi.node`, 'arm64/libhello.so'), at(`${pkg}/prebuilds/linux-x64/node.napi.node`, 'amd64/libhello.so')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([['info', 'by-design', `${pkg}/prebuilds/linux-x64+arm64/node.napi.node`]]);
  });
});

describe('the other addon loaders', () => {
  it('node-gyp-build 3: prebuilds/<platform><libc>-<arch>/node-napi.node (@datadog/native-metrics)', async () => {
    const pkg = `${NM}/@datadog/native-metrics`;
    const files = [
      npmManifest(pkg, { name: '@datadog/native-metrics', version: '3.1.2', dependencies: { 'node-gyp-build': '^3.9.0' } }),
      npmManifest(`${NM}/node-gyp-build`, { name: 'node-gyp-build', version: '3.9.0' }),
      at(`${pkg}/prebuilds/linuxglibc-x64/node-napi.node`, 'amd64/libhello.so'),
      at(`${pkg}/prebuilds/linuxmusl-x64/node-napi.node`, 'amd64-musl/hello'),
      at(`${pkg}/prebuilds/linuxglibc-arm64/node-napi.node`, 'arm64/libhello.so'),
    ];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([
      ['info', 'by-design', `${pkg}/prebuilds/linuxglibc-arm64/node-napi.node`],
      ['info', 'by-design', `${pkg}/prebuilds/linuxmusl-x64/node-napi.node`],
    ]);
    // Without the version 3 loader, the folder names are no node-gyp-build 4 tuples: nothing loads.
    const v4 = files.filter((f) => !f.path.includes('/node-gyp-build/'));
    expect((await rows({ platform: 'linux/amd64', layers: [glibcAmd64, v4] })).filter((r) => r[0] !== 'info')).toEqual([['warning', 'missing-native-build', pkg]]);
  });

  it('node-gyp-build-optional-packages: only the tagged file it picks in @<name>/<name>-<platform>-<arch> (lmdb)', async () => {
    const plat = `${NM}/@lmdb/lmdb-linux-x64`;
    const files = [
      npmManifest(`${NM}/lmdb`, { name: 'lmdb', version: '3.5.6', dependencies: { 'node-gyp-build-optional-packages': '5.2.2' }, optionalDependencies: { '@lmdb/lmdb-linux-x64': '3.5.6', '@lmdb/lmdb-linux-arm64': '3.5.6' } }),
      npmManifest(plat, { name: '@lmdb/lmdb-linux-x64', version: '3.5.6', os: ['linux'], cpu: ['x64'] }),
      at(`${plat}/node.napi.glibc.node`, 'amd64/libhello.so'),
      at(`${plat}/node.napi.musl.node`, 'amd64-musl/hello'),
    ];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['info', 'by-design', `${plat}/node.napi.musl.node`]]);
    expect(img.findings[0]!.message).toMatch(/lmdb 3\.5\.6 loads node\.napi\.glibc\.node from @lmdb\/lmdb-linux-x64 3\.5\.6 on linux\/amd64/);
  });

  it('require-addon: prebuilds/<platform>-<arch>[-musl]/<name>.node (sodium-native)', async () => {
    const pkg = `${NM}/sodium-native`;
    const files = [
      npmManifest(pkg, { name: 'sodium-native', version: '4.3.3', dependencies: { 'require-addon': '^1.1.0' } }),
      at(`${pkg}/prebuilds/linux-x64/sodium-native.node`, 'amd64/libhello.so'),
      at(`${pkg}/prebuilds/linux-arm64/sodium-native.node`, 'arm64/libhello.so'),
    ];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([['info', 'by-design', `${pkg}/prebuilds/linux-arm64/sodium-native.node`]]);
    // On Alpine it wants linux-x64-musl/, which this version does not ship (node-gyp-build would take linux-x64/).
    const alpine = await rows({ platform: 'linux/amd64', layers: [[...muslAmd64, text('/etc/alpine-release', '3.20.3\n')], files] });
    expect(alpine.filter((r) => r[0] !== 'info')).toEqual([['warning', 'missing-native-build', pkg]]);
  });
});

describe('missing-native-build', () => {
  const pkg = `${NM}/bufferutil`;
  const manifest = npmManifest(pkg, { name: 'bufferutil', version: '4.0.8' });
  const foreign = [manifest, at(`${pkg}/prebuilds/linux-x64/node.napi.node`, 'amd64/libhello.so'), at(`${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`, 'macho/fat')];

  it('warns on the package folder when no prebuild is for the target and there is no build', async () => {
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, foreign] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['warning', 'missing-native-build', pkg],
      ['info', 'by-design', `${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`],
      ['info', 'by-design', `${pkg}/prebuilds/linux-x64/node.napi.node`],
    ]);
    expect(img.findings[0]!.message).toMatch(/bufferutil 4\.0\.8 ships prebuilds for darwin-x64\+arm64, linux-x64 but none that node-gyp-build loads on linux\/arm64 \(platform=linux arch=arm64 libc=glibc armv=8\)/);
    expect(img.findings[0]!.package?.name).toBe('bufferutil');
  });
  it('is quiet with a build/Release of the right CPU, or a prebuild of the target', async () => {
    expect(await rows({ platform: 'linux/arm64', layers: [glibcArm64, [...foreign, at(`${pkg}/build/Release/bufferutil.node`, 'arm64/libhello.so')]] })).toEqual([
      ['info', 'by-design', `${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`],
      ['info', 'by-design', `${pkg}/prebuilds/linux-x64/node.napi.node`],
    ]);
    expect((await rows({ platform: 'linux/amd64', layers: [glibcAmd64, foreign] })).filter((r) => r[0] !== 'info')).toEqual([]);
  });
});
