// The Dockerfile cannot be built here (no Docker daemon), so its promises are checked statically:
// the stages and where they run, the ARGs each stage uses, what the build context admits, the
// TARGETARCH → Rust target/addon table — and the files the image ships pass elfscan's own scan.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { addonFileName } from '../../src/native.js';
import { tempDir } from '../helpers/image-builder.js';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Instruction {
  cmd: string;
  args: string;
}
interface Stage {
  name: string | null;
  base: string;
  platform: string | null;
  body: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped; ARGs before the first FROM are global. */
function parseDockerfile(text: string): { globalArgs: string[]; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) current += `${line.slice(0, -1)} `;
    else {
      current += line;
      if (current.trim()) logical.push(current.trim());
      current = '';
    }
  }
  const globalArgs: string[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, cmd, args] = line.match(/^(\w+)\s+(.*)$/) ?? [];
    const ins = { cmd: cmd!.toUpperCase(), args: args! };
    if (ins.cmd === 'FROM') {
      const m = ins.args.match(/^(?:--platform=(\S+)\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i)!;
      stages.push({ platform: m[1] ?? null, base: m[2]!, name: m[3] ?? null, body: [] });
    } else if (stages.length === 0) {
      if (ins.cmd === 'ARG') globalArgs.push(ins.args.split('=')[0]!);
    } else stages[stages.length - 1]!.body.push(ins);
  }
  return { globalArgs, stages };
}

/** Whether `docker build` sends a path: .dockerignore patterns in order, `!` re-admits, a match on a parent counts. */
function admitted(patterns: string[], path: string): boolean {
  const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let keep = true;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/\/+$/, '');
    const match = picomatch(pattern, { dot: true });
    if (parents.some((p) => match(p))) keep = negate;
  }
  return keep;
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!;
const runs = (s: Stage) => s.body.filter((i) => i.cmd === 'RUN').map((i) => i.args);

describe('Dockerfile stages', () => {
  it('are the documented ones, and the default target is the runtime image', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['js', 'deps', 'rust-src', 'native', 'native-build-machine', 'runtime', 'selfcheck', null]);
    expect(dockerfile.stages.at(-1)).toEqual({ name: null, base: 'runtime', platform: null, body: [] });
  });

  it('build on the build machine; only the runtime stage is for the target, and it runs nothing', () => {
    for (const name of ['js', 'deps', 'rust-src', 'selfcheck']) expect(stage(name).platform, name).toBe('$BUILDPLATFORM');
    expect(stage('native').base).toBe('rust-src');
    expect(stage('native-build-machine').base).toBe('rust-src');
    const runtime = stage('runtime');
    expect(runtime.platform).toBeNull();
    expect(runtime.base).toBe('node:${NODE_VERSION}-${DEBIAN}-slim');
    // No RUN: a multi-platform build needs no emulation for the image itself.
    expect(runs(runtime)).toEqual([]);
  });

  it('run on Node 24 unless a build argument picks another supported Node', () => {
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_VERSION=24$/m);
    for (const name of ['js', 'deps', 'runtime', 'selfcheck']) expect(stage(name).base, name).toBe('node:${NODE_VERSION}-${DEBIAN}-slim');
  });

  it('declare every build argument a stage uses, in that stage', () => {
    for (const s of dockerfile.stages) {
      const declared = new Set(s.body.filter((i) => i.cmd === 'ARG').map((i) => i.args.split('=')[0]));
      const used = new Set(runs(s).flatMap((r) => [...r.matchAll(/\$\{?((?:TARGET|BUILD)[A-Z]+)\b/g)].map((m) => m[1]!)));
      for (const arg of used) expect(declared, `${s.name}: ${arg}`).toContain(arg);
    }
    expect(new Set(runs(stage('native')).join(' ').match(/\$(TARGETARCH|TARGETVARIANT|BUILDARCH)/g))).toEqual(new Set(['$TARGETARCH', '$TARGETVARIANT', '$BUILDARCH']));
    // Versions used in FROM lines are global ARGs with defaults.
    const fromVars = new Set(dockerfile.stages.flatMap((s) => [...s.base.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1])));
    for (const v of fromVars) expect(dockerfile.globalArgs, v).toContain(v);
  });

  it('copy from earlier stages only, and from the context only what exists and .dockerignore admits', () => {
    const names = dockerfile.stages.map((s) => s.name);
    dockerfile.stages.forEach((s, i) => {
      for (const copy of s.body.filter((b) => b.cmd === 'COPY')) {
        const from = copy.args.match(/--from=(\S+)/)?.[1];
        if (from) {
          expect(names.slice(0, i), `${s.name}: COPY --from=${from}`).toContain(from);
          continue;
        }
        const parts = copy.args.split(/\s+/);
        for (const src of parts.slice(0, -1)) {
          expect(existsSync(join(ROOT, src)), src).toBe(true);
          expect(admitted(ignore, src.replace(/\/$/, '')), src).toBe(true);
        }
      }
    });
  });

  it('install runtime dependencies without dev dependencies and without install scripts', () => {
    expect(runs(stage('deps'))).toEqual(['npm ci --omit=dev --ignore-scripts --no-audit --no-fund']);
  });

  it('lay out the image as the package is laid out, so that the loader finds native/ beside dist/', () => {
    const copies = stage('runtime').body.filter((i) => i.cmd === 'COPY').map((i) => i.args.split(/\s+/).at(-1));
    expect(copies).toEqual(['/opt/elfscan/package.json', '/opt/elfscan/dist', '/opt/elfscan/node_modules', '/opt/elfscan/bin/elfscan.js', '/opt/elfscan/native/']);
    expect(stage('runtime').body).toContainEqual({ cmd: 'ENTRYPOINT', args: '["node", "/opt/elfscan/bin/elfscan.js"]' });
    expect(stage('runtime').body).toContainEqual({ cmd: 'USER', args: 'node' });
  });

  it('scan the finished image for its own platform in the selfcheck target', () => {
    expect(stage('selfcheck').body).toContainEqual({ cmd: 'COPY', args: '--from=runtime / /rootfs/' });
    expect(runs(stage('selfcheck'))).toEqual(['node /opt/elfscan/bin/elfscan.js --platform "$TARGETPLATFORM" --no-progress /rootfs']);
  });
});

describe('.dockerignore', () => {
  it('admits the sources the build needs', () => {
    for (const p of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/cli.ts', 'src/report/sarif.ts', 'bin/elfscan.js', 'Cargo.toml', 'Cargo.lock', 'native/Cargo.toml', 'native/build.rs', 'native/src/lib.rs', 'scripts/docker-rust-target.sh'])
      expect(admitted(ignore, p), p).toBe(true);
  });
  it('keeps out build output, local addons, dependencies, fixtures, tests and git', () => {
    for (const p of ['node_modules/commander/index.js', 'dist/cli.js', 'target/release/libelfscan_native.so', 'native/elfscan.linux-x64-gnu.node', 'native/target/x', 'fixtures/images/example-arm64.tar', 'test/report/sarif.test.ts', '.git/HEAD', '.cache/real-images/x', 'scripts/action-run.sh', 'Dockerfile'])
      expect(admitted(ignore, p), p).toBe(false);
  });
});

describe('scripts/docker-rust-target.sh', () => {
  const target = (...args: string[]) => {
    const r = spawnSync('sh', [join(ROOT, 'scripts/docker-rust-target.sh'), ...args], { encoding: 'utf8' });
    const vars = Object.fromEntries(r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(/=(.*)/).slice(0, 2)).map(([k, v]) => [k, v!.replace(/^'|'$/g, '')]));
    return { code: r.status, stderr: r.stderr, vars: vars as Record<string, string> };
  };
  // Docker's TARGETARCH → Node's process.arch on that machine.
  const nodeArch: Record<string, string> = { amd64: 'x64', arm64: 'arm64', arm: 'arm', ppc64le: 'ppc64', s390x: 's390x' };
  const cases: [arch: string, variant: string][] = [['amd64', ''], ['arm64', ''], ['arm64', 'v8'], ['arm', 'v7'], ['ppc64le', ''], ['s390x', '']];
  const rustTargets = spawnSync('rustc', ['--print', 'target-list'], { encoding: 'utf8' }).stdout.split('\n');

  it.each(cases)('%s %s: the addon file is the one src/native.ts loads on such a machine, for a real Rust target', (arch, variant) => {
    const { code, vars } = target(arch, variant, 'amd64');
    expect(code).toBe(0);
    expect(`elfscan.${vars.ADDON}.node`).toBe(addonFileName({ platform: 'linux', arch: nodeArch[arch]!, isGlibc: () => true }));
    expect(rustTargets).toContain(vars.RUST_TARGET);
    expect(vars.LINKER).toMatch(/^[a-z0-9_]+-linux-gnu(eabihf)?-gcc$/);
  });

  it('cross packages only when the target is not the build machine, named as Debian names them', () => {
    expect(target('arm64', '', 'arm64').vars.CROSS_PKGS).toBe('');
    expect(target('amd64', '', 'amd64').vars.CROSS_PKGS).toBe('');
    expect(target('arm64', '', 'amd64').vars.CROSS_PKGS).toBe('gcc-aarch64-linux-gnu libc6-dev-arm64-cross');
    expect(target('amd64', '', 'arm64').vars.CROSS_PKGS).toBe('gcc-x86-64-linux-gnu libc6-dev-amd64-cross');
    expect(target('arm', 'v7', 'amd64').vars.CROSS_PKGS).toBe('gcc-arm-linux-gnueabihf libc6-dev-armhf-cross');
    expect(target('ppc64le', '', 'amd64').vars.CROSS_PKGS).toBe('gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross');
  });

  it.each([['arm', 'v6'], ['386', ''], ['riscv64', ''], ['mips64le', '']])('refuses %s %s with a sentence', (arch, variant) => {
    const r = target(arch, variant, 'amd64');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^docker-rust-target\.sh: no elfscan image for linux\/\S+ \(amd64, arm64, arm\/v7, ppc64le and s390x are built\)\n$/);
  });
});

describe("the image's own files pass elfscan", () => {
  // A stand-in for the runtime stage on this machine's platform: this machine's node and the
  // libraries it and the addon load (what ldd resolves — this machine is Debian bookworm, as the
  // base image is), plus /opt/elfscan laid out as the Dockerfile lays it out: package.json, dist/,
  // bin/, the production dependencies and the addon. The real image is scanned by
  // `docker buildx build --target selfcheck` (docs/ci.md).
  it('scans the stand-in root filesystem for this machine’s platform without an error or a warning', () => {
    const host = { platform: process.platform, arch: process.arch, isGlibc: () => true };
    const platform = { x64: 'linux/amd64', arm64: 'linux/arm64' }[process.arch as string];
    expect(platform, `no platform for ${process.arch}`).toBeDefined();
    const addon = join(ROOT, 'native', addonFileName(host));
    expect(existsSync(addon), `${addon}: run npm run build:native`).toBe(true);
    if (!existsSync(join(ROOT, 'dist/cli.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });

    const rootfs = tempDir();
    const put = (from: string, to: string) => {
      mkdirSync(dirname(join(rootfs, to)), { recursive: true });
      cpSync(from, join(rootfs, to), { recursive: true, dereference: true });
    };
    put(process.execPath, '/usr/local/bin/node');
    // ldd lists the loader (and libc…) once per file it is given: each library is copied once.
    const libs = new Set([...execFileSync('ldd', [process.execPath, addon], { encoding: 'utf8' }).matchAll(/(?:=> )?(\/\S+) \(0x/g)].map((m) => m[1]!));
    for (const lib of libs) put(lib, lib);
    const app = '/opt/elfscan';
    put(join(ROOT, 'package.json'), `${app}/package.json`);
    put(join(ROOT, 'dist'), `${app}/dist`);
    put(join(ROOT, 'bin/elfscan.js'), `${app}/bin/elfscan.js`);
    put(addon, `${app}/native/${addonFileName(host)}`);
    const prod = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((p) => p.includes('/node_modules/'));
    expect(prod.length).toBeGreaterThan(0);
    for (const dir of prod) put(dir, `${app}/${dir.slice(dir.indexOf('node_modules/'))}`);

    const r = spawnSync(process.execPath, [join(ROOT, 'bin/elfscan.js'), '--platform', platform!, '--format', 'json', '--all', '--fail-on', 'warning', rootfs], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { images: { findings: { severity: string }[]; binaries: { path: string; platform: string }[] }[] };
    expect(report.images[0]!.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.status).toBe(0);
    // The scan did see the binaries: node, the C runtime and the addon.
    const seen = report.images[0]!.binaries.map((b) => [b.path, b.platform]);
    expect(seen).toContainEqual(['/usr/local/bin/node', platform]);
    expect(seen).toContainEqual([`${app}/native/${addonFileName(host)}`, platform]);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });
});
