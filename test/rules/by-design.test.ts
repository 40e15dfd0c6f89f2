// The default by-design patterns (docs/rules.md), each next to the look-alike that is a real
// mistake and must still be reported, plus the Node-aware messages.

import { describe, expect, it } from 'vitest';
import { at, glibcAmd64, glibcArm64, report, rows } from './helpers.js';

describe('by-design defaults', () => {
  it('firmware folders', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [[at('/lib/firmware/dev/fw.elf', 'arm64/hello')]] })).toEqual([['info', 'by-design', '/lib/firmware/dev/fw.elf']]);
  });
  it('BPF objects', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [[at('/usr/lib/bpf/prog.o', 'bpf/prog.o')]] })).toEqual([['info', 'by-design', '/usr/lib/bpf/prog.o']]);
  });
  it('cross-toolchain sysroots whose triplet names the binary’s own CPU — not another one', async () => {
    const files = [
      at('/usr/aarch64-linux-gnu/lib/libhello.so', 'arm64/libhello.so'),
      at('/usr/lib/gcc-cross/aarch64-linux-gnu/12/libx.so', 'arm64/libhello.so'),
      at('/usr/aarch64-linux-gnu/lib/wrong.so', 'ppc64le/libhello.so'),
    ];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([
      ['error', 'arch-mismatch', '/usr/aarch64-linux-gnu/lib/wrong.so'],
      ['info', 'by-design', '/usr/aarch64-linux-gnu/lib/libhello.so'],
      ['info', 'by-design', '/usr/lib/gcc-cross/aarch64-linux-gnu/12/libx.so'],
    ]);
  });
  it('Debian multiarch folders next to a native userland, but not as the whole userland', async () => {
    const multi = [at('/usr/lib/aarch64-linux-gnu/libc.so.6', 'arm64/libhello.so')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, multi] })).toEqual([['info', 'by-design', '/usr/lib/aarch64-linux-gnu/libc.so.6']]);
    // An arm64 userland labelled amd64: its own multiarch folder is no excuse.
    expect(await rows({ platform: 'linux/amd64', layers: [glibcArm64] })).toContainEqual(['error', 'arch-mismatch', '/usr/lib/aarch64-linux-gnu/libc.so.6']);
  });
  it('i386 multilib in an amd64 image', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/usr/lib32/libhello.so', 'i386/libhello.so')]] })).toEqual([['info', 'by-design', '/usr/lib32/libhello.so']]);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/opt/x/libhello.so', 'i386/libhello.so')]] })).toEqual([['warning', 'compat-32bit', '/opt/x/libhello.so']]);
  });
  it('Rust rustlib folders for other targets', async () => {
    const p = '/root/.rustup/t/lib/rustlib/aarch64-unknown-linux-gnu/lib/libstd.so';
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at(p, 'arm64/libhello.so')]] })).toEqual([['info', 'by-design', p]]);
  });
  it('prebuildify folders for other platforms when the target’s prebuild is there', async () => {
    const pkg = '/app/node_modules/bufferutil';
    const files = [at(`${pkg}/prebuilds/linux-x64/node.napi.node`, 'amd64/libhello.so'), at(`${pkg}/prebuilds/linux-arm64/node.napi.node`, 'arm64/libhello.so'), at(`${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`, 'macho/fat')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([
      ['info', 'by-design', `${pkg}/prebuilds/darwin-x64+arm64/node.napi.node`],
      ['info', 'by-design', `${pkg}/prebuilds/linux-arm64/node.napi.node`],
    ]);
  });
  it('a prebuild folder without the target’s prebuild is an error that says so', async () => {
    const pkg = '/app/node_modules/bufferutil';
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, [at(`${pkg}/prebuilds/linux-arm64/node.napi.node`, 'arm64/libhello.so')]] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['error', 'arch-mismatch']]);
    expect(img.findings[0]!.message).toMatch(/ships no prebuild for linux-x64/);
  });
  it('a wrong-arch build/Release addon is a finding even when the right prebuild exists (it is loaded first)', async () => {
    const pkg = '/app/node_modules/bufferutil';
    const files = [at(`${pkg}/prebuilds/linux-x64/node.napi.node`, 'amd64/libhello.so'), at(`${pkg}/build/Release/bufferutil.node`, 'arm64/libhello.so')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([['error', 'arch-mismatch', `${pkg}/build/Release/bufferutil.node`]]);
  });
  it('a musl prebuild next to its glibc twin is by design, alone it is an error', async () => {
    const dir = '/app/node_modules/x/prebuilds/linux-x64';
    const twin = [at(`${dir}/node.napi.glibc.node`, 'amd64/libhello.so'), at(`${dir}/node.napi.musl.node`, 'amd64-musl/hello')];
    const got = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, twin] });
    expect(got.filter((r) => r[0] !== 'info' && r[1] !== 'missing-interpreter')).toEqual([]);
    expect(got).toContainEqual(['info', 'by-design', `${dir}/node.napi.musl.node`]);
  });
});

describe('Node-aware messages', () => {
  it('names the per-platform npm package the target needs', async () => {
    const p = '/app/node_modules/@rollup/rollup-linux-x64-gnu/rollup.linux-x64-gnu.node';
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, [at(p, 'amd64/libhello.so')]] });
    expect(img.findings.map((f) => [f.rule, f.path])).toEqual([['arch-mismatch', p]]);
    expect(img.findings[0]!.message).toMatch(/@rollup\/rollup-linux-x64-gnu is the linux-x64 \(glibc\) build, but a linux\/arm64 glibc image needs @rollup\/rollup-linux-arm64-gnu: npm install ran on another platform/);
    expect(img.findings[0]!.message).toMatch(/npm install --os=linux --cpu=arm64 --libc=glibc/);
  });
  it('tells musl from glibc packages (sharp’s linuxmusl, swc’s -musl, esbuild’s plain name)', async () => {
    const cases: [string, string][] = [
      ['/app/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node', '@img/sharp-linuxmusl-arm64'],
      ['/app/node_modules/@swc/core-linux-x64-gnu/swc.linux-x64-gnu.node', '@swc/core-linux-arm64-musl'],
      ['/app/node_modules/@esbuild/linux-x64/bin/esbuild', '@esbuild/linux-arm64'],
    ];
    const musl = [{ path: '/lib/ld-musl-aarch64.so.1', fixture: 'arm64/hello-musl' }];
    for (const [path, needed] of cases) {
      const img = await report({ platform: 'linux/arm64', layers: [musl, [at(path, 'amd64/libhello.so')]] });
      const f = img.findings.find((x) => x.rule === 'arch-mismatch');
      expect(f?.message, path).toContain(`needs ${needed}`);
    }
  });
  it('a musl package in a glibc image next to its gnu twin is by design', async () => {
    const musl = '/app/node_modules/@rollup/rollup-linux-x64-musl/rollup.linux-x64-musl.node';
    const gnu = '/app/node_modules/@rollup/rollup-linux-x64-gnu/rollup.linux-x64-gnu.node';
    const got = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at(gnu, 'amd64/libhello.so'), at(musl, 'amd64-musl/hello')]] });
    expect(got.filter((r) => r[1] === 'missing-library' || r[1] === 'arch-mismatch')).toEqual([]);
  });
});

/** A minimal ELF64 little-endian shared object for a machine no fixture has (GPU code objects). */
function deviceElf(machine: number, osabi = 0): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  b[7] = osabi;
  b.writeUInt16LE(3, 16); // ET_DYN
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(64, 58);
  return b;
}

describe('GPU and accelerator code objects', () => {
  it.each([
    ['AMD GPU (EM_AMDGPU, HSA osabi)', 224, 64],
    ['NVIDIA CUDA (EM_CUDA)', 190, 0],
    ['Intel GPU (EM_INTELGT)', 205, 0],
  ])('%s is by-design info', async (_, machine, osabi) => {
    const img = await report({ platform: 'linux/amd64', layers: [[{ path: '/opt/rocm/lib/kernels.co', body: deviceElf(machine, osabi) }]] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['info', 'by-design']]);
    expect(img.findings[0]!.message).toMatch(/runs on a device or in the kernel/);
  });
  it('a real CPU without an OCI platform (SPARC) is still an arch-mismatch', async () => {
    const sparc = deviceElf(43);
    sparc[5] = 2; // big-endian header…
    sparc.writeUInt16BE(3, 16);
    sparc.writeUInt16BE(43, 18);
    sparc.writeUInt32BE(1, 20);
    sparc.writeUInt16BE(64, 52);
    sparc.writeUInt16BE(56, 54);
    sparc.writeUInt16BE(64, 58);
    expect((await rows({ platform: 'linux/amd64', layers: [[{ path: '/opt/x/lib.so', body: sparc }]] })).map((r) => r[1])).toEqual(['arch-mismatch']);
  });
});

describe('per-platform npm packages of other platforms', () => {
  it('are by design next to the target’s package, an error without it', async () => {
    const darwin = at('/app/node_modules/@esbuild/darwin-arm64/bin/esbuild', 'macho/arm64', 0o755);
    const linux = at('/app/node_modules/@esbuild/linux-x64/bin/esbuild', 'amd64/hello-static', 0o755);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [darwin, linux]] })).toEqual([['info', 'by-design', darwin.path]]);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [darwin]] })).toEqual([['error', 'foreign-format', darwin.path]]);
  });
});
