// A registry that never stalls but never finishes either: one byte every 100 ms resets the idle
// timeout forever. Each request has a deadline — --registry-timeout, plus the time its size
// takes at 16 KiB/s — past which the scan ends with exit 2 and one sentence; a slow but steady
// download that needs longer than the fixed part still completes. The clock is real and bounded:
// a 1 s --registry-timeout.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIN_BYTES_PER_SECOND } from '../../src/sources/registry/request-deadline.js';
import { runCli } from '../cli/run-cli.js';
import { tempDir, type ImageSpec } from '../helpers/image-builder.js';
import { matchPath, startProxy, type Proxy } from './helpers/fault-proxy.js';
import { push } from './helpers/images.js';
import { startRegistry, type Registry } from './helpers/registry-server.js';

/** A layer of ~96 KiB that does not compress: its download takes 6 s at the 16 KiB/s floor. */
const image: ImageSpec = {
  platform: 'linux/arm64',
  layers: [[{ path: '/usr/bin/hello', fixture: 'arm64/hello' }, { path: '/opt/noise.bin', body: randomBytes(96 << 10) }]],
};

let registry: Registry;
let proxy: Proxy;
let layer: { digest: string; bytes: Buffer };
const env = { DOCKER_CONFIG: tempDir() };

function get(url: string, headers: Record<string, string> = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts)));
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  registry = await startRegistry();
  await push(image, `${registry.host}/team/slow:1`);
  const manifest = JSON.parse((await get(`http://${registry.host}/v2/team/slow/manifests/1`, { accept: 'application/vnd.oci.image.manifest.v1+json' })).toString());
  const digest = manifest.layers[0].digest as string;
  layer = { digest, bytes: await get(`http://${registry.host}/v2/team/slow/blobs/${digest}`) };
  proxy = await startProxy(registry.host);
});

beforeEach(() => {
  proxy.rules.length = 0;
});

/** Serves `bytes` in `chunk`-byte pieces every `everyMs`, with or without a Content-Length. */
function trickle(res: http.ServerResponse, bytes: Buffer, chunk: number, everyMs: number, withLength = true): true {
  res.writeHead(200, { 'content-type': 'application/octet-stream', ...(withLength ? { 'content-length': String(bytes.length) } : {}) });
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed || at >= bytes.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(bytes.subarray(at, at + chunk));
    at += chunk;
  }, everyMs);
  res.on('close', () => clearInterval(timer));
  return true;
}

async function timed(args: string[]) {
  const started = Date.now();
  const r = await runCli(args, { env });
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

describe('a registry request past its deadline', () => {
  it('a blob trickled a byte every 100 ms ends the scan within its deadline (1 s + its size at 16 KiB/s)', async () => {
    proxy.rules.push((req, res) => matchPath(req, 'blobs') === layer.digest && trickle(res, layer.bytes, 1, 100));
    const r = await timed(['--registry-timeout', '1', `${proxy.host}/team/slow:1`]);
    const due = 1 + layer.bytes.length / MIN_BYTES_PER_SECOND;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^elfscan: ${proxy.host}/team/slow:1: ${proxy.host} is too slow: GET /v2/team/slow/blobs/sha256\\S+ sent \\d+ of ${layer.bytes.length} bytes in [\\d.]+ s; for a slow link raise --registry-timeout\\n$`));
    expect(r.stderr.length).toBeLessThanOrEqual(201);
    expect(r.seconds).toBeGreaterThanOrEqual(due - 0.5);
    expect(r.seconds).toBeLessThan(due + 3);
  });

  it('a body without a Content-Length is held to 16 KiB/s after the fixed second', async () => {
    proxy.rules.push((req, res) => matchPath(req, 'blobs') === layer.digest && trickle(res, layer.bytes, 1, 100, false));
    const r = await timed(['--registry-timeout', '1', `${proxy.host}/team/slow:1`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is too slow: GET \/v2\/team\/slow\/blobs\/\S+ sent \d+ bytes in [\d.]+ s; for a slow link raise --registry-timeout\n$/);
    expect(r.seconds).toBeLessThan(4);
  });

  it('headers that trickle in are cut off at the fixed deadline', async () => {
    proxy.rules.push((req, res) => {
      if (!matchPath(req, 'manifests')) return false;
      const socket = res.socket!;
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      const timer = setInterval(() => socket.destroyed || socket.write('z'), 100);
      socket.on('close', () => clearInterval(timer));
      return true;
    });
    const r = await timed(['--registry-timeout', '1', `${proxy.host}/team/slow:1`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`elfscan: ${proxy.host}/team/slow:1: ${proxy.host} is too slow: HEAD /v2/team/slow/manifests/1 got no answer in 1 s; for a slow link raise --registry-timeout\n`);
    expect(r.seconds).toBeLessThan(3);
  });

  it('a download slower than the fixed second but faster than 16 KiB/s completes', async () => {
    // 4 KiB every 100 ms (40 KiB/s): ~2.4 s in all, inside 1 s + 96 KiB at 16 KiB/s (7 s).
    proxy.rules.push((req, res) => matchPath(req, 'blobs') === layer.digest && trickle(res, layer.bytes, 4096, 100));
    const r = await timed(['--registry-timeout', '1', '--format', 'json', `${proxy.host}/team/slow:1`]);
    expect(r.stderr).toBe('');
    expect(r.seconds).toBeGreaterThan(1.5);
    expect(JSON.parse(r.stdout).images[0].stats.files).toBe(2);
  });
});

describe('--registry-timeout', () => {
  it('takes a number of seconds above 0', async () => {
    const r = await runCli(['--registry-timeout', '0', 'registry.example/app:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^elfscan: option '--registry-timeout <seconds>' argument '0' is invalid\. expects a number of seconds above 0\n/);
  });
});
