// scripts/node.mjs, which the README's commands go through: it runs a script on a Node elfscan
// supports — the running one when it is, else one from the npm registry, cached — with that Node
// first on PATH, and it runs on the older Node a fresh machine has.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDir, SUPPORTED_MAJORS } from '../../scripts/node.mjs';
import { olderNode } from './older-node.js';

const LAUNCHER = new URL('../../scripts/node.mjs', import.meta.url).pathname;
const SHOW = 'console.log(process.version, process.execPath, process.env.PATH.split(require("path").delimiter)[0])';

function launch(node: string, ...args: string[]) {
  const r = spawnSync(node, [LAUNCHER, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, out: r.stdout.trim().split(' ') };
}

describe('scripts/node.mjs', () => {
  it('runs the script on the running Node when that one is supported, its folder first on PATH', () => {
    const { code, out } = launch(process.execPath, '-e', SHOW);
    expect(code).toBe(0);
    expect(out).toEqual([process.version, process.execPath, dirname(process.execPath)]);
  });

  it('on an older Node (as on a fresh machine) runs the script on a supported one instead', () => {
    const { code, out, stderr } = launch(olderNode(), '-e', SHOW);
    expect(stderr).not.toMatch(/needs Node/);
    expect(code).toBe(0);
    expect(Number(out[0]!.slice(1).split('.')[0])).toBe(24);
    expect(out[1]).toBe(join(cacheDir(), 'node', '24', 'node_modules', 'node', 'bin', 'node'));
    expect(out[2]).toBe(dirname(out[1]!));
  }, 300_000);

  it('--major picks each supported Node, from the cache', () => {
    for (const major of SUPPORTED_MAJORS) {
      const { code, out } = launch(process.execPath, '--major', String(major), '-e', SHOW);
      expect(code).toBe(0);
      expect(out[0]!.startsWith(`v${major}.`)).toBe(true);
    }
  }, 300_000);

  it('refuses a major it does not support, and no script, with exit 2', () => {
    expect(launch(process.execPath, '--major', '20', '-e', '1')).toMatchObject({ code: 2, stderr: 'node.mjs: --major must be one of 22, 24\n' });
    expect(launch(process.execPath)).toMatchObject({ code: 2, stderr: 'usage: node scripts/node.mjs [--major 22|24] SCRIPT [ARGS…]\n' });
  });
});
