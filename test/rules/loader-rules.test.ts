// missing-interpreter, missing-library and page-size, each fired by real binaries next to the
// look-alike that must stay quiet.

import { describe, expect, it } from 'vitest';
import { at, glibcAmd64, glibcArm64, link, muslAmd64, report, rows, text } from './helpers.js';

describe('missing-interpreter', () => {
  it('is quiet when PT_INTERP resolves through absolute and relative symlinks', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/usr/bin/hello', 'amd64/hello')]] })).toEqual([]);
  });
  it('fires for a musl binary in a glibc image, naming both C libraries', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/usr/bin/tool', 'amd64-musl/hello')]] });
    const f = img.findings.filter((x) => x.rule === 'missing-interpreter');
    expect(f.map((x) => [x.severity, x.path, x.found])).toEqual([['error', '/usr/bin/tool', 'linux/amd64']]);
    expect(f[0]!.message).toContain('/lib/ld-musl-x86_64.so.1');
    expect(f[0]!.message).toMatch(/a musl binary in a glibc image/);
  });
  it('fires for a glibc binary in a musl image', async () => {
    const got = await rows({ platform: 'linux/amd64', layers: [muslAmd64, [at('/app/server', 'amd64/hello')]] });
    expect(got).toContainEqual(['error', 'missing-interpreter', '/app/server']);
  });
  it('fires when the loader is for another CPU, and when a symlink loop hides it', async () => {
    const other = [link('/lib64', 'usr/lib64'), at('/usr/lib64/ld-linux-x86-64.so.2', 'arm64/libhello.so'), at('/bin/x', 'amd64/hello')];
    expect((await report({ platform: 'linux/amd64', layers: [other] })).findings.find((f) => f.rule === 'missing-interpreter')?.message).toMatch(/for another CPU/);
    const loop = [link('/lib64', 'lib64b'), link('/lib64b', '/lib64'), at('/bin/x', 'amd64/hello')];
    expect(await rows({ platform: 'linux/amd64', layers: [loop] })).toContainEqual(['error', 'missing-interpreter', '/bin/x']);
  });
  it('leaves foreign binaries to the arch rules', async () => {
    const got = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/bin/a', 'arm64/hello')]] });
    expect(got).toEqual([['error', 'arch-mismatch', '/bin/a']]);
  });
  it('does not fire for the loader deleted and re-added in a later layer', async () => {
    const del = [{ path: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', type: 'whiteout' as const }];
    const got = await rows({ platform: 'linux/amd64', layers: [glibcAmd64, del, [at('/usr/bin/hello', 'amd64/hello')]] });
    expect(got).toContainEqual(['error', 'missing-interpreter', '/usr/bin/hello']);
    const back = [at('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', 'amd64/libhello.so')];
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, del, back, [at('/usr/bin/hello', 'amd64/hello')]] })).toEqual([]);
  });
});

describe('missing-library', () => {
  it('is an error for a glibc-built .node in a musl image (shared objects have no PT_INTERP)', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [muslAmd64, [at('/app/node_modules/x/build/Release/x.node', 'amd64/libhello.so')]] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.found])).toEqual([['error', 'missing-library', 'linux/amd64']]);
    expect(img.findings[0]!.message).toMatch(/libc\.so\.6 is not in the image/);
    expect(img.findings[0]!.message).toMatch(/built against glibc, the image has musl/);
  });
  it('is not reported beside missing-interpreter, which already explains the missing C library (one root cause)', async () => {
    const img = await report({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/opt/x/tool', 'amd64-musl/hello')]] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path])).toEqual([['error', 'missing-interpreter', '/opt/x/tool']]);
  });
  it('finds libraries through ld.so.conf includes, the multiarch folders and /lib64', async () => {
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/usr/local/lib/libhello.so', 'amd64/libhello.so')]] })).toEqual([]);
    expect(await rows({ platform: 'linux/arm64', layers: [glibcArm64, [at('/usr/local/bin/hello', 'arm64/hello')]] })).toEqual([]);
  });
  it('finds libraries only through a folder listed in /etc/ld.so.conf.d', async () => {
    // Static stand-ins for the loader and libc: they need nothing themselves.
    const base = [at('/lib64/ld-linux-x86-64.so.2', 'amd64/hello-static'), at('/opt/libc/libc.so.6', 'amd64/hello-static'), at('/bin/x', 'amd64/hello')];
    expect(await rows({ platform: 'linux/amd64', layers: [base] })).toEqual([['error', 'missing-library', '/bin/x']]);
    const conf = [text('/etc/ld.so.conf', 'include ld.so.conf.d/*.conf\n'), text('/etc/ld.so.conf.d/opt.conf', '/opt/libc\n')];
    expect(await rows({ platform: 'linux/amd64', layers: [base, conf] })).toEqual([]);
  });
  it("honours the config's LD_LIBRARY_PATH", async () => {
    const base = [at('/lib64/ld-linux-x86-64.so.2', 'amd64/libhello.so'), at('/opt/libc/libc.so.6', 'amd64/libhello.so'), at('/bin/x', 'amd64/hello')];
    expect(await rows({ platform: 'linux/amd64', layers: [base], env: ['PATH=/bin', 'LD_LIBRARY_PATH=/opt/libc'] })).toEqual([]);
  });
  it('skips a library of another CPU and reports it as there only for another CPU', async () => {
    const base = [at('/lib64/ld-linux-x86-64.so.2', 'amd64/libhello.so'), at('/lib/libc.so.6', 'arm64/libhello.so'), at('/bin/x', 'amd64/hello')];
    const img = await report({ platform: 'linux/amd64', layers: [base] });
    const f = img.findings.find((x) => x.rule === 'missing-library');
    expect(f?.message).toMatch(/there only for another CPU/);
  });
});

describe('page-size', () => {
  it('warns for an arm64 binary with 4 KiB LOAD alignment', async () => {
    const img = await report({ platform: 'linux/arm64', layers: [glibcArm64, [at('/usr/bin/small', 'arm64/hello-4k')]] });
    expect(img.findings.map((f) => [f.severity, f.rule, f.path, f.found])).toEqual([['warning', 'page-size', '/usr/bin/small', 'linux/arm64']]);
  });
  it('is quiet for 64 KiB alignment, and for 4 KiB x86-64 files', async () => {
    expect(await rows({ platform: 'linux/arm64', layers: [glibcArm64, [at('/usr/bin/hello', 'arm64/hello')]] })).toEqual([]);
    expect(await rows({ platform: 'linux/amd64', layers: [glibcAmd64, [at('/usr/bin/hello', 'amd64/hello')]] })).toEqual([]);
  });
});
