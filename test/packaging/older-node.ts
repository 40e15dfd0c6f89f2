// A Node older than elfscan supports, for the tests of what happens there: the machine's own when
// PATH has one (CI and the dev machines have Node 20), else Node 20 from the npm registry.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { nodeFor } from '../../scripts/node.mjs';

export const versionOf = (node: string) => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();

export function olderNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const node = join(dir, 'node');
    const m = existsSync(node) ? /^v(\d+)\.(\d+)\./.exec(versionOf(node)) : null;
    if (m && (Number(m[1]) < 22 || (Number(m[1]) === 22 && Number(m[2]) < 15))) return node;
  }
  return nodeFor(20);
}
