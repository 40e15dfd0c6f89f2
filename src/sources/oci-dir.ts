// An OCI image layout on disk: documents read whole (they are small), layer blobs streamed
// from their files straight into the layer scanner, each checked against its digest.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ElfscanError } from '../errors.js';
import { asReadError, scanLayerStream } from '../layers/layer-scanner.js';
import { MAX_DOCUMENT_BYTES } from './blob-json.js';
import type { BlobStore } from './source.js';

const READ_CHUNK = 1 << 20;

export function ociDirStore(dir: string, where: string): BlobStore {
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
        if (size > MAX_DOCUMENT_BYTES) throw new ElfscanError(where, `${path} is ${size} bytes, too large for an image document`);
        return await fh.readFile();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ElfscanError(where, `${path} is missing from the layout`);
        throw asReadError(e, `${where}: ${path}`);
      } finally {
        await fh?.close();
      }
    },
    layer(path, digest, verify) {
      const stream = createReadStream(full(path), { highWaterMark: READ_CHUNK });
      return scanLayerStream(stream, digest, `${where}: layer ${digest ?? path}`, verify);
    },
  };
}
