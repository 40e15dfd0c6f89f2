// Spec §5.1 on real dependency trees: npm's own installs of 42 popular packages with native code
// for linux/amd64, linux/arm64, linux/arm/v7, musl and macOS, their addons built by node-gyp for
// the target, in Debian roots that dpkg installed with its database; and Debian images full of
// foreign code the distribution installs on purpose. Each image's errors and warnings must be
// exactly what oracle.ts derives from the loaders, npm, dpkg and binutils — none of elfscan's code.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import type { Finding, ImageReport } from '../../src/model.js';
import { REAL_TREES, realTreeImage, treeDir } from '../setup/real-trees-cache.js';
import { REAL_IMAGES, TARGETS, type RealImage, type Truth } from './images.js';
import { oracle, type Expected } from './oracle.js';

interface Scanned {
  image: RealImage;
  report: ImageReport;
  expected: Expected[];
}
const scanned = new Map<string, Scanned>();

/**
 * The oracle's list for an image, computed once per machine: it depends only on the image (its
 * stamp) and on the oracle's own code and the image list, never on elfscan's, so the suite's
 * second Node run (and any later run on the same images) reads what the first one derived.
 */
function expectedFor(image: RealImage, tar: string, root: string): Expected[] {
  const code = ['oracle.ts', 'images.ts'].map((f) => readFileSync(new URL(f, import.meta.url))).join('\0');
  const key = createHash('sha256').update(code).update(readFileSync(`${tar}.stamp`)).digest('hex').slice(0, 16);
  const cached = join(REAL_TREES, 'oracle', `${image.name}.${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Expected[];
  const correct = image.correct ? join(treeDir(TARGETS.find((t) => t.name === image.correct)!), 'node_modules') : undefined;
  const expected = oracle({ root, platform: image.platform, ...(correct ? { correctTree: correct } : {}) });
  mkdirSync(dirname(cached), { recursive: true });
  writeFileSync(cached, JSON.stringify(expected));
  return expected;
}

beforeAll(async () => {
  for (const { image, tar, root } of REAL_IMAGES.map(realTreeImage)) {
    const report = (await scan(tar)).images[0]!;
    scanned.set(image.name, { image, report, expected: expectedFor(image, tar, root) });
  }
  // For the docs: what each image holds and reports.
  writeFileSync(
    join(REAL_TREES, 'results.json'),
    JSON.stringify(
      Object.fromEntries([...scanned].map(([n, s]) => [n, { binaries: s.report.stats.binaries, files: s.report.stats.files, findings: count(s.report.findings), expected: s.expected.map(key) }])),
      null,
      2,
    ),
  );
}, 900_000); // 11 images of 300–600 MB, and (once per machine) the oracle's child processes: ~90 s alone on 2 cores

/** Whether the package, or a package it lists as a dependency, holds an ELF, Mach-O or PE file (magic bytes). */
function hasNativeCode(nm: string, name: string, seen = new Set<string>()): boolean {
  if (seen.has(name) || !existsSync(join(nm, name, 'package.json'))) return false;
  seen.add(name);
  const walk = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return e.name !== 'node_modules' && walk(p);
      if (!e.isFile()) return false;
      const head = Buffer.alloc(4);
      const fd = openSync(p, 'r');
      readSync(fd, head, 0, 4, 0);
      closeSync(fd);
      return [0x7f454c46, 0xcffaedfe, 0xcafebabe].includes(head.readUInt32BE(0)) || (head[0] === 0x4d && head[1] === 0x5a);
    });
  const m = JSON.parse(readFileSync(join(nm, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  return walk(join(nm, name)) || Object.keys({ ...m.dependencies, ...m.optionalDependencies }).some((d) => hasNativeCode(nm, d, seen));
}

const key = (f: Pick<Finding, 'severity' | 'rule' | 'path'> | Expected) => `${f.severity} ${f.rule} ${f.path || '(image)'}`;
const count = (fs: Finding[]) => ({ errors: fs.filter((f) => f.severity === 'error').length, warnings: fs.filter((f) => f.severity === 'warning').length, infos: fs.filter((f) => f.severity === 'info').length });

describe('real trees and Debian images: exactly the findings the loaders, npm and dpkg imply', () => {
  it.each(['clean-amd64', 'clean-arm64', 'clean-armv7', 'clean-musl', 'amd64-tree-in-arm64', 'macos-tree-in-amd64', 'glibc-tree-on-musl', 'wrong-cpu-addon', 'lost-platform-packages', 'debian-amd64-packages', 'debian-arm64-packages'])(
    '%s',
    (name) => {
      const s = scanned.get(name)!;
      const got = s.report.findings.filter((f) => f.severity !== 'info').map(key).sort();
      const want = s.expected.map(key).sort();
      const why = s.expected.map((e) => `${key(e)}  (${e.why})`).join('\n');
      expect({ name, got }, `the oracle's list, with why:\n${why}`).toEqual({ name, got: want });
    },
  );

  it('the clean installs and the Debian images have no errors or warnings but the true ones listed, each with why', () => {
    for (const s of [...scanned.values()].filter((x) => x.image.truths)) {
      const truths = s.image.truths!;
      const serious = s.report.findings.filter((f) => f.severity !== 'info');
      const fits = (t: Truth, f: Finding) => t.severity === f.severity && new RegExp(`^${t.rule}$`).test(f.rule) && new RegExp(`^${t.path}$`).test(f.path ?? '');
      expect({ image: s.image.name, unexplained: serious.filter((f) => !truths.some((t) => fits(t, f))).map(key) }).toEqual({ image: s.image.name, unexplained: [] });
      // A truth that matches nothing any more is a stale list.
      expect({ image: s.image.name, stale: truths.filter((t) => !serious.some((f) => fits(t, f))).map((t) => t.path) }).toEqual({ image: s.image.name, stale: [] });
    }
  });

  it('every wrong-machine image has errors, each naming the package and the fix', () => {
    for (const name of ['amd64-tree-in-arm64', 'macos-tree-in-amd64', 'glibc-tree-on-musl', 'wrong-cpu-addon', 'lost-platform-packages']) {
      const errors = scanned.get(name)!.report.findings.filter((f) => f.severity === 'error');
      expect(errors.length, name).toBeGreaterThan(0);
      for (const f of errors.filter((e) => e.path?.startsWith('/app/'))) {
        expect(f.package?.ecosystem, `${name} ${f.path}`).toBe('npm');
        expect(f.message, `${name} ${f.path}`).toMatch(/npm (ci|install|rebuild)|delete build\/|build it inside an image with|build it in a stage from the same base image, or use a base with/);
      }
    }
  });

  it('files of Debian packages are by-design and name their package; copies of them are the errors', () => {
    for (const name of ['debian-amd64-packages', 'debian-arm64-packages']) {
      const r = scanned.get(name)!.report;
      const byDesign = r.findings.filter((f) => f.rule === 'by-design');
      expect(byDesign.length, name).toBeGreaterThan(50);
      for (const f of byDesign) expect(f.package?.ecosystem, `${name} ${f.path}`).toBe('deb');
      expect(r.findings.filter((f) => f.path?.startsWith('/opt/copied/') && f.severity === 'error').length, name).toBeGreaterThanOrEqual(3);
    }
  });

  it('reports each image’s C library as the release its dpkg database names (dpkg-query)', () => {
    for (const [name, s] of scanned) {
      const admin = join(realTreeImage(s.image).root, 'var', 'lib', 'dpkg');
      const version = (pkg: string) => spawnSync('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Version}\n', pkg], { encoding: 'utf8' }).stdout.split('\n')[0] || null;
      const glibc = version('libc6');
      const [flavor, full] = glibc ? ['glibc', glibc] : ['musl', version('musl')];
      expect(full, name).not.toBeNull();
      expect(s.report.libc, name).toEqual({ flavor, version: /^(?:\d+:)?(\d+(?:\.\d+)+)/.exec(full!)![1] });
    }
  });

  it('holds enough to mean something: 40 packages with native code, thousands of binaries', () => {
    expect(scanned.get('clean-amd64')!.report.stats.binaries).toBeGreaterThan(500);
    expect([...scanned.values()].reduce((n, s) => n + s.report.stats.binaries, 0)).toBeGreaterThan(4000);
    // The direct dependencies with native code in the amd64 tree, counted from the files themselves.
    const tree = join(treeDir(TARGETS[0]!), 'node_modules');
    const app = JSON.parse(readFileSync(join(tree, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const native = Object.keys(app.dependencies).filter((d) => hasNativeCode(tree, d));
    expect(native.length, native.join(' ')).toBeGreaterThanOrEqual(40);
  });
});
