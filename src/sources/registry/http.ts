// One HTTP exchange with redirects followed by hand, so that the registry's Authorization header
// goes to the registry's own host only and is never sent again once a redirect has left it
// (pre-signed blob URLs refuse a second credential; Go's client once leaked it on A→B→B).

import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { ElfscanError, tooLarge } from '../../errors.js';
import { VERSION } from '../../version.js';
import { isLoopback } from './reference.js';
import { Retryable } from './retry.js';
import { deadline, REQUEST_TIMEOUT_MS, type Deadline } from './request-deadline.js';

export interface HttpOptions {
  /** --insecure-registry: unverified TLS is accepted (plain HTTP is decided by the caller). */
  insecure: boolean;
  /** Name resolution (tests point names at 127.0.0.1); defaults to the system's. */
  lookup?: LookupFunction;
  /** A connection idle for this long is dropped (and retried): a stalled server never hangs a scan. */
  idleTimeoutMs?: number;
  /** The fixed part of every request's deadline (see `deadline`); REQUEST_TIMEOUT_MS by default. */
  requestTimeoutMs?: number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  /** Sent to `url`'s origin only, and never after a redirect has left that origin. */
  authorization?: string | null;
  body?: Buffer;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** Where the response came from after redirects. */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const IDLE_TIMEOUT_MS = 60_000;
const USER_AGENT = `elfscan/${VERSION}`;

// Keep-alive pools; Node unrefs idle sockets, so they never hold the process open.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 16 }),
  httpsUnverified: new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false }),
};

export async function send(req: HttpRequest, options: HttpOptions, where: string): Promise<HttpResponse> {
  const due = deadline(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, where, `${req.method} ${req.url.pathname}`, req.url.host);
  try {
    return await follow(req, options, where, due);
  } catch (e) {
    due.cancel();
    throw e;
  }
}

async function follow(req: HttpRequest, options: HttpOptions, where: string, due: Deadline): Promise<HttpResponse> {
  const origin = req.url.origin;
  let { url, method, body } = req;
  let left = false;
  for (let hop = 0; ; hop++) {
    if (url.origin !== origin) left = true;
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...req.headers };
    if (req.authorization && !left) headers.authorization = req.authorization;
    const res = await exchange(url, method, headers, body, options, where, due);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) {
      due.body(res);
      return { status: res.statusCode ?? 0, headers: res.headers, body: res, url };
    }
    res.resume();
    if (hop >= MAX_REDIRECTS) throw new ElfscanError(where, `${url.host} redirected more than ${MAX_REDIRECTS} times`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new ElfscanError(where, `${url.host} redirected to an invalid URL`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new ElfscanError(where, `${url.host} redirected to a ${next.protocol} URL`);
    if (res.statusCode === 303 || (method === 'POST' && res.statusCode !== 307 && res.statusCode !== 308)) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
    }
    url = next;
  }
}

function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  options: HttpOptions,
  where: string,
  due: Deadline,
): Promise<IncomingMessage> {
  const tls = url.protocol === 'https:';
  const unverified = tls && (options.insecure || isLoopback(url.hostname));
  const agent = !tls ? agents.http : unverified ? agents.httpsUnverified : agents.https;
  const mod = tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, agent, ...(options.lookup ? { lookup: options.lookup } : {}) },
      resolve,
    );
    req.setTimeout(options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(networkError(e, url, where)));
    due.request(req);
    req.end(body);
  });
}

const TLS_CODE = /^(?:EPROTO|ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A failed connection as one sentence naming the host (never a URL: pre-signed ones carry secrets). */
export function networkError(e: unknown, url: URL, where: string): ElfscanError | Retryable {
  if (e instanceof ElfscanError || e instanceof Retryable) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code ?? '';
  const host = url.host;
  if (code === 'ENOTFOUND') return new ElfscanError(where, `cannot resolve host ${url.hostname}`);
  if (code === 'ECONNREFUSED') return new ElfscanError(where, `connection to ${host} refused`);
  if (TLS_CODE.test(code))
    return new ElfscanError(where, `TLS connection to ${host} failed (${code}); if it serves plain HTTP or an untrusted certificate, pass --insecure-registry`);
  const error = new ElfscanError(where, `connection to ${host} failed (${code || (e as Error)?.message || 'unknown error'})`);
  return TRANSIENT.has(code) || code === '' ? new Retryable(error) : error;
}

/** True for the failure of a TLS handshake with a server that speaks plain HTTP (or bad TLS). */
export function isTlsFailure(e: unknown): boolean {
  const err = e instanceof Retryable ? e.error : e;
  return err instanceof ElfscanError && err.what.startsWith('TLS connection');
}

/** Reads a whole (small) body, refusing more than `max` bytes; a broken read is Retryable. */
export async function readBody(res: HttpResponse, max: number, where: string, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > max) {
    res.body.destroy();
    throw new ElfscanError(where, `${what} is ${tooLarge(declared, max)} for an image document`);
  }
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.body.destroy();
        throw new ElfscanError(where, `${what} is ${tooLarge(size, max, true)} for an image document`);
      }
      parts.push(chunk);
    }
  } catch (e) {
    throw networkError(e, res.url, where);
  }
  return Buffer.concat(parts);
}
