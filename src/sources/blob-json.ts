// Reading the small JSON documents of an image (index, manifest, config) with the checks that
// make a bad one a clear error instead of a TypeError deep in the pipeline.

import { DigestCheck, isValidDigest, mismatch } from '../digest.js';
import { ElfscanError } from '../errors.js';
import type { ImageConfig } from '../model.js';
import { limits, normalizePath } from '../native.js';
import type { BlobStore } from './source.js';

/** Files at or under this size are documents; anything bigger named as one is refused. */
export function maxDocumentBytes(): number {
  return limits().documentMax;
}

export function blobPath(digest: string, where: string): string {
  if (!isValidDigest(digest)) throw new ElfscanError(where, `invalid digest "${digest.slice(0, 80)}"`);
  const i = digest.indexOf(':');
  return `blobs/${digest.slice(0, i)}/${digest.slice(i + 1)}`;
}

/** The digest an archive path stands for ("blobs/sha256/<hex>" → "sha256:<hex>"), or null. */
export function digestOfPath(path: string): string | null {
  const m = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path);
  if (!m) return null;
  const d = `${m[1]}:${m[2]}`;
  return isValidDigest(d) ? d : null;
}

export function parseJson(bytes: Buffer, where: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ElfscanError(where, `${what} is not valid JSON`);
  }
}

/** Reads a JSON document by path; a blob path is also checked against its digest. */
export async function readJson(store: BlobStore, path: string, what: string): Promise<unknown> {
  const bytes = await store.read(path);
  const digest = digestOfPath(path);
  if (digest) {
    const check = new DigestCheck(digest);
    check.update(bytes);
    const got = check.digest();
    if (got !== digest) throw new ElfscanError(store.where, `${what} ${digest} does not match its digest ${mismatch(got)}`);
  }
  return parseJson(bytes, store.where, what);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asConfig(doc: unknown, where: string, what: string): ImageConfig {
  if (!isObject(doc)) throw new ElfscanError(where, `${what} is not an image config`);
  return doc as ImageConfig;
}

/** "./a/../b//c" → "b/c": archive-relative, as manifests name entries. */
export function archivePath(name: string): string {
  return normalizePath(name).slice(1);
}
