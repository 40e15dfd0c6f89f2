// Where the real-world corpus (test/corpus/images.ts) lives — ~/.cache/elfscan/corpus/ (or
// $ELFSCAN_CACHE/corpus/), outside the checkout, so that a fresh clone on the same machine (as CI
// makes) reuses the downloads — and whether it is up to date. Kept apart from the builder
// (corpus.ts) so that the suite's global set-up can check it without importing the image builder.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS, type CorpusImage } from '../corpus/images.js';

/** ~/.cache/elfscan, or $ELFSCAN_CACHE: downloads and built images live outside every checkout. */
export const CACHE = process.env.ELFSCAN_CACHE || join(homedir(), '.cache', 'elfscan');
export const CORPUS_DIR = join(CACHE, 'corpus');
export const DOWNLOADS = join(CORPUS_DIR, 'downloads');
export const IMAGES = join(CORPUS_DIR, 'images');
const STAMP = join(IMAGES, '.stamp');

export function imagePath(img: CorpusImage): string {
  return join(IMAGES, `${img.name}.tar`);
}

/**
 * What the images are made of: the downloads (fetch.sh's own stamps), the script that downloads
 * them, the image definitions and the builder. Null before anything was downloaded.
 */
export function corpusStamp(): string | null {
  const h = createHash('sha256');
  for (const f of ['.stamp-debs', '.stamp-npm']) {
    const path = join(DOWNLOADS, f);
    if (!existsSync(path)) return null;
    h.update(readFileSync(path));
  }
  for (const rel of ['../../fixtures/corpus/fetch.sh', '../corpus/images.ts', './corpus.ts']) h.update(readFileSync(fileURLToPath(new URL(rel, import.meta.url))));
  return h.digest('hex').slice(0, 16);
}

/** Whether every corpus image exists and was built from what is checked out now. */
export function corpusReady(): boolean {
  const stamp = corpusStamp();
  return stamp !== null && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp && CORPUS.every((i) => existsSync(imagePath(i)));
}

export function writeCorpusStamp(): void {
  const stamp = corpusStamp();
  if (stamp === null) throw new Error('corpus: fixtures/corpus/fetch.sh left no download stamps');
  writeFileSync(STAMP, stamp);
}
