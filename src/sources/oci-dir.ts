// An OCI image layout on disk: documents read whole (they are small), layer blobs handed out as
// the files they are, read in place (src/layers/scan-layer.ts), each checked against its digest.

import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ElfscanError, asReadError, tooLarge } from '../errors.js';
import { maxDocumentBytes } from './blob-json.js';
import type { BlobStore, LayerBlob } from './source.js';

export function ociDirStore(dir: string, where: string): BlobStore {
  // Paths come from blobPath()/fixed names, never from raw input: digests were validated first.
  const full = (path: string) => join(dir, path);
  const blobs = new Map<string, LayerBlob>();
  return {
    where,
    async has(path) {
      try {
        return (await stat(full(path))).isFile();
      } catch {
        return false;
      }
    },
    async read(path) {
      let fh;
      try {
        fh = await open(full(path), 'r');
        const { size } = await fh.stat();
        if (size > maxDocumentBytes()) throw new ElfscanError(where, `${path} is ${tooLarge(size, maxDocumentBytes())} for an image document`);
        return await fh.readFile();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ElfscanError(where, `${path} is missing from the layout`);
        throw asReadError(e, `${where}: ${path}`);
      } finally {
        await fh?.close();
      }
    },
    async blob(path, layer) {
      let blob = blobs.get(path);
      if (!blob) {
        const what = `${where}: layer ${layer.digest ?? path}`;
        let size;
        try {
          size = (await stat(full(path))).size;
        } catch (e) {
          throw asReadError(e, what);
        }
        blob = { ...layer, size, where: what, bytes: { range: { file: full(path), offset: 0, length: size } } };
        blobs.set(path, blob);
      }
      return blob;
    },
  };
}
