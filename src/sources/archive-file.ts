// An uncompressed image archive on disk (docker save, oci-archive, or a plain root filesystem
// tar), read at offsets instead of streamed: the addon lists the outer entries, where their
// bodies start and what each is (a document, a layer, or neither: by its path and first bytes),
// reading headers only. Documents are read when asked for, and each layer is handed out as a
// file range, read in place. It presents the same BlobStore, with the same decisions and
// sentences, as the one-pass archive-stream.ts that stdin needs; test/fast-path checks the two
// give the same reports.

import { open } from 'node:fs/promises';
import { ElfscanError, asReadError } from '../errors.js';
import { OUTER_KINDS, nativeError, outerScanFile } from '../native.js';
import { ENTRY_TYPES, archiveBlobs, archiveNames, notADocument } from './archive-entries.js';
import type { BlobStore, LayerBlob } from './source.js';

/** Where an entry's body lies in the file. */
interface Body {
  offset: number;
  size: number;
}

export interface ArchiveContents {
  store: BlobStore;
  /** The archive read as a root filesystem (asked only when it holds no image metadata). */
  asRootfs: () => LayerBlob;
}

/** null when the file is compressed: it can only be streamed (archive-stream.ts). */
export async function readArchiveFile(file: string, where: string, size: number): Promise<ArchiveContents | null> {
  let outer;
  try {
    outer = await outerScanFile(file, 0, size);
  } catch (e) {
    throw nativeError(e, where);
  }
  if (outer === null) return null;
  const { names, resolve } = archiveNames(outer, where);
  const documents = new Map<string, Body>();
  const layerBodies = new Map<string, Body>();
  for (let i = 0; i < outer.count; i++) {
    if (ENTRY_TYPES[outer.meta[4 * i]!] !== 'file') continue;
    const path = outer.names[i]!;
    // In archive order, as the streaming pass decides: a later entry of the same path wins.
    const body = { offset: outer.meta[4 * i + 2]!, size: outer.meta[4 * i + 1]! };
    const kind = OUTER_KINDS[outer.meta[4 * i + 3]!];
    if (kind === 'document') documents.set(path, body);
    else if (kind === 'layer') layerBodies.set(path, body);
  }

  const store: BlobStore = {
    where,
    has: async (path) => names.has(resolve(path)),
    async read(name) {
      const path = resolve(name);
      const doc = documents.get(path);
      if (!doc) throw notADocument(where, path, names);
      let h;
      try {
        h = await open(file, 'r');
        const buf = Buffer.alloc(doc.size);
        const { bytesRead } = await h.read(buf, 0, doc.size, doc.offset);
        return buf.subarray(0, bytesRead);
      } catch (e) {
        throw asReadError(e, where);
      } finally {
        await h?.close();
      }
    },
    blob: archiveBlobs(where, resolve, (path) => {
      const body = layerBodies.get(path);
      return body && { size: body.size, bytes: { range: { file, offset: body.offset, length: body.size } } };
    }),
  };
  const asRootfs = (): LayerBlob => ({ digest: null, verify: null, mediaType: null, size, where, bytes: { range: { file, offset: 0, length: size } } });
  return { store, asRootfs };
}
