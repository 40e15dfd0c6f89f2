// Spec §9: digests are validated for syntax before they become paths — "sha256:../../x" in an
// OCI layout must not read outside it.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { tempDir, writeOciDir } from '../helpers/image-builder.js';
import { runCli } from '../cli/run-cli.js';

function layoutWithTopDigest(digest: string): string {
  const dir = writeOciDir({ platform: 'linux/amd64', layers: [[{ path: '/bin/x', fixture: 'amd64/hello' }]] });
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  index.manifests[0].digest = digest;
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}

describe('digest syntax', () => {
  it('refuses a traversal digest without touching the path it names', async () => {
    // Plant a file where the traversal would land, so that following it would "work".
    const outside = tempDir();
    mkdirSync(join(outside, 'x'), { recursive: true });
    const dir = layoutWithTopDigest('sha256:../../../../../../../../etc/passwd');
    const r = await runCli([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid digest "sha256:\.\.\/\.\.\//);
  });
  it('refuses uppercase hex and wrong lengths', async () => {
    for (const d of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `md5:${'a'.repeat(32)}`]) {
      await expect(scan(layoutWithTopDigest(d))).rejects.toThrow(/invalid digest/);
    }
  });
  it('accepts the valid digest it was written with (look-alike)', async () => {
    const dir = writeOciDir({ platform: 'linux/amd64', layers: [[{ path: '/bin/x', fixture: 'amd64/hello' }]] });
    const report = await scan(dir);
    expect(report.images[0]!.stats).toMatchObject({ layers: 1, files: 1, binaries: 1 });
  });
});
