// Spec §7 redirects: a registry that needs credentials (htpasswd, behind proxy A) redirects blob
// downloads to a "pre-signed URL" host B that answers 400 when an Authorization header arrives,
// as S3 does. elfscan must send its credentials to A only, and never again once it has left A:
// not on A→B, not on B→B (Go's client once leaked them there), not even on B→A.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../helpers/image-builder.js';
import { matchPath, startProxy, type Proxy } from './helpers/fault-proxy.js';
import { arm64Image, arm64Summary, push } from './helpers/images.js';
import { startRegistry, type Registry } from './helpers/registry-server.js';

const USER = 'carol';
const PASS = 'carol-Redirect-pa55';
const SIGNATURE = 'X-Amz-Signature=0123456789abcdef-secret';
const REGISTRY_AUTH = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;

let registry: Registry;
let a: Proxy; // the registry's own host
let b: Proxy; // the pre-signed URL host
let env: NodeJS.ProcessEnv;

/** Serves the blob named in the path from the registry with the host's own credentials; 400 if the client sent any. */
function presigned(prefix: string) {
  return (req: IncomingMessage, res: ServerResponse, p: Proxy): boolean => {
    const m = new RegExp(`^/${prefix}/(sha256:[a-f0-9]{64})\\?${SIGNATURE}$`).exec(req.url ?? '');
    if (!m) return false;
    if (req.headers.authorization) {
      res.writeHead(400, { 'content-type': 'application/xml' });
      res.end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
      return true;
    }
    p.forward(req, res, { path: `/v2/team/api/blobs/${m[1]}`, headers: { authorization: REGISTRY_AUTH } });
    return true;
  };
}

function redirect(res: ServerResponse, location: string): boolean {
  res.writeHead(307, { location });
  res.end();
  return true;
}

beforeAll(async () => {
  registry = await startRegistry({ kind: 'htpasswd', users: { [USER]: PASS } });
  await push(arm64Image, `${registry.host}/team/api:1`, { creds: `${USER}:${PASS}` });
  a = await startProxy(registry.host);
  b = await startProxy(registry.host);
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [a.host]: { auth: Buffer.from(`${USER}:${PASS}`).toString('base64') } } }));
  env = { DOCKER_CONFIG: dir };
});

beforeEach(() => {
  for (const p of [a, b]) {
    p.rules.length = 0;
    p.log.length = 0;
  }
  b.rules.push(presigned('presigned'));
  a.rules.push(presigned('direct')); // A→B→A lands here: A's own path that must not see credentials again
});

/** A redirects every blob download to `first(digest)` (a URL on B). */
function redirectBlobsTo(first: (digest: string) => string) {
  a.rules.unshift((req, res) => {
    const digest = matchPath(req, 'blobs');
    return digest ? redirect(res, first(digest)) : false;
  });
}

async function expectScannedWithoutLeaks() {
  const r = await runCli([`${a.host}/team/api:1`, '--format', 'json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as { images: { stats: { layers: number; files: number; binaries: number } }[] };
  expect(report.images.map((i) => i.stats)).toEqual([{ ...arm64Summary.stats, bytesRead: expect.any(Number) }]);
  expect(r.stdout + r.stderr).not.toContain(SIGNATURE);
  // credentials went to A's registry API, and to nothing else
  const blobAsks = a.log.filter((l) => matchPath({ url: l.path } as IncomingMessage, 'blobs'));
  expect(blobAsks).toHaveLength(3);
  expect(blobAsks.every((l) => l.headers.authorization === REGISTRY_AUTH)).toBe(true);
  expect(b.log.length).toBeGreaterThanOrEqual(3);
  expect(b.log.filter((l) => l.headers.authorization)).toEqual([]);
  expect(a.log.filter((l) => l.path.startsWith('/direct/') && l.headers.authorization)).toEqual([]);
}

describe('blob redirects', () => {
  it('A→B: the pre-signed URL host gets no Authorization header', async () => {
    redirectBlobsTo((d) => `${b.origin}/presigned/${d}?${SIGNATURE}`);
    await expectScannedWithoutLeaks();
  });

  it('A→B→B: the credentials are not re-attached on the second hop within B', async () => {
    redirectBlobsTo((d) => `${b.origin}/hop/${d}`);
    b.rules.push((req, res) => {
      const m = /^\/hop\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
      return m ? redirect(res, `/presigned/${m[1]}?${SIGNATURE}`) : false;
    });
    await expectScannedWithoutLeaks();
    expect(b.log.filter((l) => l.path.startsWith('/hop/'))).toHaveLength(3);
  });

  it('A→B→A: once the redirects have left A, coming back to A does not bring the credentials back', async () => {
    redirectBlobsTo((d) => `${b.origin}/back/${d}`);
    b.rules.push((req, res) => {
      const m = /^\/back\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
      return m ? redirect(res, `${a.origin}/direct/${m[1]}?${SIGNATURE}`) : false;
    });
    await expectScannedWithoutLeaks();
    expect(a.log.filter((l) => l.path.startsWith('/direct/'))).toHaveLength(3);
  });

  it('a pre-signed host that refuses the download is a clear error naming only its host', async () => {
    redirectBlobsTo((d) => `${b.origin}/expired/${d}?${SIGNATURE}`);
    b.rules.unshift((req, res) => {
      if (!req.url?.startsWith('/expired/')) return false;
      res.writeHead(403);
      res.end();
      return true;
    });
    const r = await runCli([`${a.host}/team/api:1`], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`: blob sha256:[a-f0-9]{64} was redirected to ${b.host}, which answered HTTP 403\n$`));
    expect(r.stderr).not.toContain(SIGNATURE);
  });
});
