// The command line as a user types it (spec §6): the short -f, the -o slip of grype/syft users,
// platforms the table does not know, mistyped paths, --all in every format, and --help's
// examples, sources, exit codes and environment.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../src/cli-help.js';
import { sarifErrors } from '../report/sarif-schema.js';
import { tempDir, writeArchive, type FileSpec, type ImageSpec } from '../helpers/image-builder.js';
import { runCli } from './run-cli.js';

const libc: FileSpec[] = [
  { path: '/lib/ld-linux-aarch64.so.1', fixture: 'arm64/libhello.so' },
  { path: '/lib/libc.so.6', fixture: 'arm64/libhello.so' },
];
const broken: ImageSpec = {
  platform: 'linux/arm64',
  ref: 'app:1',
  layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, { path: '/app/x.node', fixture: 'amd64/libhello.so' }, ...libc]],
};

/** Exit 2, nothing on stdout, the sentence on stderr, at most two lines and no stack trace. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, sentence: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(sentence);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('-f is --format', () => {
  it('-f json and --format json write the same report', async () => {
    const path = writeArchive(broken, 'docker-25');
    const short = await runCli(['-f', 'json', path]);
    const long = await runCli(['--format', 'json', path]);
    expect(short.code).toBe(1);
    expect(JSON.parse(short.stdout).summary).toEqual({ images: 1, errors: 1, warnings: 0, infos: 0 });
    expect(short.stdout).toBe(long.stdout);
  });
  it('-f takes only the known formats', async () => {
    expectUsageError(await runCli(['-f', 'xml', writeArchive(broken, 'docker-25')]), /^elfscan: option '-f, --format <format>' argument 'xml' is invalid/);
  });
});

describe('-o with a format name', () => {
  it.each(['json', 'sarif', 'human'])('-o %s is a usage error that says to use -f, and writes no file', async (format) => {
    const r = await runCli(['-o', format, writeArchive(broken, 'docker-25')]);
    expectUsageError(r, new RegExp(`^elfscan: -o/--output takes a file to write the report to, not a format: for a ${format} report use -f ${format} \\(--format ${format}\\)\n`));
    expect(existsSync(format), `a file named ${format} in ${process.cwd()}`).toBe(false);
  });
  it('--output json too; a file name that merely contains a format name is a file', async () => {
    expectUsageError(await runCli(['--output', 'json', writeArchive(broken, 'docker-25')]), /use -f json/);
    const out = join(tempDir(), 'json.out');
    const r = await runCli(['-f', 'json', '-o', out, writeArchive(broken, 'docker-25')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.errors).toBe(1);
  });
});

describe('platforms the table does not know', () => {
  it.each([
    ['linux/aarch', 'linux/arm64'],
    ['linux/amd46', 'linux/amd64'],
    ['linux/armv7', 'linux/arm/v7'],
    ['amd64/linux', 'linux/amd64'],
  ])('--platform %s is refused with exit 2 and suggests %s', async (typed, meant) => {
    const r = await runCli(['--platform', typed, writeArchive(broken, 'docker-25')]);
    expectUsageError(r, new RegExp(`^elfscan: --platform: unknown platform "${typed}" \\(.*\\): did you mean ${meant}\\?\n  elfscan knows linux/amd64\\[/v2\\|v3\\|v4\\], linux/386, linux/arm64, .*linux/loong64 \\(and the aliases aarch64, .*armel\\)\n$`));
  });
  it('--require-platforms and a far-off word are refused too, listing the known ones', async () => {
    const r = await runCli(['--require-platforms', 'linux/amd64,linux/sparc64', writeArchive(broken, 'docker-25')]);
    expectUsageError(r, /^elfscan: --platform: unknown platform "linux\/sparc64" \(no architecture "sparc64"\)\n  elfscan knows linux\/amd64/);
    expect(r.stderr).not.toContain('did you mean');
  });
  it('a platform of another OS is refused: elfscan judges only Linux images', async () => {
    expectUsageError(await runCli(['--platform', 'windows/amd64', writeArchive(broken, 'docker-25')]), /unknown platform "windows\/amd64" \(elfscan checks Linux images, not windows ones\)/);
  });
  it('the known ones and their aliases still scan', async () => {
    const path = writeArchive(broken, 'docker-25');
    for (const p of ['linux/arm64', 'aarch64', 'linux/arm64/v8']) expect((await runCli(['--platform', p, path])).code, p).toBe(1);
  });
});

describe('a path that does not exist', () => {
  it.each([
    './image.tar',
    '../images/app',
    '/abs/image',
    '~/images/app.tar',
    'image.tar',
    'out/app.tar.gz',
    'app.tgz',
    'app.tar.zst',
    'build/app.tar.xz',
    'Images/App', // a separator, but no registry reference (capitals)
    'C:\\images\\app.tar',
  ])('%s says "no such file or directory" (exit 2), with no registry lookup', async (source) => {
    // A registry lookup would end with another sentence ("cannot resolve host…", "not found").
    const r = await runCli([source]);
    expectUsageError(r, new RegExp(`^elfscan: ${source.replace(/[\\.*+?^${}()|[\]]/g, '\\$&')}: no such file or directory\n$`));
  });
  // A name whose first folder exists in the working directory: test/cli/bin.test.ts (it needs a cwd).
});

describe('--all in every format', () => {
  it('human: a table of every binary after the findings, before the summary', async () => {
    const r = await runCli(['--all', writeArchive(broken, 'docker-25')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const table = lines.indexOf('  4 binaries:');
    expect(table).toBeGreaterThan(lines.findIndex((l) => l.includes('arch-mismatch: /app/x.node')));
    expect(lines.slice(table + 1, table + 5)).toEqual([
      '    linux/amd64  shared-library  /app/x.node',
      '    linux/arm64  executable      /bin/hello  interpreter /lib/ld-linux-aarch64.so.1',
      '    linux/arm64  shared-library  /lib/ld-linux-aarch64.so.1',
      '    linux/arm64  shared-library  /lib/libc.so.6',
    ]);
    expect(lines[table + 5]).toMatch(/^1 image, 4 files, 4 binaries: 1 error/);
    // Without --all there is no table.
    expect((await runCli([writeArchive(broken, 'docker-25')])).stdout).not.toContain('binaries:\n');
  });
  it('sarif: the image and its binaries as run.artifacts, each binary nested in its image, schema-valid', async () => {
    const r = await runCli(['--all', '-f', 'sarif', writeArchive(broken, 'docker-25')]);
    const log = JSON.parse(r.stdout);
    expect(sarifErrors(log)).toEqual([]);
    const artifacts = log.runs[0].artifacts;
    expect(artifacts[0]).toEqual({
      location: { uri: 'app%3A1' },
      roles: ['analysisTarget'],
      properties: { ref: 'app:1', manifestDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), platform: { declared: 'linux/arm64', expected: 'linux/arm64' } },
    });
    expect(artifacts.slice(1).map((a: { location: { uri: string; uriBaseId: string }; parentIndex: number; properties: { platform: string; kind: string } }) => [a.location.uriBaseId, a.location.uri, a.parentIndex, a.properties.platform, a.properties.kind])).toEqual([
      ['IMAGE_ROOT', 'app/x.node', 0, 'linux/amd64', 'shared-library'],
      ['IMAGE_ROOT', 'bin/hello', 0, 'linux/arm64', 'executable'],
      ['IMAGE_ROOT', 'lib/ld-linux-aarch64.so.1', 0, 'linux/arm64', 'shared-library'],
      ['IMAGE_ROOT', 'lib/libc.so.6', 0, 'linux/arm64', 'shared-library'],
    ]);
    // The same facts as the JSON report's binaries, less the path the location holds.
    const json = JSON.parse((await runCli(['--all', '-f', 'json', writeArchive(broken, 'docker-25')])).stdout);
    expect(artifacts[2].properties).toEqual(Object.fromEntries(Object.entries(json.images[0].binaries[1]).filter(([k]) => k !== 'path')));
    // Without --all, no artifacts.
    expect(JSON.parse((await runCli(['-f', 'sarif', writeArchive(broken, 'docker-25')])).stdout).runs[0]).not.toHaveProperty('artifacts');
  });
  it('sarif: with two images, each binary points at its own image', async () => {
    const amd64: ImageSpec = { platform: 'linux/amd64', ref: 'other:2', layers: [[{ path: '/bin/hello', fixture: 'amd64/hello' }]] };
    const r = await runCli(['--all', '-f', 'sarif', writeArchive(broken, 'docker-25'), writeArchive(amd64, 'docker-25')]);
    const artifacts = JSON.parse(r.stdout).runs[0].artifacts as { location: { uri: string }; parentIndex?: number }[];
    expect(artifacts.map((a) => [a.location.uri, a.parentIndex ?? null])).toEqual([
      ['app%3A1', null],
      ['app/x.node', 0],
      ['bin/hello', 0],
      ['lib/ld-linux-aarch64.so.1', 0],
      ['lib/libc.so.6', 0],
      ['other%3A2', null],
      ['bin/hello', 5],
    ]);
  });
});

describe('--help', () => {
  it('has examples, the kinds of source, the platforms, exit codes and environment variables', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const sections = [...r.stdout.matchAll(/^([A-Z][a-z ]+):$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Arguments', 'Options', 'Sources', 'Examples', 'Platforms', 'Exit status', 'Environment']);
    expect(r.stdout).toContain('-f, --format <format>');
    expect(r.stdout).toContain('  elfscan --platform linux/arm64 image.tar\n');
    expect(r.stdout).toContain('  docker save my-api:1.4.0 | elfscan -\n');
    for (const source of ['image.tar', 'DIR', '-', 'REGISTRY/REPO:TAG', 'docker-daemon:IMAGE', 'rootfs/, rootfs.tar']) expect(r.stdout).toContain(`\n  ${source} `);
    expect(r.stdout).toMatch(/\n {2}0 {2}nothing at or above --fail-on.*\n {2}1 {2}a finding.*\n {2}2 {2}a usage or input error/);
    expect(r.stdout).toContain('linux/arm/v5|v6|v7|v8');
    for (const [name] of ENVIRONMENT) expect(r.stdout).toMatch(new RegExp(`\n  ${name} +\\S`));
    // Fits a terminal: no line over 80 columns.
    expect(r.stdout.split('\n').filter((l) => [...l].length > 80)).toEqual([]);
  });

  it('names exactly the environment variables the code reads', () => {
    const src = new URL('../../src/', import.meta.url).pathname;
    const read = new Set<string>();
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      // process.env.X, io.env.X, env.X and env['X']: every way src/ reads a variable.
      for (const m of readFileSync(join(src, file), 'utf8').matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) read.add(m[1]!);
    }
    // PATH is read by the system when elfscan starts docker, zstd or a credential helper.
    expect([...read].sort()).toEqual(ENVIRONMENT.map(([name]) => name).filter((n) => n !== 'PATH').sort());
  });
});
