// Builds the images made by real tools (umoci, skopeo) once per machine, into .cache/ (git-ignored).
// The script installs the tools with apt when they are missing; if it fails, the suite fails —
// nothing is skipped silently.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REAL_IMAGES = fileURLToPath(new URL('../../.cache/real-images/', import.meta.url));

export default function setup(): void {
  const script = fileURLToPath(new URL('../../fixtures/scripts/make-real-images.sh', import.meta.url));
  const r = spawnSync('bash', [script, REAL_IMAGES], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-real-images.sh failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
}
