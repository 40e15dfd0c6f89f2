// Spec §7 authentication against real registries: htpasswd basic auth and token auth (with a
// token server written for the tests), credentials from a Docker config file — auths, identity
// tokens, credHelpers and credsStore through a real helper program on PATH. Credentials never
// appear in anything elfscan prints.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../cli/run-cli.js';
import { tempDir } from '../helpers/image-builder.js';
import { arm64Image, push } from './helpers/images.js';
import { startRegistry, type Registry } from './helpers/registry-server.js';
import { startTokenServer, type TokenServer } from './helpers/token-server.js';

const ALICE = { user: 'alice', pass: 'alice-S3cret-pa55' };
const BOB = { user: 'bob', pass: 'bob-T0ken-pa55' };
const REFRESH = 'bob-refresh-token-Zx81';
const WRONG = 'wrong-Pa55word-xyz';
const SECRETS = [ALICE.pass, BOB.pass, REFRESH, WRONG, Buffer.from(`${ALICE.user}:${ALICE.pass}`).toString('base64')];

let basic: Registry;
let tokenRegistry: Registry;
let tokens: TokenServer;

beforeAll(async () => {
  basic = await startRegistry({ kind: 'htpasswd', users: { [ALICE.user]: ALICE.pass } });
  tokens = await startTokenServer({ [BOB.user]: BOB.pass }, { [REFRESH]: BOB.user });
  tokenRegistry = await startRegistry({ kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, certPath: tokens.certPath });
  await Promise.all([
    push(arm64Image, `${basic.host}/team/api:1`, { creds: `${ALICE.user}:${ALICE.pass}` }),
    push(arm64Image, `${tokenRegistry.host}/team/private:1`, { creds: `${BOB.user}:${BOB.pass}` }),
    push(arm64Image, `${tokenRegistry.host}/public/app:1`, { creds: `${BOB.user}:${BOB.pass}` }),
  ]);
});

/** A Docker config directory holding `config`. */
function dockerConfig(config: unknown): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const auth = (user: string, pass: string) => ({ auth: Buffer.from(`${user}:${pass}`).toString('base64') });

async function scanWith(source: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const r = await runCli([source, '--format', 'json'], { env });
  for (const secret of SECRETS) expect(r.stdout + r.stderr).not.toContain(secret);
  return r;
}

/** Scanned completely: the arm64 image's one finding → exit 1, and nothing on stderr. */
function expectScanned(r: CliResult) {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as { images: { stats: { layers: number } }[] };
  expect(report.images.map((i) => i.stats.layers)).toEqual([2]);
}

function expectRefused(r: CliResult, message: RegExp) {
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
}

/** A docker-credential-<name> program on PATH that answers for `host` and logs what it was asked. */
function credentialHelper(name: string, host: string, user: string, secret: string): { path: string; asked: () => string[] } {
  const dir = tempDir();
  const log = join(dir, 'asked.log');
  writeFileSync(log, '');
  const script = join(dir, `docker-credential-${name}`);
  writeFileSync(
    script,
    `#!/bin/sh
[ "$1" = get ] || exit 3
read -r server || true
echo "$server" >> '${log}'
if [ "$server" = '${host}' ]; then
  printf '{"ServerURL":"%s","Username":"${user}","Secret":"${secret}"}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
`,
  );
  chmodSync(script, 0o755);
  return { path: `${dir}:${process.env.PATH}`, asked: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('basic auth (htpasswd registry)', () => {
  it('uses base64 credentials from $DOCKER_CONFIG/config.json', async () => {
    const env = { DOCKER_CONFIG: dockerConfig({ auths: { [basic.host]: auth(ALICE.user, ALICE.pass) } }) };
    expectScanned(await scanWith(`${basic.host}/team/api:1`, env));
  });
  it('finds an auths entry written as a URL, and reads ~/.docker/config.json when DOCKER_CONFIG is unset', async () => {
    const home = tempDir();
    const docker = dockerConfig({ auths: { [`https://${basic.host}/v2/`]: auth(ALICE.user, ALICE.pass) } });
    const { renameSync } = await import('node:fs');
    renameSync(docker, join(home, '.docker'));
    expectScanned(await scanWith(`${basic.host}/team/api:1`, { HOME: home }));
  });
  it('without credentials: access denied, with the docker login to run', async () => {
    const r = await scanWith(`${basic.host}/team/api:1`, { DOCKER_CONFIG: dockerConfig({}) });
    expectRefused(r, new RegExp(`access denied \\(HTTP 401\\): the repository does not exist or needs credentials; log in with docker login ${basic.host}\\n$`));
  });
  it('a wrong password: the credentials were refused (and are not printed)', async () => {
    const r = await scanWith(`${basic.host}/team/api:1`, { DOCKER_CONFIG: dockerConfig({ auths: { [basic.host]: auth(ALICE.user, WRONG) } }) });
    expectRefused(r, /access denied \(HTTP 401\): 127\.0\.0\.1:\d+ refused the credentials from the Docker config, or they may not pull this repository\n$/);
  });
  it('asks the credential helper named in credHelpers, with the registry host', async () => {
    const helper = credentialHelper('elfscantest', basic.host, ALICE.user, ALICE.pass);
    const env = { DOCKER_CONFIG: dockerConfig({ credHelpers: { [basic.host]: 'elfscantest' } }), PATH: helper.path };
    expectScanned(await scanWith(`${basic.host}/team/api:1`, env));
    expect(helper.asked()).toEqual([basic.host]);
  });
  it('asks the credsStore helper when no credHelpers entry names the host', async () => {
    const helper = credentialHelper('elfscanstore', basic.host, ALICE.user, ALICE.pass);
    const env = { DOCKER_CONFIG: dockerConfig({ credsStore: 'elfscanstore', credHelpers: { 'other.example': 'nope' }, auths: { [basic.host]: {} } }), PATH: helper.path };
    expectScanned(await scanWith(`${basic.host}/team/api:1`, env));
    expect(helper.asked()).toEqual([basic.host]);
  });
  it('a credential helper that is not installed is a clear error', async () => {
    const env = { DOCKER_CONFIG: dockerConfig({ credHelpers: { [basic.host]: 'elfscan-missing' } }), PATH: '/usr/bin:/bin' };
    expectRefused(await scanWith(`${basic.host}/team/api:1`, env), /credential helper docker-credential-elfscan-missing \(named in .*config\.json\) is not on PATH/);
  });
});

describe('token auth (Bearer from the registry challenge)', () => {
  const scopeRequests = (repo: string) => tokens.log.filter((l) => l.scopes.includes(`repository:${repo}:pull`));

  it('gets a token with the Docker config credentials, once per scope', async () => {
    tokens.log.length = 0;
    const env = { DOCKER_CONFIG: dockerConfig({ auths: { [tokenRegistry.host]: auth(BOB.user, BOB.pass) } }) };
    expectScanned(await scanWith(`${tokenRegistry.host}/team/private:1`, env));
    // HEAD + GET manifest + config + 2 layers, all with one token
    expect(scopeRequests('team/private')).toEqual([{ method: 'GET', scopes: ['repository:team/private:pull'], user: 'bob', grant: 'basic' }]);
  });
  it('gets an anonymous token for a public repository that still challenges', async () => {
    tokens.log.length = 0;
    expectScanned(await scanWith(`${tokenRegistry.host}/public/app:1`, { DOCKER_CONFIG: dockerConfig({}) }));
    expect(scopeRequests('public/app').map((l) => l.grant)).toEqual(['anonymous']);
  });
  it('a private repository without credentials: access denied', async () => {
    const r = await scanWith(`${tokenRegistry.host}/team/private:1`, { DOCKER_CONFIG: dockerConfig({}) });
    expectRefused(r, /access denied \(HTTP 401\): the repository does not exist or needs credentials; log in with docker login/);
  });
  it('an identity token is exchanged with the OAuth2 refresh-token grant', async () => {
    tokens.log.length = 0;
    const env = { DOCKER_CONFIG: dockerConfig({ auths: { [tokenRegistry.host]: { identitytoken: REFRESH } } }) };
    expectScanned(await scanWith(`${tokenRegistry.host}/team/private:1`, env));
    expect(scopeRequests('team/private')).toEqual([{ method: 'POST', scopes: ['repository:team/private:pull'], user: 'bob', grant: 'refresh_token' }]);
  });
  it('a helper answering "<token>" gives an identity token', async () => {
    tokens.log.length = 0;
    const helper = credentialHelper('elfscanoauth', tokenRegistry.host, '<token>', REFRESH);
    const env = { DOCKER_CONFIG: dockerConfig({ credHelpers: { [tokenRegistry.host]: 'elfscanoauth' } }), PATH: helper.path };
    expectScanned(await scanWith(`${tokenRegistry.host}/team/private:1`, env));
    expect(scopeRequests('team/private').map((l) => l.grant)).toEqual(['refresh_token']);
  });
  it('a wrong password: the token server refused the credentials', async () => {
    const env = { DOCKER_CONFIG: dockerConfig({ auths: { [tokenRegistry.host]: auth(BOB.user, WRONG) } }) };
    const r = await scanWith(`${tokenRegistry.host}/team/private:1`, env);
    expectRefused(r, /the token server 127\.0\.0\.1:\d+ refused the credentials for 127\.0\.0\.1:\d+ \(HTTP 401\)\n$/);
  });
});
