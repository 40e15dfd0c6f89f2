// Digests ("sha256:<64 hex>", "sha512:<128 hex>"): checked for syntax before one becomes a path,
// a URL or a hash name ("sha256:../../x" in an OCI layout), and the one check of a blob's stored
// bytes against the digest that names it — whether the bytes were read from a file (hashed by
// the addon on the thread pool), downloaded, or passed by in a stream (hashed here as they pass).

import type { Hash } from 'node:crypto';
import { ElfscanError } from './errors.js';
import { hashFileRange as hashNative, type ProgressCounter } from './native.js';

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
    // Loaded when something is hashed here, not at start-up: node:crypto costs ~2.5 MB of RSS
    // and a few ms, and an archive without digests (docker save before 25) never needs it.
    this.hash = process.getBuiltinModule('node:crypto').createHash(this.algorithm);
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
  if (got !== expected) throw new ElfscanError(where, `content does not match its digest ${mismatch(got)}`);
}

/**
 * "(got sha256:34dfc6bb5a06…)": the digest the bytes have, as short as Docker's image IDs. The
 * expected digest, which names the blob, is the sentence's full one; two in full would not fit
 * the 200 characters of an exit-2 line, and both would be cut.
 */
export function mismatch(got: string): string {
  const i = got.indexOf(':');
  return `(got ${got.slice(0, i + 13)}…)`;
}

/**
 * "alg:hex" of `[start, start + length)` of `file`, `expected`'s algorithm, hashed on the thread
 * pool (beside the walk of the same range, on another core: issue 14); `counter` hears the
 * bytes hashed so far.
 */
export function hashFileRange(file: string, start: number, length: number, expected: string, counter?: ProgressCounter): Promise<string> {
  return hashNative(file, start, length, expected.slice(0, expected.indexOf(':')), counter);
}
