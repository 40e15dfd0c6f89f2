// A layer blob as one unbroken byte stream, whatever happens to the connection: a drop mid-blob
// is resumed with `Range: bytes=N-` (or, where the server ignores Range, by skipping the first
// N bytes of a fresh download), so the layer scanner — and the digest it checks — sees every
// byte exactly once. Nothing is written to disk.

import { ElfscanError } from '../../errors.js';
import { networkError } from './http.js';
import type { RegistryClient } from './registry-client.js';
import { backoffMs, RETRY_POLICY, Retryable, sleep } from './retry.js';

/** Progress this large since the last drop makes the next drop count as the first again. */
const PROGRESS_RESETS_DROPS = 1 << 20;

export async function* blobChunks(
  client: RegistryClient,
  digest: string,
  where: string,
  onBytes?: (n: number) => void,
  /** Aborted when another layer of the scan failed: the scan is over, stop downloading. */
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const cancelled = () => new ElfscanError(where, 'download cancelled because another layer failed');
  let offset = 0;
  let drops = 0;
  let offsetAtDrop = 0;
  for (;;) {
    if (signal?.aborted) throw cancelled();
    const res = await client.openBlob(digest, offset);
    let skip = 0;
    if (offset > 0) {
      const start = res.status === 206 ? rangeStart(res.headers['content-range']) : 0;
      if (start === null || start > offset) {
        res.body.destroy();
        throw new ElfscanError(where, `${res.url.host} answered the resumed download with an unusable Content-Range`);
      }
      skip = offset - start;
    }
    const length = Number(res.headers['content-length'] ?? NaN);
    let received = 0;
    const onAbort = () => res.body.destroy(cancelled()); // a stalled body would never see the flag
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const raw of res.body as AsyncIterable<Buffer>) {
        received += raw.length;
        let chunk = raw;
        if (skip > 0) {
          const n = Math.min(skip, chunk.length);
          skip -= n;
          chunk = chunk.subarray(n);
          if (chunk.length === 0) continue;
        }
        if (signal?.aborted) throw cancelled();
        offset += chunk.length;
        onBytes?.(chunk.length);
        yield chunk;
      }
      // A body that ends early without an error (no length framing) is a drop too.
      if (received < length || skip > 0) throw Object.assign(new Error('connection closed early'), { code: 'ECONNRESET' });
      return;
    } catch (e) {
      const err = networkError(e, res.url, where);
      if (!(err instanceof Retryable)) throw err;
      if (offset - offsetAtDrop >= PROGRESS_RESETS_DROPS) drops = 0;
      offsetAtDrop = offset;
      if (++drops >= RETRY_POLICY.attempts) throw err.error;
      await sleep(backoffMs(drops - 1));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** "bytes 100-199/200" → 100. */
function rangeStart(value: string | undefined): number | null {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value?.trim() ?? '');
  return m ? Number(m[1]) : null;
}
