// Reads an image archive (docker save, oci-archive, or a plain root filesystem tar; plain, gzip or
// zstd) in ONE forward pass, as stdin needs: manifest.json usually comes after the layers, so the
// addon walks every entry that looks like a layer as it streams past (native/src/layer/
// outer_push.rs), keeps small JSON documents whole, and walks the same bytes as a root filesystem
// in case the archive holds no image metadata at all. Here the bytes of every layer named by a
// digest are hashed as they pass; at the end the archive's manifest decides which walked layers
// form which image. What is kept per layer is its records, never its bytes.

import { DigestCheck, isValidDigest } from '../digest.js';
import { ElfscanError, asReadError } from '../errors.js';
import { OUTER_KINDS, nativeError, outerScan, type LayerRecords, type OuterPushReport, type OuterStreamed } from '../native.js';
import type { ProgressMeter, Reading } from '../progress.js';
import { archiveBlobs, archiveNames, notADocument } from './archive-entries.js';
import type { ArchiveContents } from './archive-file.js';
import { digestOfPath } from './blob-json.js';
import type { BlobStore, LayerBlob } from './source.js';

/**
 * How much is still read after a plain archive's end-of-archive marker. What follows the marker
 * is never looked at (as Go's archive/tar stops there), but tar pads its output to whole records
 * (10 KiB by default, 1 MiB at `tar -b 2048`): a producer still writing its padding when elfscan
 * stopped reading would fail with EPIPE and fail a `set -o pipefail` pipeline. Past this, a
 * stream that goes on (`elfscan - < /dev/zero`) is left unread instead of being read forever.
 */
const TRAILER_MAX = 1 << 20;

/** `reading`: where the meter counts the input's bytes as they are read. */
export async function readArchive(input: AsyncIterable<Buffer>, where: string, meter: ProgressMeter, reading: Reading): Promise<ArchiveContents> {
  const h = outerScan.start();
  const count = reading.counted();
  const hashes = new Map<number, DigestCheck>();
  let bytes = 0;
  let ended: OuterStreamed;
  // Bytes read since a plain archive's end marker passed, or -1 before it.
  let trailing = -1;
  try {
    for await (const chunk of input) {
      count(chunk.length);
      if (trailing >= 0) {
        trailing += chunk.length;
        if (trailing >= TRAILER_MAX) break;
        continue;
      }
      const report = outerScan.push(h, chunk);
      if (report) passed(report, chunk, bytes, hashes, meter);
      bytes += chunk.length;
      if (report?.ended) trailing = 0;
    }
    ended = outerScan.end(h);
  } catch (e) {
    throw asReadError(nativeError(e, where), where);
  }
  reading.end();
  const rootfs = (): LayerBlob => ({ digest: null, verify: null, mediaType: null, size: bytes, where, bytes: { walked: { records: ended.rootfs, hashed: null } } });
  return { store: memoryStore(ended, hashes, where), asRootfs: rootfs };
}

/**
 * What one chunk carried: layer blobs' bytes to hash — a range of the stream inside this chunk
 * (which starts at stream offset `at`), or a copy when the archive itself is compressed — and
 * layers whose walk is done.
 */
function passed(r: OuterPushReport, chunk: Buffer, at: number, hashes: Map<number, DigestCheck>, meter: ProgressMeter): void {
  for (const [entry, path] of r.started) {
    const digest = digestOfPath(path);
    if (digest && isValidDigest(digest)) hashes.set(entry, new DigestCheck(digest));
  }
  for (const piece of r.pieces) {
    const check = hashes.get(piece[0]);
    if (!check) continue;
    check.update(piece.length === 2 ? piece[1] : chunk.subarray(piece[1] - at, piece[2] - at));
  }
  for (let i = 0; i < r.done.length; i++) meter.layerDone();
}

function memoryStore(ended: OuterStreamed, hashes: Map<number, DigestCheck>, where: string): BlobStore {
  const { entries } = ended;
  const { names, resolve } = archiveNames(entries, where);
  const documents = new Map<string, Buffer>();
  const layers = new Map<string, { records: LayerRecords | Error; size: number; hashed: string | null }>();
  // In archive order: a later entry of the same path wins.
  for (const [entry, bytes] of ended.documents) documents.set(entries.names[entry]!, bytes);
  for (const [entry, records] of ended.layers) {
    if (OUTER_KINDS[entries.meta[4 * entry + 3]!] !== 'layer') continue;
    const hashed = hashes.get(entry)?.digest() ?? null;
    layers.set(entries.names[entry]!, { records, size: entries.meta[4 * entry + 1]!, hashed });
  }
  return {
    where,
    has: async (path) => names.has(resolve(path)),
    async read(name) {
      const path = resolve(name);
      const doc = documents.get(path);
      if (doc) return doc;
      throw notADocument(where, path, names);
    },
    blob: archiveBlobs(where, resolve, (path) => {
      const walked = layers.get(path);
      return walked && { size: walked.size, bytes: { walked: { records: walked.records, hashed: walked.hashed } } };
    }),
  };
}
