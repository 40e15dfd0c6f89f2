// One layer's bytes (compressed or not) in, its LayerIndex out. The same push interface serves a
// layer nested in an outer archive and a layer blob read from disk or the network: the
// decompressor's plain tar goes straight into the native layer walker (native/src/layer/),
// whose one flat result per layer layer-entries.ts turns into LayerEntry records. It optionally
// checks the bytes against the digest the manifest names, since a mismatch must end the scan.

import { createHash, type Hash } from 'node:crypto';
import { ElfscanError } from '../errors.js';
import type { LayerIndex } from '../model.js';
import { layerScan, type LayerRecords } from '../native.js';
import { ZSTD_CLI_ARGS, createDecompressor, detectCompression, zstdDecoder, zstdFailure, type Decompressor } from './decompress.js';
import { LayerEntryCollector } from './layer-entries.js';
import { ZstdFrameWalker } from './zstd-frames.js';

/** Above this many queued compressed bytes the producer waits for the decompressor. */
export const BACKLOG_LIMIT = 4 << 20;

export interface LayerScanner {
  write(chunk: Buffer): void;
  readonly backlog: number;
  drain(): Promise<void>;
  /** Resolves with the layer's entries; rejects with ElfscanError on bad data or a digest mismatch. */
  end(): Promise<LayerIndex>;
}

/** A digest "sha256:<64 hex>" checked for syntax before it is ever used as a path or a hash name. */
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isValidDigest(d: string): boolean {
  return DIGEST.test(d);
}

/**
 * `verify`: the digest the bytes must hash to (compressed bytes, as stored), or null when the
 * source names none (legacy docker-save layer.tar files are named by id, not digest).
 */
export function createLayerScanner(digest: string | null, where: string, verify: string | null): LayerScanner {
  const hash: Hash | null = verify ? createHash(verify.slice(0, verify.indexOf(':'))) : null;
  let bytes = 0;
  // Chosen by the first bytes: gzip is inflated inside the addon (no JavaScript buffer per
  // chunk), anything else goes through the decompressor into the walker.
  let head: Buffer[] = [];
  let headLength = 0;
  let inner: { write(b: Buffer): void; backlog: number; drain(): Promise<void>; end(): Promise<LayerRecords> } | null = null;
  const choose = (first: Buffer) => {
    const compression = detectCompression(first);
    if (compression === 'gzip') inner = nativeGunzip(where);
    else if (compression === 'zstd' && zstdDecoder() === 'cli') inner = nativeZstdCommand(where);
    else {
      const tar = nativeTarSink(where);
      const d: Decompressor = createDecompressor(tar, where);
      inner = {
        write: (b) => d.write(b),
        get backlog() {
          return d.backlog;
        },
        drain: () => d.drain(),
        end: async () => {
          await d.end();
          return tar.records!;
        },
      };
    }
  };
  return {
    write(chunk) {
      bytes += chunk.length;
      hash?.update(chunk);
      if (inner === null) {
        head.push(Buffer.from(chunk)); // kept past the call: copy
        headLength += chunk.length;
        if (headLength < 4) return;
        const first = Buffer.concat(head, headLength);
        head = [];
        choose(first);
        inner!.write(first);
        return;
      }
      inner.write(chunk);
    },
    get backlog() {
      return inner?.backlog ?? 0;
    },
    drain: () => inner?.drain() ?? Promise.resolve(),
    async end() {
      if (inner === null) {
        const first = Buffer.concat(head, headLength);
        choose(first);
        if (first.length > 0) inner!.write(first);
      }
      const records = await inner!.end();
      if (hash && verify) {
        const got = `${verify.slice(0, verify.indexOf(':'))}:${hash.digest('hex')}`;
        if (got !== verify) throw new ElfscanError(where, `content does not match its digest (got ${got})`);
      }
      return layerIndex(digest, records, bytes);
    },
  };
}

/**
 * A zstd layer through `zstd -dc` whose output the addon reads into the walker on its own thread
 * (native/src/layer/command.rs CommandPushScan): only the compressed bytes pass through here, after the same
 * frame walker as the streaming decoders (its refusals and truncation rule come first).
 */
function nativeZstdCommand(where: string): { write(b: Buffer): void; backlog: number; drain(): Promise<void>; end(): Promise<LayerRecords> } {
  const handle = layerScan.startCommand(['zstd', ...ZSTD_CLI_ARGS]);
  let failure: unknown = null;
  let framed = false;
  const frames = new ZstdFrameWalker(where, {
    bytes: (c) => {
      framed = true;
      layerScan.push(handle, c);
    },
    frameEnd: () => undefined,
  });
  const stop = () => {
    try {
      layerScan.end(handle); // closes the command's input and waits for it; its verdict no longer matters
    } catch {
      // the frame walker's failure is the one reported
    }
  };
  return {
    write(b) {
      if (failure !== null) return;
      try {
        frames.feed(b);
      } catch (e) {
        failure = e instanceof ElfscanError ? e : new ElfscanError(where, `data is not valid zstd (${e instanceof Error ? e.message : String(e)})`);
        stop();
      }
    },
    backlog: 0,
    drain: () => (failure !== null ? Promise.reject(failure) : Promise.resolve()),
    async end() {
      if (failure !== null) throw failure;
      if (!frames.atBoundary()) {
        stop();
        throw new ElfscanError(where, 'zstd data is truncated');
      }
      if (!framed) {
        // Only skippable frames: an empty layer (zstd itself refuses empty input).
        stop();
        const empty = layerScan.start();
        return layerScan.end(empty);
      }
      try {
        return layerScan.end(handle);
      } catch (e) {
        if ((e as { code?: string } | null)?.code === 'ELFSCAN_DECODER') throw new ElfscanError(where, zstdFailure((e as Error).message));
        throw walkerError(e, where);
      }
    },
  };
}

/**
 * A gzip layer inflated and walked inside the addon, synchronously: no backlog. The first
 * failure is kept and thrown by end() (write never throws, as Decompressor.write).
 */
function nativeGunzip(where: string): { write(b: Buffer): void; backlog: number; drain(): Promise<void>; end(): Promise<LayerRecords> } {
  const handle = layerScan.start(true);
  let failure: unknown = null;
  return {
    write(b) {
      if (failure !== null) return;
      try {
        layerScan.push(handle, b);
      } catch (e) {
        failure = walkerError(e, where);
      }
    },
    backlog: 0,
    drain: () => (failure !== null ? Promise.reject(failure) : Promise.resolve()),
    async end() {
      if (failure !== null) throw failure;
      try {
        return layerScan.end(handle);
      } catch (e) {
        throw walkerError(e, where);
      }
    },
  };
}

/** The plain tar of a layer into the native walker; its sentences become ElfscanErrors naming `where`. */
export function nativeTarSink(where: string): { push(b: Buffer): void; end(): void; records: LayerRecords | null } {
  const handle = layerScan.start();
  const sink = {
    records: null as LayerRecords | null,
    push(b: Buffer): void {
      try {
        layerScan.push(handle, b);
      } catch (e) {
        throw walkerError(e, where);
      }
    },
    end(): void {
      try {
        sink.records = layerScan.end(handle);
      } catch (e) {
        throw walkerError(e, where);
      }
    },
  };
  return sink;
}

/** A native walker's failure as the one sentence the TypeScript tar reader would have said. */
export function walkerError(e: unknown, where: string): unknown {
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ELFSCAN_TAR' || code === 'ELFSCAN_GZIP') return new ElfscanError(where, (e as Error).message);
  if (code === 'ELFSCAN_IO') return new ElfscanError(where, `read failed: ${(e as Error).message}`);
  return e;
}

/** The walker's records as a LayerIndex. */
export function layerIndex(digest: string | null, records: LayerRecords, bytesRead: number): LayerIndex {
  const collector = new LayerEntryCollector(digest);
  collector.addRecords(records);
  return collector.finish(bytesRead);
}

/** Feeds a whole byte stream (file, HTTP body) to a new layer scanner, honouring backpressure. */
export async function scanLayerStream(
  input: AsyncIterable<Buffer>,
  digest: string | null,
  where: string,
  verify: string | null,
): Promise<LayerIndex> {
  const scanner = createLayerScanner(digest, where, verify);
  try {
    for await (const chunk of input) {
      scanner.write(chunk);
      if (scanner.backlog > BACKLOG_LIMIT) await scanner.drain();
    }
  } catch (e) {
    scanner.end().catch(() => undefined); // its own failure, if any, is less precise than the read error
    throw asReadError(e, where);
  }
  return scanner.end();
}

/** A failed read (EIO, a dropped connection) as one sentence naming the source. */
export function asReadError(e: unknown, where: string): ElfscanError {
  if (e instanceof ElfscanError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return new ElfscanError(where, `read failed${code ? ` (${code})` : ''}: ${(e as Error)?.message ?? String(e)}`);
}
