// The images made by real tools (umoci, skopeo: fixtures/scripts/make-real-images.sh), built once
// per checkout into .cache/real-images (git-ignored) by the test set-up (scripts/test-setup.mjs)
// and only checked by the suite's global set-up: building them inside vitest would race its hook
// timeout on a cold machine and print nothing while it works.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REAL_IMAGES = fileURLToPath(new URL('../../.cache/real-images/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../fixtures/scripts/make-real-images.sh', import.meta.url));

/** Whether REAL_IMAGES holds what the script would write now (its inputs are unchanged). */
export function realImagesReady(): boolean {
  return spawnSync('bash', [SCRIPT, '--check', REAL_IMAGES], { stdio: 'ignore' }).status === 0;
}

/** Runs the script (a no-op when up to date); its progress lines go to stderr. */
export function buildRealImages(): void {
  const r = spawnSync('bash', [SCRIPT, REAL_IMAGES], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`fixtures/scripts/make-real-images.sh failed (exit ${r.status ?? r.signal}); its last lines are above`);
}
