// Where the real-trees suite's images (test/real-trees/) live — ~/.cache/elfscan/real-trees/ (or
// $ELFSCAN_CACHE/real-trees/), outside the checkout — and whether the set-up has built them. Kept
// apart from the builder (real-trees.ts) so that the suite's global set-up and the suite itself
// can find them without importing the image builder.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REAL_IMAGES, type RealImage, type Target } from '../real-trees/images.js';
import { CACHE } from './corpus-cache.js';

export const REAL_TREES = join(CACHE, 'real-trees');

/** The npm install for a target (its node_modules is the correct tree of the images that name it). */
export function treeDir(t: Target): string {
  return join(REAL_TREES, 'trees', t.name);
}

/** An image's docker-save archive and the root folder it was made from. */
export function realTreeImage(img: RealImage): { image: RealImage; tar: string; root: string } {
  const out = join(REAL_TREES, 'images');
  return { image: img, tar: join(out, `${img.name}.tar`), root: join(out, img.name) };
}

/** Whether the set-up has built every image (prepared.ts stops the run early otherwise). */
export function realTreesReady(): boolean {
  return REAL_IMAGES.every((img) => {
    const { tar } = realTreeImage(img);
    return existsSync(tar) && existsSync(`${tar}.stamp`);
  });
}
