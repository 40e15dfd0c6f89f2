// The suite's global set-up: checks, in milliseconds, that the test set-up (scripts/test-setup.mjs,
// which `npm test` runs before vitest) has left what the tests read — the Debian tools, the images
// real tools made, the real-world corpus, the symbol-version files, the real trees — and otherwise stops the run with the command that makes
// them. It builds nothing itself: a cold build takes minutes, and inside vitest it would race the
// hook timeout and print nothing while it works.

import { corpusReady, CORPUS_DIR } from './corpus-cache.js';
import { missingPackages } from './debian-tools.js';
import { REAL_IMAGES, realImagesReady } from './real-images.js';
import { REAL_TREES, realTreesReady } from './real-trees-cache.js';
import { SYMBOL_VERSIONS_DIR, symbolVersionsReady } from './symbol-versions.js';

export default function setup(): void {
  const missing: string[] = [];
  const pkgs = missingPackages();
  if (pkgs.length > 0) missing.push(`the Debian packages ${pkgs.join(', ')}`);
  if (!realImagesReady()) missing.push(`the real-tool images in ${REAL_IMAGES}`);
  if (!corpusReady()) missing.push(`the corpus images in ${CORPUS_DIR}`);
  if (!symbolVersionsReady()) missing.push(`the symbol-version files in ${SYMBOL_VERSIONS_DIR}`);
  if (!realTreesReady()) missing.push(`the real-trees images in ${REAL_TREES}`);
  if (missing.length > 0) throw new Error(`the test set-up has not been run or is out of date (missing: ${missing.join('; ')}): run 'npm run test:setup' (npm test runs it before vitest)`);
}
