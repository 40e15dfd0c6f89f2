// Reads a whole tar through TarReader in chunks of a given size and records what came out, so
// tests can state an archive's expected entries once and check them for every chunking.

import { expect } from 'vitest';
import { createDecompressor } from '../../src/layers/decompress.js';
import { TarReader, type TarHeader } from '../../src/layers/tar-reader.js';

export interface ReadEntry extends TarHeader {
  /** The body as handed to the sink (copied), or null when the sink was declined. */
  body: Buffer | null;
  /** Whether the sink's end() was called. */
  ended: boolean;
}

export interface ReadResult {
  entries: ReadEntry[];
  /** The ElfscanError message, or null when push() and end() both succeeded. */
  error: string | null;
  errorName: string | null;
  bytesConsumed: number;
}

/** Chunk sizes every archive test is fed in (Infinity: one push). */
export const CHUNKINGS = [1, 7, 511, 512, 513, 4096, Infinity];

export function readTar(
  data: Buffer,
  chunk = Infinity,
  opts: { where?: string; wantBody?: (h: TarHeader) => boolean } = {},
): ReadResult {
  const entries: ReadEntry[] = [];
  const r = new TarReader((h) => {
    const e: ReadEntry = { ...h, body: null, ended: false };
    entries.push(e);
    if (opts.wantBody && !opts.wantBody(h)) return null;
    const parts: Buffer[] = [];
    return {
      data: (c) => parts.push(Buffer.from(c)), // copy: chunks may be views of the pushed buffer
      end: () => {
        e.body = Buffer.concat(parts);
        e.ended = true;
      },
    };
  }, opts.where ?? 'test.tar');
  let error: unknown = null;
  try {
    const step = Number.isFinite(chunk) ? chunk : Math.max(1, data.length);
    for (let i = 0; i < data.length; i += step) r.push(data.subarray(i, i + step));
    r.end();
  } catch (e) {
    error = e;
  }
  return outcome(entries, error, r.bytesConsumed);
}

/** Reads in every chunking, asserts all give the same entries and error, returns one result. */
export function readTarAllChunkings(data: Buffer, opts: Parameters<typeof readTar>[2] = {}): ReadResult {
  const whole = readTar(data, Infinity, opts);
  for (const size of CHUNKINGS) {
    if (!Number.isFinite(size)) continue;
    const r = readTar(data, size, opts);
    expect({ chunk: size, entries: r.entries, error: r.error }).toEqual({
      chunk: size,
      entries: whole.entries,
      error: whole.error,
    });
  }
  return whole;
}

/**
 * Reads a (possibly compressed) layer: createDecompressor → TarReader, writing `chunk` bytes at a
 * time. The error is whichever ElfscanError ended it, from either stage.
 */
export async function readLayer(data: Buffer, chunk = 65536, where = 'img.tar: layer sha256:abc'): Promise<ReadResult> {
  const entries: ReadEntry[] = [];
  const reader = new TarReader((h) => {
    const e: ReadEntry = { ...h, body: null, ended: false };
    entries.push(e);
    const parts: Buffer[] = [];
    return {
      data: (c) => parts.push(Buffer.from(c)),
      end: () => {
        e.body = Buffer.concat(parts);
        e.ended = true;
      },
    };
  }, where);
  const error = await feed(createDecompressor(reader, where), data, chunk);
  return outcome(entries, error, reader.bytesConsumed);
}

/** What a read came to: the entries seen, the error's sentence and name if any, the bytes taken. */
function outcome<E>(entries: E[], error: unknown, bytesConsumed: number) {
  return {
    entries,
    error: error === null ? null : (error as Error).message,
    errorName: error === null ? null : (error as Error).name,
    bytesConsumed,
  };
}

/** Writes `data` to a decompressor in `chunk`-byte pieces, draining as a real driver does; what end() or a write threw, or null. */
export async function feed(d: ReturnType<typeof createDecompressor>, data: Buffer, chunk: number): Promise<unknown> {
  try {
    for (let i = 0; i < data.length; i += chunk) {
      d.write(data.subarray(i, i + chunk));
      if (d.backlog > 4 << 20) await d.drain();
    }
    await d.end();
    return null;
  } catch (e) {
    return e;
  }
}
