// Credentials for a registry, found where `docker login` put them: the Docker config file
// ($DOCKER_CONFIG/config.json or ~/.docker/config.json) with its auths, credHelpers and
// credsStore, the last two asked through `docker-credential-<name> get` as Docker does.

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ElfscanError } from '../../errors.js';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`docker login` with an identity provider, or a helper's "<token>"). */
  identityToken?: string;
}

interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Docker Hub's credentials live under its v1 index URL. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const HELPER_TIMEOUT_MS = 30_000;
const HELPER_OUTPUT_MAX = 1 << 16;

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(env.HOME || homedir(), '.docker', 'config.json');
}

/** Credentials for `domain` ("docker.io", "ghcr.io", "127.0.0.1:5000"), or null for anonymous. */
export async function findCredentials(domain: string, env: NodeJS.ProcessEnv, where: string): Promise<Credentials | null> {
  const path = dockerConfigPath(env);
  const config = await readConfig(path);
  if (!config) return null;
  const key = normalizeKey(domain);
  const helper = Object.entries(config.credHelpers ?? {}).find(([k]) => normalizeKey(k) === key)?.[1] ?? config.credsStore;
  if (helper) {
    const creds = await askHelper(helper, domain === DOCKER_HUB ? DOCKER_HUB_KEY : domain, env, where, path);
    if (creds) return creds;
  }
  const entry = Object.entries(config.auths ?? {}).find(([k]) => normalizeKey(k) === key)?.[1];
  if (!entry || typeof entry !== 'object') return null;
  const out: Credentials = {};
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = text.indexOf(':');
    if (i <= 0) throw new ElfscanError(path, `the auths entry for ${domain} is not base64 of "user:password"`);
    out.username = text.slice(0, i);
    out.password = text.slice(i + 1);
  } else if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    out.username = entry.username;
    out.password = entry.password;
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') out.identityToken = entry.identitytoken;
  return out.password !== undefined || out.identityToken !== undefined ? out : null;
}

async function readConfig(path: string): Promise<ConfigFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ElfscanError(path, `cannot be read (${code ?? String(e)})`);
  }
  try {
    const doc: unknown = JSON.parse(text);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
    return doc as ConfigFile;
  } catch {
    throw new ElfscanError(path, 'is not a valid Docker config file (not a JSON object)');
  }
}

/** "https://ghcr.io/v2/" → "ghcr.io"; every Docker Hub alias → "docker.io". */
function normalizeKey(key: string): string {
  const host = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** `docker-credential-<name> get` with the server URL on stdin (the credential helper protocol). */
function askHelper(name: string, serverUrl: string, env: NodeJS.ProcessEnv, where: string, configPath: string): Promise<Credentials | null> {
  const program = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new ElfscanError(configPath, `names an invalid credential helper "${name.slice(0, 60)}"`);
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ElfscanError(where, `credential helper ${program} did not answer within ${HELPER_TIMEOUT_MS / 1000} s`));
    }, HELPER_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= HELPER_OUTPUT_MAX) out.push(b);
    });
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new ElfscanError(where, `credential helper ${program} (named in ${configPath}) is not on PATH; install it or remove it from the config`)
          : new ElfscanError(where, `credential helper ${program} could not be run (${e.code ?? e.message})`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8');
      // The helper's output may hold the secret: it never goes into a message.
      if (code !== 0) {
        if (/credentials not found/i.test(text)) resolve(null);
        else reject(new ElfscanError(where, `credential helper ${program} failed (exit ${code})`));
        return;
      }
      try {
        const doc = JSON.parse(text) as { Username?: unknown; Secret?: unknown };
        if (typeof doc.Secret !== 'string' || doc.Secret === '') return resolve(null);
        if (doc.Username === '<token>') return resolve({ identityToken: doc.Secret });
        resolve({ username: typeof doc.Username === 'string' ? doc.Username : '', password: doc.Secret });
      } catch {
        reject(new ElfscanError(where, `credential helper ${program} answered with something that is not JSON`));
      }
    });
    child.stdin.end(serverUrl);
  });
}
