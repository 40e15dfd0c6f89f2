// docker-daemon:IMAGE streams `docker save IMAGE` into the scanner. A stub `docker` on PATH plays
// the daemon: it writes a tarball the image builder made, or fails as the real CLI does.

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { tempDir, writeArchive } from '../helpers/image-builder.js';

function stubDocker(script: string): NodeJS.ProcessEnv {
  const bin = tempDir();
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  return { PATH: `${bin}:/usr/bin:/bin` };
}

const tarball = writeArchive(
  { platform: 'linux/arm64', ref: 'my-api:1.4.0', layers: [[{ path: '/app/x.node', fixture: 'amd64/libhello.so' }]] },
  'docker-legacy',
  { layerCompression: 'gzip' },
);

describe('docker-daemon: source', () => {
  it('scans what docker save writes, and passes the image name to it', async () => {
    const log = join(tempDir(), 'args');
    const env = stubDocker(`echo "$@" > '${log}'; cat '${tarball}'`);
    const r = await runCli(['--format', 'json', 'docker-daemon:my-api:1.4.0'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.source).toBe('docker-daemon:my-api:1.4.0');
    // (Its one binary is foreign, so mislabeled-image fires too; this test is about the source.)
    const findings = report.images[0].findings.filter((f: { rule: string }) => f.rule !== 'mislabeled-image');
    expect(findings.map((f: { rule: string; path: string }) => [f.rule, f.path])).toEqual([['arch-mismatch', '/app/x.node']]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(log, 'utf8').trim()).toBe('save my-api:1.4.0');
  });
  it('says so when docker is not installed', async () => {
    const r = await runCli(['docker-daemon:my-api:1.4.0'], { env: { PATH: tempDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('elfscan: docker-daemon:my-api:1.4.0: docker is not installed (no docker command on PATH)\n');
  });
  it("passes on the daemon's own sentence when it is not running", async () => {
    const env = stubDocker(
      `echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2; exit 1`,
    );
    const r = await runCli(['docker-daemon:my-api:1.4.0'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'elfscan: docker-daemon:my-api:1.4.0: docker save failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
    );
  });
  it('reports an image the daemon does not have', async () => {
    const env = stubDocker(`echo 'Error response from daemon: reference does not exist' >&2; exit 1`);
    const r = await runCli(['docker-daemon:nope:1'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('elfscan: docker-daemon:nope:1: docker save failed: reference does not exist\n');
  });
  it('treats a save that dies midway as a truncated archive, not a complete scan', async () => {
    const env = stubDocker(`head -c 3000 '${tarball}'; exit 1`);
    const r = await runCli(['docker-daemon:my-api:1.4.0'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
  it('needs an image name', async () => {
    const r = await runCli(['docker-daemon:'], { env: stubDocker('exit 0') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/names no image/);
  });
});
