// A root filesystem directory as one layer: the addon lists the tree when the source is opened
// (never following a symbolic link, so nothing outside the directory is read; the sizes of its
// files are the progress bar's total) and reads it as a layer when it is scanned
// (src/layers/scan-layer.ts), by the same rules as a tar's entries. Nothing is written anywhere.

import { asReadError } from '../errors.js';
import { dirList, nativeError } from '../native.js';
import type { LayerBlob } from './source.js';

export async function rootfsDirBlob(dir: string, where: string): Promise<LayerBlob> {
  let listed;
  try {
    listed = await dirList(dir);
  } catch (e) {
    throw asReadError(nativeError(e, where), where);
  }
  // bytesRead stays 0: the files' bodies are not what was read.
  return { digest: null, verify: null, mediaType: null, size: listed.bytes, where, bytes: { directory: listed.listing } };
}
