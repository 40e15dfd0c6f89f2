// What an entry of an image archive (docker save, oci-archive) is — a small JSON document, a
// layer, or something else — decided by its path and its first bytes, the same way whether the
// archive streams past (archive-stream.ts) or is read at offsets (archive-file.ts).

/** Where image archives keep layers: OCI blobs, legacy "<id>/layer.tar", skopeo's "<hex>.tar". */
export const LAYER_PATH = /^(blobs\/[a-z0-9]+\/[a-f0-9]+|[^/]+\/layer\.tar|[^/]+\.tar(\.gz|\.zst)?)$/;
/** Small top-level files that describe the archive. */
export const DOCUMENT_PATH = /^([^/]+\.json|oci-layout|repositories|blobs\/[a-z0-9]+\/[a-f0-9]+)$/;
/** Bytes of an entry looked at to decide what it is. */
export const SNIFF_BYTES = 512;

export type EntryKind = 'document' | 'layer' | 'other';

/** Whether an entry's first bytes matter at all: only these paths can be documents or layers. */
export function mayMatter(path: string): boolean {
  return LAYER_PATH.test(path) || DOCUMENT_PATH.test(path);
}

/** `head`: the entry's first SNIFF_BYTES bytes (fewer only when it is shorter). */
export function entryKind(path: string, size: number, head: Buffer, maxDocument: number): EntryKind {
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  // '{', '[' or 'null' (Docker 25 may write index.json as null)
  if (DOCUMENT_PATH.test(path) && size <= maxDocument && (first === 0x7b || first === 0x5b || first === 0x6e)) return 'document';
  if (LAYER_PATH.test(path) && looksLikeLayer(head)) return 'layer';
  return 'other';
}

export function looksLikeLayer(head: Buffer): boolean {
  if (head.length >= 4 && head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return true;
  if (head.length >= 4 && (head.readUInt32LE(0) & 0xfffffff0) === 0x184d2a50) return true; // zstd skippable frame
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true;
  return head.length >= 512 && head.subarray(0, 1024).every((b) => b === 0); // an empty layer: just the end blocks
}

/** The archive path a link entry stands for: skopeo writes "<id>/layer.tar" as a symlink to "<hex>.tar". */
export function linkTarget(path: string, type: 'symlink' | 'hardlink', linkname: string, archivePath: (n: string) => string): string {
  const base = type === 'symlink' && path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  return archivePath(base + linkname);
}

/** Follows links between archive paths, at most a few hops. */
export function resolveLink(path: string, names: Set<string>, links: Map<string, string>): string {
  for (let i = 0; i < 8 && !names.has(path) && links.has(path); i++) path = links.get(path)!;
  return path;
}
