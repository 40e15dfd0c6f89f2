// Where credentials come from (spec §7): the Docker config's auths, credHelpers and credsStore,
// read as Docker reads them — and whatever goes wrong there, the secret is never in the message.

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfscanError } from '../../src/errors.js';
import { dockerConfigPath, findCredentials } from '../../src/sources/registry/docker-config.js';
import { tempDir } from '../helpers/image-builder.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function configDir(config: unknown): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

/** A helper program that prints `stdout` (with $server substituted) and exits with `code`. */
function helper(name: string, stdout: string, code = 0): string {
  const dir = tempDir();
  const path = join(dir, `docker-credential-${name}`);
  writeFileSync(path, `#!/bin/sh\nread -r server || true\nprintf '%s' "${stdout.replace(/"/g, '\\"')}" | sed "s|SERVER|$server|g"\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return `${dir}:${process.env.PATH}`;
}

async function rejection(p: Promise<unknown>): Promise<ElfscanError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ElfscanError);
  return e as ElfscanError;
}

describe('the Docker config file', () => {
  it('is $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc', HOME: '/home/u' })).toBe('/etc/dc/config.json');
    expect(dockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
  });
  it('missing means anonymous', async () => {
    expect(await findCredentials('ghcr.io', { DOCKER_CONFIG: tempDir() }, 'ghcr.io/o/r:1')).toBeNull();
  });
  it('Docker Hub credentials are found under https://index.docker.io/v1/', async () => {
    const env = { DOCKER_CONFIG: configDir({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass:with:colons') } } }) };
    expect(await findCredentials('docker.io', env, 'w')).toEqual({ username: 'hubuser', password: 'hub:pass:with:colons' });
    expect(await findCredentials('ghcr.io', env, 'w')).toBeNull();
  });
  it('plain username/password fields and identity tokens', async () => {
    const env = { DOCKER_CONFIG: configDir({ auths: { 'r.example': { username: 'u', password: 'p' }, 'i.example': { auth: '', identitytoken: 'refresh-1' } } }) };
    expect(await findCredentials('r.example', env, 'w')).toEqual({ username: 'u', password: 'p' });
    expect(await findCredentials('i.example', env, 'w')).toEqual({ identityToken: 'refresh-1' });
  });
  it('a config that is not JSON is an error naming the file', async () => {
    const dir = configDir('{"auths": ');
    const e = await rejection(findCredentials('r.example', { DOCKER_CONFIG: dir }, 'w'));
    expect(e.message).toBe(`${join(dir, 'config.json')}: is not a valid Docker config file (not a JSON object)`);
  });
  it('an auth value that is not base64 of user:password is an error without the value', async () => {
    const e = await rejection(findCredentials('r.example', { DOCKER_CONFIG: configDir({ auths: { 'r.example': { auth: b64('no-colon-secret') } } }) }, 'w'));
    expect(e.message).toMatch(/the auths entry for r\.example is not base64 of "user:password"$/);
    expect(e.message).not.toContain('no-colon-secret');
  });
});

describe('credential helpers', () => {
  it('are given the Docker Hub index URL for docker.io', async () => {
    const PATH = helper('echohub', '{"ServerURL":"SERVER","Username":"SERVER","Secret":"s"}');
    const creds = await findCredentials('docker.io', { DOCKER_CONFIG: configDir({ credsStore: 'echohub' }), PATH }, 'w');
    expect(creds).toEqual({ username: 'https://index.docker.io/v1/', password: 's' });
  });
  it('"credentials not found" falls back to the auths entry', async () => {
    const PATH = helper('empty', 'credentials not found in native keychain', 1);
    const env = { DOCKER_CONFIG: configDir({ credsStore: 'empty', auths: { 'r.example': { auth: b64('u:p') } } }), PATH };
    expect(await findCredentials('r.example', env, 'w')).toEqual({ username: 'u', password: 'p' });
  });
  it('a failing helper is an error that does not repeat what it printed', async () => {
    const PATH = helper('broken', 'oops the-helper-secret-123', 3);
    const e = await rejection(findCredentials('r.example', { DOCKER_CONFIG: configDir({ credHelpers: { 'r.example': 'broken' } }), PATH }, 'r.example/a:1'));
    expect(e.message).toBe('r.example/a:1: credential helper docker-credential-broken failed (exit 3)');
  });
  it('an answer that is not JSON is an error', async () => {
    const PATH = helper('garbled', 'Username=u Secret=the-helper-secret-456');
    const e = await rejection(findCredentials('r.example', { DOCKER_CONFIG: configDir({ credHelpers: { 'r.example': 'garbled' } }), PATH }, 'w'));
    expect(e.message).toBe('w: credential helper docker-credential-garbled answered with something that is not JSON');
  });
  it('a helper name that could be a path is refused before anything runs', async () => {
    const e = await rejection(findCredentials('r.example', { DOCKER_CONFIG: configDir({ credHelpers: { 'r.example': '../../bin/sh' } }) }, 'w'));
    expect(e.message).toMatch(/names an invalid credential helper/);
  });
});
