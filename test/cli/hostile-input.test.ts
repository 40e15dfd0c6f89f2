// Hostile input at the command line (issue 15): a path of any depth is judged in every source
// kind, names cannot drive the terminal the report is printed on, a NUL in a PAX name is the
// archive's error, every exit-2 sentence is one short line naming the source and the cause, a
// stream of zeros ends at once, pipes and devices stream like stdin, an unpacked docker save is
// an image, and an oversized document is called too large.

import { spawnSync } from 'node:child_process';
import { chmodSync, createReadStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildArchive, chunks, fixture, tempDir, writeArchive, writeOciDir } from '../helpers/image-builder.js';
import { push } from '../registry/helpers/images.js';
import { startRegistry } from '../registry/helpers/registry-server.js';
import { buildTar } from '../helpers/tar-builder.js';
import { runCli } from './run-cli.js';

const DEPTH = 5000;
const deepDir = Array.from({ length: DEPTH }, () => 'd').join('/');
const deepSo = `/${deepDir}/libx.so`;
const deepImage = { platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, { path: deepSo, fixture: 'amd64/libhello.so' }]] };

// GNU tar and rm go as deep as any tree (openat); Node's fs stops at PATH_MAX, so these trees are
// made and removed by them.
const scratch = mkdtempSync(join(tmpdir(), 'elfscan-deep-'));
afterAll(() => void spawnSync('rm', ['-rf', scratch]));

function expectSentence(r: { code: number; stdout: string; stderr: string }, sentence: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(sentence);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]!.length).toBeLessThanOrEqual(200);
}

/** The deep image's report: both files counted, the foreign one an arch-mismatch error. */
function expectDeepFinding(r: { code: number; stdout: string; stderr: string }) {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const image = JSON.parse(r.stdout).images[0];
  expect(image.stats.files).toBe(2);
  expect(image.findings.filter((f: { rule: string }) => f.rule === 'arch-mismatch').map((f: { path: string }) => f.path)).toEqual([deepSo]);
}

describe(`a foreign library under ${DEPTH} nested directories`, () => {
  it.each(['docker-legacy', 'docker-25', 'oci-archive'] as const)('in a layer of a %s archive is an arch-mismatch error', async (format) => {
    expectDeepFinding(await runCli([writeArchive(deepImage, format), '--format', 'json']));
  });

  it('in a layer of an archive on stdin (streamed, gzip layers) is an arch-mismatch error', async () => {
    const stdin = chunks(buildArchive(deepImage, 'docker-legacy', { layerCompression: 'gzip' }));
    expectDeepFinding(await runCli(['-', '--format', 'json'], { stdin }));
  });

  it('in a layer of an OCI layout directory is an arch-mismatch error', async () => {
    expectDeepFinding(await runCli([writeOciDir(deepImage, { layerCompression: 'zstd' }), '--format', 'json']));
  });

  it('in a layer pulled from a registry (docker-registry on loopback, pushed by skopeo) is an arch-mismatch error', async () => {
    const registry = await startRegistry();
    await push(deepImage, `${registry.host}/team/deep:1`);
    expectDeepFinding(await runCli([`${registry.host}/team/deep:1`, '--format', 'json'], { env: { DOCKER_CONFIG: tempDir() } }));
  }, 120_000);

  it('in a rootfs tar is an arch-mismatch error', async () => {
    const r = await runCli([writeArchive(deepImage, 'rootfs'), '--platform', 'linux/arm64', '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).images[0].findings;
    expect(findings.find((f: { rule: string }) => f.rule === 'arch-mismatch')?.path).toBe(deepSo);
  });

  it('in a rootfs directory ends the scan with the limit named, in one short sentence', async () => {
    const root = join(scratch, 'rootfs');
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(join(root, 'bin/hello'), fixture('arm64/hello'));
    // mkdir -p goes one level at a time, where no path of PATH_MAX reaches; the walk stops at the
    // first directory past that limit, so nothing needs to be put at the bottom.
    const made = spawnSync('mkdir', ['-p', deepDir], { cwd: root });
    expect(made.stderr.toString()).toBe('');
    const r = await runCli([root, '--platform', 'linux/arm64']);
    expectSentence(r, /^elfscan: \S+rootfs: read failed: a directory is too deep to open \(its path is \d+ bytes, the system's limit 4096\): \/d\/d\/d\S*…\S*d\/d\n$/);
  });

  it('a rootfs directory 1,000 deep (a path the system opens) is walked to its end', async () => {
    const root = join(scratch, 'rootfs-1000');
    mkdirSync(root);
    const so = `/${Array.from({ length: 1000 }, () => 'd').join('/')}/libx.so`;
    const tar = writeArchive({ ...deepImage, layers: [[{ path: so, fixture: 'amd64/libhello.so' }]] }, 'rootfs');
    expect(spawnSync('tar', ['-xf', tar, '-C', root]).status).toBe(0);
    const r = await runCli([root, '--platform', 'linux/arm64', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).images[0].findings.find((f: { rule: string }) => f.rule === 'arch-mismatch')?.path).toBe(so);
  });
});

describe('names that try to drive the terminal', () => {
  const hostile = '/usr/lib/\x1b]0;pwned\x07\x1b[2J\u202eos.so\x00';
  const image = writeArchive({ platform: 'linux/arm64', layers: [[{ path: hostile.replace('\x00', ''), fixture: 'amd64/libhello.so' }]] }, 'docker-legacy');

  it('are escaped in the human report: no control character reaches the screen', async () => {
    const r = await runCli([image, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('/usr/lib/\\x1b]0;pwned\\x07\\x1b[2J\\u202eos.so');
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
  });

  it('are kept exact in JSON and SARIF', async () => {
    const json = await runCli([image, '--format', 'json']);
    // The image's one binary is x86-64 under an arm64 label, so an image-level mislabeled-image
    // (no path) comes with the file's own finding: look the file's finding up by its rule.
    const findings = JSON.parse(json.stdout).images[0].findings as { rule: string; path: string | null }[];
    expect(findings.find((f) => f.rule === 'arch-mismatch')?.path).toBe(hostile.replace('\x00', ''));
    const sarif = JSON.parse((await runCli([image, '--format', 'sarif'])).stdout);
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'arch-mismatch');
    const uri = result.locations[0].physicalLocation.artifactLocation.uri as string;
    expect(`/${uri.split('/').map(decodeURIComponent).join('/')}`).toBe(hostile.replace('\x00', ''));
  });

  it('are escaped in an exit-2 sentence too', async () => {
    const r = await runCli([join(scratch, 'no\x1b[2Jsuch.tar')]);
    expectSentence(r, /^elfscan: \S+no\\x1b\[2Jsuch\.tar: no such file or directory\n$/);
  });
});

describe('a NUL byte in a PAX name', () => {
  it.each([
    ['path', { path: 'usr/lib/nul\0evil.so' }],
    ['linkpath', { linkpath: '/lib/a\0b' }],
  ])('(%s) is the archive’s error: exit 2, as Go’s archive/tar refuses it', async (key, pax) => {
    const tar = join(tempDir(), 'rootfs.tar');
    writeFileSync(tar, buildTar([{ name: 'usr/lib/x.so', ...(key === 'linkpath' ? { type: 'symlink', linkname: 'x' } : { body: fixture('amd64/libhello.so') }), pax }]));
    const r = await runCli([tar, '--platform', 'linux/arm64']);
    expectSentence(r, new RegExp(`^elfscan: \\S+rootfs\\.tar: corrupt PAX header at offset 0 \\(${key} holds a NUL byte\\)\\n$`));
  });
});

describe('exit-2 sentences', () => {
  it('a failing docker save is cut to the last line that says what failed', async () => {
    const bin = tempDir();
    const noise = Array.from({ length: 120 }, (_, i) => `level=debug msg="layer ${i} of a very chatty daemon"`).join('\n');
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\ncat >&2 <<'EOF'\n${noise}\nError response from daemon: reference does not exist\nSee 'docker save --help'.\nEOF\nexit 1\n`);
    chmodSync(join(bin, 'docker'), 0o755);
    const r = await runCli(['docker-daemon:nope:1'], { env: { PATH: `${bin}:/usr/bin:/bin` } });
    expectSentence(r, /^elfscan: docker-daemon:nope:1: docker save failed: reference does not exist\n$/);
  });

  it('an image document over the limit says "too large (N MB, limit 16 MB)"', async () => {
    const dir = writeOciDir({ platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }]] });
    writeFileSync(join(dir, 'index.json'), `{"schemaVersion":2,"manifests":[],"pad":"${'x'.repeat(17 << 20)}"}`);
    const r = await runCli([dir]);
    expectSentence(r, /^elfscan: \S+: index\.json is too large \(17\.1 MB, limit 16 MB\) for an image document\n$/);
  });
});

// The real command in a real process from here on: stdin, pipes and devices are the kernel's.
const BIN = new URL('../../bin/elfscan.js', import.meta.url).pathname;

/** `bash -c script` with $ELFSCAN naming the real command; bounded by `timeout` (a hang fails the test). */
function shell(script: string, timeout = 60_000) {
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout, env: { ...process.env, ELFSCAN: `'${process.execPath}' '${BIN}'` } });
  expect(r.error, 'a hang').toBeUndefined();
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('a stream that never holds a tar header', () => {
  const empty = 'is not an image: an empty tar archive \\(it begins with the end-of-archive marker\\)';

  it('(/dev/zero on stdin) is "not an image" at once, not read forever', () => {
    const start = Date.now();
    expectSentence(shell('eval "$ELFSCAN" - < /dev/zero'), new RegExp(`^elfscan: stdin: ${empty}\\n$`));
    expect(Date.now() - start).toBeLessThan(20_000);
  });

  it('(/dev/zero named as a path: a character device, read as a stream) likewise', () => {
    expectSentence(shell('eval "$ELFSCAN" /dev/zero --platform linux/arm64'), new RegExp(`^elfscan: /dev/zero: ${empty}\\n$`));
  });

  it('(random bytes on stdin) is not a tar archive', () => {
    expectSentence(shell('head -c 50000000 /dev/urandom | eval "$ELFSCAN" -'), /^elfscan: stdin: not a tar archive\n$/);
  });

  it('(a file of zero blocks, read at offsets) is the same sentence', async () => {
    const file = join(tempDir(), 'zeros.tar');
    writeFileSync(file, Buffer.alloc(10240));
    expectSentence(await runCli([file, '--platform', 'linux/arm64']), new RegExp(`^elfscan: \\S+zeros\\.tar: ${empty}\\n$`));
  });

  it('after a whole archive (zeros forever behind it) is not read either: the archive is scanned', () => {
    const image = writeArchive({ platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, { path: '/usr/lib/libx.so', fixture: 'amd64/libhello.so' }]] }, 'docker-legacy');
    const r = shell(`cat '${image}' /dev/zero | eval "$ELFSCAN" - --format json`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).images[0].findings.filter((f: { rule: string }) => f.rule === 'arch-mismatch').map((f: { path: string }) => f.path)).toEqual(['/usr/lib/libx.so']);
  });
});

describe('memory stays flat whatever the bytes (peak RSS of the real process, GNU time)', () => {
  /** Peak RSS in MB of `elfscan ARGS` run by bash (stdin redirections allowed), and its status. */
  const peak = (args: string) => {
    const out = join(tempDir(), 'rss');
    const r = shell(`/usr/bin/time -o '${out}' -f %M bash -c "eval \\"\\$ELFSCAN\\" ${args}"`);
    return { ...r, mb: Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024 };
  };

  it('reading /dev/zero on stdin', () => {
    const r = peak('- < /dev/zero');
    expect(r.code).toBe(2);
    expect(r.mb).toBeLessThan(150);
  });

  it('inflating a gzip bomb: a 2 GiB file of zeros in a 9 MB compressed root filesystem (84 MB peak seen at 4 GiB)', () => {
    const dir = tempDir();
    const bomb = join(dir, 'bomb.tar.gz');
    expect(shell(`cd '${dir}' && mkdir -p tree/opt && truncate -s 2G tree/opt/zeros && tar -cf - -C tree opt | gzip -1 > '${bomb}' && rm -r tree`, 120_000).code).toBe(0);
    const r = peak(`'${bomb}' --platform linux/amd64 --format json`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).images[0].stats.files).toBe(1);
    expect(r.mb).toBeLessThan(150);
  }, 180_000);
});

describe('a pipe named as a path', () => {
  const image = writeArchive({ platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, { path: '/usr/lib/libx.so', fixture: 'amd64/libhello.so' }]] }, 'docker-25');

  it('(bash process substitution, <(…)) streams like stdin', () => {
    const r = shell(`eval "$ELFSCAN" <(cat '${image}') --format json`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.source).toMatch(/^\/dev\/fd\/\d+$/);
    expect(report.images[0].findings.filter((f: { rule: string }) => f.rule === 'arch-mismatch').map((f: { path: string }) => f.path)).toEqual(['/usr/lib/libx.so']);
  });

  it('(a FIFO made by mkfifo) likewise', () => {
    const fifo = join(tempDir(), 'image.fifo');
    const r = shell(`mkfifo '${fifo}' && { cat '${image}' > '${fifo}' & } && eval "$ELFSCAN" '${fifo}' --format json`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).images[0].findings.filter((f: { rule: string }) => f.rule === 'arch-mismatch').map((f: { path: string }) => f.path)).toEqual(['/usr/lib/libx.so']);
  });
});

describe('an unpacked docker save directory (manifest.json at its top)', () => {
  const spec = { platform: 'linux/arm64', ref: 'app:1', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }], [{ path: '/usr/lib/libx.so', fixture: 'amd64/libhello.so' }]] };

  it.each(['docker-legacy', 'docker-25'] as const)('(%s, unpacked by tar) is scanned as the archive is', async (format) => {
    const tar = writeArchive(spec, format);
    const dir = join(tempDir(), 'unpacked');
    mkdirSync(dir);
    expect(spawnSync('tar', ['-xf', tar, '-C', dir]).status).toBe(0);
    const fromDir = await runCli([dir, '--format', 'json']);
    const fromTar = await runCli([tar, '--format', 'json']);
    expect(fromDir.stderr).toBe('');
    expect(fromDir.code).toBe(1);
    const images = (r: { stdout: string }) => JSON.parse(r.stdout).images;
    expect(images(fromDir)[0].ref).toBe('app:1');
    expect(images(fromDir)[0].findings.filter((f: { rule: string }) => f.rule === 'arch-mismatch').map((f: { path: string }) => f.path)).toEqual(['/usr/lib/libx.so']);
    expect(images(fromDir)).toEqual(images(fromTar));
  });
});

describe('a 100 MB image config that is valid JSON', () => {
  // A real docker-save archive with its config grown past the document limit, re-packed by tar.
  const dir = tempDir();
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  expect(spawnSync('tar', ['-xf', writeArchive({ platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }]] }, 'docker-legacy'), '-C', tree]).status).toBe(0);
  const configName = (JSON.parse(readFileSync(join(tree, 'manifest.json'), 'utf8')) as { Config: string }[])[0]!.Config;
  const config = JSON.parse(readFileSync(join(tree, configName), 'utf8'));
  writeFileSync(join(tree, configName), JSON.stringify({ ...config, padding: 'x'.repeat(100 * 2 ** 20 - 4096) }));
  const tar = join(dir, 'big-config.tar');
  expect(spawnSync('tar', ['-cf', tar, '-C', tree, '.']).status).toBe(0);
  const tooLarge = `${configName} is too large \\(100 MB, limit 16 MB\\) for an image document`;

  it.each([
    ['read at offsets', () => runCli([tar])],
    ['streamed (stdin)', () => runCli(['-'], { stdin: createReadStream(tar, { highWaterMark: 1 << 20 }) })],
    ['in a directory', () => runCli([tree])],
  ])('is "too large", naming its size and the limit (%s)', async (_how, run) => {
    expectSentence(await run(), new RegExp(`^elfscan: \\S+: ${tooLarge}\\n$`.replace('\\S+', '(\\S+|stdin)')));
  });
});

describe('a name that is not UTF-8', () => {
  it('shows the replaced byte as \\ufffd to people; JSON holds U+FFFD, a valid string', async () => {
    // A file named with the bytes ff fe on disk, archived by GNU tar as it is.
    const dir = tempDir();
    const tar = join(dir, 'rootfs.tar');
    mkdirSync(join(dir, 'tree/usr/lib'), { recursive: true });
    writeFileSync(Buffer.from(join(dir, 'tree/usr/lib/lib\xff\xfe.so'), 'latin1'), fixture('amd64/libhello.so'));
    expect(spawnSync('tar', ['-cf', tar, '-C', join(dir, 'tree'), 'usr']).status).toBe(0);
    const human = await runCli([tar, '--platform', 'linux/arm64', '--no-color']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('/usr/lib/lib\\ufffd\\ufffd.so');
    const json = await runCli([tar, '--platform', 'linux/arm64', '--format', 'json']);
    expect(JSON.parse(json.stdout).images[0].findings.find((f: { rule: string }) => f.rule === 'arch-mismatch').path).toBe('/usr/lib/lib\ufffd\ufffd.so');
  });
});
