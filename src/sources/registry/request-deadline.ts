// How long one registry request may take. The idle timeout alone never ends a server that sends
// a byte every few seconds; this deadline does, and it grows with the response, so that a large
// layer on a slow link still arrives (docs/registry.md, "Timing").

import type { ClientRequest, IncomingMessage } from 'node:http';
import { ElfscanError } from '../../errors.js';

export const REQUEST_TIMEOUT_MS = 60_000;
/**
 * The slowest a response may average once its fixed time is spent: 16 KiB/s (128 kbit/s), below
 * any link a registry is pulled over, several layers at once included. A deadline that grows with
 * the size lets a 1 GB layer take 18 hours where it must, yet a server that trickles a byte
 * every few seconds (each one resetting the idle timeout) is cut off a minute after it started.
 */
export const MIN_BYTES_PER_SECOND = 16 * 1024;

export interface Deadline {
  /** The request in flight (a redirect makes a new one): the deadline ends it while it waits for headers. */
  request(req: ClientRequest): void;
  /** The final response: the deadline runs on until its body has been read or dropped. */
  body(res: IncomingMessage): void;
  cancel(): void;
}

/**
 * One request's deadline, redirects and body included: `fixedMs`, plus the time its bytes take
 * at MIN_BYTES_PER_SECOND — the bytes are Content-Length, or those received so far when the
 * length is not known. Past it the request ends with a sentence, not retried: a registry that
 * slow will not be faster on the next try. `what` ("GET /v2/…") never holds a query string,
 * where pre-signed URLs keep their secrets.
 */
export function deadline(fixedMs: number, where: string, what: string, host: string): Deadline {
  const started = Date.now();
  let stop: (e: Error) => void = () => undefined;
  let length: number | null = null;
  let received: (() => number) | null = null;
  let timer: NodeJS.Timeout | undefined;
  const dueAt = () => started + fixedMs + (Math.max(length ?? 0, received?.() ?? 0) * 1000) / MIN_BYTES_PER_SECOND;
  const check = () => {
    const left = dueAt() - Date.now();
    if (left > 0) return arm(left);
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const got = received === null ? 'got no answer' : `sent ${received()}${length ? ` of ${length}` : ''} bytes`;
    stop(new ElfscanError(where, `${host} is too slow: ${what} ${got} in ${seconds} s; for a slow link raise --registry-timeout`));
  };
  const cancel = () => clearTimeout(timer);
  // Unref'd: a response nobody reads any more must not keep the process alive until it is due.
  const arm = (ms: number) => {
    cancel();
    timer = setTimeout(check, Math.max(1, Math.ceil(ms))).unref();
  };
  arm(fixedMs);
  return {
    request(req) {
      stop = (e) => req.destroy(e);
      req.once('error', cancel);
    },
    body(res) {
      const declared = Number(res.headers['content-length']);
      length = Number.isFinite(declared) && declared > 0 ? declared : null;
      // The socket's count, not 'data' events: listening to those would start the body flowing
      // before its reader is there. Keep-alive sockets carry earlier requests' bytes: counted from here.
      const socket = res.socket;
      const before = socket?.bytesRead ?? 0;
      received = () => (socket ? socket.bytesRead - before : 0);
      stop = (e) => res.destroy(e);
      res.once('close', cancel);
      arm(dueAt() - Date.now());
    },
    cancel,
  };
}
