// The progress bar on a terminal's stderr for every kind of local source: files read at offsets,
// OCI layouts, compressed archives streamed whole, root filesystem directories and stdin. It
// must end at the true totals, move while a slow stream is read, and stay off where nobody
// watches (not a terminal, CI, --quiet, --no-progress).

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Progress } from '../../src/progress.js';
import { formatBytes } from '../../src/progress-line.js';
import { scan } from '../../src/scan.js';
import { buildArchive, fixture, tempDir, writeArchive, writeOciDir, type ImageSpec } from '../helpers/image-builder.js';
import { runCli } from './run-cli.js';

const image: ImageSpec = {
  platform: 'linux/arm64',
  layers: [
    [{ path: '/bin/hello', fixture: 'arm64/hello' }],
    [
      { path: '/usr/lib/libhello.so', fixture: 'arm64/libhello.so' },
      { path: '/app/x.node', fixture: 'amd64/libhello.so' },
    ],
  ],
};

/** The lines drawn, in order (each redraw starts with carriage return + erase line). */
function drawn(stderr: string): string[] {
  return stderr.split('\r\x1b[K').filter(Boolean);
}

async function withBar(args: string[], opts: Parameters<typeof runCli>[1] = {}) {
  const r = await runCli(args, { stderrColumns: 200, ...opts });
  expect(r.code).toBe(1); // the report still comes, on stdout, with its finding
  expect(r.stdout).toContain('arch-mismatch');
  expect(r.stderr.endsWith('\r\x1b[K')).toBe(true); // erased before the report
  const lines = drawn(r.stderr);
  expect(lines.length).toBeGreaterThan(0);
  return lines;
}

/** "1.2 kB of 1.2 kB": the bytes got through reached the total. */
const complete = (total: number) => `${formatBytes(total)} of ${formatBytes(total)}`;

describe('progress bar for local sources', () => {
  it('a docker-save tarball read at offsets: every layer, and all of their bytes', async () => {
    const path = writeArchive(image, 'docker-25');
    const lines = await withBar([path]);
    const last = lines[lines.length - 1]!;
    expect(last).toMatch(/^elfscan \[={20}\] 100% 2\/2 layers, /);
    expect(last).toMatch(/, \d+(\.\d)? [kM]?B\/s$/);
    // The total is the layers' stored size: less than the archive, which also holds documents and headers.
    const [, got, total] = /layers, (.+) of (.+?),/.exec(last)!;
    expect(got).toBe(total);
  });

  it('an OCI layout of gzip layers: the total is the blobs the manifest lists', async () => {
    const dir = writeOciDir(image, { layerCompression: 'gzip' });
    const last = (await withBar([dir])).at(-1)!;
    expect(last).toMatch(/^elfscan \[={20}\] 100% 2\/2 layers, /);
  });

  it('an OCI layout of zstd layers (the zstd command reads them) ends at its total too', async () => {
    const dir = writeOciDir(image, { layerCompression: 'zstd' });
    expect((await withBar([dir])).at(-1)).toMatch(/^elfscan \[={20}\] 100% 2\/2 layers, /);
  });

  it('a compressed archive, streamed: the total is the file, the layers are counted as they pass', async () => {
    const path = writeArchive(image, 'docker-legacy', { outerCompression: 'gzip' });
    const last = (await withBar([path])).at(-1)!;
    expect(last).toBe(`elfscan [${'='.repeat(20)}] 100% 2 layers, ${complete(statSync(path).size)}, ${last.split(', ').at(-1)}`);
  });

  it('a root filesystem directory is one layer, its files’ sizes the total', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'x.node'), fixture('amd64/libhello.so'));
    const size = statSync(join(dir, 'app', 'x.node')).size;
    const last = (await withBar(['--platform', 'linux/arm64', dir])).at(-1)!;
    expect(last).toMatch(new RegExp(`^elfscan \\[={20}\\] 100% 1/1 layers, ${complete(size)}, `));
  });

  it('stdin read slowly: the line moves while bytes arrive, with no totals and a rate', async () => {
    const bytes = buildArchive(image, 'docker-legacy');
    const step = Math.ceil(bytes.length / 8);
    async function* slow(): AsyncGenerator<Buffer> {
      for (let i = 0; i < bytes.length; i += step) {
        yield bytes.subarray(i, i + step);
        await sleep(150); // eight pieces over 1.2 s: the 250 ms tick redraws several times
      }
    }
    const lines = await withBar(['-'], { stdin: slow() });
    const read = lines.map((l) => /^elfscan (\d+) layers?, (\d+(?:\.\d)?) (B|kB|MB), (\S+) (B|kB|MB)\/s$/.exec(l));
    expect(read.every(Boolean)).toBe(true); // no bar and no "of": neither total is known
    const kb = read.map((m) => Number(m![2]) * { B: 1e-3, kB: 1, MB: 1e3 }[m![3] as 'B']);
    expect(new Set(kb).size).toBeGreaterThanOrEqual(3); // redrawn as the bytes came
    expect(kb).toEqual([...kb].sort((a, b) => a - b));
    expect(read.some((m) => Number(m![4]) > 0)).toBe(true);
    expect(lines.at(-1)).toMatch(/^elfscan 2 layers, /);
  });

  it('is not shown when stderr is not a terminal, in CI, with --quiet or with --no-progress', async () => {
    const path = writeArchive(image, 'docker-25');
    expect((await runCli([path])).stderr).toBe('');
    expect((await runCli([path], { stderrColumns: 200, env: { CI: 'true' } })).stderr).toBe('');
    expect((await runCli(['--quiet', path], { stderrColumns: 200 })).stderr).toBe('');
    expect((await runCli(['--no-progress', path], { stderrColumns: 200 })).stderr).toBe('');
  });

  it('--verbose lines start on a line of their own, the bar erased before each', async () => {
    const r = await runCli(['--verbose', writeArchive(image, 'docker-25')], { stderrColumns: 200 });
    const lines = r.stderr.split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThanOrEqual(4); // open, layers, overlay, rules
    for (const line of lines) expect(line.split('\r\x1b[K').at(-1)).toMatch(/^elfscan: .+: \d+ ms$/);
    expect(drawn(r.stderr).some((l) => l.startsWith('elfscan ['))).toBe(true); // the bar was there too
  });

  it('an error erases the line before its sentence', async () => {
    const path = join(tempDir(), 'bad.tar');
    writeFileSync(path, buildArchive(image, 'docker-25').subarray(0, 3000));
    const r = await runCli([path], { stderrColumns: 200 });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\r\x1b[K').at(-1)).toMatch(/^elfscan: [^\r\n]+\n$/);
  });

  it('scan() tells its caller while it runs and never after it resolves', async () => {
    const bytes = buildArchive(image, 'docker-legacy');
    async function* slow(): AsyncGenerator<Buffer> {
      for (let i = 0; i < bytes.length; i += 4096) {
        yield bytes.subarray(i, i + 4096);
        await sleep(20);
      }
    }
    const seen: Progress[] = [];
    await scan('-', { stdin: slow(), progress: (p) => seen.push(p) });
    const told = seen.length;
    expect(told).toBeGreaterThan(2);
    expect(seen.some((p) => p.bytesPerSecond > 0)).toBe(true);
    await sleep(600); // two ticks' worth
    expect(seen.length).toBe(told);
  });
});
