// What `npm publish` would ship: the file list of `npm pack`, the entry points it must contain,
// and the per-platform addon packages the napi targets make (docs/ci.md, "npm packaging").

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('the napi targets', () => {
  const expectedTriples = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'];

  it('make one addon package per common platform, named as the loader names the addon file', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    execFileSync(join(ROOT, 'node_modules', '.bin', 'napi'), ['create-npm-dir', '-t', '.'], { cwd: dir, stdio: 'ignore' });
    const made = readdirSync(join(dir, 'npm')).sort();
    expect(made).toEqual([...expectedTriples].sort());
    for (const triple of made) {
      const sub = JSON.parse(readFileSync(join(dir, 'npm', triple, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        main: string;
        files: string[];
        os: string[];
        cpu: string[];
        libc?: string[];
      };
      expect(sub.name).toBe(`${pkg.name}-${triple}`);
      expect(sub.version).toBe(pkg.version);
      expect(sub.files).toEqual([sub.main]);
      // The file napi-rs puts in that package is the file src/native.ts asks for on that machine.
      const host = { platform: sub.os[0]!, arch: sub.cpu[0]!, isGlibc: () => sub.libc?.[0] !== 'musl' };
      expect(addonFileName(host)).toBe(sub.main);
    }
  }, 60_000);
});

describe('the packed package, installed', () => {
  let bin: string;

  beforeAll(() => {
    const dir = tempDir();
    const tgz = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    const modules = join(dir, 'node_modules');
    const home = join(modules, pkg.name);
    mkdirSync(home, { recursive: true });
    execFileSync('tar', ['xzf', join(dir, tgz), '-C', home, '--strip-components=1']);
    // Its dependencies as npm would lay them out beside it (linked from this checkout: no network).
    for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
    bin = join(home, pkg.bin.elfscan!);
    expect(relative(ROOT, bin).startsWith('..')).toBe(true);
  }, 120_000);

  it('runs: --version answers from the packed files alone', () => {
    const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${pkg.version}\n`);
    expect(r.status).toBe(0);
  });

  it('without an addon for the machine, a scan ends with exit 2 and one sentence, not a stack trace', () => {
    const r = spawnSync(process.execPath, [bin, join(ROOT, 'fixtures/images/example-arm64.tar')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^elfscan: .*native addon.*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('loads the addon from its elfscan-<triple> optional dependency and scans', () => {
    // What `napi prepublish` ships for this machine: the addon built here, in its own package.
    const built = readdirSync(join(ROOT, 'native')).find((f) => /^elfscan\..+\.node$/.test(f))!;
    const triple = built.slice('elfscan.'.length, -'.node'.length);
    const addonPkg = join(dirname(dirname(bin)), '..', `elfscan-${triple}`);
    mkdirSync(addonPkg, { recursive: true });
    writeFileSync(join(addonPkg, 'package.json'), JSON.stringify({ name: `elfscan-${triple}`, version: pkg.version, main: built }));
    cpSync(join(ROOT, 'native', built), join(addonPkg, built));
    const r = spawnSync(process.execPath, [bin, '--format', 'json', join(ROOT, 'fixtures/images/example-arm64.tar')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).summary).toEqual({ images: 1, errors: 1, warnings: 0, infos: 0 });
  });
});
