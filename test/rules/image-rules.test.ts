// entrypoint-missing/-mismatch, mislabeled-image, variant-mismatch and the ARM float-ABI chain,
// each fired by real binaries next to the look-alike that must stay quiet.

import { describe, expect, it } from 'vitest';
import { at, glibcAmd64, glibcArm64, link, report, rows, text } from './helpers.js';

/** A Go-style static ARM executable: EABI5 e_flags 0x5000002 (no float bit), no PT_INTERP, no sections. */
function goStaticArm(): Buffer {
  const b = Buffer.alloc(52 + 32 + 16);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 1; // 32-bit
  b[5] = 1; // little-endian
  b[6] = 1;
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(40, 18); // EM_ARM
  b.writeUInt32LE(1, 20);
  b.writeUInt32LE(52, 28); // e_phoff
  b.writeUInt32LE(0x5000002, 36); // e_flags
  b.writeUInt16LE(52, 40);
  b.writeUInt16LE(32, 42);
  b.writeUInt16LE(1, 44);
  b.writeUInt16LE(40, 46);
  b.writeUInt32LE(1, 52); // PT_LOAD
  b.writeUInt32LE(0, 56);
  b.writeUInt32LE(0x10000, 60);
  b.writeUInt32LE(b.length, 68); // p_filesz
  b.writeUInt32LE(0x10000, 80); // p_align
  return b;
}

describe('entrypoint-missing and entrypoint-mismatch', () => {
  it('is quiet when the entrypoint resolves on PATH through symlinks', async () => {
    const files = [...glibcAmd64, at('/usr/bin/hello', 'amd64/hello'), link('/bin', 'usr/bin')];
    expect(await rows({ platform: 'linux/amd64', layers: [files], entrypoint: ['hello'] })).toEqual([]);
    expect(await rows({ platform: 'linux/amd64', layers: [files], entrypoint: ['/bin/hello', '--x'] })).toEqual([]);
  });
  it('reports a missing entrypoint, and Cmd when there is no Entrypoint', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64], entrypoint: ['/app/server'] })).toEqual([['error', 'entrypoint-missing', '/app/server']]);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64], cmd: ['server'] })).toEqual([['error', 'entrypoint-missing', 'server']]);
  });
  it('resolves a relative entrypoint from WorkingDir-less configs at /', async () => {
    const files = [...glibcAmd64, at('/app/server', 'amd64/hello')];
    expect(await rows({ platform: 'linux/amd64', layers: [files], entrypoint: ['app/server'] })).toEqual([]);
  });
  it('reports a foreign entrypoint binary once: entrypoint-mismatch, the most specific cause', async () => {
    const got = await rows({ platform: 'linux/amd64', layers: [[...glibcAmd64, at('/usr/bin/app', 'arm64/hello')]], entrypoint: ['app'] });
    expect(got).toEqual([['error', 'entrypoint-mismatch', '/usr/bin/app']]);
    // Not the entrypoint: the arch-mismatch it is.
    expect(await rows({ platform: 'linux/amd64', layers: [[...glibcAmd64, at('/usr/bin/app', 'arm64/hello')]] })).toEqual([['error', 'arch-mismatch', '/usr/bin/app']]);
  });
  it('follows #!/usr/bin/env node to node on PATH', async () => {
    const script = text('/usr/local/bin/start', '#!/usr/bin/env node\nconsole.log(1)\n', 0o755);
    const base = [...glibcAmd64, at('/usr/bin/env', 'amd64/hello'), script];
    const good = await rows({ platform: 'linux/amd64', layers: [[...base, at('/usr/local/bin/node', 'amd64/hello')]], entrypoint: ['start'] });
    expect(good).toEqual([]);
    const img = await report({ platform: 'linux/amd64', layers: [[...base, at('/usr/local/bin/node', 'arm64/hello')]], entrypoint: ['start'] });
    const f = img.findings.find((x) => x.rule === 'entrypoint-mismatch');
    expect(f?.path).toBe('/usr/local/bin/node');
    expect(f?.message).toMatch(/start is a script for \/usr\/bin\/env node: \/usr\/local\/bin\/node is an AArch64 executable/);
    const none = await rows({ platform: 'linux/amd64', layers: [base], entrypoint: ['start'] });
    expect(none).toEqual([['error', 'entrypoint-missing', 'node']]);
  });
  it('reports the shell of the shell form when it is missing', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64], cmd: ['/bin/sh', '-c', 'echo hi'] })).toEqual([['error', 'entrypoint-missing', '/bin/sh']]);
  });
});

describe('mislabeled-image', () => {
  const arm64Userland = [...glibcArm64, ...Array.from({ length: 12 }, (_, i) => at(`/usr/bin/tool${i}`, 'arm64/hello'))];
  it('fires when most binaries are for another platform than declared', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [arm64Userland] });
    const f = img.findings.find((x) => x.rule === 'mislabeled-image');
    expect([f?.severity, f?.found, f?.expected]).toEqual(['error', 'linux/arm64', 'linux/amd64']);
  });
  it('does not fire for a handful of stray files in a right image', async () => {
    const amd = [...glibcAmd64, ...Array.from({ length: 20 }, (_, i) => at(`/usr/bin/t${i}`, 'amd64/hello'))];
    const strays = Array.from({ length: 5 }, (_, i) => at(`/opt/x/s${i}`, 'arm64/hello'));
    const got = await rows({ platform: 'linux/amd64', layers: [amd, strays] });
    expect(got.filter((r) => r[1] === 'mislabeled-image')).toEqual([]);
  });
  it('fires at any size: a FROM scratch image whose one static binary is for another CPU', async () => {
    const img = await report({ platform: 'linux/arm64', layers: [[at('/server', 'amd64/hello-static', 0o755)]], entrypoint: ['/server'] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.found])).toEqual([
      ['error', 'mislabeled-image', 'linux/amd64'],
      ['error', 'entrypoint-mismatch', 'linux/amd64'],
    ]);
    expect(img.findings[0]!.message).toMatch(/1 of its 1 ELF executables and shared libraries are linux\/amd64/);
  });
  it('counts shared libraries too, and needs more than half', async () => {
    const half = [at('/usr/bin/a', 'amd64/hello'), at('/usr/lib/b.so', 'arm64/libhello.so')];
    expect((await rows({ platform: 'linux/amd64', layers: [half] })).filter((r) => r[1] === 'mislabeled-image')).toEqual([]);
    const most = [...half, at('/usr/lib/c.so', 'arm64/libhello.so')];
    expect((await rows({ platform: 'linux/amd64', layers: [most] })).filter((r) => r[1] === 'mislabeled-image')).toEqual([['error', 'mislabeled-image', null]]);
  });
  it('does not count files the declared platform never loads (another platform’s prebuilds)', async () => {
    const pkg = '/app/node_modules/x/prebuilds';
    const files = [at('/usr/bin/a', 'amd64/hello'), at(`${pkg}/linux-x64/node.napi.node`, 'amd64/libhello.so'), ...['linux-arm64', 'linux-arm', 'linux-ppc64', 'linux-s390x'].map((t) => at(`${pkg}/${t}/node.napi.node`, 'arm64/libhello.so'))];
    expect((await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).filter((r) => r[0] !== 'info')).toEqual([]);
  });
});

describe('variant-mismatch', () => {
  it('is an error for ARMv7 code in an arm/v6 image, from Tag_CPU_arch', async () => {
    const libc = at('/lib/arm-linux-gnueabihf/libc.so.6', 'armhf/libhello-armv6.so');
    const img = await report({ platform: 'linux/arm/v6', layers: [[libc, at('/usr/lib/libv7.so', 'armhf/libhello.so'), at('/usr/lib/libv6.so', 'armhf/libhello-armv6.so')]] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['error', 'variant-mismatch', '/usr/lib/libv7.so']]);
    expect(img.findings[0]!.message).toMatch(/ARMv7 code in an arm\/v6 image/);
  });
  it('is a warning for an x86-64-v3 binary in a plain amd64 image, quiet in amd64/v3', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [[...glibcAmd64, at('/usr/bin/fast', 'amd64/hello-v3')]] });
    expect(img.findings.map((f) => [f.severity, f.rule])).toEqual([['warning', 'variant-mismatch']]);
    expect(await rows({ platform: 'linux/amd64/v3', layers: [[...glibcAmd64, at('/usr/bin/fast', 'amd64/hello-v3')]] })).toEqual([]);
  });
});

describe('ARM float ABI chain (spec §3)', () => {
  it('does not flag a Go static ARM binary (e_flags 0x5000002, no attributes, no interpreter) in an armhf image', async () => {
    const img = await report({ platform: 'linux/arm/v7', layers: [[{ path: '/usr/local/bin/gobin', body: goStaticArm(), mode: 0o755 }]], entrypoint: ['gobin'] }, { all: true });
    expect(img.findings).toEqual([]);
    expect(img.binaries?.[0]).toMatchObject({ floatAbi: 'unknown', platform: 'linux/arm', armArch: null });
  });
  it('takes hard-float from Tag_ABI_VFP_args when e_flags are silent (armhf objects)', async () => {
    const img = await report({ platform: 'linux/arm/v7', layers: [[at('/usr/lib/x.o', 'armhf/hello.o')]] }, { all: true });
    expect(img.findings).toEqual([]);
    expect(img.binaries?.[0]).toMatchObject({ floatAbi: 'hard', armArch: 10, platform: 'linux/arm/v7' });
  });
  it('still flags known soft-float code in a hard-float image', async () => {
    const armhf = [at('/usr/bin/y', 'armhf/hello'), at('/usr/lib/y.so', 'armhf/libhello.so')];
    const got = await rows({ platform: 'linux/arm/v7', layers: [armhf, [at('/usr/bin/x', 'armel/hello')]] });
    expect(got.filter((r) => r[2] === '/usr/bin/x')).toEqual([['error', 'abi-mismatch', '/usr/bin/x']]);
  });
});
