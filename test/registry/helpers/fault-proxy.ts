// A programmable HTTP(S) proxy in front of a test registry, for what a healthy registry never
// does: answer 429/503 with Retry-After, drop a connection mid-blob, serve bytes that do not
// match their digest, redirect blobs to another host, or serve an unknown manifest type.
// Every request is logged (method, path, headers) so tests can assert what elfscan sent where.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { closeServer, onCleanup } from './registry-server.js';

export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface ForwardOptions {
  /** Ask the target for another path (e.g. another blob, for a digest mismatch). */
  path?: string;
  /** Drop the connection after this many body bytes. */
  dropAfter?: number;
  /** Forward without the Range header (a server that does not do ranges). */
  stripRange?: boolean;
  /** Headers replacing the client's (e.g. the pre-signed host's own registry credentials). */
  headers?: Record<string, string>;
}

/** Returns true when it answered the request itself. */
export type Rule = (req: IncomingMessage, res: ServerResponse, proxy: Proxy) => boolean | Promise<boolean>;

export interface Proxy {
  host: string;
  port: number;
  /** "http://127.0.0.1:PORT" */
  origin: string;
  log: LoggedRequest[];
  rules: Rule[];
  forward(req: IncomingMessage, res: ServerResponse, options?: ForwardOptions): void;
}

export async function startProxy(target: string, tls?: { keyPath: string; certPath: string }): Promise<Proxy> {
  const [targetHost, targetPort] = target.split(':');
  const proxy: Proxy = {
    host: '',
    port: 0,
    origin: '',
    log: [],
    rules: [],
    forward(req, res, options = {}) {
      const headers: IncomingHttpHeaders = { ...req.headers, host: target, ...options.headers };
      if (options.stripRange) delete headers.range;
      const up = http.request({ host: targetHost, port: Number(targetPort), method: req.method, path: options.path ?? req.url, headers, agent: false }, (upRes) => {
        const outHeaders = { ...upRes.headers };
        if (options.dropAfter !== undefined) delete outHeaders['transfer-encoding'];
        res.writeHead(upRes.statusCode ?? 502, outHeaders);
        if (options.dropAfter === undefined) return void upRes.pipe(res);
        let sent = 0;
        upRes.on('data', (chunk: Buffer) => {
          if (sent >= options.dropAfter!) return;
          const part = chunk.subarray(0, options.dropAfter! - sent);
          sent += part.length;
          if (sent >= options.dropAfter!) {
            upRes.destroy();
            res.write(part, () => res.socket?.destroy());
          } else res.write(part);
        });
      });
      up.on('error', () => res.socket?.destroy());
      req.pipe(up);
    },
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    proxy.log.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, at: Date.now() });
    for (const rule of proxy.rules) if (await rule(req, res, proxy)) return;
    proxy.forward(req, res);
  };
  const server = tls ? https.createServer({ key: readFileSync(tls.keyPath), cert: readFileSync(tls.certPath) }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => closeServer(server));
  proxy.port = (server.address() as { port: number }).port;
  proxy.host = `127.0.0.1:${proxy.port}`;
  proxy.origin = `${tls ? 'https' : 'http'}://${proxy.host}`;
  return proxy;
}

/** Matches GET/HEAD requests for blobs or manifests of a repository; the capture is the digest or tag. */
export function matchPath(req: IncomingMessage, kind: 'blobs' | 'manifests', reference?: string): string | null {
  const m = /^\/v2\/(.+)\/(blobs|manifests)\/([^/?]+)$/.exec(req.url ?? '');
  if (!m || m[2] !== kind) return null;
  if (reference !== undefined && m[3] !== reference) return null;
  return m[3]!;
}

/** Lets a rule fire a limited number of times, then steps aside. */
export function times(n: number, rule: Rule): Rule {
  let left = n;
  return async (req, res, proxy) => {
    if (left <= 0) return false;
    const handled = await rule(req, res, proxy);
    if (handled) left--;
    return handled;
  };
}
