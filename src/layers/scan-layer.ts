// A layer blob in, its LayerIndex out: the one place that decides how a layer is read, from
// where its bytes are (src/sources/source.ts BlobBytes). A file range is walked in place on the
// thread pool — a plain tar at offsets, a gzip or zstd one decoded as it is read — while another
// pool thread hashes the range; a stream is pushed into the walker as it arrives and hashed on the
// way; a directory is read by the addon; a layer a streamed archive walked as it passed only has
// its records turned into entries. Every kind is checked against the digest that names it here;
// a file range's check may end after its walk, and the report waits for it (LayerRead).

import { checkDigest, DigestCheck, hashFileRange } from '../digest.js';
import { asReadError } from '../errors.js';
import type { LayerIndex } from '../model.js';
import { layerScan, layerScanDir, layerScanFile, nativeError, newProgressCounter, progressCounterValue, type LayerRecords, type ProgressCounter } from '../native.js';
import type { ProgressMeter, Reading } from '../progress.js';
import type { LayerBlob } from '../sources/source.js';
import { layerIndex } from './layer-index.js';
import { largestFirst } from './layer-order.js';

/**
 * A layer's entries, and the check of its digest, which may still be running: the overlay and
 * the rules need not wait for the last hash, the report does.
 */
export interface LayerRead {
  index: LayerIndex;
  /** Null when the check is done (or there is none). */
  verified: Promise<void> | null;
}

/** The layers of one scan, each read once however many images share it. */
export class LayerScans {
  private readonly done = new Map<LayerBlob, Promise<LayerRead>>();
  /** Aborted when a layer fails: the scan ends with that error, so the other downloads stop. */
  private readonly failed = new AbortController();

  constructor(private readonly meter: ProgressMeter) {}

  /**
   * An image's layers in manifest order, `concurrency` read at once, the largest first; `verified`
   * settles when every layer's digest is checked, and rejects with the first that does not match
   * (null: every check is done).
   */
  async image(blobs: LayerBlob[], concurrency: number): Promise<{ layers: LayerIndex[]; verified: Promise<void> | null }> {
    const reads = await largestFirst(blobs, concurrency, (b) => b.size ?? undefined, (b) => this.layer(b));
    const pending = reads.flatMap((r) => (r.verified ? [r.verified] : []));
    const verified = pending.length === 0 ? null : Promise.all(pending).then(() => undefined);
    verified?.catch(() => undefined); // awaited by the caller once the rules are done
    return { layers: reads.map((r) => r.index), verified };
  }

  layer(blob: LayerBlob): Promise<LayerRead> {
    let p = this.done.get(blob);
    if (!p) {
      // A layer walked while its stream was read was counted then.
      p = 'walked' in blob.bytes ? readLayer(blob, null) : this.meter.layer(blob.size, (reading) => readLayer(blob, reading, this.failed.signal));
      p.catch(() => this.failed.abort());
      this.done.set(blob, p);
    }
    return p;
  }
}

/** Reads one blob and checks its digest before answering (see readLayer). */
export async function scanLayer(blob: LayerBlob, reading: Reading | null, stop: AbortSignal = new AbortController().signal): Promise<LayerIndex> {
  const { index, verified } = await readLayer(blob, reading, stop);
  if (verified) await verified;
  return index;
}

/**
 * Reads one blob; `reading` hears how far its readers have got (null: nobody is counting); `stop`
 * ends a download early. A file range's digest is computed on another pool thread while the walk
 * runs and may finish after it: `verified` says when.
 */
async function readLayer(blob: LayerBlob, reading: Reading | null, stop: AbortSignal = new AbortController().signal): Promise<LayerRead> {
  const { bytes, where, verify } = blob;
  let records: LayerRecords;
  let length = blob.size ?? 0;
  let verified: Promise<void> | null = null;
  if ('walked' in bytes) {
    if (bytes.walked.records instanceof Error) throw nativeError(bytes.walked.records, where);
    records = bytes.walked.records;
    if (verify) checkDigest(bytes.walked.hashed ?? 'nothing: it was not hashed', verify, where);
  } else if ('range' in bytes) {
    ({ records, verified } = await inPlace(blob, bytes.range, reading));
    length = bytes.range.length;
  } else if ('directory' in bytes) {
    records = await walked(layerScanDir(bytes.directory, counter(reading)), where);
    length = 0; // no stored bytes: the files were read where they lie
  } else {
    const streamed = await pushed(blob, bytes.open(stop), reading);
    records = streamed.records;
    length = streamed.length;
  }
  return { index: layerIndex(blob.digest, records, length), verified };
}

/** The walk and, meanwhile, the digest of the same range, each on a thread of the pool. */
async function inPlace(blob: LayerBlob, { file, offset, length }: { file: string; offset: number; length: number }, reading: Reading | null): Promise<{ records: LayerRecords; verified: Promise<void> | null }> {
  const walk = layerScanFile(file, offset, length, counter(reading));
  const hash = blob.verify ? hashFileRange(file, offset, length, blob.verify, counter(reading)) : null;
  walk.catch(() => undefined);
  hash?.catch(() => undefined);
  // The walk's failure says more than the digest's: it is reported first.
  const records = await walked(walk, blob.where);
  const verified = hash && blob.verify ? digestOf(hash, blob.verify, blob.where) : null;
  verified?.catch(() => undefined); // awaited with the image's other layers (LayerScans.image)
  return { records, verified };
}

async function digestOf(hash: Promise<string>, verify: string, where: string): Promise<void> {
  let got;
  try {
    got = await hash;
  } catch (e) {
    throw asReadError(nativeError(e, where), where);
  }
  checkDigest(got, verify, where);
}

/** The stream into the walker, chunk by chunk, hashed on the way; it stops at the walker's first complaint. */
async function pushed(blob: LayerBlob, input: AsyncIterable<Buffer>, reading: Reading | null): Promise<{ records: LayerRecords; length: number }> {
  const { where, verify } = blob;
  const h = layerScan.start();
  const check = verify ? new DigestCheck(verify) : null;
  const count = reading?.counted();
  let length = 0;
  try {
    for await (const chunk of input) {
      length += chunk.length;
      count?.(chunk.length);
      check?.update(chunk);
      layerScan.push(h, chunk);
    }
  } catch (e) {
    try {
      layerScan.end(h);
    } catch {
      // the walker's verdict on a cut-off stream is not the news
    }
    throw asReadError(nativeError(e, where), where);
  }
  let records;
  try {
    records = layerScan.end(h);
  } catch (e) {
    throw nativeError(e, where);
  }
  if (check && verify) checkDigest(check.digest(), verify, where);
  return { records, length };
}

async function walked(walk: Promise<LayerRecords>, where: string): Promise<LayerRecords> {
  try {
    return await walk;
  } catch (e) {
    throw nativeError(e, where);
  }
}

/** A counter for a native walk, watched by `reading`. */
function counter(reading: Reading | null): ProgressCounter | undefined {
  if (!reading) return undefined;
  const c = newProgressCounter();
  reading.watch(() => progressCounterValue(c));
  return c;
}
