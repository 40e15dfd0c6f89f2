// Real registries for the tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 at a
// free port, with a temporary config and storage — open, htpasswd basic auth, or token auth.
// Everything started here is stopped in afterAll, so vitest exits cleanly.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { tempDir } from '../../helpers/image-builder.js';

const stoppers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stoppers.splice(0).map((stop) => stop()));
});

/** Registers something to stop after the file's tests. */
export function onCleanup(stop: () => Promise<void>): void {
  stoppers.push(stop);
}

/** A port nothing listens on right now (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Registry {
  /** "127.0.0.1:PORT" */
  host: string;
  port: number;
}

export type RegistryAuthConfig =
  | { kind: 'htpasswd'; users: Record<string, string> }
  | { kind: 'token'; realm: string; service: string; issuer: string; certPath: string };

export async function startRegistry(auth?: RegistryAuthConfig): Promise<Registry> {
  const dir = tempDir();
  const port = await freePort();
  let authYaml = '';
  if (auth?.kind === 'htpasswd') {
    const lines = Object.entries(auth.users).map(([user, pass]) => {
      const r = spawnSync('htpasswd', ['-Bbn', user, pass], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
      return r.stdout.trim();
    });
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: elfscan-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth?.kind === 'token') {
    authYaml = `auth:\n  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n    rootcertbundle: ${auth.certPath}\n`;
  }
  mkdirSync(join(dir, 'data'));
  const config = [
    'version: 0.1',
    'log:\n  level: error\n  accesslog:\n    disabled: true',
    `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true`,
    `http:\n  addr: 127.0.0.1:${port}\n  secret: elfscan-test-secret`,
    authYaml,
  ].join('\n');
  writeFileSync(join(dir, 'config.yml'), config);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  onCleanup(() => stopChild(child));
  await waitUntilServing(port, child, () => stderr);
  return { host: `127.0.0.1:${port}`, port };
}

async function waitUntilServing(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr()}`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/v2/', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not start on port ${port}: ${stderr()}`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops an http(s) server now, open keep-alive connections included. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A self-signed certificate made with openssl (for TLS servers and for signing registry tokens). */
export function makeCertificate(cn: string, altNames: string[] = []): { keyPath: string; certPath: string } {
  const dir = tempDir();
  const keyPath = join(dir, `${cn}.key`);
  const certPath = join(dir, `${cn}.crt`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${cn}`, '-days', '2'];
  if (altNames.length > 0) args.push('-addext', `subjectAltName=${altNames.join(',')}`);
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { keyPath, certPath };
}
