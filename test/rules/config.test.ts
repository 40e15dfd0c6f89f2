// --config / .elfscan.json: accepted paths with reasons, severity overrides, required
// platforms; unknown keys and bad values end with exit 2 naming the key.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { tempDir, writeArchive, type ImageSpec } from '../helpers/image-builder.js';
import { glibcArm64 } from './helpers.js';

const image: ImageSpec = {
  platform: 'linux/arm64',
  layers: [[...glibcArm64, { path: '/opt/cross/bin/tool', fixture: 'amd64/hello' }, { path: '/usr/bin/small', fixture: 'arm64/hello-4k' }]],
};

async function run(args: string[], cwd?: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    ...(cwd ? { cwd } : {}),
  });
  return { code, stdout, stderr };
}

function configFile(body: unknown, name = 'elfscan.json'): string {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

const findings = (stdout: string) => JSON.parse(stdout).images[0].findings as { severity: string; rule: string; path: string; message: string }[];

describe('--config', () => {
  it('accepts ignored paths as by-design with the reason, and overrides severities', async () => {
    const cfg = configFile({ ignore: [{ path: '/opt/cross/**', reason: 'the x86-64 cross compiler of our build image' }], severity: { 'page-size': 'error' } });
    const r = await run(['--format', 'json', '--config', cfg, writeArchive(image, 'docker-25')]);
    const f = findings(r.stdout);
    expect(f.map((x) => [x.severity, x.rule, x.path])).toEqual([
      ['error', 'page-size', '/usr/bin/small'],
      ['info', 'by-design', '/opt/cross/bin/tool'],
    ]);
    expect(f[1]!.message).toMatch(/accepted: matches \/opt\/cross\/\*\*: the x86-64 cross compiler of our build image; was arch-mismatch/);
    expect(r.code).toBe(1);
  });
  it('"off" drops a rule', async () => {
    const cfg = configFile({ severity: { 'page-size': 'off', 'arch-mismatch': 'warning' } });
    const r = await run(['--format', 'json', '--config', cfg, writeArchive(image, 'docker-25')]);
    expect(findings(r.stdout).map((x) => [x.severity, x.rule])).toEqual([['warning', 'arch-mismatch']]);
    expect(r.code).toBe(0);
  });
  it('requires platforms named in the file', async () => {
    const cfg = configFile({ requirePlatforms: ['linux/amd64'] });
    const r = await run(['--format', 'json', '--config', cfg, writeArchive(image, 'docker-25')]);
    expect(findings(r.stdout)[0]).toMatchObject({ rule: 'missing-platform' });
  });
  it('reads .elfscan.json from the working directory when --config is not given', async () => {
    const cfg = configFile({ severity: { 'arch-mismatch': 'off', 'page-size': 'off' } }, '.elfscan.json');
    const r = await run(['--format', 'json', writeArchive(image, 'docker-25')], cfg.slice(0, cfg.lastIndexOf('/')));
    expect(findings(r.stdout)).toEqual([]);
  });
  it.each([
    [{ ignores: [] }, /"ignores" is not a known key/],
    [{ ignore: [{ path: '/x' }] }, /"ignore\[0\]\.reason" must say why/],
    [{ ignore: [{ path: '/x', reason: 'r', why: 1 }] }, /"ignore\[0\]\.why" is not a known key/],
    [{ ignore: '/x' }, /"ignore" must be an array/],
    [{ severity: { 'arch-mismatch': 'fatal' } }, /"severity\.arch-mismatch" must be error, warning, info or off/],
    [{ severity: { 'no-such-rule': 'off' } }, /"severity\.no-such-rule" names no rule/],
    [{ requirePlatforms: ['linux/amd64/v9'] }, /"requirePlatforms\[0\]" is not a platform/],
    [[1, 2], /must hold a JSON object/],
    ['{ not json', /is not valid JSON/],
  ])('exits 2 naming the key for %j', async (body, message) => {
    const cfg = configFile(body);
    const r = await run(['--config', cfg, writeArchive(image, 'docker-25')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.startsWith(`elfscan: ${cfg}: `)).toBe(true);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('exits 2 for a missing --config file', async () => {
    const r = await run(['--config', '/nonexistent/elfscan.json', writeArchive(image, 'docker-25')]);
    expect([r.code, r.stderr]).toEqual([2, 'elfscan: /nonexistent/elfscan.json: cannot read the config file (ENOENT)\n']);
  });
});
