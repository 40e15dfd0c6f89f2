// How requests to one registry are authorized: the registry's WWW-Authenticate challenge says
// Basic or Bearer; Bearer tokens come from its realm (with the user's credentials, or anonymously
// for public repositories that still challenge) and are cached per scope until they expire.

import { ElfscanError } from '../../errors.js';
import { findCredentials, type Credentials } from './docker-config.js';
import { readBody, send, type HttpOptions, type HttpResponse } from './http.js';
import { isRetryableStatus, retryAfterMs, Retryable, withRetry } from './retry.js';

export interface Challenge {
  /** Lowercased: "bearer", "basic". */
  scheme: string;
  /** Lowercased keys: realm, service, scope, error. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/** Parses WWW-Authenticate (RFC 9110 §11.6.1): one or more challenges, each with auth-params. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const out: Challenge[] = [];
  for (const v of Array.isArray(header) ? header : header ? [header] : []) {
    let i = 0;
    let current: Challenge | null = null;
    const token = () => {
      const start = i;
      while (i < v.length && TOKEN_CHAR.test(v[i]!)) i++;
      return v.slice(start, i);
    };
    const spaces = () => {
      while (v[i] === ' ' || v[i] === '\t') i++;
    };
    while (i < v.length) {
      while (v[i] === ' ' || v[i] === '\t' || v[i] === ',') i++;
      const name = token();
      if (name === '') {
        i++; // a stray character: skip it rather than loop
        continue;
      }
      spaces();
      if (v[i] !== '=') {
        current = { scheme: name.toLowerCase(), params: {} };
        out.push(current);
        continue;
      }
      i++;
      spaces();
      let value = '';
      if (v[i] === '"') {
        for (i++; i < v.length && v[i] !== '"'; i++) value += v[i] === '\\' ? (v[++i] ?? '') : v[i];
        i++;
      } else {
        // RFC 9110 wants a token here; be lenient with unquoted URLs, as Docker is
        const start = i;
        while (i < v.length && v[i] !== ',' && v[i] !== ' ' && v[i] !== '\t') i++;
        value = v.slice(start, i);
      }
      if (current) current.params[name.toLowerCase()] = value;
    }
  }
  return out;
}

interface CachedToken {
  value: Promise<string>;
  expiresAt: number;
}

const MIN_TOKEN_LIFETIME_S = 60;
const TOKEN_RESPONSE_MAX = 1 << 20;

export class RegistryAuth {
  private challenge: Challenge | null = null;
  private credentials: Promise<Credentials | null> | null = null;
  private readonly tokens = new Map<string, CachedToken>();
  /** Whether any request carried the user's credentials (for the wording of a refusal). */
  usedCredentials = false;

  constructor(
    private readonly domain: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly http: HttpOptions,
    private readonly where: string,
  ) {}

  /** Remembers a challenge (from GET /v2/ or a 401); false when the header holds none we can answer. */
  learn(header: string | string[] | undefined): boolean {
    const all = parseChallenges(header);
    const c = all.find((x) => x.scheme === 'bearer') ?? all.find((x) => x.scheme === 'basic');
    if (c) this.challenge = c;
    return Boolean(c);
  }

  /** Drops the cached token for a scope the registry has just refused. */
  forget(scope: string): void {
    this.tokens.delete(scope);
  }

  /** The Authorization header for a request needing `scope` ("repository:team/api:pull"), or null. */
  async authorization(scope: string): Promise<string | null> {
    const c = this.challenge;
    if (c?.scheme === 'basic') {
      const creds = await this.creds();
      if (!creds?.username || creds.password === undefined) return null;
      this.usedCredentials = true;
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    if (c?.scheme !== 'bearer') return null;
    let cached = this.tokens.get(scope);
    if (!cached || cached.expiresAt < Date.now()) {
      const entry: CachedToken = { value: Promise.resolve(''), expiresAt: Infinity };
      entry.value = this.fetchToken(c, scope).then(({ token, lifetimeS }) => {
        entry.expiresAt = Date.now() + Math.max(MIN_TOKEN_LIFETIME_S, lifetimeS) * 1000 - 10_000;
        return token;
      });
      entry.value.catch(() => this.tokens.delete(scope));
      this.tokens.set(scope, entry);
      cached = entry;
    }
    return `Bearer ${await cached.value}`;
  }

  /** The error for a request still refused after authenticating. */
  denied(status: number): ElfscanError {
    return this.usedCredentials
      ? new ElfscanError(this.where, `access denied (HTTP ${status}): ${this.domain} refused the credentials from the Docker config, or they may not pull this repository`)
      : new ElfscanError(this.where, `access denied (HTTP ${status}): the repository does not exist or needs credentials; log in with docker login ${this.domain}`);
  }

  private creds(): Promise<Credentials | null> {
    return (this.credentials ??= findCredentials(this.domain, this.env, this.where));
  }

  private async fetchToken(c: Challenge, scope: string): Promise<{ token: string; lifetimeS: number }> {
    let realm: URL;
    try {
      realm = new URL(c.params.realm ?? '');
      if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error('not http');
    } catch {
      throw new ElfscanError(this.where, `${this.domain} asks for a Bearer token but names no usable token realm`);
    }
    const scopes = [scope, ...(c.params.scope?.split(' ') ?? [])].filter((s, i, all) => s && all.indexOf(s) === i);
    const creds = await this.creds();
    let res: HttpResponse | null = null;
    if (creds?.identityToken) res = await this.tokenRequest(realm, scopes, creds, 'POST');
    if (!res || res.status === 404 || res.status === 405) {
      res?.body.resume();
      res = await this.tokenRequest(realm, scopes, creds, 'GET');
    }
    const host = realm.host;
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      throw this.usedCredentials
        ? new ElfscanError(this.where, `the token server ${host} refused the credentials for ${this.domain} (HTTP ${res.status})`)
        : new ElfscanError(this.where, `the token server ${host} refused an anonymous token (HTTP ${res.status}); log in with docker login ${this.domain}`);
    }
    if (res.status !== 200) {
      res.body.resume();
      throw new ElfscanError(this.where, `the token server ${host} answered HTTP ${res.status}`);
    }
    const body = await readBody(res, TOKEN_RESPONSE_MAX, this.where, `the token from ${host}`);
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      throw new ElfscanError(this.where, `the token server ${host} answered with something that is not JSON`);
    }
    const token = typeof doc.token === 'string' && doc.token ? doc.token : typeof doc.access_token === 'string' ? doc.access_token : '';
    if (!token) throw new ElfscanError(this.where, `the token server ${host} answered without a token`);
    return { token, lifetimeS: typeof doc.expires_in === 'number' ? doc.expires_in : MIN_TOKEN_LIFETIME_S };
  }

  /** GET with Basic credentials (or none), or the OAuth2 refresh-token POST for identity tokens. */
  private tokenRequest(realm: URL, scopes: string[], creds: Credentials | null, method: 'GET' | 'POST'): Promise<HttpResponse> {
    const service = this.challenge?.params.service;
    const url = new URL(realm);
    let body: Buffer | undefined;
    let authorization: string | null = null;
    const headers: Record<string, string> = {};
    if (method === 'POST') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds!.identityToken!, client_id: 'elfscan' });
      if (service) form.set('service', service);
      form.set('scope', scopes.join(' '));
      body = Buffer.from(form.toString());
      headers['content-type'] = 'application/x-www-form-urlencoded';
      this.usedCredentials = true;
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds?.username && creds.password !== undefined) {
        url.searchParams.set('account', creds.username);
        authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
        this.usedCredentials = true;
      }
    }
    return withRetry(async () => {
      const res = await send({ method, url, headers, authorization, ...(body ? { body } : {}) }, this.http, this.where);
      if (isRetryableStatus(res.status)) {
        res.body.resume();
        throw new Retryable(new ElfscanError(this.where, `the token server ${realm.host} answered HTTP ${res.status}`), retryAfterMs(res.headers['retry-after']));
      }
      return res;
    });
  }
}
