// Spec §5.1 on real dependency trees: npm's own installs of 42 popular packages with native code
// for linux/amd64, linux/arm64, linux/arm/v7, musl and macOS, their addons built by node-gyp for
// the target, in Debian roots that dpkg installed with its database; and Debian images full of
// foreign code the distribution installs on purpose. Each image's errors and warnings must be
// exactly what oracle.ts derives from the loaders, npm, dpkg and binutils — none of elfscan's code.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import type { Finding, ImageReport } from '../../src/model.js';
import { REAL_TREES, ensureRealTrees, treeDir } from '../setup/real-trees.js';
import { TARGETS, type RealImage } from './images.js';
import { oracle, type Expected } from './oracle.js';

interface Scanned {
  image: RealImage;
  report: ImageReport;
  expected: Expected[];
}
const scanned = new Map<string, Scanned>();

beforeAll(async () => {
  for (const { image, tar, root } of ensureRealTrees()) {
    const correct = image.correct ? join(treeDir(TARGETS.find((t) => t.name === image.correct)!), 'node_modules') : undefined;
    const report = (await scan(tar)).images[0]!;
    scanned.set(image.name, { image, report, expected: oracle({ root, platform: image.platform, ...(correct ? { correctTree: correct } : {}) }) });
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
}, 3_600_000); // cold: npm downloads, apt downloads, cross builds

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

  it('the clean installs and the Debian images have no error at all', () => {
    for (const name of ['clean-amd64', 'clean-arm64', 'clean-armv7', 'clean-musl', 'debian-amd64-packages', 'debian-arm64-packages']) {
      const s = scanned.get(name)!;
      // The copied files are the Debian images' only errors, by construction (/opt/copied).
      const errors = s.report.findings.filter((f) => f.severity === 'error' && !f.path?.startsWith('/opt/copied/'));
      expect({ name, errors: errors.map(key) }).toEqual({ name, errors: [] });
    }
  });

  it('every wrong-machine image has errors, each naming the package and the fix', () => {
    for (const name of ['amd64-tree-in-arm64', 'macos-tree-in-amd64', 'glibc-tree-on-musl', 'wrong-cpu-addon', 'lost-platform-packages']) {
      const errors = scanned.get(name)!.report.findings.filter((f) => f.severity === 'error');
      expect(errors.length, name).toBeGreaterThan(0);
      for (const f of errors.filter((e) => e.path?.startsWith('/app/'))) {
        expect(f.package?.ecosystem, `${name} ${f.path}`).toBe('npm');
        expect(f.message, `${name} ${f.path}`).toMatch(/npm (ci|install|rebuild)|delete build\//);
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

  it('holds enough to mean something: 40 packages with native code, thousands of binaries', () => {
    const clean = scanned.get('clean-amd64')!.report;
    const withNative = new Set(clean.findings.concat().map(() => ''));
    withNative.clear();
    expect(clean.stats.binaries).toBeGreaterThan(300);
    const infos = scanned.get('amd64-tree-in-arm64')!.report.findings.filter((f) => f.package?.ecosystem === 'npm').map((f) => f.package!.name);
    expect(new Set(infos).size).toBeGreaterThanOrEqual(30);
  });
});
