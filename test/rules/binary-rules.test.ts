// Each per-binary rule of spec §5, fired by a real binary in a real image, next to the look-alike
// that must stay quiet.

import { describe, expect, it } from 'vitest';
import { scan, type ScanOptions } from '../../src/index.js';
import type { FileSpec } from '../helpers/image-builder.js';
import { writeArchive } from '../helpers/image-builder.js';

/**
 * The findings of the per-binary rules. These images have no C library and are often one foreign
 * file (which mislabeled-image then also reports); the loader rules and mislabeled-image have
 * their own tests (loader-rules.test.ts, image-rules.test.ts).
 */
async function findings(platform: string, files: FileSpec[], options: ScanOptions = {}) {
  const report = await scan(writeArchive({ platform, layers: [files] }, 'docker-25'), options);
  return report.images[0]!.findings
    .filter((f) => f.rule !== 'missing-interpreter' && f.rule !== 'missing-library' && f.rule !== 'mislabeled-image')
    .map((f) => ({ severity: f.severity, rule: f.rule, path: f.path, found: f.found, expected: f.expected }));
}

const at = (path: string, fixture: string, mode?: number): FileSpec => ({ path, fixture, ...(mode === undefined ? {} : { mode }) });

describe('arch-mismatch', () => {
  it('fires as an error for an x86-64 executable in an arm64 image', async () => {
    expect(await findings('linux/arm64', [at('/usr/bin/tool', 'amd64/hello')])).toEqual([
      { severity: 'error', rule: 'arch-mismatch', path: '/usr/bin/tool', found: 'linux/amd64', expected: 'linux/arm64' },
    ]);
  });
  it('is a warning for a relocatable object', async () => {
    expect(await findings('linux/arm64', [at('/usr/lib/x.o', 'amd64/hello.o')])).toEqual([
      { severity: 'warning', rule: 'arch-mismatch', path: '/usr/lib/x.o', found: 'linux/amd64', expected: 'linux/arm64' },
    ]);
  });
  it('does not fire for the right CPU', async () => {
    expect(await findings('linux/arm64', [at('/usr/bin/tool', 'arm64/hello'), at('/usr/lib/x.o', 'arm64/hello.o')])).toEqual([]);
  });
  it('fires for every architecture pair of the fixtures in an s390x image', async () => {
    const targets = ['amd64', 'arm64', 'ppc64le', 'riscv64', 'mips64el', 'i386'];
    const got = await findings('linux/s390x', [...targets.map((t) => at(`/bin/${t}`, `${t}/hello`)), at('/bin/s390x', 's390x/hello')]);
    expect(got.map((f) => [f.rule, f.path])).toEqual(targets.sort().map((t) => ['arch-mismatch', `/bin/${t}`]));
  });
});

describe('abi-mismatch', () => {
  it('fires for big-endian ppc64 in a ppc64le image', async () => {
    expect(await findings('linux/ppc64le', [at('/bin/x', 'ppc64/hello')])).toEqual([
      { severity: 'error', rule: 'abi-mismatch', path: '/bin/x', found: 'linux/ppc64', expected: 'linux/ppc64le' },
    ]);
  });
  it('fires for soft-float armel in a hard-float arm/v7 image', async () => {
    const got = await findings('linux/arm/v7', [at('/bin/x', 'armel/hello')]);
    expect(got.map((f) => [f.severity, f.rule])).toEqual([['error', 'abi-mismatch']]);
  });
  it('fires for x32 in an amd64 image', async () => {
    const got = await findings('linux/amd64', [at('/bin/x', 'x32/hello')]);
    expect(got.map((f) => [f.severity, f.rule])).toEqual([['error', 'abi-mismatch']]);
  });
  it('does not fire for matching ABIs', async () => {
    expect(await findings('linux/ppc64le', [at('/bin/x', 'ppc64le/hello')])).toEqual([]);
    expect(await findings('linux/arm/v7', [at('/bin/x', 'armhf/hello'), at('/lib/x.so', 'armhf/libhello.so')])).toEqual([]);
    expect(await findings('linux/arm/v5', [at('/bin/x', 'armel/hello')])).toEqual([]);
    expect(await findings('linux/ppc64', [at('/bin/x', 'ppc64/hello')])).toEqual([]);
  });
});

describe('compat-32bit', () => {
  it('warns for i386 in an amd64 image', async () => {
    expect(await findings('linux/amd64', [at('/usr/lib32/x.so', 'i386/libhello.so')])).toEqual([
      { severity: 'warning', rule: 'compat-32bit', path: '/usr/lib32/x.so', found: 'linux/386', expected: 'linux/amd64' },
    ]);
  });
  it('warns for hard-float 32-bit ARM in an arm64 image', async () => {
    const got = await findings('linux/arm64', [at('/bin/x', 'armhf/hello')]);
    expect(got.map((f) => [f.severity, f.rule])).toEqual([['warning', 'compat-32bit']]);
  });
  it('does not fire for i386 in an i386 image, nor for amd64 in amd64', async () => {
    expect(await findings('linux/386', [at('/bin/x', 'i386/hello')])).toEqual([]);
    expect(await findings('linux/amd64', [at('/bin/x', 'amd64/hello')])).toEqual([]);
  });
});

describe('foreign-format', () => {
  it('is an error for an executable Mach-O file', async () => {
    expect(await findings('linux/arm64', [at('/usr/local/bin/tool', 'macho/arm64', 0o755)])).toEqual([
      { severity: 'error', rule: 'foreign-format', path: '/usr/local/bin/tool', found: 'macho/arm64', expected: 'linux/arm64' },
    ]);
  });
  it('is an error for a Mach-O .node addon even without an execute bit (COPY node_modules from a Mac)', async () => {
    const got = await findings('linux/arm64', [at('/app/node_modules/a/build/Release/a.node', 'macho/fat', 0o644)]);
    expect(got.map((f) => [f.severity, f.rule, f.found])).toEqual([['error', 'foreign-format', 'macho/universal']]);
  });
  it('is only info for a non-executable PE file', async () => {
    const got = await findings('linux/amd64', [at('/usr/share/tool/setup.exe', 'pe/amd64.exe', 0o644)]);
    expect(got.map((f) => [f.severity, f.rule, f.found])).toEqual([['info', 'foreign-format', 'pe/amd64']]);
  });
  it('does not take a Java class file (0xCAFEBABE) for a fat Mach-O', async () => {
    expect(await findings('linux/amd64', [at('/app/Hello.class', 'java/Hello.class', 0o755)])).toEqual([]);
  });
});

describe('files that are not code for a host CPU', () => {
  it('reports a BPF object as by-design info only', async () => {
    expect(await findings('linux/amd64', [at('/usr/lib/bpf/prog.o', 'bpf/prog.o')])).toEqual([
      { severity: 'info', rule: 'by-design', path: '/usr/lib/bpf/prog.o', found: 'elf/bpf', expected: 'linux/amd64' },
    ]);
  });
  it('reports nothing for plain files that start like binaries', async () => {
    const files = ['short', 'cafebabe-junk', 'mz-only', 'empty', 'data.json', 'script.sh'].map((n) => at(`/data/${n}`, `text/${n}`));
    expect(await findings('linux/amd64', files)).toEqual([]);
  });
  it('reports a binary with corrupt headers as unreadable info and goes on', async () => {
    const elf = Buffer.alloc(64);
    elf.write('\x7fELF', 0, 'latin1');
    elf[4] = 9; // no such ELF class
    const got = await findings('linux/amd64', [{ path: '/bin/broken', body: elf }, at('/bin/x', 'arm64/hello')]);
    expect(got.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['error', 'arch-mismatch', '/bin/x'],
      ['info', 'unreadable-binary', '/bin/broken'],
    ]);
  });
});

describe('platform-mismatch', () => {
  it('fires when --platform differs from the declared platform, with the per-file findings too', async () => {
    const got = await findings('linux/amd64', [at('/bin/x', 'amd64/hello')], { platforms: ['linux/arm64'] });
    expect(got).toEqual([
      { severity: 'error', rule: 'platform-mismatch', path: null, found: 'linux/amd64', expected: 'linux/arm64' },
      { severity: 'error', rule: 'arch-mismatch', path: '/bin/x', found: 'linux/amd64', expected: 'linux/arm64' },
    ]);
  });
  it('does not fire when --platform names the declared platform by an alias', async () => {
    expect(await findings('linux/arm64', [at('/bin/x', 'arm64/hello')], { platforms: ['aarch64'] })).toEqual([]);
    expect(await findings('linux/amd64', [at('/bin/x', 'amd64/hello')], { platforms: ['x86_64'] })).toEqual([]);
  });
});

describe('--ignore (by-design)', () => {
  it('turns a matching finding into by-design info', async () => {
    const got = await findings('linux/arm64', [at('/opt/cross/bin/tool', 'amd64/hello')], { ignore: ['/opt/cross/**'] });
    expect(got.map((f) => [f.severity, f.rule, f.path])).toEqual([['info', 'by-design', '/opt/cross/bin/tool']]);
  });
  it('matches a pattern without a slash against the file name anywhere', async () => {
    const got = await findings('linux/arm64', [at('/a/b/tool.exe', 'pe/amd64.exe', 0o755)], { ignore: ['*.exe'] });
    expect(got.map((f) => f.rule)).toEqual(['by-design']);
  });
  it('leaves non-matching findings alone', async () => {
    const got = await findings('linux/arm64', [at('/opt/other/tool', 'amd64/hello')], { ignore: ['/opt/cross/**'] });
    expect(got.map((f) => [f.severity, f.rule])).toEqual([['error', 'arch-mismatch']]);
  });
});
