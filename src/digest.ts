// Digests ("sha256:<64 hex>", "sha512:<128 hex>"): checked for syntax before one becomes a path,
// a URL or a hash name ("sha256:../../x" in an OCI layout), and the one check of a blob's stored
// bytes against the digest that names it — whether the bytes were read from a file, downloaded,
// or passed by in a stream.

import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { ElfscanError } from './errors.js';

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isValidDigest(d: string): boolean {
  return DIGEST.test(d);
}

/** Bytes hashed with the algorithm `expected` names, to be compared with it at the end. */
export class DigestCheck {
  private readonly hash: Hash;
  private readonly algorithm: string;

  constructor(readonly expected: string) {
    this.algorithm = expected.slice(0, expected.indexOf(':'));
    this.hash = createHash(this.algorithm);
  }

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  /** "alg:hex" of the bytes given. */
  digest(): string {
    return `${this.algorithm}:${this.hash.digest('hex')}`;
  }
}

/** A mismatch must end the scan: never a report from bytes that are not what the manifest names. */
export function checkDigest(got: string, expected: string, where: string): void {
  if (got !== expected) throw new ElfscanError(where, `content does not match its digest (got ${got})`);
}

/** Chunks hashed at once from a file (1 MiB: as fast as 4, 10 MB less RSS). */
const HASH_CHUNK = 1 << 20;

/**
 * "alg:hex" of `[start, start + length)` of `file`, `expected`'s algorithm; `count` is told the
 * bytes as they are hashed. The next read runs on the thread pool while this one is hashed.
 */
export async function hashFileRange(file: string, start: number, length: number, expected: string, count: (n: number) => void): Promise<string> {
  const check = new DigestCheck(expected);
  const fh = await open(file, 'r');
  try {
    const bufs = [Buffer.allocUnsafe(HASH_CHUNK), Buffer.allocUnsafe(HASH_CHUNK)];
    let at = 0;
    let n = 0;
    let pending = fh.read(bufs[0]!, 0, Math.min(HASH_CHUNK, length), start);
    while (at < length) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const buf = bufs[n % 2]!;
      at += bytesRead;
      n++;
      if (at < length) pending = fh.read(bufs[n % 2]!, 0, Math.min(HASH_CHUNK, length - at), start + at);
      count(bytesRead);
      check.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return check.digest();
}
