// The command line's outputs and exit codes (spec §6, §8): what CI gates on.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArchive, chunks, tempDir, writeArchive, type FileSpec, type ImageSpec } from '../helpers/image-builder.js';
import { runCli } from './run-cli.js';

// A loader and a C library (arm64 stand-ins), so that the clean image is clean for the loader rules too.
const libc: FileSpec[] = [
  { path: '/lib/ld-linux-aarch64.so.1', fixture: 'arm64/libhello.so' },
  { path: '/lib/libc.so.6', fixture: 'arm64/libhello.so' },
];
const clean: ImageSpec = { platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, ...libc]] };
const broken: ImageSpec = {
  platform: 'linux/arm64',
  ref: 'app:1',
  layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, { path: '/app/x.node', fixture: 'amd64/libhello.so' }, ...libc]],
};
const warningOnly: ImageSpec = { platform: 'linux/amd64', layers: [[{ path: '/usr/lib32/x.so', fixture: 'i386/libhello.so' }]] };

describe('exit codes', () => {
  it('0 for a clean image, 1 when an error is found', async () => {
    expect((await runCli([writeArchive(clean, 'docker-25')])).code).toBe(0);
    expect((await runCli([writeArchive(broken, 'docker-25')])).code).toBe(1);
  });
  it('--fail-on warning makes warnings fail; the default does not', async () => {
    const path = writeArchive(warningOnly, 'docker-25');
    expect((await runCli([path])).code).toBe(0);
    expect((await runCli(['--fail-on', 'warning', path])).code).toBe(1);
  });
  it('--fail-on none never fails on findings', async () => {
    expect((await runCli(['--fail-on', 'none', writeArchive(broken, 'docker-25')])).code).toBe(0);
  });
  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--platform/);
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('--format json (spec §8)', () => {
  it('has the documented shape and counts', async () => {
    const path = writeArchive(broken, 'docker-25', { layerCompression: 'gzip' });
    const r = await runCli(['--format', 'json', path]);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'source', 'images', 'summary']);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe('elfscan');
    expect(report.source).toBe(path);
    const img = report.images[0];
    expect(Object.keys(img)).toEqual(['ref', 'manifestDigest', 'platform', 'stats', 'libc', 'findings']);
    // The stand-in loader and libc.so.6 (a fixture library) define no GLIBC_ versions.
    expect(img.libc).toEqual({ flavor: 'glibc', version: null });
    expect(img.ref).toBe('app:1');
    expect(img.stats).toEqual({ layers: 1, files: 4, binaries: 4, bytesRead: expect.any(Number) });
    expect(img.stats.bytesRead).toBeGreaterThan(0);
    expect(img.findings).toEqual([
      {
        severity: 'error',
        rule: 'arch-mismatch',
        path: '/app/x.node',
        layer: expect.stringMatching(/^sha256:[a-f0-9]{64}$/),
        found: 'linux/amd64',
        expected: 'linux/arm64',
        message: expect.stringContaining('x86-64 shared library in a linux/arm64 image'),
      },
    ]);
    expect(report.summary).toEqual({ images: 1, errors: 1, warnings: 0, infos: 0 });
  });
  it('--all lists every binary', async () => {
    const r = await runCli(['--format', 'json', '--all', writeArchive(broken, 'docker-25')]);
    const bins = JSON.parse(r.stdout).images[0].binaries;
    expect(bins.map((b: { path: string; platform: string; kind: string }) => [b.path, b.platform, b.kind])).toEqual([
      ['/app/x.node', 'linux/amd64', 'shared-library'],
      ['/bin/hello', 'linux/arm64', 'executable'],
      ['/lib/ld-linux-aarch64.so.1', 'linux/arm64', 'shared-library'],
      ['/lib/libc.so.6', 'linux/arm64', 'shared-library'],
    ]);
    expect(bins[1].interpreter).toBe('/lib/ld-linux-aarch64.so.1');
  });
  it('without --all there is no binaries list', async () => {
    const r = await runCli(['--format', 'json', writeArchive(broken, 'docker-25')]);
    expect(JSON.parse(r.stdout).images[0]).not.toHaveProperty('binaries');
  });
});

describe('output destinations', () => {
  it('-o writes the report to a file and nothing to stdout', async () => {
    const out = join(tempDir(), 'report.json');
    const r = await runCli(['--format', 'json', '-o', out, writeArchive(broken, 'docker-25')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.errors).toBe(1);
  });
  it('reads - from stdin', async () => {
    const r = await runCli(['--format', 'json', '-'], { stdin: chunks(buildArchive(broken, 'docker-legacy'), 3000) });
    expect(JSON.parse(r.stdout).source).toBe('-');
    expect(r.code).toBe(1);
  });
  it('several sources make one report with every image', async () => {
    const r = await runCli(['--format', 'json', writeArchive(clean, 'docker-25'), writeArchive(broken, 'oci-archive')]);
    const report = JSON.parse(r.stdout);
    expect(report.images).toHaveLength(2);
    expect(report.summary).toEqual({ images: 2, errors: 1, warnings: 0, infos: 0 });
  });
});

describe('human output', () => {
  it('names the image, each finding and a summary line', async () => {
    const r = await runCli([writeArchive(broken, 'docker-25')]);
    expect(r.stdout).toMatch(/^app:1 \(linux\/arm64\)\s+1 layer, 4 files, 4 binaries, glibc\n/);
    expect(r.stdout).toContain('error   arch-mismatch: /app/x.node\n');
    expect(r.stdout).toContain('x86-64 shared library in a linux/arm64 image');
    expect(r.stdout).toMatch(/\n1 image, 4 files, 4 binaries: 1 error, 0 warnings, 0 infos \(\d+\.\d s\)\n$/);
  });
  it('folds a long run of the same finding in one directory into a count', async () => {
    const files: FileSpec[] = Array.from({ length: 12 }, (_, i) => ({ path: `/usr/lib/x86_64-linux-gnu/lib${String(i).padStart(2, '0')}.so`, fixture: 'amd64/libhello.so' }));
    const r = await runCli([writeArchive({ platform: 'linux/arm64', layers: [files] }, 'docker-25')]);
    expect(r.stdout.match(/arch-mismatch: /g)).toHaveLength(2);
    expect(r.stdout).toContain('… and 10 more arch-mismatch errors like these in /usr/lib/x86_64-linux-gnu/');
    // The 12 files, and mislabeled-image: every binary of the image is x86-64.
    expect(r.stdout).toContain('13 errors');
  });
  it('does not fold findings from different directories', async () => {
    const files: FileSpec[] = Array.from({ length: 6 }, (_, i) => ({ path: `/d${i}/lib.so`, fixture: 'amd64/libhello.so' }));
    const r = await runCli([writeArchive({ platform: 'linux/arm64', layers: [files] }, 'docker-25')]);
    expect(r.stdout.match(/arch-mismatch: /g)).toHaveLength(6);
  });
  it('colours only on a TTY, and never with NO_COLOR or --no-color', async () => {
    const path = writeArchive(broken, 'docker-25');
    expect((await runCli([path], { tty: true })).stdout).toContain('\x1b[31;1m');
    expect((await runCli([path], { tty: false })).stdout).not.toContain('\x1b[');
    expect((await runCli([path], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await runCli(['--no-color', path], { tty: true })).stdout).not.toContain('\x1b[');
  });
  it('--quiet prints nothing for a clean image and only findings otherwise', async () => {
    expect((await runCli(['--quiet', writeArchive(clean, 'docker-25')])).stdout).toBe('');
    const r = await runCli(['--quiet', writeArchive(broken, 'docker-25')]);
    expect(r.stdout).not.toMatch(/layer, /);
    expect(r.stdout).toContain('arch-mismatch: /app/x.node');
  });
});

describe('--verbose', () => {
  it('times each stage on stderr and leaves stdout alone', async () => {
    const path = writeArchive(broken, 'docker-25');
    const quiet = await runCli(['--format', 'json', path]);
    const r = await runCli(['--verbose', '--format', 'json', path]);
    expect(r.stdout).toBe(quiet.stdout);
    expect(r.stderr.split('\n').filter(Boolean).map((l) => l.replace(/\d+ ms$/, 'N ms'))).toEqual([
      `elfscan: open ${path}: N ms`,
      'elfscan: app:1: layers (1): N ms',
      'elfscan: app:1: overlay: N ms',
      'elfscan: app:1: rules: N ms',
      // A Docker 25 archive's layers are hashed beside their walks; the report waits for the last.
      'elfscan: app:1: digests: N ms',
    ]);
    expect(quiet.stderr).toBe('');
  });
});

describe('--format sarif', () => {
  it('is SARIF 2.1.0 with one result per finding at the file path', async () => {
    const r = await runCli(['--format', 'sarif', writeArchive(broken, 'docker-25')]);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ruleId: 'arch-mismatch', level: 'error' });
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('app/x.node');
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toContain('arch-mismatch');
  });
});
