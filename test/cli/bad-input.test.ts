// Spec §9: every kind of bad input ends with exit 2 and one clear sentence naming the source —
// never a stack trace, a hang, or a report that pretends to be complete.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArchive, chunks, tempDir, writeArchive, writeOciDir, type ImageSpec } from '../helpers/image-builder.js';
import { buildTar, gzip } from '../helpers/tar-builder.js';
import { runCli } from './run-cli.js';

const image: ImageSpec = { platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }]] };

function file(bytes: Buffer | string): string {
  const p = join(tempDir(), 'input.tar');
  writeFileSync(p, bytes);
  return p;
}

async function expectBadInput(args: string[], message: RegExp, stdin?: Buffer) {
  const r = await runCli(args, stdin ? { stdin: chunks(stdin, 4096) } : {});
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('bad input → exit 2 with one sentence', () => {
  it('a path that does not exist', async () => {
    await expectBadInput(['/no/such/image.tar'], /^elfscan: \/no\/such\/image\.tar: no such file or directory\n$/);
  });
  it('an unreadable path', async () => {
    if (process.getuid?.() === 0) {
      // root reads everything; a directory we cannot list is the unreadable case left to test
      const d = tempDir();
      mkdirSync(join(d, 'sub'));
      chmodSync(join(d, 'sub'), 0o000);
      const r = await runCli([join(d, 'sub', 'x')]);
      expect(r.code).toBe(2);
      return;
    }
    const p = file('x');
    chmodSync(p, 0o000);
    await expectBadInput([p], /permission denied/);
  });
  it('a file that is not an archive at all', async () => {
    await expectBadInput([file('just some text, not a tar\n'.repeat(40))], /input\.tar: not a tar archive/);
  });
  it('a truncated archive', async () => {
    const whole = buildArchive(image, 'docker-legacy');
    await expectBadInput([file(whole.subarray(0, Math.floor(whole.length * 0.6)))], /truncated/);
  });
  it('a truncated archive on stdin', async () => {
    const whole = buildArchive(image, 'docker-25', { layerCompression: 'gzip' });
    await expectBadInput(['-'], /^elfscan: stdin: .*truncated/, whole.subarray(0, whole.length - 3000));
  });
  it('a corrupt gzip layer', async () => {
    const layer = gzip(buildTar([{ name: 'bin/x', body: 'hello' }]));
    layer.fill(0x55, 20, 40);
    const tar = buildTar([
      { name: 'abc/layer.tar', body: layer },
      { name: 'cfg.json', body: JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { diff_ids: [] } }) },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'cfg.json', Layers: ['abc/layer.tar'] }]) },
    ]);
    await expectBadInput([file(tar)], /layer abc\/layer\.tar.*(gzip|corrupt|invalid)/i);
  });
  it('manifest.json that is not JSON', async () => {
    const tar = buildTar([{ name: 'manifest.json', body: '{"Config": ' }]);
    await expectBadInput([file(tar)], /manifest\.json is not valid JSON/);
  });
  it('JSON that is not an image manifest', async () => {
    const tar = buildTar([{ name: 'manifest.json', body: JSON.stringify({ hello: 'world' }) }]);
    await expectBadInput([file(tar)], /manifest\.json is not a docker-save manifest/);
  });
  it('a manifest naming a layer the archive lacks', async () => {
    const tar = buildTar([
      { name: 'cfg.json', body: JSON.stringify({ architecture: 'arm64', os: 'linux' }) },
      { name: 'manifest.json', body: JSON.stringify([{ Config: 'cfg.json', Layers: ['gone/layer.tar'] }]) },
    ]);
    await expectBadInput([file(tar)], /names layer gone\/layer\.tar, which the archive does not contain/);
  });
  it('a plain layer whose bytes differ from its digest only where the walk never looks (hashed on the thread pool)', async () => {
    const text = 'x'.repeat(100_000);
    const dir = writeOciDir({ platform: 'linux/arm64', layers: [[{ path: '/bin/hello', fixture: 'arm64/hello' }, { path: '/notes.txt', body: text }]] }, { layerCompression: 'none' });
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const blobs = join(dir, 'blobs', 'sha256');
    const layer = readdirSync(blobs).sort((a, b) => statSync(join(blobs, b)).size - statSync(join(blobs, a)).size)[0]!;
    const bytes = readFileSync(join(blobs, layer));
    // Far into a text file's body, past its head: the tar still walks, only the digest can tell.
    bytes[bytes.indexOf(text) + 90_000] ^= 0x01;
    writeFileSync(join(blobs, layer), bytes);
    await expectBadInput([dir], new RegExp(`layer sha256:${layer}: content does not match its digest \\(got sha256:[0-9a-f]{12}…\\)\n$`));
  });
  it('an OCI layout whose blob does not match its digest', async () => {
    const dir = writeOciDir(image, { layerCompression: 'gzip' });
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const blobs = join(dir, 'blobs', 'sha256');
    // the largest blob is the layer: flip one byte of it
    const layer = readdirSync(blobs).sort((a, b) => statSync(join(blobs, b)).size - statSync(join(blobs, a)).size)[0]!;
    const bytes = readFileSync(join(blobs, layer));
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(join(blobs, layer), bytes);
    await expectBadInput([dir], /(does not match its digest|gzip|corrupt|invalid)/i);
  });
  it('a plain tar with no image metadata and no --platform', async () => {
    await expectBadInput([writeArchive(image, 'rootfs')], /holds no image metadata .* give --platform/);
  });
  it('an unknown platform string', async () => {
    await expectBadInput(['--platform', 'linux', writeArchive(image, 'docker-25')], /unknown platform "linux"/);
  });
  it('an unknown option', async () => {
    await expectBadInput(['--frobnicate', 'x.tar'], /unknown option '--frobnicate'/);
  });
  it('a bad --format value', async () => {
    await expectBadInput(['--format', 'xml', 'x.tar'], /xml/);
  });
  it('no source at all', async () => {
    await expectBadInput([], /missing required argument/);
  });
});
