// An uncompressed image archive on disk (docker save, oci-archive, or a plain root filesystem
// tar), read at offsets instead of streamed: the native walker lists the outer entries and where
// their bodies start, reading headers only; the few entries that can be documents or layers are
// sniffed; documents are read when asked for, and each layer is scanned in place (layer-at.ts) —
// nested plain layers without reading their bodies, compressed ones with their layers spread over
// the cores. It presents the same BlobStore, with the same decisions and sentences, as the
// one-pass archive-stream.ts that stdin needs; test/fast-path checks the two give the same reports.

import { open } from 'node:fs/promises';
import { ElfscanError } from '../errors.js';
import type { LayerIndex } from '../model.js';
import { scanLayerAt } from '../layers/layer-at.js';
import { asReadError, walkerError } from '../layers/layer-scanner.js';
import { layerScanFile } from '../native.js';
import type { ProgressMeter } from '../progress.js';
import { SNIFF_BYTES, entryKind, linkTarget, mayMatter, resolveLink } from './archive-entries.js';
import type { ArchiveContents } from './archive-stream.js';
import { MAX_DOCUMENT_BYTES, archivePath, digestOfPath } from './blob-json.js';
import type { BlobStore } from './source.js';

/** Where an entry's body lies in the file. */
interface Body {
  offset: number;
  size: number;
}

const TYPES = ['file', 'hardlink', 'symlink', 'directory', 'other'] as const;

export async function readArchiveFile(file: string, where: string, size: number, meter: ProgressMeter): Promise<ArchiveContents> {
  let outer;
  try {
    outer = await layerScanFile(file, 0, size, 'outer');
  } catch (e) {
    throw walkerError(e, where);
  }
  const names = new Set<string>();
  const links = new Map<string, string>();
  const candidates: { path: string; body: Body }[] = [];
  let link = 0;
  for (let i = 0; i < outer.count; i++) {
    const type = TYPES[outer.meta[4 * i]!]!;
    const path = archivePath(outer.names[i]!);
    if (type === 'symlink' || type === 'hardlink') links.set(path, linkTarget(path, type, outer.links[link++]!, archivePath));
    if (type !== 'file') continue;
    names.add(path);
    if (mayMatter(path)) candidates.push({ path, body: { offset: outer.meta[4 * i + 3]!, size: outer.meta[4 * i + 2]! } });
  }
  const documents = new Map<string, Body>();
  const layerBodies = new Map<string, Body>();
  let fh;
  try {
    fh = await open(file, 'r');
    // In archive order, as the streaming pass decides: a later entry of the same path wins.
    for (const { path, body } of candidates) {
      const head = Buffer.alloc(Math.min(SNIFF_BYTES, body.size));
      const { bytesRead } = await fh.read(head, 0, head.length, body.offset);
      const kind = entryKind(path, body.size, head.subarray(0, bytesRead), MAX_DOCUMENT_BYTES);
      if (kind === 'document') documents.set(path, body);
      else if (kind === 'layer') layerBodies.set(path, body);
    }
  } catch (e) {
    throw asReadError(e, where);
  } finally {
    await fh?.close();
  }

  const resolve = (path: string) => resolveLink(path, names, links);
  const scanned = new Map<string, Promise<LayerIndex>>();
  const store: BlobStore = {
    where,
    has: async (path) => names.has(resolve(path)),
    async read(name) {
      const path = resolve(name);
      const doc = documents.get(path);
      if (!doc) throw new ElfscanError(where, names.has(path) ? `${path} is not a JSON document` : `${path} is missing from the archive`);
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
    size: async (name) => layerBodies.get(resolve(name))?.size ?? null,
    layer(name) {
      const path = resolve(name);
      let done = scanned.get(path);
      if (!done) {
        const body = layerBodies.get(path);
        if (!body) return Promise.reject(new ElfscanError(where, `layer ${digestOfPath(path) ?? path} is not a tar archive (plain, gzip or zstd)`));
        // As in the streaming pass, a blob is checked against the digest its path names.
        const digest = digestOfPath(path);
        const what = `${where}: layer ${digest ?? path}`;
        done = meter.layer(body.size, (reading) =>
          scanLayerAt({ file, start: body.offset, length: body.size, digest, where: what, verify: digest, reading }),
        );
        scanned.set(path, done);
      }
      return done;
    },
  };
  // Read while the source is opened: no manifest came to say what to expect.
  const asRootfs = () => {
    meter.opening(size, 1);
    return meter.layer(size, (reading) => scanLayerAt({ file, start: 0, length: size, digest: null, where, verify: null, reading }));
  };
  return { store, asRootfs };
}
