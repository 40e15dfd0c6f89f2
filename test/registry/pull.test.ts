// Issue 4: `elfscan registry/repo:tag` scans an image straight from a registry (a real
// docker-registry on 127.0.0.1, images pushed with skopeo), every platform of an index by default.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import type { Progress } from '../../src/progress.js';
import { main } from '../../src/cli.js';
import { runCli } from '../cli/run-cli.js';
import { buildArchive, tempDir } from '../helpers/image-builder.js';
import { startProxy, type Proxy } from './helpers/fault-proxy.js';
import { amd64Image, amd64Summary, arm64Image, arm64Summary, push, summary } from './helpers/images.js';
import { freePort, startRegistry, type Registry } from './helpers/registry-server.js';

let registry: Registry;
let proxy: Proxy; // a pass-through proxy: its log shows what elfscan asked for
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  registry = await startRegistry();
  await Promise.all([
    push(arm64Image, `${registry.host}/team/api:1.4.0`),
    push([arm64Image, amd64Image], `${registry.host}/team/multi:1`),
    push([arm64Image, amd64Image], `${registry.host}/team/attested:1`, { attestation: true }),
  ]);
  proxy = await startProxy(registry.host);
  env = { DOCKER_CONFIG: tempDir() }; // an empty Docker config: anonymous
});

const requests = () => proxy.log.map((r) => `${r.method} ${r.path.replace(/^\/v2\/[^]*?\/(manifests|blobs)\//, '$1/')}`);

describe('a registry reference', () => {
  it('scans a single image by tag, resolving the tag with HEAD and fetching by digest', async () => {
    proxy.log.length = 0;
    const report = await scan(`${proxy.host}/team/api:1.4.0`, { env });
    expect(summary(report)).toEqual([arm64Summary]);
    const img = report.images[0]!;
    expect(img.ref).toBe(`${proxy.host}/team/api:1.4.0`);
    expect(img.manifestDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const manifestCalls = requests().filter((r) => r.includes('manifests/'));
    expect(manifestCalls).toEqual(['HEAD manifests/1.4.0', `GET manifests/${img.manifestDigest}`]);
    expect(requests().filter((r) => r.startsWith('GET blobs/'))).toHaveLength(3); // config + 2 layers
  });

  it('scans by digest, and with the docker:// prefix', async () => {
    const first = await scan(`${proxy.host}/team/api:1.4.0`, { env });
    const digest = first.images[0]!.manifestDigest!;
    const byDigest = await scan(`docker://${proxy.host}/team/api@${digest}`, { env });
    expect(summary(byDigest)).toEqual([arm64Summary]);
    expect(byDigest.images[0]!.ref).toBe(`${proxy.host}/team/api@${digest}`);
    expect(byDigest.images[0]!.manifestDigest).toBe(digest);
  });

  it('scans every child of an index by default, each against its own platform', async () => {
    const report = await scan(`${registry.host}/team/multi:1`, { env });
    expect(summary(report)).toEqual([arm64Summary, amd64Summary]);
    expect(new Set(report.images.map((i) => i.manifestDigest)).size).toBe(2);
    expect(report.images.every((i) => i.ref === `${registry.host}/team/multi:1`)).toBe(true);
  });

  it('--platform picks one child, and the other child is never fetched', async () => {
    proxy.log.length = 0;
    const report = await scan(`${proxy.host}/team/multi:1`, { env, platforms: ['linux/amd64'] });
    expect(summary(report)).toEqual([amd64Summary]);
    const fetched = requests().filter((r) => r.startsWith('GET manifests/'));
    expect(fetched).toHaveLength(2); // the index, then the amd64 manifest
    expect(fetched[1]).toBe(`GET manifests/${report.images[0]!.manifestDigest}`);
  });

  it('--require-platforms reports each missing platform as an error finding (exit 1)', async () => {
    const r = await runCli([`${registry.host}/team/multi:1`, '--require-platforms', 'linux/arm64,linux/s390x,linux/riscv64', '--format', 'json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { images: { findings: { rule: string; expected: string }[] }[] };
    const missing = report.images.flatMap((i) => i.findings).filter((f) => f.rule === 'missing-platform');
    expect(missing.map((f) => f.expected)).toEqual(['linux/s390x', 'linux/riscv64']);
  });

  it('skips the attestation child of an index without fetching it', async () => {
    proxy.log.length = 0;
    const report = await scan(`${proxy.host}/team/attested:1`, { env });
    expect(summary(report)).toEqual([arm64Summary, amd64Summary]);
    // the index and two image manifests; the attestation manifest is never asked for
    expect(requests().filter((r) => r.startsWith('GET manifests/'))).toHaveLength(3);
  });

  it('reports download progress in bytes and layers', async () => {
    const seen: Progress[] = [];
    await scan(`${registry.host}/team/multi:1`, { env, progress: (p) => seen.push(p) });
    const last = seen[seen.length - 1]!;
    expect(last.layersDone).toBe(3);
    expect(last.layersTotal).toBe(3);
    expect(last.bytes).toBeGreaterThan(1000);
    expect(last.bytes).toBe(last.bytesTotal); // every byte the manifests list, each counted once
    expect(seen.map((p) => p.bytes)).toEqual([...seen.map((p) => p.bytes)].sort((a, b) => a - b));
  });

  it('shows progress on stderr only on a terminal, and not in CI, with --quiet or with --no-progress', async () => {
    const run = async (args: string[], tty: boolean, extraEnv: NodeJS.ProcessEnv = {}) => {
      let stderr = '';
      let stdout = '';
      const code = await main([`${registry.host}/team/multi:1`, ...args], {
        stdout: { write: (s: string) => (stdout += s), isTTY: false },
        stderr: { write: (s: string) => (stderr += s), isTTY: tty },
        env: { ...env, ...extraEnv },
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/arch-mismatch/);
      return stderr;
    };
    const shown = await run([], true);
    expect(shown).toMatch(/^\r\x1b\[Kelfscan \[[= >]{20}\] +\d+% \d\/3 layers, [\d.]+ [kM]?B of [\d.]+ [kM]?B, /);
    expect(shown).toMatch(/\r\x1b\[Kelfscan \[={20}\] 100% 3\/3 layers, /);
    expect(shown.endsWith('\r\x1b[K')).toBe(true); // erased before the report
    expect(await run([], false)).toBe('');
    expect(await run([], true, { CI: 'true' })).toBe('');
    expect(await run(['--quiet'], true)).toBe('');
    expect(await run(['--no-progress'], true)).toBe('');
  });

  it('a local path that exists wins over a reference of the same name', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team', 'api:1.4.0'), buildArchive(amd64Image, 'docker-legacy'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const report = await scan('team/api:1.4.0', { env });
      expect(summary(report)).toEqual([amd64Summary]);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('registry errors end with exit 2 and one sentence', () => {
  const expectError = async (args: string[], message: RegExp) => {
    const r = await runCli(args, { env });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  };

  it('a repository that does not exist', async () => {
    await expectError([`${registry.host}/team/nothing:1`], new RegExp(`^elfscan: ${registry.host}/team/nothing:1: repository team/nothing on ${registry.host} not found\\n$`));
  });
  it('a tag that does not exist', async () => {
    await expectError([`${registry.host}/team/api:9.9.9`], /team\/api:9\.9\.9: tag 9\.9\.9 not found in repository team\/api on /);
  });
  it('a digest that does not exist', async () => {
    await expectError([`${registry.host}/team/api@sha256:${'1'.repeat(64)}`], new RegExp(`^elfscan: ${registry.host}/team/api@sha256:1{64}: manifest not found in repository team/api on ${registry.host}\\n$`));
  });
  it('a refused connection', async () => {
    const port = await freePort();
    await expectError([`127.0.0.1:${port}/team/api:1`], new RegExp(`^elfscan: 127\\.0\\.0\\.1:${port}/team/api:1: connection to 127\\.0\\.0\\.1:${port} refused\\n$`));
  });
  it('an invalid reference given with docker://', async () => {
    await expectError(['docker://Team/API:1'], /docker:\/\/Team\/API:1: is not a valid image reference \(the repository name must be lowercase\)/);
  });
  it('a name that is neither a path nor a reference is a missing file', async () => {
    await expectError(['image.tar'], /^elfscan: image\.tar: no such file or directory\n$/);
  });
});
