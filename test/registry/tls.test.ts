// Spec §6: HTTPS unless --insecure-registry; loopback registries (127.0.0.0/8, localhost) may use
// plain HTTP or an unverified certificate without it, as in Docker. A non-loopback name is made
// by pointing "registry.test" at 127.0.0.1 with an injected resolver — no test leaves the machine.

import type { LookupFunction } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { ElfscanError, scan } from '../../src/index.js';
import { openRegistry } from '../../src/sources/registry/registry-source.js';
import { tempDir } from '../helpers/image-builder.js';
import { startProxy, type Proxy } from './helpers/fault-proxy.js';
import { arm64Image, arm64Summary, push, summary } from './helpers/images.js';
import { makeCertificate, startRegistry, type Registry } from './helpers/registry-server.js';

/** Resolves registry.test to 127.0.0.1 and nothing else (both callback shapes Node uses). */
const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (hostname !== 'registry.test') return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}) as unknown as LookupFunction;

let registry: Registry; // plain HTTP
let tls: Proxy; // HTTPS with a self-signed certificate, in front of the same registry
const env = { DOCKER_CONFIG: tempDir() };

beforeAll(async () => {
  registry = await startRegistry();
  await push(arm64Image, `${registry.host}/team/api:1`);
  tls = await startProxy(registry.host, makeCertificate('registry.test', ['DNS:registry.test', 'IP:127.0.0.1']));
});

async function layersOf(source: string, insecure: boolean): Promise<number> {
  const opened = await openRegistry(source, { lookup, env, insecure });
  return (await opened.images[0]!.layers()).length;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ElfscanError);
  return (e as ElfscanError).message;
}

describe('loopback registries', () => {
  it('speak HTTPS with a self-signed certificate without --insecure-registry', async () => {
    tls.log.length = 0;
    const report = await scan(`${tls.host}/team/api:1`, { env });
    expect(summary(report)).toEqual([arm64Summary]);
    expect(tls.log.length).toBeGreaterThan(0);
  });
  it('fall back to plain HTTP without --insecure-registry', async () => {
    expect(summary(await scan(`${registry.host}/team/api:1`, { env }))).toEqual([arm64Summary]);
  });
});

describe('other registries', () => {
  it('plain HTTP is refused without --insecure-registry, naming the option', async () => {
    const message = await errorOf(layersOf(`registry.test:${registry.port}/team/api:1`, false));
    expect(message).toMatch(new RegExp(`^registry\\.test:${registry.port}/team/api:1: TLS connection to registry\\.test:${registry.port} failed \\(\\w+\\); if it serves plain HTTP or an untrusted certificate, pass --insecure-registry$`));
  });
  it('plain HTTP works with --insecure-registry', async () => {
    expect(await layersOf(`registry.test:${registry.port}/team/api:1`, true)).toBe(2);
  });
  it('an untrusted certificate is refused without --insecure-registry', async () => {
    const message = await errorOf(layersOf(`registry.test:${tls.port}/team/api:1`, false));
    expect(message).toMatch(/TLS connection to registry\.test:\d+ failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\); .*--insecure-registry$/);
  });
  it('an untrusted certificate is accepted with --insecure-registry', async () => {
    tls.log.length = 0;
    expect(await layersOf(`registry.test:${tls.port}/team/api:1`, true)).toBe(2);
    expect(tls.log.some((l) => l.headers.host === `registry.test:${tls.port}`)).toBe(true);
  });
  it('a host that does not resolve', async () => {
    expect(await errorOf(layersOf('nowhere.test/team/api:1', false))).toBe('nowhere.test/team/api:1: cannot resolve host nowhere.test');
  });
});
