// Turns a layer's (or an archive's) bytes into plain tar bytes, choosing none/gzip/zstd by magic
// bytes only. gzip goes through node:zlib; zstd through fzstd (pure JS: Node 20's zlib has no
// zstd, and native bindings need a compiler or a download from GitHub at install time), behind a
// frame walker that bounds its memory and checks each frame's size and XXH64 checksum, which fzstd
// does not. Every failure reaches the caller as one ElfscanError.

import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { createGunzip, type Gunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { ElfscanError, isElfscanError } from '../errors.js';
import { Xxh64 } from './xxhash64.js';
import { ZstdFrameWalker } from './zstd-frames.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** By magic bytes only: gzip 1F 8B, zstd 28 B5 2F FD or a skippable frame 5? 2A 4D 18. */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4) {
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
    if ((head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  }
  return 'none';
}

export interface Decompressor {
  /**
   * Compressed (or plain) bytes, in order. Never throws for bad data: that surfaces in
   * drain()/end(). The chunk need only be valid during the call (the caller may reuse its
   * buffer, as the stdin reader does): what a backend keeps longer, it copies.
   */
  write(chunk: Buffer): void;
  /** Bytes accepted but not yet decompressed and pushed. */
  readonly backlog: number;
  /** Resolves when backlog is low (await it when backlog > ~4 MiB); rejects once the data failed. */
  drain(): Promise<void>;
  /**
   * Resolves after the last plain byte was pushed and out.end() was called; rejects with
   * ElfscanError on corrupt/truncated data or if out.push/out.end threw.
   */
  end(): Promise<void>;
  /** The failure, as soon as it is known (so a caller can stop feeding early); null while all is well. */
  readonly error: ElfscanError | null;
  /** What detection chose; null until enough bytes were written. */
  readonly compression: Compression | null;
}

export interface PlainSink {
  push(b: Buffer): void;
  end(): void;
}

/** Sniffs the first bytes written (buffered until >= 4 bytes or end) to choose none/gzip/zstd. */
export function createDecompressor(out: PlainSink, where: string): Decompressor {
  return new LayerDecompressor(out, where);
}

const GZIP_CHUNK = 1024 * 1024;
/** drain() resolves once the backlog is back under this. */
const LOW_WATER = 1024 * 1024;

interface Backend {
  write(chunk: Buffer): void;
  finish(): void;
  destroy(): void;
}

class LayerDecompressor implements Decompressor {
  backlog = 0;
  error: ElfscanError | null = null;
  compression: Compression | null = null;
  private head: Buffer[] = [];
  private headLength = 0;
  private backend: Backend | null = null;
  private ending: Promise<void> | null = null;
  private settle: { resolve(): void; reject(e: ElfscanError): void } | null = null;
  private waiters: { resolve(): void; reject(e: ElfscanError): void }[] = [];

  constructor(
    private readonly out: PlainSink,
    readonly where: string,
  ) {}

  write(chunk: Buffer): void {
    if (this.ending !== null) throw new Error('Decompressor.write() after end()');
    if (this.error !== null || chunk.length === 0) return;
    if (this.backend === null) {
      this.head.push(Buffer.from(chunk)); // kept past the call: copy (see write())
      this.headLength += chunk.length;
      if (this.headLength < 4) return;
      chunk = this.takeHead();
      this.choose(chunk);
    }
    this.backend!.write(chunk);
  }

  drain(): Promise<void> {
    if (this.error !== null) return Promise.reject(this.error);
    if (this.backlog <= LOW_WATER) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  end(): Promise<void> {
    if (this.ending === null) {
      this.ending = new Promise<void>((resolve, reject) => {
        if (this.error !== null) return reject(this.error);
        this.settle = { resolve, reject };
        if (this.backend === null) {
          const head = this.takeHead();
          this.choose(head);
          if (head.length > 0) this.backend!.write(head);
        }
        if (this.error === null) this.backend!.finish();
      });
    }
    return this.ending;
  }

  private takeHead(): Buffer {
    const head = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head, this.headLength);
    this.head = [];
    this.headLength = 0;
    return head;
  }

  private choose(head: Buffer): void {
    this.compression = detectCompression(head);
    if (this.compression === 'gzip') this.backend = new GzipBackend(this);
    else if (this.compression === 'zstd') this.backend = zstdBackend(this);
    else this.backend = new PlainBackend(this);
  }

  // ---- called by the backends ----

  push(b: Buffer): void {
    if (this.error !== null) return;
    try {
      this.out.push(b);
    } catch (e) {
      this.fail(e, null);
    }
  }

  /** All plain bytes were pushed: end the consumer and resolve end(). */
  done(): void {
    if (this.error !== null) return;
    try {
      this.out.end();
    } catch (e) {
      this.fail(e, null);
      return;
    }
    this.settle?.resolve();
  }

  processed(bytes: number): void {
    this.backlog -= bytes;
    if (this.backlog <= LOW_WATER && this.waiters.length > 0) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w.resolve();
    }
  }

  /** Records the first failure (as an ElfscanError), stops the backend, rejects every waiter. */
  fail(e: unknown, what: string | null): void {
    if (this.error !== null) return;
    this.error = what !== null ? new ElfscanError(this.where, what) : this.wrap(e);
    this.backend?.destroy();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(this.error);
    this.settle?.reject(this.error);
  }

  private wrap(e: unknown): ElfscanError {
    if (isElfscanError(e)) return e;
    const msg = e instanceof Error ? e.message : String(e);
    const err = new ElfscanError(this.where, `could not read the decompressed data (${msg})`);
    Object.defineProperty(err, 'cause', { value: e, enumerable: false });
    return err;
  }
}

class PlainBackend implements Backend {
  constructor(private readonly d: LayerDecompressor) {}
  write(chunk: Buffer): void {
    this.d.push(chunk);
  }
  finish(): void {
    this.d.done();
  }
  destroy(): void {}
}

class GzipBackend implements Backend {
  private readonly z: Gunzip;

  constructor(private readonly d: LayerDecompressor) {
    // zlib's gunzip reads concatenated members on its own; a large chunkSize matters (see bench/).
    this.z = createGunzip({ chunkSize: GZIP_CHUNK });
    this.z.on('data', (b: Buffer) => d.push(b));
    this.z.on('error', (e: NodeJS.ErrnoException) => {
      const truncated = e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message);
      d.fail(e, truncated ? 'gzip data is truncated' : `data is not valid gzip (${e.message})`);
    });
    this.z.on('end', () => d.done());
  }

  write(chunk: Buffer): void {
    this.d.backlog += chunk.length;
    // zlib reads it later, on the thread pool: copy (the caller may reuse its buffer).
    const copy = Buffer.from(chunk);
    this.z.write(copy, () => this.d.processed(copy.length));
  }

  finish(): void {
    this.z.end();
  }

  destroy(): void {
    this.z.destroy();
  }
}

const NO_BYTES = new Uint8Array(0);

class ZstdBackend implements Backend {
  private readonly walker: ZstdFrameWalker;
  /** One fzstd decoder per frame: flushing it at the frame's end makes its output complete. */
  private z: ZstdDecompress | null = null;
  private readonly hash = new Xxh64();
  private produced = 0;
  private dead = false;

  constructor(private readonly d: LayerDecompressor) {
    this.walker = new ZstdFrameWalker(d.where, {
      bytes: (c) => {
        if (this.dead) return;
        this.z ??= new ZstdDecompress(this.output);
        this.z.push(c);
      },
      frameEnd: (checksum, contentSize) => this.frameEnd(checksum, contentSize),
    });
  }

  private readonly output = (u8: Uint8Array): void => {
    if (u8.length === 0) return;
    this.produced += u8.length;
    if (this.walker.hasChecksum) this.hash.update(u8);
    this.d.push(Buffer.from(u8.buffer, u8.byteOffset, u8.length));
  };

  write(chunk: Buffer): void {
    if (this.dead) return;
    try {
      // fzstd may keep an incomplete block's bytes until the next push: copy.
      this.walker.feed(Buffer.from(chunk));
    } catch (e) {
      this.failed(e);
    }
  }

  finish(): void {
    if (this.dead) return;
    // Every frame was flushed and checked as it ended; only input ending mid-frame is left.
    if (!this.walker.atBoundary()) this.d.fail(null, 'zstd data is truncated');
    else this.d.done();
  }

  destroy(): void {
    this.dead = true;
  }

  private frameEnd(checksum: number, contentSize: number): void {
    if (this.dead) return;
    const z = this.z;
    this.z = null;
    z?.push(NO_BYTES, true);
    if (contentSize >= 0 && this.produced !== contentSize) {
      throw new ElfscanError(this.d.where, 'data is not valid zstd (a frame holds more or fewer bytes than it declares)');
    }
    if (checksum >= 0 && this.hash.digest32() !== checksum) {
      throw new ElfscanError(this.d.where, 'data is not valid zstd (content checksum mismatch)');
    }
    this.hash.reset();
    this.produced = 0;
  }

  private failed(e: unknown): void {
    if (isElfscanError(e)) return this.d.fail(e, null);
    // Truncation is the walker's call; anything fzstd (or a RangeError inside it) throws means
    // the frame contents are corrupt.
    const msg = e instanceof Error ? e.message : String(e);
    this.d.fail(e, `data is not valid zstd (${msg})`);
  }
}

/**
 * Which zstd decoder runs: Node's own (zlib.createZstdDecompress, Node ≥ 22.15) when present,
 * else the zstd CLI when it is on PATH (a child process: native speed, on another core), else
 * fzstd. ELFSCAN_ZSTD=js|cli|node forces one (tests use it to cover each). docs/tar-reader.md.
 */
export type ZstdDecoder = 'node' | 'cli' | 'js';

let chosen: ZstdDecoder | null = null;

export function zstdDecoder(): ZstdDecoder {
  if (chosen !== null) return chosen;
  const forced = process.env.ELFSCAN_ZSTD;
  const hasNode = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
  if (forced === 'js' || forced === 'cli' || forced === 'node') chosen = forced === 'node' && !hasNode ? 'js' : forced;
  else if (hasNode) chosen = 'node';
  else chosen = spawnSync('zstd', ['-V'], { stdio: 'ignore' }).status === 0 ? 'cli' : 'js';
  return chosen;
}

/** For tests: forget the choice (after changing ELFSCAN_ZSTD). */
export function resetZstdDecoder(): void {
  chosen = null;
}

function zstdBackend(d: LayerDecompressor): Backend {
  const which = zstdDecoder();
  if (which === 'js') return new ZstdBackend(d);
  return new ZstdStreamBackend(d, which);
}

type ZstdStream = { input: Writable; output: Readable; stop(): void };

/**
 * zstd through a native decoder (the CLI or Node's zlib), with the same frame walker in front:
 * the same refusals (window over 128 MiB, dictionaries, reserved bits) and the same truncation
 * rule as the fzstd path. The decoder itself checks every frame's checksum and declared size;
 * its complaints are worded as the fzstd path words them.
 */
class ZstdStreamBackend implements Backend {
  private readonly walker: ZstdFrameWalker;
  /** Started with the first frame's bytes: input of only skippable frames is an empty layer. */
  private z: ZstdStream | null = null;
  private stderr = '';
  private dead = false;

  constructor(
    private readonly d: LayerDecompressor,
    private readonly which: 'cli' | 'node',
  ) {
    this.walker = new ZstdFrameWalker(d.where, {
      bytes: (c) => {
        // The decoder reads it later: copy (the caller may reuse its buffer).
        const chunk = Buffer.from(c);
        this.d.backlog += chunk.length;
        (this.z ??= this.start()).input.write(chunk, () => this.d.processed(chunk.length));
      },
      frameEnd: () => undefined,
    });
  }

  private start(): ZstdStream {
    const d = this.d;
    const z = this.which === 'cli' ? cliStream((s) => (this.stderr += s)) : nodeStream();
    z.output.on('data', (b: Buffer) => {
      if (!this.dead) d.push(b);
    });
    z.input.on('error', () => undefined); // the exit status or the decoder's own error says why
    z.output.on('error', (e: Error) => this.decoderFailed(e.message));
    if (this.which === 'cli') {
      const child = (z as CliStream).child;
      child.on('close', (code) => {
        if (this.dead) return;
        if (code === 0) d.done();
        else this.decoderFailed(this.stderr);
      });
      child.on('error', (e) => this.decoderFailed(e.message));
    } else z.output.on('end', () => !this.dead && d.done());
    return z;
  }

  write(chunk: Buffer): void {
    if (this.dead) return;
    try {
      // The walker passes frame bytes on to the decoder as it validates their headers.
      this.walker.feed(chunk);
    } catch (e) {
      this.stop();
      if (isElfscanError(e)) this.d.fail(e, null);
      else this.d.fail(e, `data is not valid zstd (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  finish(): void {
    if (this.dead) return;
    if (!this.walker.atBoundary()) {
      this.stop();
      this.d.fail(null, 'zstd data is truncated');
      return;
    }
    if (this.z === null) this.d.done();
    else this.z.input.end();
  }

  destroy(): void {
    this.stop();
  }

  private stop(): void {
    this.dead = true;
    this.z?.stop();
  }

  private decoderFailed(message: string): void {
    if (this.dead) return;
    this.stop();
    this.d.fail(null, zstdFailure(message));
  }
}

/** A native zstd decoder's complaint, worded as the fzstd path words it. */
export function zstdFailure(message: string): string {
  const why = message.replace(/^.*?:\s*(Decoding error \(\d+\)\s*:\s*)?/s, '').trim().split('\n')[0] ?? '';
  if (/checksum/i.test(message)) return 'data is not valid zstd (content checksum mismatch)';
  if (/premature end|truncated|unexpected end/i.test(message)) return 'zstd data is truncated';
  return `data is not valid zstd (${why || 'the decoder refused it'})`;
}

/** The zstd CLI's arguments; --memory: zstd's own default limit, stated so a changed default cannot widen it. */
export const ZSTD_CLI_ARGS = ['-d', '-c', '-q', '--no-progress', '--memory=128MB'];

type CliStream = ZstdStream & { child: ChildProcessByStdio<Writable, Readable, Readable> };

function cliStream(onStderr: (s: string) => void): CliStream {
  const child = spawn('zstd', ZSTD_CLI_ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => onStderr(s));
  return {
    child,
    input: child.stdin,
    output: child.stdout,
    stop: () => {
      child.stdin.destroy();
      child.stdout.destroy();
      if (child.exitCode === null) child.kill();
    },
  };
}

function nodeStream(): ZstdStream {
  const create = (zlib as unknown as { createZstdDecompress(o: object): zlib.Gunzip }).createZstdDecompress;
  const z = create({ chunkSize: GZIP_CHUNK });
  return { input: z, output: z, stop: () => z.destroy() };
}
