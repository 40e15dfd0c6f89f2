// The real-world corpus (images.ts): each image scanned as a docker-save archive, its labels
// checked, and precision/recall over the whole corpus computed and written to
// ~/.cache/elfscan/corpus/metrics.json (docs/rules.md quotes them). Zero false errors is a hard failure;
// false warnings are counted in precision.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import type { Finding, ImageReport } from '../../src/model.js';
import { CORPUS_DIR, imagePath } from '../setup/corpus-cache.js';
import { CORPUS, type CorpusImage, type Label } from './images.js';

const reports = new Map<string, ImageReport>();

beforeAll(async () => {
  // The images were built by the test set-up (scripts/test-setup.mjs); the global set-up checked them.
  for (const img of CORPUS) reports.set(img.name, (await scan(imagePath(img))).images[0]!);
}, 180_000);

function matches(l: Label, f: Finding): boolean {
  return f.rule === l.rule && f.severity === l.severity && (l.path === undefined ? f.path === null : f.path !== null && new RegExp(`^${l.path}$`).test(f.path));
}

interface Tally {
  truePositives: number;
  falsePositives: Finding[];
  missed: Label[];
}

function tally(img: CorpusImage, r: ImageReport): Tally {
  const serious = r.findings.filter((f) => f.severity !== 'info');
  const falsePositives = serious.filter((f) => !img.expect.some((l) => matches(l, f)));
  const missed = img.expect.filter((l) => r.findings.filter((f) => matches(l, f)).length < (l.min ?? 1));
  return { truePositives: serious.length - falsePositives.length, falsePositives, missed };
}

const show = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.rule} ${f.path}: ${f.message}`).join('\n');

describe('real-world corpus', () => {
  it.each(CORPUS.map((i) => [i.name, i] as const))('%s', (_, img) => {
    const r = reports.get(img.name)!;
    const t = tally(img, r);
    expect(show(t.falsePositives.filter((f) => f.severity === 'error')), 'false errors').toBe('');
    expect(t.missed, `labels not met; findings:\n${show(r.findings)}`).toEqual([]);
    expect(r.platform.declared).toBe(img.platform);
    expect(r.stats.binaries).toBeGreaterThan(0);
  });

  it('clean images of at least five architectures produce no error', () => {
    const clean = CORPUS.filter((i) => i.expect.every((l) => l.severity !== 'error'));
    const platforms = new Set(clean.map((i) => i.platform.split('/')[1]));
    expect(platforms.size).toBeGreaterThanOrEqual(5);
    for (const img of clean) expect(reports.get(img.name)!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('has precision and recall, written to ~/.cache/elfscan/corpus/metrics.json', () => {
    let tp = 0;
    let fp = 0;
    let labels = 0;
    let met = 0;
    const perImage: Record<string, unknown> = {};
    for (const img of CORPUS) {
      const r = reports.get(img.name)!;
      const t = tally(img, r);
      tp += t.truePositives;
      fp += t.falsePositives.length;
      labels += img.expect.length;
      met += img.expect.length - t.missed.length;
      perImage[img.name] = {
        binaries: r.stats.binaries,
        files: r.stats.files,
        errors: r.findings.filter((f) => f.severity === 'error').length,
        warnings: r.findings.filter((f) => f.severity === 'warning').length,
        infos: r.findings.filter((f) => f.severity === 'info').length,
        falsePositives: t.falsePositives.map((f) => `${f.severity} ${f.rule} ${f.path}`),
      };
    }
    const metrics = {
      images: CORPUS.length,
      binaries: [...reports.values()].reduce((s, r) => s + r.stats.binaries, 0),
      findings: { truePositives: tp, falsePositives: fp },
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: labels === 0 ? 1 : met / labels,
      labels: { total: labels, met },
      perImage,
    };
    writeFileSync(join(CORPUS_DIR, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
    console.log(`corpus: ${metrics.images} images, ${metrics.binaries} binaries; precision ${metrics.precision.toFixed(3)} (${tp} true, ${fp} false warnings/errors), recall ${metrics.recall.toFixed(3)} (${met}/${labels} labels)`);
    expect(metrics.recall).toBe(1);
  });
});
