// Standard input (and named pipes) in large chunks, without a buffer per read: `docker save IMAGE | elfscan -`
// streams gigabytes, and both the pipe's 64 KiB default and a fresh 1 MiB buffer per read (page
// faults) cost more than the scan of the bytes itself.

import { fstatSync, read } from 'node:fs';
import { open } from 'node:fs/promises';
import { isatty } from 'node:tty';
import { ElfscanError, asReadError } from '../errors.js';
import { widenPipe } from '../native.js';

/** Chunks this large are read at once. */
export const STDIN_CHUNK = 1 << 20;

/**
 * A pipe is widened to STDIN_CHUNK first (Linux), so that the producer and elfscan trade 1 MiB
 * per wake-up; a pipe or a file is read with plain reads on the thread pool (process.stdin would
 * switch the descriptor to non-blocking and hand out 64 KiB chunks); anything else goes through
 * process.stdin.
 */
export function stdinChunks(): AsyncIterable<Buffer> {
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return process.stdin;
  }
  if (!st.isFIFO() && !st.isFile()) return process.stdin;
  if (st.isFIFO()) widenPipe(0, STDIN_CHUNK);
  return reusedChunks(0);
}

/**
 * A named pipe or character device (`elfscan <(docker save app)`), read as stdin is. A terminal
 * is refused as stdin's is: it would wait for typing.
 */
export async function pathChunks(path: string): Promise<AsyncIterable<Buffer>> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw asReadError(e, path);
  }
  if (isatty(fh.fd)) {
    await fh.close();
    throw new ElfscanError(path, 'is a terminal; pipe an image into elfscan instead');
  }
  if (fstatSync(fh.fd).isFIFO()) widenPipe(fh.fd, STDIN_CHUNK);
  return closing(reusedChunks(fh.fd), () => fh.close());
}

async function* closing(chunks: AsyncGenerator<Buffer>, close: () => Promise<void>): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } finally {
    await close();
  }
}

/**
 * Reads `fd` into two buffers in turn: the next read runs while the consumer handles the last
 * chunk. A chunk is valid until the consumer asks for the next one — the contract of
 * Decompressor.write, whose backends copy what they keep.
 */
export async function* reusedChunks(fd: number, size = STDIN_CHUNK): AsyncGenerator<Buffer> {
  const bufs = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  const readInto = (b: Buffer) =>
    new Promise<number>((resolve, reject) => read(fd, b, 0, b.length, null, (e, n) => (e ? reject(e) : resolve(n))));
  let i = 0;
  let pending = readInto(bufs[0]!);
  for (;;) {
    const n = await pending;
    if (n === 0) return;
    const ready = bufs[i]!;
    i ^= 1;
    pending = readInto(bufs[i]!);
    pending.catch(() => undefined); // surfaced when awaited
    yield n === ready.length ? ready : ready.subarray(0, n);
  }
}
