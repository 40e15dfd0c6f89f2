// The README's two commands are what a new user types: they must be what CI runs (.ci/run), what
// the fresh-clone proof runs (scripts/fresh-clones.sh), and what package.json's scripts do — and
// the example's report in the README must be the one the example prints.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** The indented command lines of a README section (## heading up to the next ##). */
function commandsOf(heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const section = readme.slice(start + 1).split(/\n## /)[0]!;
  return [...section.matchAll(/^ {4}(npm .+)$/gm)].map((m) => m[1]!);
}

describe("the README's commands", () => {
  it('are one to try elfscan and one to test it', () => {
    expect(commandsOf('Try it')).toEqual(['npm ci && npm run example']);
    expect(commandsOf('Run the tests')).toEqual(['npm ci && npm test']);
  });

  it('are what CI and the fresh-clone proof run', () => {
    const ci = read('.ci/run')
      .split('\n')
      .filter((l) => l.startsWith('npm '));
    expect(ci.map((l) => l.replace(/ --no-audit --no-fund$/, ''))).toEqual(['npm ci', 'npm test']);
    expect(read('.ci/run')).toMatch(/^set -euo pipefail$/m); // `npm ci && npm test`: the second only after the first passed
    expect(read('scripts/fresh-clones.sh')).toContain("command='npm ci && npm test'");
  });

  it('go through the launcher that brings a supported Node', () => {
    expect(pkg.scripts.test).toBe('node scripts/test.mjs');
    expect(pkg.scripts.example).toContain('node scripts/node.mjs bin/elfscan.js --platform linux/arm64 fixtures/images/example-arm64.tar');
  });

  it("print the example's report as the README shows it", () => {
    const block = readme.slice(readme.indexOf('### Example')).split('\n');
    const first = block.findIndex((l) => l.startsWith('    $ node bin/elfscan.js'));
    const command = block[first]!.slice('    $ '.length).replace(/\s+#.*$/, '');
    expect(pkg.scripts.example).toContain(command.replace(/^node /, 'node scripts/node.mjs '));
    const shown = block.slice(first + 1, block.indexOf('    $ echo $?', first)).map((l) => l.slice(4));
    const r = spawnSync(process.execPath, command.split(' ').slice(1), { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).toBe(1);
    expect(block[block.indexOf('    $ echo $?', first) + 1]).toBe('    1');
    const strip = (l: string) => l.replace(/\(\d+\.\d s\)$/, '(N s)');
    expect(r.stdout.trimEnd().split('\n').map(strip)).toEqual(shown.map(strip));
  });
});
