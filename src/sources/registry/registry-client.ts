// The OCI distribution API calls elfscan needs — ping, manifest HEAD/GET, blob GET — on top of
// http.ts, with the scheme chosen as Docker chooses it, authorization from auth.ts, retries from
// retry.ts, every manifest checked against its digest, and HTTP statuses turned into sentences.

import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { ElfscanError } from '../../errors.js';
import { isValidDigest, mismatch } from '../../digest.js';
import { maxDocumentBytes } from '../blob-json.js';
import { RegistryAuth } from './auth.js';
import { isTlsFailure, readBody, send, type HttpOptions, type HttpResponse } from './http.js';
import { isLoopback, type Reference } from './reference.js';
import { isRetryableStatus, retryAfterMs, Retryable, withRetry } from './retry.js';

export interface RegistryOptions {
  /** --insecure-registry: allow plain HTTP and unverified TLS. */
  insecure?: boolean;
  /** Where DOCKER_CONFIG, HOME and PATH (for credential helpers) come from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Name resolution override (tests point names at 127.0.0.1). */
  lookup?: LookupFunction;
  idleTimeoutMs?: number;
  /** The fixed part of each request's deadline, to which its size at 16 KiB/s is added (request-deadline.ts). */
  requestTimeoutMs?: number;
}

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Manifest {
  bytes: Buffer;
  digest: string;
  /** The Content-Type the registry served it with, when it is specific (not application/json). */
  mediaType: string | null;
}

export class RegistryClient {
  readonly where: string;
  private readonly http: HttpOptions;
  private readonly auth: RegistryAuth;
  private readonly scope: string;
  private base: Promise<URL> | null = null;

  constructor(
    readonly ref: Reference,
    private readonly options: RegistryOptions = {},
  ) {
    this.where = ref.name;
    this.http = {
      insecure: Boolean(options.insecure),
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    };
    this.auth = new RegistryAuth(ref.domain, options.env ?? process.env, this.http, this.where);
    this.scope = `repository:${ref.repository}:pull`;
  }

  /** The tag's digest from a HEAD (which Docker Hub does not count as a pull), or null if the registry gives none. */
  async resolveTag(tag: string): Promise<string | null> {
    return this.request('HEAD', `manifests/${tag}`, { accept: MANIFEST_ACCEPT }, async (res) => {
      res.body.resume();
      const d = header(res, 'docker-content-digest');
      return res.status === 200 && d && isValidDigest(d) ? d : null;
    });
  }

  /** A manifest or index by tag or digest, checked against `expected` (or the digest the registry names). */
  async manifest(reference: string, expected: string | null): Promise<Manifest> {
    const what = expected ? `manifest ${expected}` : `tag ${reference}`;
    return this.request('GET', `manifests/${reference}`, { accept: MANIFEST_ACCEPT }, async (res) => {
      if (res.status !== 200) throw await this.statusError(res, what);
      const bytes = await readBody(res, maxDocumentBytes(), this.where, what);
      const named = header(res, 'docker-content-digest');
      const digest = expected ?? (named && isValidDigest(named) ? named : `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
      const alg = digest.slice(0, digest.indexOf(':'));
      const got = `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
      if (got !== digest) throw new ElfscanError(this.where, `manifest ${digest} does not match its digest ${mismatch(got)}`);
      const type = header(res, 'content-type')?.split(';')[0]!.trim().toLowerCase() ?? '';
      return { bytes, digest, mediaType: /^(application\/(json|octet-stream)|text\/plain)?$/.test(type) ? null : type };
    });
  }

  /** A small blob (an image config) whole; its digest is checked by the caller. */
  async blobBytes(digest: string): Promise<Buffer> {
    return this.request('GET', `blobs/${digest}`, {}, async (res) => {
      if (res.status !== 200) throw await this.statusError(res, `blob ${digest}`);
      return readBody(res, maxDocumentBytes(), this.where, `blob ${digest}`);
    });
  }

  /** A blob's response from byte `offset` on (206 when the server honours Range, else 200 from the start). */
  async openBlob(digest: string, offset: number): Promise<HttpResponse> {
    return this.request('GET', `blobs/${digest}`, offset > 0 ? { range: `bytes=${offset}-` } : {}, async (res) => {
      if (res.status === 200 || res.status === 206) return res;
      throw await this.statusError(res, `blob ${digest}`);
    });
  }

  /**
   * One API call under the retry policy: authorization (learning a challenge from a 401 once),
   * 429/5xx and dropped connections retried, and `consume` run inside the same try so that a
   * body broken mid-read is fetched again.
   */
  private request<T>(method: 'GET' | 'HEAD', path: string, headers: Record<string, string>, consume: (res: HttpResponse) => Promise<T>): Promise<T> {
    return withRetry(async () => {
      const url = new URL(`/v2/${this.ref.repository}/${path}`, await this.origin());
      const authorization = await this.auth.authorization(this.scope);
      let res = await send({ method, url, headers, authorization }, this.http, this.where);
      if (res.status === 401) {
        res.body.resume();
        this.auth.forget(this.scope);
        const again = this.auth.learn(res.headers['www-authenticate']) ? await this.auth.authorization(this.scope) : null;
        if (again !== null) res = await send({ method, url, headers, authorization: again }, this.http, this.where);
        if (res.status === 401) {
          res.body.resume();
          throw this.auth.denied(401);
        }
      }
      if (isRetryableStatus(res.status)) {
        res.body.resume();
        const what = res.status === 429 ? 'is rate limiting requests (HTTP 429)' : `answered HTTP ${res.status}`;
        throw new Retryable(new ElfscanError(this.where, `the registry ${what}`), retryAfterMs(res.headers['retry-after']));
      }
      return consume(res);
    });
  }

  /** The registry's base URL, found once: HTTPS, or plain HTTP for loopback hosts and --insecure-registry. */
  private origin(): Promise<URL> {
    this.base ??= this.ping();
    return this.base;
  }

  /** GET /v2/ as Docker does: picks the scheme and learns the registry's challenge before the first real call. */
  private async ping(): Promise<URL> {
    const hostname = new URL(`http://${this.ref.host}`).hostname;
    const schemes = this.options.insecure || isLoopback(hostname) ? ['https', 'http'] : ['https'];
    for (const [i, scheme] of schemes.entries()) {
      const base = new URL(`${scheme}://${this.ref.host}`);
      try {
        const res = await withRetry(async () => {
          const r = await send({ method: 'GET', url: new URL('/v2/', base) }, this.http, this.where);
          r.body.resume();
          if (isRetryableStatus(r.status))
            throw new Retryable(new ElfscanError(this.where, `the registry answered HTTP ${r.status} to GET /v2/`), retryAfterMs(r.headers['retry-after']));
          return r;
        });
        if (res.status === 401) this.auth.learn(res.headers['www-authenticate']);
        return base;
      } catch (e) {
        if (i + 1 < schemes.length && isTlsFailure(e)) continue;
        throw e;
      }
    }
    throw new Error('unreachable: no scheme to try');
  }

  /** The repository's tags (first page); null when the registry does not know the repository, undefined when it will not say. */
  private async tags(): Promise<string[] | null | undefined> {
    try {
      return await this.request('GET', 'tags/list', {}, async (res) => {
        if (res.status === 404) {
          res.body.resume();
          return null;
        }
        if (res.status !== 200) throw new Error('no tag list');
        const doc = JSON.parse((await readBody(res, 1 << 20, this.where, 'tag list')).toString('utf8')) as { tags?: unknown };
        return Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string').sort() : [];
      });
    } catch {
      return undefined; // no tag list to be had: say only that the tag is missing
    }
  }

  /** A non-success status as one sentence; the registry's error code tells a missing repository from a missing tag. */
  private async statusError(res: HttpResponse, what: string): Promise<ElfscanError> {
    let code = '';
    if (res.status === 404 && res.body.readable) {
      try {
        const doc = JSON.parse((await readBody(res, 1 << 16, this.where, 'error')).toString('utf8')) as { errors?: { code?: string }[] };
        code = doc.errors?.[0]?.code ?? '';
      } catch {
        // an error body that is not the registry's JSON: the status alone says enough
      }
    } else res.body.resume();
    if (res.url.host !== this.ref.host)
      return new ElfscanError(this.where, `${what} was redirected to ${res.url.host}, which answered HTTP ${res.status}`);
    const repo = `${this.ref.repository} on ${this.ref.domain}`;
    // "manifest sha256:…" of a reference by digest: the sentence's source names that digest already.
    const digest = what.split(' ')[1];
    if (digest && /^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest) && this.where.includes(digest)) what = what.split(' ')[0]!;
    if (res.status === 404 && code === 'NAME_UNKNOWN') return new ElfscanError(this.where, `repository ${repo} not found`);
    if (res.status === 404 && what.startsWith('tag ')) {
      // Registries answer MANIFEST_UNKNOWN for a missing repository too; the tag list tells them apart.
      const tags = await this.tags();
      if (tags === null) return new ElfscanError(this.where, `repository ${repo} not found`);
      if (tags === undefined) return new ElfscanError(this.where, `${what} not found in repository ${repo}`);
      const some = tags.length === 0 ? 'none' : tags.slice(0, 5).join(', ') + (tags.length > 5 ? ', …' : '');
      return new ElfscanError(this.where, `${what} not found in repository ${repo} (its tags: ${some})`);
    }
    if (res.status === 404) return new ElfscanError(this.where, `${what} not found in repository ${repo}`);
    if (res.status === 403) return new ElfscanError(this.where, `access to repository ${repo} is forbidden (HTTP 403)`);
    return new ElfscanError(this.where, `the registry answered HTTP ${res.status} for ${what}`);
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
