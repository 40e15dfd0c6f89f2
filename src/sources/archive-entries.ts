// What an image archive's two readers — at offsets (archive-file.ts) and streamed
// (archive-stream.ts) — share: links between its entries (skopeo writes "<id>/layer.tar" as a
// symlink to "<hex>.tar", so a manifest may name a path that is a link), and how a layer entry
// becomes a blob. Which entries are documents or layers the addon decides
// (native/src/layer/archive.rs), the same way for both.

import { ElfscanError, tooLarge } from '../errors.js';
import { archivePath, digestOfPath, maxDocumentBytes } from './blob-json.js';
import type { OuterRecords } from '../native.js';
import type { BlobBytes, BlobStore, LayerBlob } from './source.js';

/** The walker's type numbers (native/src/tar/header.rs EntryType). */
export const ENTRY_TYPES = ['file', 'hardlink', 'symlink', 'directory', 'other'] as const;

export interface ArchiveNames {
  /** Each regular file's path, with its size. */
  names: Map<string, number>;
  /** The path a name stands for, links followed. */
  resolve: (name: string) => string;
}

/** An outer archive's regular files by path; refuses an archive with no entry at all. */
export function archiveNames(r: OuterRecords, where: string): ArchiveNames {
  // Zeros (`elfscan - < /dev/zero`, a wiped disk image) read as a tar that ends where it begins:
  // nothing in it is an image, and scanning it as an empty root filesystem would pass it.
  if (r.count === 0) throw new ElfscanError(where, 'is not an image: an empty tar archive (it begins with the end-of-archive marker)');
  const names = new Map<string, number>();
  const links = new Map<string, string>();
  let link = 0;
  for (let i = 0; i < r.count; i++) {
    const type = ENTRY_TYPES[r.meta[4 * i]!]!;
    const path = r.names[i]!;
    if (type === 'symlink' || type === 'hardlink') links.set(path, linkTarget(path, type, r.links[link++]!));
    if (type === 'file') names.set(path, r.meta[4 * i + 1]!);
  }
  return { names, resolve: (name) => resolveLink(name, names, links) };
}

/**
 * Why the file at (already resolved) `path` cannot be read as a document: missing, or present
 * but too large to be kept whole (an image document over the limit is refused by its size, not
 * called "not JSON"), or not JSON.
 */
export function notADocument(where: string, path: string, names: ArchiveNames['names']): ElfscanError {
  const size = names.get(path);
  if (size === undefined) return new ElfscanError(where, `${path} is missing from the archive`);
  if (size > maxDocumentBytes()) return new ElfscanError(where, `${path} is ${tooLarge(size, maxDocumentBytes())} for an image document`);
  return new ElfscanError(where, `${path} is not a JSON document`);
}

/** The archive path a link entry stands for (a symlink's text is relative to its directory). */
export function linkTarget(path: string, type: 'symlink' | 'hardlink', linkname: string): string {
  const base = type === 'symlink' && path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  return archivePath(base + linkname);
}

/** Follows links between archive paths, at most a few hops. */
export function resolveLink(path: string, names: { has(path: string): boolean }, links: Map<string, string>): string {
  for (let i = 0; i < 8 && !names.has(path) && links.has(path); i++) path = links.get(path)!;
  return path;
}

/**
 * BlobStore.blob over an archive's layer entries: `find` says where the bytes of the entry at an
 * (already resolved) path are, or nothing when it is not a layer. A blob is checked against the
 * digest its path names, and is made once per path.
 */
export function archiveBlobs(where: string, resolve: (name: string) => string, find: (path: string) => { size: number; bytes: BlobBytes } | undefined): BlobStore['blob'] {
  const blobs = new Map<string, LayerBlob>();
  return async (name, layer) => {
    const path = resolve(name);
    let blob = blobs.get(path);
    if (!blob) {
      const found = find(path);
      if (!found) throw new ElfscanError(where, `layer ${digestOfPath(path) ?? path} is not a tar archive (plain, gzip or zstd)`);
      const verify = digestOfPath(path);
      blob = { ...layer, verify, size: found.size, where: `${where}: layer ${verify ?? path}`, bytes: found.bytes };
      blobs.set(path, blob);
    }
    return blob;
  };
}
