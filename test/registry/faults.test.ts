// Spec §7 and §9 against a registry that misbehaves (a proxy in front of a real docker-registry):
// 429/5xx retried with backoff and Retry-After in both forms, a connection dropped mid-blob
// resumed with Range, bytes that do not match their digest refused, blob redirects to another
// host followed without the registry's credentials, an unknown manifest type refused. Waits go
// through a fake retry clock: each is recorded and passes at once, so backoff costs no time.

import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scan } from '../../src/index.js';
import { useRetryClock, type RetryClock } from '../../src/sources/registry/retry.js';
import { runCli, type CliResult } from '../cli/run-cli.js';
import { tempDir } from '../helpers/image-builder.js';
import { matchPath, startProxy, times, type Proxy } from './helpers/fault-proxy.js';
import { arm64Image, arm64Summary, push, summary } from './helpers/images.js';
import { startRegistry, type Registry } from './helpers/registry-server.js';

const ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

/** The manifest of repo:tag, read directly from the registry. */
function manifestOf(host: string, repo: string, tag: string, authorization?: string): Promise<{ digest: string; body: Buffer; layers: string[]; config: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: ACCEPT, ...(authorization ? { authorization } : {}) };
    http
      .get(`http://${host}/v2/${repo}/manifests/${tag}`, { headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const body = Buffer.concat(parts);
          const doc = JSON.parse(body.toString()) as { layers: { digest: string }[]; config: { digest: string } };
          resolve({ digest: String(res.headers['docker-content-digest']), body, layers: doc.layers.map((l) => l.digest), config: doc.config.digest });
        });
      })
      .on('error', reject);
  });
}

/** Every wait the scans asked for, in ms; virtual time moves by each. */
const waits: number[] = [];
let virtual = 0;
const clock: RetryClock = {
  now: () => Date.now() + virtual,
  sleep: async (ms) => {
    waits.push(ms);
    virtual += ms;
  },
};
beforeAll(() => void useRetryClock(clock));
afterAll(() => void useRetryClock(null));

let registry: Registry;
let proxy: Proxy;
let gz: Awaited<ReturnType<typeof manifestOf>>;
let raw: Awaited<ReturnType<typeof manifestOf>>;
const env = { DOCKER_CONFIG: tempDir() };

beforeAll(async () => {
  registry = await startRegistry();
  await Promise.all([push(arm64Image, `${registry.host}/team/api:1`), push(arm64Image, `${registry.host}/team/raw:1`, { layerCompression: 'none' })]);
  gz = await manifestOf(registry.host, 'team/api', '1');
  raw = await manifestOf(registry.host, 'team/raw', '1');
  proxy = await startProxy(registry.host);
});

beforeEach(() => {
  proxy.rules.length = 0;
  proxy.log.length = 0;
  waits.length = 0;
});

const answer = (res: http.ServerResponse, status: number, headers: Record<string, string> = {}, body = '') => {
  res.writeHead(status, headers);
  res.end(body);
  return true;
};

function expectFailed(r: CliResult, message: RegExp) {
  expect(r.stdout).toBe(''); // never a report that pretends the scan was complete
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
}

describe('retries', () => {
  it('429 then 200: waits the Retry-After seconds, then succeeds', async () => {
    proxy.rules.push(times(1, (req, res) => Boolean(matchPath(req, 'manifests', '1')) && answer(res, 429, { 'retry-after': '1' })));
    const report = await scan(`${proxy.host}/team/api:1`, { env });
    expect(summary(report)).toEqual([arm64Summary]);
    expect(proxy.log.filter((r) => r.method === 'HEAD')).toHaveLength(2);
    expect(waits).toEqual([1000]);
  });

  it('503 with Retry-After as an HTTP date: waits until that date', async () => {
    const layer = gz.layers[0]!;
    proxy.rules.push(times(1, (req, res) => matchPath(req, 'blobs') === layer && answer(res, 503, { 'retry-after': new Date(clock.now() + 2000).toUTCString() })));
    expect(summary(await scan(`${proxy.host}/team/api:1`, { env }))).toEqual([arm64Summary]);
    expect(proxy.log.filter((r) => r.path.endsWith(layer))).toHaveLength(2);
    // HTTP dates have whole seconds: "now + 2 s" truncated is 1 to 2 s away.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(950);
    expect(waits[0]).toBeLessThanOrEqual(2000);
  });

  it('502 twice with no Retry-After: backs off and succeeds', async () => {
    proxy.rules.push(times(2, (req, res) => matchPath(req, 'blobs') === gz.config && answer(res, 502)));
    expect(summary(await scan(`${proxy.host}/team/api:1`, { env }))).toEqual([arm64Summary]);
    expect(proxy.log.filter((r) => r.path.endsWith(gz.config))).toHaveLength(3);
    // Exponential, with jitter in the upper half of each window: 250 ms, then 500 ms.
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(125);
    expect(waits[0]).toBeLessThanOrEqual(250);
    expect(waits[1]).toBeGreaterThanOrEqual(250);
    expect(waits[1]).toBeLessThanOrEqual(500);
  });

  it('a Retry-After longer than a minute is not waited for', async () => {
    proxy.rules.push((req, res) => Boolean(matchPath(req, 'manifests')) && answer(res, 429, { 'retry-after': '120' }));
    expectFailed(await runCli([`${proxy.host}/team/api:1`], { env }), /the registry is rate limiting requests \(HTTP 429\), and it asks to retry after 120 s; try again later/);
  });

  it('5xx that never stops: gives up after the retries with one sentence', async () => {
    proxy.rules.push((req, res) => matchPath(req, 'blobs') === gz.layers[0] && answer(res, 500));
    expectFailed(await runCli([`${proxy.host}/team/api:1`], { env }), /the registry answered HTTP 500/);
    expect(proxy.log.filter((r) => r.path.endsWith(gz.layers[0]!))).toHaveLength(5);
    expect(waits).toHaveLength(4); // between the five tries
  });
});

describe('a connection dropped mid-blob', () => {
  const DROP_AT = 1500;

  it('is resumed with a Range request, and the digest still covers the whole blob', async () => {
    const layer = gz.layers[0]!;
    proxy.rules.push(times(1, (req, res, p) => matchPath(req, 'blobs') === layer && (p.forward(req, res, { dropAfter: DROP_AT }), true)));
    expect(summary(await scan(`${proxy.host}/team/api:1`, { env }))).toEqual([arm64Summary]);
    const gets = proxy.log.filter((r) => r.path.endsWith(layer));
    expect(gets).toHaveLength(2);
    expect(gets[0]!.headers.range).toBeUndefined();
    const start = Number(/^bytes=(\d+)-$/.exec(String(gets[1]!.headers.range))?.[1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThanOrEqual(DROP_AT);
  });

  it('is restarted and the bytes already seen skipped when the server ignores Range', async () => {
    const layer = gz.layers[0]!;
    proxy.rules.push(times(1, (req, res, p) => matchPath(req, 'blobs') === layer && (p.forward(req, res, { dropAfter: DROP_AT }), true)));
    proxy.rules.push((req, res, p) => matchPath(req, 'blobs') === layer && (p.forward(req, res, { stripRange: true }), true));
    expect(summary(await scan(`${proxy.host}/team/api:1`, { env }))).toEqual([arm64Summary]);
    expect(proxy.log.filter((r) => r.path.endsWith(layer))).toHaveLength(2);
  });

  it('that keeps dropping ends the scan with exit 2', async () => {
    const layer = gz.layers[0]!;
    proxy.rules.push((req, res, p) => matchPath(req, 'blobs') === layer && (p.forward(req, res, { dropAfter: 10, stripRange: true }), true));
    expectFailed(await runCli([`${proxy.host}/team/api:1`], { env }), new RegExp(`layer ${layer}: connection to ${proxy.host} failed \\(ECONNRESET\\)`));
  });
});

describe('digests', () => {
  it('a layer whose bytes do not match its digest ends the scan with exit 2, never a report', async () => {
    const [first, second] = raw.layers as [string, string];
    // valid tar bytes, but another layer's: only the digest check can notice
    proxy.rules.push((req, res, p) => matchPath(req, 'blobs') === first && (p.forward(req, res, { path: `/v2/team/raw/blobs/${second}` }), true));
    expectFailed(await runCli([`${proxy.host}/team/raw:1`], { env }), new RegExp(`: layer ${first}: content does not match its digest \\(got ${second.slice(0, 19)}…\\)`));
  });

  it('a failed layer stops the downloads of the other layers (none is left to hold the process)', async () => {
    const [first, second] = raw.layers as [string, string];
    let stalledClosed: Promise<void> | null = null;
    proxy.rules.push((req, res, p) => matchPath(req, 'blobs') === first && (p.forward(req, res, { path: `/v2/team/raw/blobs/${second}` }), true));
    proxy.rules.push((req, res) => {
      if (matchPath(req, 'blobs') !== second) return false;
      stalledClosed = new Promise((resolve) => res.on('close', resolve));
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(100)); // and then nothing: a stalled download
      return true;
    });
    expectFailed(await runCli([`${proxy.host}/team/raw:1`], { env }), /content does not match its digest/);
    expect(stalledClosed).not.toBeNull();
    const closedInTime = await Promise.race([stalledClosed!.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
    expect(closedInTime).toBe(true);
  });

  it('a manifest whose bytes do not match its digest', async () => {
    const tampered = Buffer.from(JSON.stringify(JSON.parse(raw.body.toString()), null, 2));
    proxy.rules.push((req, res) => matchPath(req, 'manifests') === raw.digest && answer(res, 200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, tampered.toString()));
    expectFailed(await runCli([`${proxy.host}/team/raw:1`], { env }), new RegExp(`manifest ${raw.digest} does not match its digest`));
  });

  it('an index naming a digest that is not one is refused before the digest becomes a URL', async () => {
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../../../v2/team/api/manifests/1', size: 10, platform: { os: 'linux', architecture: 'arm64' } }],
    });
    proxy.rules.push((req, res) => Boolean(matchPath(req, 'manifests', '1')) && answer(res, 200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }, req.method === 'HEAD' ? '' : index));
    expectFailed(await runCli([`${proxy.host}/team/api:1`], { env }), /team\/api:1: index sha256:[a-f0-9]{64} names an invalid digest "sha256:\.\.\/\.\.\/\.\.\/\.\.\/v2\/team\/api\/manifests\/1"\n$/);
    expect(proxy.log.map((l) => l.path)).toEqual(['/v2/', '/v2/team/api/manifests/1', '/v2/team/api/manifests/1']);
  });

  it('a manifest of an unknown media type', async () => {
    const schema1 = JSON.stringify({ schemaVersion: 1, name: 'team/api', tag: '1', fsLayers: [], history: [] });
    proxy.rules.push((req, res) => Boolean(matchPath(req, 'manifests', '1')) && answer(res, 200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, req.method === 'HEAD' ? '' : schema1));
    expectFailed(
      await runCli([`${proxy.host}/team/api:1`], { env }),
      /team\/api:1: the registry served a manifest of media type application\/vnd\.docker\.distribution\.manifest\.v1\+prettyjws, which is neither OCI nor Docker v2\n$/,
    );
  });
});
