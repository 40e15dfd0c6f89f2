// Walks zstd frame and block headers (never their contents) just ahead of the decoder, so that a
// frame asking for a window over 128 MiB or for a dictionary is refused before the decoder
// allocates for it, and so that input ending between frames can be told from a frame cut short.
// It hands the decoder whole zstd frames only (skippable frames, 0x184D2A50–5F, are dropped) and
// says where each frame ends, so the content checksum and size can be checked per frame.

import { ElfscanError } from '../errors.js';

/** zstd's own default decoding limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27). */
export const MAX_WINDOW = 1 << 27;
const MAX_BLOCK = 128 * 1024;

const W_MAGIC = 0; // collecting a frame's 4-byte magic
const W_SKIP_SIZE = 1; // collecting a skippable frame's 4-byte length
const W_FRAME_HEADER = 2; // collecting the rest of a zstd frame header
const W_BLOCK_HEADER = 3; // collecting a 3-byte block header
const W_CHECKSUM = 4; // collecting the 4-byte content checksum
const W_SKIP = 5; // skipping block contents or a skippable frame's payload

/** Where the walker sends the input, split at frame boundaries. */
export interface FrameSink {
  /** Bytes of zstd frames, in order; skippable frames are left out. */
  bytes(c: Uint8Array): void;
  /** A frame ended: its checksum (low 32 bits of XXH64) or -1, its declared content size or -1. */
  frameEnd(checksum: number, contentSize: number): void;
}

export class ZstdFrameWalker {
  private state = W_MAGIC;
  private readonly hdr = new Uint8Array(18);
  private fill = 0;
  private need = 4;
  private skip = 0;
  /** Skipping the payload of a skippable frame (rather than a block). */
  private skippable = false;
  private lastBlock = false;
  private checksum = false;
  private contentSize = -1;
  private offset = 0;
  private frameAt = 0;
  /** Start in the current chunk of bytes still to be sent to the sink, or -1 outside frames. */
  private seg = -1;
  private inFrame = false;

  constructor(
    private readonly where: string,
    private readonly sink: FrameSink,
  ) {}

  /** Whether the frame being read ends with a content checksum. */
  get hasChecksum(): boolean {
    return this.checksum;
  }

  /** True when the input so far ends exactly between frames. */
  atBoundary(): boolean {
    return this.state === W_MAGIC && this.fill === 0;
  }

  /** Throws ElfscanError on a frame this decoder must not or cannot decode. */
  feed(c: Uint8Array): void {
    const n = c.length;
    let p = 0;
    this.seg = this.inFrame ? 0 : -1;
    while (p < n) {
      if (this.state === W_SKIP) {
        const take = Math.min(this.skip, n - p);
        p += take;
        this.skip -= take;
        if (this.skip === 0) this.afterSkip(c, p);
        continue;
      }
      if (this.fill === 0 && this.state === W_MAGIC) this.frameAt = this.offset + p;
      while (this.fill < this.need && p < n) this.hdr[this.fill++] = c[p++]!;
      if (this.fill < this.need) break;
      this.headerComplete(c, p);
    }
    if (this.seg >= 0 && this.seg < n) this.sink.bytes(c.subarray(this.seg, n));
    this.offset += n;
  }

  private headerComplete(c: Uint8Array, p: number): void {
    const h = this.hdr;
    switch (this.state) {
      case W_MAGIC: {
        const magic = u32(h, 0);
        if (magic === 0xfd2fb528) {
          // The magic may have straddled chunks: send it from our copy, the rest from the chunk.
          this.sink.bytes(h.slice(0, 4));
          this.inFrame = true;
          this.seg = p;
          this.state = W_FRAME_HEADER;
          this.need = 5;
        } else if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) {
          this.state = W_SKIP_SIZE;
          this.fill = 0;
          this.need = 4;
        } else {
          throw this.invalid(`unknown frame type at offset ${this.frameAt}`);
        }
        return;
      }
      case W_SKIP_SIZE:
        this.skippable = true;
        this.startSkip(u32(h, 0), c, p);
        return;
      case W_FRAME_HEADER:
        this.frameHeader();
        return;
      case W_BLOCK_HEADER: {
        const v = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        this.lastBlock = (v & 1) === 1;
        const type = (v >> 1) & 3;
        const size = v >>> 3;
        if (type === 3) throw this.invalid(`reserved block type in the frame at offset ${this.frameAt}`);
        if (size > MAX_BLOCK) throw this.invalid(`block larger than 128 KiB in the frame at offset ${this.frameAt}`);
        this.skippable = false;
        this.startSkip(type === 1 ? 1 : size, c, p); // an RLE block stores one byte
        return;
      }
      case W_CHECKSUM:
        this.endFrame(u32(h, 0), c, p);
        return;
    }
  }

  private frameHeader(): void {
    const h = this.hdr;
    const fhd = h[4]!;
    if ((fhd & 0x08) !== 0) throw this.invalid(`reserved bit set in the frame at offset ${this.frameAt}`);
    const single = (fhd & 0x20) !== 0;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    const fcsFlag = fhd >> 6;
    const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : 1 << fcsFlag;
    const total = 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
    if (this.need < total) {
      this.need = total;
      return; // collect the rest of the header first
    }
    let at = 5;
    let window = 0;
    if (!single) {
      const wd = h[at++]!;
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    let dict = 0;
    for (let i = 0; i < dictBytes; i++) dict += h[at + i]! * 2 ** (8 * i);
    at += dictBytes;
    this.contentSize = -1;
    if (fcsBytes > 0) {
      let fcs = 0;
      for (let i = 0; i < fcsBytes; i++) fcs += h[at + i]! * 2 ** (8 * i);
      this.contentSize = fcsBytes === 2 ? fcs + 256 : fcs;
      if (single) window = this.contentSize;
    }
    if (dict !== 0) throw this.invalid(`the frame at offset ${this.frameAt} needs a dictionary`);
    if (window > MAX_WINDOW) {
      throw this.invalid(`the frame at offset ${this.frameAt} needs a window larger than 128 MiB`);
    }
    this.checksum = (fhd & 0x04) !== 0;
    this.state = W_BLOCK_HEADER;
    this.fill = 0;
    this.need = 3;
  }

  private startSkip(size: number, c: Uint8Array, p: number): void {
    this.fill = 0;
    this.skip = size;
    this.state = W_SKIP;
    if (size === 0) this.afterSkip(c, p);
  }

  private afterSkip(c: Uint8Array, p: number): void {
    this.fill = 0;
    if (this.skippable) {
      this.skippable = false;
      this.state = W_MAGIC;
      this.need = 4;
      // Nothing of a skippable frame goes to the sink.
      this.seg = -1;
    } else if (!this.lastBlock) {
      this.state = W_BLOCK_HEADER;
      this.need = 3;
    } else if (this.checksum) {
      this.state = W_CHECKSUM;
      this.need = 4;
    } else {
      this.endFrame(-1, c, p);
    }
  }

  private endFrame(checksum: number, c: Uint8Array, p: number): void {
    if (this.seg >= 0 && this.seg < p) this.sink.bytes(c.subarray(this.seg, p));
    this.seg = -1;
    this.inFrame = false;
    this.lastBlock = false;
    this.state = W_MAGIC;
    this.fill = 0;
    this.need = 4;
    this.sink.frameEnd(checksum, this.contentSize);
  }

  private invalid(why: string): ElfscanError {
    return new ElfscanError(this.where, `data is not valid zstd (${why})`);
  }
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
