// An OCI image layout on disk: documents read whole (they are small), layer blobs scanned in
// place (layer-at.ts: plain ones walked at offsets, compressed ones streamed through their
// decompressor), each checked against its digest.

import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ElfscanError, tooLarge } from '../errors.js';
import { scanLayerAt } from '../layers/layer-at.js';
import { asReadError } from '../layers/layer-scanner.js';
import type { ProgressMeter } from '../progress.js';
import { MAX_DOCUMENT_BYTES } from './blob-json.js';
import type { BlobStore } from './source.js';

export function ociDirStore(dir: string, where: string, meter: ProgressMeter): BlobStore {
  // Paths come from blobPath()/fixed names, never from raw input: digests were validated first.
  const full = (path: string) => join(dir, path);
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
        if (size > MAX_DOCUMENT_BYTES) throw new ElfscanError(where, `${path} is ${tooLarge(size, MAX_DOCUMENT_BYTES)} for an image document`);
        return await fh.readFile();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ElfscanError(where, `${path} is missing from the layout`);
        throw asReadError(e, `${where}: ${path}`);
      } finally {
        await fh?.close();
      }
    },
    async layer(path, digest, verify) {
      const what = `${where}: layer ${digest ?? path}`;
      let size;
      try {
        size = (await stat(full(path))).size;
      } catch (e) {
        throw asReadError(e, what);
      }
      // Plain blobs are walked in place; compressed ones stream through their decompressor.
      return meter.layer(size, (reading) => scanLayerAt({ file: full(path), start: 0, length: size, digest, where: what, verify, reading }));
    },
  };
}
