// missing-symbol-version on real bytes: Debian's C and C++ runtimes of bullseye (glibc 2.31,
// GLIBCXX_3.4.28), bookworm (2.36, 3.4.30) and trixie (2.41, 3.4.33), programs built here with
// gcc 12, programs from Debian's coreutils of each release, and npm packages whose prebuilt
// addons need a newer glibc than bullseye's. What must fire is not elfscan's opinion: an oracle
// reads every file with GNU readelf (-V for versions, -d for NEEDED and RUNPATH), finds each
// library with its own small model of the loader, and lists the non-weak versions the found
// library does not define — the test compares elfscan's findings with that list, file by file.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan, type ScanOptions } from '../../src/index.js';
import { formatHuman } from '../../src/report/human.js';
import type { Finding, ImageReport } from '../../src/model.js';
import { chunks, fixture, tempDir, writeArchive, buildArchive, type FileSpec, type ImageSpec } from '../helpers/image-builder.js';
import { SYMBOL_VERSIONS_DIR, ensureSymbolVersionImages, type Suite, type SymbolVersionFiles } from '../setup/symbol-versions.js';

let sv: SymbolVersionFiles;
beforeAll(() => {
  sv = ensureSymbolVersionImages();
});

// ---------------------------------------------------------------------------------------------
// The oracle: readelf's view of the files, and a loader model of its own.

interface Readelf {
  elf: boolean;
  needed: string[];
  runpath: string[];
  /** Per library: [version, weak]. */
  needs: Map<string, [string, boolean][]>;
  defines: string[];
}

const readelfCache = new Map<string, Readelf>();
const scratch = tempDir();

function readelf(body: Buffer): Readelf {
  const key = createHash('sha256').update(body).digest('hex');
  const hit = readelfCache.get(key);
  if (hit) return hit;
  // x86-64 only: the images are amd64, and a file for another CPU is the arch rules' business.
  const out: Readelf = { elf: false, needed: [], runpath: [], needs: new Map(), defines: [] };
  if (body.subarray(0, 4).toString('latin1') === '\x7fELF') {
    const file = join(scratch, key);
    writeFileSync(file, body);
    const text = execFileSync('readelf', ['-hdVW', file], { encoding: 'utf8' });
    out.elf = /Machine:\s+Advanced Micro Devices X86-64/.test(text);
    for (const m of text.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)) out.needed.push(m[1]!);
    const rp = /\((?:RUNPATH|RPATH)\)\s+Library (?:runpath|rpath): \[(.+)\]/.exec(text);
    if (rp) out.runpath = rp[1]!.split(':');
    let section: 'def' | 'need' | null = null;
    let lib = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('Version definition section')) section = 'def';
      else if (line.startsWith('Version needs section')) section = 'need';
      else if (line.startsWith('Version symbols section')) section = null;
      const def = /Rev: \d+\s+Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/.exec(line);
      if (section === 'def' && def && def[1] !== 'BASE') out.defines.push(def[2]!);
      const need = /Version: \d+\s+File: (\S+)/.exec(line);
      if (section === 'need' && need) out.needs.set((lib = need[1]!), []);
      const aux = /Name: (\S+)\s+Flags: (\S+)/.exec(line);
      if (section === 'need' && aux && !need) out.needs.get(lib)!.push([aux[1]!, aux[2] === 'WEAK']);
    }
  }
  readelfCache.set(key, out);
  return out;
}

/** An image's final files by path, with symlinks followed inside the image. */
class ImageFiles {
  private readonly byPath = new Map<string, FileSpec>();
  constructor(layers: FileSpec[][]) {
    for (const f of layers.flat()) this.byPath.set(f.path, f);
  }
  paths(): string[] {
    return [...this.byPath.keys()];
  }
  /** The regular file a path leads to, or null. */
  resolve(path: string, depth = 0): { path: string; body: Buffer } | null {
    if (depth > 40) return null;
    const parts = normalize(path).split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const prefix = `/${parts.slice(0, i).join('/')}`;
      const f = this.byPath.get(prefix);
      if (f?.type === 'symlink') {
        const target = f.target!.startsWith('/') ? f.target! : `${prefix.slice(0, prefix.lastIndexOf('/'))}/${f.target}`;
        return this.resolve([normalize(target), ...parts.slice(i)].join('/'), depth + 1);
      }
      if (i === parts.length && f && (f.type ?? 'file') === 'file') {
        return { path: prefix, body: f.fixture ? fixture(f.fixture) : Buffer.from(f.body ?? '') };
      }
    }
    return null;
  }
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const s of p.split('/')) {
    if (s === '..') out.pop();
    else if (s && s !== '.') out.push(s);
  }
  return `/${out.join('/')}`;
}

/** glibc's order for an x86-64 program without LD_LIBRARY_PATH: RUNPATH, ld.so.conf.d's multiarch folders, the defaults. */
const SYSTEM_DIRS = ['/usr/local/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'];

/** Per file the oracle says must fire: the versions missing. */
function oracle(layers: FileSpec[][]): Map<string, string[]> {
  const img = new ImageFiles(layers);
  const expected = new Map<string, string[]>();
  for (const path of img.paths()) {
    const file = img.resolve(path);
    if (!file || file.path !== path) continue;
    const me = readelf(file.body);
    if (!me.elf || me.needs.size === 0) continue;
    const origin = path.slice(0, path.lastIndexOf('/'));
    const dirs = [...me.runpath.map((d) => d.replace('$ORIGIN', origin)), ...SYSTEM_DIRS];
    const find = (name: string) => dirs.map((d) => img.resolve(`${d}/${name}`)).find((f) => f !== null && readelf(f.body).elf) ?? null;
    if (me.needed.some((n) => !find(n))) continue; // missing-library's case
    const missing: string[] = [];
    for (const [lib, versions] of me.needs) {
      const found = find(lib);
      const defines = found && readelf(found.body).elf ? readelf(found.body).defines : [];
      if (defines.length === 0) continue;
      for (const [v, weak] of versions) if (!weak && !defines.includes(v)) missing.push(`${v} of ${lib}`);
    }
    if (missing.length > 0) expected.set(path, missing);
  }
  return expected;
}

// ---------------------------------------------------------------------------------------------
// Images.

const bin = (path: string, name: string): FileSpec => ({ path, body: readFileSync(join(sv.built, name)), mode: 0o755 });
const coreutils = (suite: Suite, tool: string, path: string): FileSpec => {
  for (const dir of ['usr/bin', 'bin']) {
    const p = join(sv.trees, suite, 'coreutils', dir, tool);
    if (existsSync(p)) return { path, body: readFileSync(p), mode: 0o755 };
  }
  throw new Error(`no ${tool} in ${suite}'s coreutils`);
};
/** What a build stage on bookworm produces and copies into the final image. */
const fromBuildStage = (): FileSpec[] => [
  bin('/usr/local/bin/hello', 'hello'),
  bin('/usr/local/bin/wait', 'wait'),
  bin('/app/node_modules/waiter/build/Release/wait.node', 'wait.node'),
  coreutils('bookworm', 'env', '/usr/local/bin/env'),
  coreutils('bookworm', 'sort', '/usr/local/bin/sort'),
];
const libstdcxx = (suite: Suite, path: string): FileSpec => ({ path, body: readFileSync(join(sv.trees, suite, 'libstdc++6/usr/lib/x86_64-linux-gnu/libstdc++.so.6')) });

/**
 * The suite's packages installed by dpkg into a fresh root (fixtures/scripts/dpkg-root.sh), and
 * `release(pkg)`: the upstream version dpkg-query reads from that root's database.
 */
function dpkgInstalled(suite: Suite, packages: string[]): { root: string; release: (pkg: string) => string } {
  const debsDir = join(SYMBOL_VERSIONS_DIR, 'downloads', 'apt', suite, 'debs');
  const debs = packages.map((p) => join(debsDir, readdirSync(debsDir).find((f) => f.startsWith(`${p}_`))!));
  const root = join(tempDir(), 'root');
  const r = spawnSync('bash', [fileURLToPath(new URL('../../fixtures/scripts/dpkg-root.sh', import.meta.url)), root, ...debs], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const release = (pkg: string) => {
    const v = execFileSync('dpkg-query', [`--admindir=${root}/var/lib/dpkg`, '-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
    return /^(?:\d+:)?(\d+(?:\.\d+)+)/.exec(v)![1]!;
  };
  return { root, release };
}

/** A suite's libc.so.6 as a file to copy into an image. */
function libcOf(suite: Suite): FileSpec {
  return new ImageFiles([sv.base(suite)]).resolve('/lib/x86_64-linux-gnu/libc.so.6')!;
}

/** The newest GLIBC_x.y a libc.so.6 defines, as readelf -V lists them. */
function newestDefined(body: Buffer): string {
  return readelf(body).defines.filter((v) => /^GLIBC_\d/.test(v)).map((v) => v.slice(6)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop()!;
}

async function scanned(layers: FileSpec[][], options: ScanOptions = {}): Promise<ImageReport> {
  return (await scan(writeArchive({ platform: 'linux/amd64', layers }, 'docker-25'), options)).images[0]!;
}

const byFile = (fs: Finding[]) =>
  new Map(fs.filter((f) => f.rule === 'missing-symbol-version').map((f) => [f.path!, f.message] as const));

/** elfscan's missing-symbol-version findings against the oracle's, file by file and version by version. */
async function expectOracle(layers: FileSpec[][]): Promise<{ report: ImageReport; expected: Map<string, string[]> }> {
  // A `.bare` prebuild is for the Bare runtime: Node's loaders (require-addon, node-gyp-build) load
  // the `.node` beside it and never this one, so Node never asks for its versions (the
  // real-trees suite runs those resolvers themselves).
  const expected = new Map([...oracle(layers)].filter(([path]) => !path.endsWith('.bare')));
  const report = await scanned(layers);
  const got = byFile(report.findings);
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, missing] of expected) {
    for (const m of missing) expect(got.get(path), path).toContain(m.split(' of ')[0]);
  }
  return { report, expected };
}

// ---------------------------------------------------------------------------------------------

describe('missing-symbol-version on Debian releases', () => {
  it('bullseye (glibc 2.31): programs and an addon built on bookworm fire, each for what its libraries lack', async () => {
    const { report, expected } = await expectOracle([sv.base('bullseye'), fromBuildStage()]);
    // Every file from the build stage fails on bullseye (the oracle agrees): all need GLIBC_2.34
    // or, for the addon, GLIBCXX_3.4.30.
    expect([...expected.keys()].sort()).toEqual(fromBuildStage().map((f) => f.path).sort());
    const got = byFile(report.findings);
    // glibc 2.31 added no symbol version on x86-64: bullseye's newest is GLIBC_2.30 (readelf -V).
    expect(got.get('/usr/local/bin/hello')).toBe(
      "x86-64 executable: needs GLIBC_2.34 of libc.so.6, which the image's /lib/x86_64-linux-gnu/libc.so.6 does not define (its newest is GLIBC_2.30); build it in a stage from the same base image, or use a base with glibc ≥ 2.34",
    );
    expect(got.get('/app/node_modules/waiter/build/Release/wait.node')).toBe(
      "x86-64 shared library: needs GLIBCXX_3.4.30 of libstdc++.so.6, which the image's /usr/lib/x86_64-linux-gnu/libstdc++.so.6 does not define (its newest is GLIBCXX_3.4.28); build it in a stage from the same base image, or use a base with libstdc++6 from gcc ≥ 12 (GLIBCXX_3.4.30)",
    );
    expect(got.get('/usr/local/bin/wait')).toMatch(/needs GLIBC_2\.34 of libc\.so\.6, .*; and GLIBCXX_3\.4\.30 of libstdc\+\+\.so\.6, .*or use a base with glibc ≥ 2\.34 and libstdc\+\+6 from gcc ≥ 12/);
    expect(report.findings.filter((f) => f.rule === 'missing-symbol-version').every((f) => f.severity === 'error')).toBe(true);
  });

  it('bookworm and trixie: the same files are quiet; trixie programs on bookworm fire', async () => {
    const trixieEnv = coreutils('trixie', 'env', '/opt/trixie/env');
    const bookworm = await expectOracle([sv.base('bookworm'), [...fromBuildStage(), coreutils('bullseye', 'env', '/opt/bullseye/env'), trixieEnv]]);
    expect([...bookworm.expected.keys()]).toEqual(['/opt/trixie/env']);
    expect(byFile(bookworm.report.findings).get('/opt/trixie/env')).toMatch(/needs GLIBC_2\.38.* \(its newest is GLIBC_2\.36\);.*glibc ≥ 2\.38$/);
    const trixie = await expectOracle([sv.base('trixie'), [...fromBuildStage(), trixieEnv]]);
    expect(trixie.expected.size).toBe(0);
  });

  it('without a package database (dpkg -x trees), the image reports the newest GLIBC_x.y of the libc.so.6 its loader finds', async () => {
    for (const suite of ['bullseye', 'bookworm', 'trixie'] as const) {
      const newest = newestDefined(libcOf(suite).body as Buffer);
      const report = await scanned([sv.base(suite), [bin('/usr/local/bin/hello', 'hello')]]);
      expect(report.libc, suite).toEqual({ flavor: 'glibc', version: newest });
      const human = formatHuman({ schemaVersion: 1, tool: { name: 'elfscan', version: '0' }, source: 'x', images: [report], summary: { images: 1, errors: 0, warnings: 0, infos: 0 } }, { color: false, quiet: false, seconds: 0 });
      expect(human.split('\n')[0]).toMatch(new RegExp(`binaries, glibc ${newest.replace('.', '\\.')}$`));
      // The release dpkg names: the same for every release that added a symbol version (bookworm's
      // 2.36, trixie's 2.41); glibc 2.31 added none, so bullseye's newest is GLIBC_2.30.
      const release = /libc6 Version: (\d+\.\d+)-/.exec(readFileSync(join(sv.trees, suite, 'VERSIONS'), 'utf8'))![1]!;
      expect(newest, suite).toBe(suite === 'bullseye' ? '2.30' : release);
    }
  });

  it('the release the image’s package database names, as dpkg wrote it and dpkg-query reads it (bullseye: 2.31, not GLIBC_2.30)', async () => {
    for (const suite of ['bullseye', 'bookworm', 'trixie'] as const) {
      const { root, release } = dpkgInstalled(suite, ['libc6']);
      const installed = [...sv.folder(root, ''), { path: '/etc/ld.so.conf', body: 'include /etc/ld.so.conf.d/*.conf\n' }];
      const report = await scanned([installed, [bin('/usr/local/bin/hello', 'hello')]]);
      expect(report.libc, suite).toEqual({ flavor: 'glibc', version: release('libc6') });
      if (suite === 'bullseye') expect(report.libc!.version).toBe('2.31');
      // The look-alike: a later layer copies another release's libc.so.6 over the package's. dpkg's
      // record no longer describes the file, so the header falls back to what that file defines.
      const copied = libcOf('trixie');
      const over = await scanned([installed, [bin('/usr/local/bin/hello', 'hello'), { ...copied, path: '/lib/x86_64-linux-gnu/libc.so.6' }]]);
      expect(over.libc, suite).toEqual({ flavor: 'glibc', version: newestDefined(copied.body as Buffer) });
    }
  });

  it('musl’s release from its package (musl defines no symbol versions): dpkg’s musl, in a musl-only root', async () => {
    const { root, release } = dpkgInstalled('bookworm', ['musl']);
    const report = await scanned([sv.folder(root, ''), [{ path: '/usr/local/bin/hello', fixture: 'amd64-musl/hello', mode: 0o755 }]]);
    expect(report.libc).toEqual({ flavor: 'musl', version: release('musl') });
    expect(report.libc!.version).toMatch(/^1\.2\.\d+$/);
  });

  it('--all lists each binary’s newest needed glibc and libstdc++ versions, as readelf reads them', async () => {
    const report = await scanned([sv.base('bookworm'), fromBuildStage()], { all: true });
    for (const f of fromBuildStage()) {
      const r = readelf(f.body as Buffer);
      const newest = (family: string) =>
        [...r.needs.values()].flat().map(([v]) => v).filter((v) => v.startsWith(`${family}_`) && /\d$/.test(v)).map((v) => v.slice(family.length + 1))
          .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop() ?? null;
      const rec = report.binaries!.find((b) => b.path === f.path)!;
      expect([rec.needsGlibc, rec.needsGlibcxx], f.path).toEqual([newest('GLIBC'), newest('GLIBCXX')]);
    }
    expect(report.binaries!.find((b) => b.path === '/usr/local/bin/wait')).toMatchObject({ needsGlibc: '2.34', needsGlibcxx: '3.4.30' });
  });
});

describe('missing-symbol-version: the library the loader finds, not any copy', () => {
  it('a RUNPATH copy of a newer libstdc++ shadows the old system one: the addon is quiet', async () => {
    // bullseye's system libstdc++ lacks GLIBCXX_3.4.30; bookworm's copy in $ORIGIN/../lib has it.
    const layers = [sv.base('bullseye'), [bin('/app/addon/wait-runpath.node', 'wait-runpath.node'), libstdcxx('bookworm', '/app/lib/libstdc++.so.6')]];
    const { expected } = await expectOracle(layers);
    expect(expected.has('/app/addon/wait-runpath.node')).toBe(false);
    // The same addon without the copy fires: the copy is what made it quiet.
    const without = await expectOracle([sv.base('bullseye'), [bin('/app/addon/wait-runpath.node', 'wait-runpath.node')]]);
    expect([...without.expected.keys()]).toEqual(['/app/addon/wait-runpath.node']);
  });

  it('an old copy on RUNPATH lacks the version while the system one has it: fires, naming the copy', async () => {
    const layers = [sv.base('bookworm'), [bin('/app/addon/wait-runpath.node', 'wait-runpath.node'), libstdcxx('bullseye', '/app/lib/libstdc++.so.6')]];
    const { report, expected } = await expectOracle(layers);
    expect([...expected.keys()]).toEqual(['/app/addon/wait-runpath.node']);
    expect(byFile(report.findings).get('/app/addon/wait-runpath.node')).toContain("GLIBCXX_3.4.30 of libstdc++.so.6, which the image's /app/lib/libstdc++.so.6 does not define");
  });
});

describe('missing-symbol-version stays quiet where it must', () => {
  it('in a musl image: musl defines no versions and its loader checks none', async () => {
    const musl = sv.folder(join(sv.trees, 'bookworm', 'musl'), '');
    const report = await scanned([musl, [{ path: '/usr/local/bin/hello', fixture: 'amd64-musl/hello', mode: 0o755 }]]);
    expect(report.libc).toEqual({ flavor: 'musl', version: null });
    expect(report.findings.filter((f) => f.rule === 'missing-symbol-version')).toEqual([]);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('one root cause: a missing library or interpreter speaks for the file, not its versions', async () => {
    const noCxx = sv.base('bullseye').filter((f) => !f.path.includes('libstdc++'));
    const report = await scanned([noCxx, [bin('/usr/local/bin/wait', 'wait')]]);
    expect(report.findings.map((f) => [f.rule, f.path])).toEqual([['missing-library', '/usr/local/bin/wait']]);
    const musl = sv.folder(join(sv.trees, 'bookworm', 'musl'), '');
    const glibcOnMusl = await scanned([musl, [bin('/usr/local/bin/hello', 'hello')]]);
    expect(glibcOnMusl.findings.map((f) => f.rule)).toContain('missing-interpreter');
    expect(glibcOnMusl.findings.map((f) => f.rule)).not.toContain('missing-symbol-version');
  });

  it('on a foreign file: an arm64 image with the amd64 programs reports the CPU, not the versions', async () => {
    const report = (await scan(writeArchive({ platform: 'linux/arm64', layers: [sv.base('bullseye'), fromBuildStage()] }, 'docker-25'))).images[0]!;
    expect(report.findings.filter((f) => f.rule === 'missing-symbol-version')).toEqual([]);
  });
});

describe('missing-symbol-version on prebuilt npm addons', () => {
  // Picked with readelf -V from packages that ship Linux x64 prebuilds (fixtures/symbol-versions/README.md):
  // sodium-native 5.1.0 needs fstat@GLIBC_2.33; @node-llama-cpp/linux-x64 3.22.1 needs GLIBC_2.34,
  // GLIBCXX_3.4.30 and CXXABI_1.3.13 — bookworm is the oldest Debian release that has them all.
  const addons = () => [
    ...sv.folder(join(sv.npm, 'sodium-native'), '/app/node_modules/sodium-native'),
    ...sv.folder(join(sv.npm, '@node-llama-cpp/linux-x64'), '/app/node_modules/@node-llama-cpp/linux-x64'),
  ];

  it('on bookworm, the oldest base they run on: quiet', async () => {
    const { expected, report } = await expectOracle([sv.base('bookworm'), addons()]);
    expect(expected.size).toBe(0);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('on bullseye: every prebuild the loader would fail on, with its versions', async () => {
    const { expected, report } = await expectOracle([sv.base('bullseye'), addons()]);
    const got = byFile(report.findings);
    expect(got.get('/app/node_modules/sodium-native/prebuilds/linux-x64/sodium-native.node')).toMatch(/needs GLIBC_2\.33 of libc\.so\.6/);
    const bare = report.findings.filter((f) => f.path === '/app/node_modules/sodium-native/prebuilds/linux-x64/sodium-native.bare');
    expect(bare.map((f) => [f.severity, f.rule])).toEqual([['info', 'by-design']]);
    const llama = '/app/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64';
    expect(got.get(`${llama}/llama-addon.node`)).toMatch(/GLIBC_2\.34.*GLIBCXX_3\.4\.29.*libstdc\+\+6 from gcc ≥ 11/);
    expect(got.get(`${llama}/libllama.v0.5.0.so`)).toMatch(/CXXABI_1\.3\.13/);
    expect(got.get(`${llama}/libllama-common.so`)).toMatch(/GLIBCXX_3\.4\.30/);
    expect(expected.size).toBeGreaterThan(10);
  });
});

describe('missing-symbol-version: every way of reading the image gives the same facts', () => {
  it('from a file (read at offsets), from stdin (one forward pass) and from a root filesystem directory', async () => {
    const layers = [sv.base('bullseye'), [...fromBuildStage(), libstdcxx('bookworm', '/app/lib/libstdc++.so.6'), bin('/app/addon/wait-runpath.node', 'wait-runpath.node')]];
    const spec: ImageSpec = { platform: 'linux/amd64', layers };
    const bytes = buildArchive(spec, 'docker-25');
    const view = (r: { images: ImageReport[] }) => JSON.stringify({ f: r.images[0]!.findings, b: r.images[0]!.binaries, l: r.images[0]!.libc });
    const fromFile = view(await scan(writeArchive(spec, 'docker-25'), { all: true }));
    const fromStdin = view(await scan('-', { stdin: chunks(bytes, 65536), all: true }));
    expect(fromStdin).toBe(fromFile);
    const dir = tempDir();
    const tar = spawnSync('tar', ['-x', '-C', dir], { input: buildArchive(spec, 'rootfs') });
    expect(tar.status).toBe(0);
    const fromDir = (await scan(dir, { all: true, platforms: ['linux/amd64'] })).images[0]!;
    // A directory has no layers: the findings are the same but for their `layer`.
    const mine = (fs: Finding[]) => JSON.stringify(fs.filter((f) => f.rule === 'missing-symbol-version').map((f) => ({ ...f, layer: null })));
    expect(mine(fromDir.findings)).toBe(mine(JSON.parse(fromFile).f));
    expect(mine(fromDir.findings)).toContain('/usr/local/bin/hello');
    // libstdc++'s version definitions lie ~490 KB in: known in every reading.
    const cxx = JSON.parse(fromFile).b.find((b: { path: string }) => b.path === '/app/lib/libstdc++.so.6');
    expect(cxx).toBeDefined();
    expect(JSON.parse(fromFile).f.some((f: Finding) => f.path === '/app/node_modules/waiter/build/Release/wait.node')).toBe(true);
  });
});
