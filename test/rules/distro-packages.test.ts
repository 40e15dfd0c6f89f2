// The distribution half of the loader model (spec §5.1): a foreign file a dpkg or apk package of
// the image's own (or no) architecture lists is the distribution's on purpose; a
// foreign-architecture package is multiarch next to the native loader and the userland of a
// mislabelled image without it; a file no package lists is judged in full. Each case next to the
// look-alike that must be reported. The databases are written in dpkg's and apk's layout here;
// the real-trees suite has dpkg write them.

import { describe, expect, it } from 'vitest';
import { at, dpkgDatabase, glibcAmd64, glibcArm64, link, report, rows, text, type DebSpec } from './helpers.js';

const firmware: DebSpec = { name: 'firmware-misc-nonfree', version: '20230210-5', arch: 'all', files: ['/lib/firmware/vendor/dsp.elf', '/usr/share/qemu/skiboot.lid'] };

describe('dpkg-owned files', () => {
  it('a foreign file of an arch-independent package is by-design, naming the package; copied elsewhere it is the error', async () => {
    const files = [...dpkgDatabase([firmware]), at('/usr/lib/firmware/vendor/dsp.elf', 'arm64/libhello.so'), at('/usr/share/qemu/skiboot.lid', 'ppc64/hello')];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['info', 'by-design', '/usr/lib/firmware/vendor/dsp.elf'],
      ['info', 'by-design', '/usr/share/qemu/skiboot.lid'],
    ]);
    expect(img.findings[0]!.message).toMatch(/installed by the Debian package firmware-misc-nonfree 20230210-5 \(all\)/);
    expect(img.findings[0]!.package).toEqual({ ecosystem: 'deb', name: 'firmware-misc-nonfree', version: '20230210-5', arch: 'all' });
    // The listed path /lib/firmware/… is the file at /usr/lib/firmware/… through the merged-/usr link.
    const copied = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [...files, at('/opt/fw/dsp.elf', 'arm64/libhello.so')]] });
    expect(copied.filter((r) => r[0] !== 'info')).toEqual([['error', 'arch-mismatch', '/opt/fw/dsp.elf']]);
  });

  it('a file a later layer copied over a package’s file is no longer the package’s', async () => {
    const files = [...dpkgDatabase([firmware]), at('/usr/lib/firmware/vendor/dsp.elf', 'arm64/libhello.so')];
    const over = [at('/usr/lib/firmware/vendor/dsp.elf', 'arm64/libhello.so')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files, over] })).toEqual([['error', 'arch-mismatch', '/usr/lib/firmware/vendor/dsp.elf']]);
    // The package's record rewritten with it (an upgrade): the package's again.
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files, [...over, ...dpkgDatabase([firmware])]] })).toEqual([['info', 'by-design', '/usr/lib/firmware/vendor/dsp.elf']]);
  });

  it('a native package’s foreign modules are by-design (grub-pc-bin’s i386 modules in amd64)', async () => {
    const grub: DebSpec = { name: 'grub-pc-bin', version: '2.06-13+deb12u1', arch: 'amd64', files: ['/usr/lib/grub/i386-pc/normal.mod'] };
    const files = [...dpkgDatabase([grub]), at('/usr/lib/grub/i386-pc/normal.mod', 'i386/hello.o')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, files] })).toEqual([['info', 'by-design', '/usr/lib/grub/i386-pc/normal.mod']]);
    // The module copied where no package lists it is the relocatable object it is.
    const copied = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [...files, at('/opt/grub/normal.mod', 'i386/hello.o')]] });
    expect(copied.filter((r) => r[0] !== 'info')).toEqual([['warning', 'compat-32bit', '/opt/grub/normal.mod']]);
  });

  it('a foreign-architecture package is multiarch next to the native loader; i386 in amd64 stays compat-32bit', async () => {
    const libc6arm64: DebSpec = { name: 'libc6', version: '2.36-9+deb12u7', arch: 'arm64', multiArchSame: true, files: ['/usr/lib/aarch64-linux-gnu/libc.so.6'] };
    const libc6i386: DebSpec = { name: 'libc6', version: '2.36-9+deb12u7', arch: 'i386', multiArchSame: true, files: ['/usr/lib/i386-linux-gnu/libc.so.6'] };
    const files = [...dpkgDatabase([libc6arm64, libc6i386]), at('/usr/lib/aarch64-linux-gnu/libc.so.6', 'arm64/libhello.so'), at('/usr/lib/i386-linux-gnu/libc.so.6', 'i386/libhello.so')];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['warning', 'compat-32bit', '/usr/lib/i386-linux-gnu/libc.so.6'],
      ['info', 'by-design', '/usr/lib/aarch64-linux-gnu/libc.so.6'],
    ]);
    expect(img.findings[1]!.message).toMatch(/libc6 2\.36-9\+deb12u7 \(arm64\), a multiarch package next to the image's own linux\/amd64 userland/);
    expect(img.findings[0]!.package).toEqual({ ecosystem: 'deb', name: 'libc6', version: '2.36-9+deb12u7', arch: 'i386' });
  });

  it('without the native loader a foreign-architecture userland is what it is: arch-mismatch and mislabeled-image', async () => {
    const pkgs: DebSpec[] = [
      { name: 'libc6', version: '2.36-9', arch: 'arm64', multiArchSame: true, files: ['/lib/aarch64-linux-gnu/libc.so.6', '/lib/ld-linux-aarch64.so.1'] },
      { name: 'coreutils', version: '9.1-1', arch: 'arm64', files: ['/bin/ls'] },
    ];
    const files = [...glibcArm64, link('/bin', 'usr/bin'), ...dpkgDatabase(pkgs), at('/usr/bin/ls', 'arm64/hello')];
    const img = await report({ platform: 'linux/amd64', layers: [files] });
    const ls = img.findings.find((f) => f.path === '/usr/bin/ls');
    expect([ls?.severity, ls?.rule]).toEqual(['error', 'arch-mismatch']);
    expect(ls?.message).toMatch(/coreutils 9\.1-1 \(arm64\), and the image has no linux\/amd64 loader.*apt-get install coreutils:amd64/);
    expect(ls?.package).toEqual({ ecosystem: 'deb', name: 'coreutils', version: '9.1-1', arch: 'arm64' });
    expect(img.findings.filter((f) => f.rule === 'mislabeled-image').map((f) => f.found)).toEqual(['linux/arm64']);
  });

  it('Debian armhf is ARMv7: its packages are not native to an arm/v6 image', async () => {
    const pkg: DebSpec = { name: 'libfoo1', version: '1.0-1', arch: 'armhf', files: ['/usr/lib/arm-linux-gnueabihf/libfoo.so.1'] };
    const files = [...dpkgDatabase([pkg]), at('/usr/lib/arm-linux-gnueabihf/libfoo.so.1', 'armhf/libhello.so'), at('/usr/lib/arm-linux-gnueabihf/libc.so.6', 'armhf/libhello-armv6.so')];
    const got = await rows({ platform: 'linux/arm/v6', layers: [files] });
    expect(got.filter((r) => r[2] === '/usr/lib/arm-linux-gnueabihf/libfoo.so.1')).toEqual([['error', 'variant-mismatch', '/usr/lib/arm-linux-gnueabihf/libfoo.so.1']]);
  });

  it('reads distroless’ status.d/<pkg> and its .md5sums', async () => {
    const files = [
      text('/var/lib/dpkg/status.d/libc6-arm64-cross', 'Package: libc6-arm64-cross\nVersion: 2.36-8cross1\nArchitecture: all\n'),
      text('/var/lib/dpkg/status.d/libc6-arm64-cross.md5sums', 'd41d8cd98f00b204e9800998ecf8427e  usr/aarch64-linux-gnu/lib/libc.so.6\n'),
      at('/usr/aarch64-linux-gnu/lib/libc.so.6', 'arm64/libhello.so'),
    ];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.package?.name])).toEqual([['info', 'by-design', 'libc6-arm64-cross']]);
  });

  it('names the package on a loader finding of a native file, without excusing it', async () => {
    const pkg: DebSpec = { name: 'libssl3', version: '3.0.15-1', arch: 'amd64', files: ['/usr/lib/x86_64-linux-gnu/libcrypto.so.3'] };
    const lib = { path: '/usr/lib/x86_64-linux-gnu/libcrypto.so.3', fixture: 'amd64/hello' };
    const img = await report({ platform: 'linux/amd64', layers: [[...dpkgDatabase([pkg]), lib]] });
    const f = img.findings.find((x) => x.rule === 'missing-interpreter');
    expect([f?.severity, f?.package?.name]).toEqual(['error', 'libssl3']);
  });
});

describe('apk-owned files', () => {
  const installed = (arch: string) => `C:Q1abc=\nP:qemu-system-data\nV:9.0.2-r1\nA:${arch}\nS:1\nI:2\nT:ROMs\nF:usr/share/qemu\nR:slof.bin\nZ:Q1def=\n\n`;
  it('a noarch package’s foreign file is by-design; an unlisted one is not', async () => {
    const files = [text('/lib/apk/db/installed', installed('noarch')), at('/usr/share/qemu/slof.bin', 'ppc64/hello'), at('/usr/share/qemu/copied.bin', 'ppc64/hello')];
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, files] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([
      ['error', 'arch-mismatch', '/usr/share/qemu/copied.bin'],
      ['info', 'by-design', '/usr/share/qemu/slof.bin'],
    ]);
    expect(img.findings[1]!.package).toEqual({ ecosystem: 'apk', name: 'qemu-system-data', version: '9.0.2-r1', arch: 'noarch' });
  });
});

describe('the image’s C library release, from apk’s database', () => {
  // Alpine's layout: musl's loader is its C library, installed by the musl package as /lib/ld-musl-x86_64.so.1.
  const db = (listed: string) => `C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nS:1\nI:2\nT:the musl c library\nF:lib\nR:${listed}\nZ:Q1def=\n\n`;
  const loader = at('/lib/ld-musl-x86_64.so.1', 'amd64-musl/hello');

  it('is the musl package’s upstream version when it lists the loader', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [[text('/lib/apk/db/installed', db('ld-musl-x86_64.so.1')), loader]] });
    expect(img.libc).toEqual({ flavor: 'musl', version: '1.2.5' });
  });

  it('is unknown when the musl package does not list the file the loader is (a copied musl)', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [[text('/lib/apk/db/installed', db('libc.musl-x86_64.so.1')), loader]] });
    expect(img.libc).toEqual({ flavor: 'musl', version: null });
  });
});
