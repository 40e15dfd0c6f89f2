// What `npm publish` would ship: the file list of `npm pack`, the entry points it must contain,
// the per-platform addon packages the napi targets make — and those packages made and installed
// as a user gets them: scripts/pack-release.mjs (the release's napi prepublish, napi artifacts and
// npm pack, in a copy of the package), the tarballs installed into an empty prefix offline, and
// the installed bin scanning an image with no Rust and no checkout in reach (docs/ci.md, "npm
// packaging").

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installTarballs, packRelease } from '../../scripts/pack-release.mjs';
import { addonFileName } from '../../src/native.js';
import { tempDir } from '../helpers/image-builder.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, Record<string, string>>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  napi: { name: string; triples: { defaults: boolean; additional: string[] } };
};

interface Packed {
  name: string;
  version: string;
  unpackedSize: number;
  files: { path: string }[];
}

function npmPack(): Packed {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Packed[])[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.split('\\').join('/'));
}

let packed: Packed;
let paths: string[];

beforeAll(() => {
  // npm pack lists what is on disk: the package is built before it is packed (npm test builds first).
  if (!existsSync(join(ROOT, 'dist/index.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  packed = npmPack();
  paths = packed.files.map((f) => f.path).sort();
}, 120_000);

describe('npm pack', () => {
  it('ships the built library and CLI, the README and package.json, and nothing else', () => {
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/elfscan\.js|dist\/.+\.(js|d\.ts))$/;
    expect(paths.filter((p) => !allowed.test(p))).toEqual([]);
    expect(paths).toContain('package.json');
    expect(paths).toContain('README.md');
    expect(paths).toContain('bin/elfscan.js');
  });

  it('leaves out sources, tests, fixtures, the Rust crate, built addons and source maps', () => {
    const leaked = paths.filter((p) => /^(src|test|fixtures|native|bench|docs|target|node_modules|\.ci)\/|\.node$|\.map$|^Cargo|^tsconfig|^vitest|^Dockerfile|^action\.yml$/.test(p));
    expect(leaked).toEqual([]);
    // The repository does hold such files, so the exclusion is the `files` list at work.
    expect(existsSync(join(ROOT, 'fixtures/images/example-arm64.tar'))).toBe(true);
  });

  it('has every entry point package.json names', () => {
    const entries = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => Object.values(e))];
    for (const entry of entries) expect(paths, entry).toContain(entry.replace(/^\.\//, ''));
  });

  it('has a .js and a .d.ts for every TypeScript source, and no built file without a source', () => {
    const sources = sourceFiles(join(ROOT, 'src'));
    expect(sources.length).toBeGreaterThan(20);
    for (const src of sources) {
      const base = `dist/${src.replace(/\.ts$/, '')}`;
      expect(paths, src).toContain(`${base}.js`);
      expect(paths, src).toContain(`${base}.d.ts`);
    }
    // A stale dist/ (a source renamed or removed since the last build) would ship dead files:
    // publish from a clean build (rm -rf dist && npm run build:ts).
    const built = new Set(sources.map((s) => `dist/${s.replace(/\.ts$/, '')}`));
    const orphans = paths.filter((p) => p.startsWith('dist/') && !built.has(p.replace(/\.(js|d\.ts)$/, '')));
    expect(orphans, 'dist/ files without a source; rebuild dist/ from scratch').toEqual([]);
  });

  it('stays small', () => {
    // Measured 0.33 MB unpacked at 0.1.0; the bound catches a stray fixture or build tree.
    expect(packed.unpackedSize).toBeLessThan(1_000_000);
  });
});

const NAPI = join(ROOT, 'node_modules', '.bin', 'napi');
const TRIPLES = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'];

interface PlatformPackage {
  name: string;
  version: string;
  main: string;
  files: string[];
  os: string[];
  cpu: string[];
  libc?: string[];
  engines: Record<string, string>;
  publishConfig: Record<string, unknown>;
}

describe('the napi targets', () => {
  it('make one addon package per common platform, named as the loader names the addon file', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    execFileSync(NAPI, ['create-npm-dir', '-t', '.'], { cwd: dir, stdio: 'ignore' });
    const made = readdirSync(join(dir, 'npm')).sort();
    expect(made).toEqual([...TRIPLES].sort());
    for (const triple of made) {
      const sub = JSON.parse(readFileSync(join(dir, 'npm', triple, 'package.json'), 'utf8')) as PlatformPackage;
      expect(sub.name).toBe(`${pkg.name}-${triple}`);
      expect(sub.version).toBe(pkg.version);
      expect(sub.files).toEqual([sub.main]);
      // The same Node range and provenance as the main package.
      expect(sub.engines).toEqual({ node: '>=22.15.0' });
      expect(sub.publishConfig).toEqual({ access: 'public', provenance: true });
      // The file napi-rs puts in that package is the file src/native.ts asks for on that machine.
      const host = { platform: sub.os[0]!, arch: sub.cpu[0]!, isGlibc: () => sub.libc?.[0] !== 'musl' };
      expect(addonFileName(host)).toBe(sub.main);
      // And the committed npm/ folder (what the release publishes) is exactly what napi makes now.
      for (const file of ['package.json', 'README.md']) {
        expect(readFileSync(join(ROOT, 'npm', triple, file), 'utf8'), `npm/${triple}/${file}: rerun napi create-npm-dir -t .`).toBe(readFileSync(join(dir, 'npm', triple, file), 'utf8'));
      }
    }
    expect(readdirSync(join(ROOT, 'npm')).sort()).toEqual(made);
  }, 60_000);
});

/** `npm pack` of a folder into `dest`; the tarball's path. */
function pack(dir: string, dest: string, ...flags: string[]): string {
  const name = execFileSync('npm', ['pack', '--silent', ...flags, '--pack-destination', dest, dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return join(dest, name);
}

/** A PATH with this Node and the system's tools but no Rust toolchain (checked). */
function pathWithoutRust(): string {
  const path = [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter);
  for (const tool of ['cargo', 'rustc']) expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH: path } }).status, `${tool} on ${path}`).not.toBe(0);
  return path;
}

describe('the packages a release publishes, installed from their tarballs', () => {
  // This machine's addon, as the release's build job would upload it (elfscan.<triple>.node).
  const built = readdirSync(join(ROOT, 'native')).find((f) => /^elfscan\..+\.node$/.test(f));
  const triple = built?.slice('elfscan.'.length, -'.node'.length);
  const example = join(ROOT, 'fixtures/images/example-arm64.tar');
  let mainTgz: string;
  let addonTgz: string;
  let depTgzs: string[];

  beforeAll(() => {
    expect(built, 'native/elfscan.<triple>.node: run npm run build:native').toBeDefined();
    const dest = tempDir();
    const packed = packRelease(dest);
    mainTgz = packed.main;
    addonTgz = packed.addons[triple!]!;
    // The runtime dependencies as tarballs of the versions this checkout locked, so that the
    // install needs no registry.
    depTgzs = Object.keys(pkg.dependencies).map((dep) => pack(join(ROOT, 'node_modules', dep), dest, '--ignore-scripts'));
  }, 180_000);

  /** The tarballs installed offline into an empty prefix (no registry: the dependencies are tarballs too). */
  function install(tgzs: string[]): string {
    const { bin } = installTarballs(tgzs, { offline: true, prefix: tempDir() });
    expect(relative(ROOT, bin).startsWith('..')).toBe(true);
    return bin;
  }

  it('the main package pins an optional dependency on every platform package at its own exact version', () => {
    const published = JSON.parse(execFileSync('tar', ['-xzOf', mainTgz, 'package/package.json'], { encoding: 'utf8' })) as typeof pkg;
    expect(published.optionalDependencies).toEqual(Object.fromEntries(TRIPLES.map((t) => [`${pkg.name}-${t}`, pkg.version])));
    // The checkout's own package.json has none: npm ci cannot lock packages that are not published yet.
    expect(pkg.optionalDependencies).toBeUndefined();
    const addon = JSON.parse(execFileSync('tar', ['-xzOf', addonTgz, 'package/package.json'], { encoding: 'utf8' })) as PlatformPackage;
    expect([addon.name, addon.version]).toEqual([`${pkg.name}-${triple}`, pkg.version]);
    const files = execFileSync('tar', ['-tzf', addonTgz], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(files).toEqual(['package/README.md', `package/${built}`, 'package/package.json']);
  });

  it('with the platform package, the installed bin scans an image with no Rust and no checkout in reach', () => {
    const bin = install([mainTgz, addonTgz, ...depTgzs]);
    const env = { PATH: pathWithoutRust(), HOME: tempDir() };
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env });
    expect([version.stdout, version.stderr, version.status]).toEqual([`${pkg.version}\n`, '', 0]);
    const r = spawnSync(process.execPath, [bin, '-f', 'json', example], { encoding: 'utf8', env, cwd: tempDir() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual({ images: 1, errors: 1, warnings: 0, infos: 0 });
    expect(report.images[0].findings[0]).toMatchObject({ rule: 'arch-mismatch', path: '/app/node_modules/fast-hash/build/Release/fast_hash.node' });
    // The addon that ran is the platform package's, not this checkout's native/ build.
    const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', `console.log((await import(${JSON.stringify(join(dirname(dirname(bin)), 'dist', 'native.js'))})).nativeInfo.path)`], { encoding: 'utf8', env });
    expect(loaded.stdout.trim()).toBe(join(dirname(dirname(dirname(bin))), `${pkg.name}-${triple}`, built!));
  }, 120_000);

  it('without it (npm install --omit=optional), a scan ends with exit 2 and one sentence naming the package', () => {
    const bin = install([mainTgz, ...depTgzs]);
    const r = spawnSync(process.execPath, [bin, example], { encoding: 'utf8', env: { PATH: pathWithoutRust() }, cwd: tempDir() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `elfscan: the native addon for ${triple} is missing: install without --omit=optional (it is ${pkg.name}-${triple}), or run \`npm run build:native\` in a source checkout\n`,
    );
    // …a package that exists: one of the platform packages this repository publishes.
    expect(existsSync(join(ROOT, 'npm', triple!, 'package.json'))).toBe(true);
  }, 120_000);
});
