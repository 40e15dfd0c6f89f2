// XXH64 (seed 0), streaming: the content checksum zstd frames end with, so that tar-builder.ts can
// write stored-block frames with a checksum (and with a wrong one) that libzstd then checks.
// 64-bit arithmetic is done in 32-bit halves; BigInt is far too slow.

const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;
const TWO32 = 4294967296;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// Result registers of the helpers below (avoids allocating a pair per operation).
let H = 0;
let L = 0;

function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33, exact
  const lo = a0 * b0 + (mid & 0xffff) * 65536; // < 2^33
  const hi = a1 * b1 + Math.floor(mid / 65536) + Math.floor(lo / TWO32);
  L = lo >>> 0;
  H = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  L = lo >>> 0;
  H = (ah + bh + (lo >= TWO32 ? 1 : 0)) >>> 0;
}

/** Rotate left by r (0 < r < 32). */
function rotl(h: number, l: number, r: number): void {
  H = ((h << r) | (l >>> (32 - r))) >>> 0;
  L = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + input * P2, 31) * P1 */
function round(ah: number, al: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(ah, al, H, L);
  rotl(H, L, 31);
  mul(H, L, P1H, P1L);
}

// The constants' low halves split in 16-bit parts, for the hot loop below.
const P1L0 = P1L & 0xffff, P1L1 = P1L >>> 16;
const P2L0 = P2L & 0xffff, P2L1 = P2L >>> 16;

/**
 * round() on accumulator v[i], v[i+1], written out with locals only: this is the hot loop, and
 * going through the shared result registers costs about 3x.
 */
function lane(v: Uint32Array, i: number, ih: number, il: number): void {
  // p = input * P2
  let a0 = il & 0xffff;
  let a1 = il >>> 16;
  let mid = a0 * P2L1 + a1 * P2L0;
  let lo = a0 * P2L0 + (mid & 0xffff) * 65536;
  let hi = a1 * P2L1 + Math.floor(mid / 65536) + Math.floor(lo / TWO32);
  const pl = lo >>> 0;
  const ph = (hi + Math.imul(ih, P2L) + Math.imul(il, P2H)) >>> 0;
  // s = acc + p
  const sum = v[i + 1]! + pl;
  const sl = sum >>> 0;
  const sh = (v[i]! + ph + (sum >= TWO32 ? 1 : 0)) >>> 0;
  // r = rotl(s, 31)
  const rh = ((sh << 31) | (sl >>> 1)) >>> 0;
  const rl = ((sl << 31) | (sh >>> 1)) >>> 0;
  // acc = r * P1
  a0 = rl & 0xffff;
  a1 = rl >>> 16;
  mid = a0 * P1L1 + a1 * P1L0;
  lo = a0 * P1L0 + (mid & 0xffff) * 65536;
  hi = a1 * P1L1 + Math.floor(mid / 65536) + Math.floor(lo / TWO32);
  v[i + 1] = lo;
  v[i] = hi + Math.imul(rh, P1L) + Math.imul(rl, P1H);
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

export class Xxh64 {
  private readonly v = new Uint32Array(8); // four accumulators, (hi, lo) each
  private readonly buf = new Uint8Array(32);
  private bufLen = 0;
  private total = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    const v = this.v;
    add(P1H, P1L, P2H, P2L);
    v[0] = H, v[1] = L;
    v[2] = P2H, v[3] = P2L;
    v[4] = 0, v[5] = 0;
    add(0, 0, (~P1H) >>> 0, (~P1L) >>> 0); // -P1 = ~P1 + 1
    add(H, L, 0, 1);
    v[6] = H, v[7] = L;
    this.bufLen = 0;
    this.total = 0;
  }

  update(data: Uint8Array): void {
    let p = 0;
    const n = data.length;
    this.total += n;
    if (this.bufLen > 0) {
      const take = Math.min(32 - this.bufLen, n);
      this.buf.set(data.subarray(0, take), this.bufLen);
      this.bufLen += take;
      p = take;
      if (this.bufLen < 32) return;
      this.stripe(this.buf, 0);
      this.bufLen = 0;
    }
    const stripes = (n - p) >>> 5;
    if (LITTLE_ENDIAN && ((data.byteOffset + p) & 3) === 0 && stripes > 0) {
      // Aligned input: read whole words, 2 loads per lane instead of 8.
      const w = new Uint32Array(data.buffer, data.byteOffset + p, stripes * 8);
      const v = this.v;
      for (let k = 0; k < w.length; k += 8) {
        lane(v, 0, w[k + 1]!, w[k]!);
        lane(v, 2, w[k + 3]!, w[k + 2]!);
        lane(v, 4, w[k + 5]!, w[k + 4]!);
        lane(v, 6, w[k + 7]!, w[k + 6]!);
      }
      p += stripes * 32;
    }
    for (; p + 32 <= n; p += 32) this.stripe(data, p);
    if (p < n) {
      this.buf.set(data.subarray(p), 0);
      this.bufLen = n - p;
    }
  }

  private stripe(b: Uint8Array, o: number): void {
    const v = this.v;
    lane(v, 0, u32(b, o + 4), u32(b, o));
    lane(v, 2, u32(b, o + 12), u32(b, o + 8));
    lane(v, 4, u32(b, o + 20), u32(b, o + 16));
    lane(v, 6, u32(b, o + 28), u32(b, o + 24));
  }

  /** The low 32 bits of the digest, as zstd stores it. */
  digest32(): number {
    return this.digest()[1];
  }

  digest(): [number, number] {
    const v = this.v;
    let h: number, l: number;
    if (this.total >= 32) {
      rotl(v[0]!, v[1]!, 1);
      let sh = H, sl = L;
      rotl(v[2]!, v[3]!, 7);
      add(sh, sl, H, L), (sh = H), (sl = L);
      rotl(v[4]!, v[5]!, 12);
      add(sh, sl, H, L), (sh = H), (sl = L);
      rotl(v[6]!, v[7]!, 18);
      add(sh, sl, H, L), (sh = H), (sl = L);
      for (let i = 0; i < 8; i += 2) {
        // h = (h ^ round(0, v)) * P1 + P4
        round(0, 0, v[i]!, v[i + 1]!);
        mul((sh ^ H) >>> 0, (sl ^ L) >>> 0, P1H, P1L);
        add(H, L, P4H, P4L), (sh = H), (sl = L);
      }
      h = sh, l = sl;
    } else {
      h = P5H, l = P5L;
    }
    add(h, l, Math.floor(this.total / TWO32), this.total >>> 0), (h = H), (l = L);
    const b = this.buf;
    let p = 0;
    for (; p + 8 <= this.bufLen; p += 8) {
      round(0, 0, u32(b, p + 4), u32(b, p));
      rotl((h ^ H) >>> 0, (l ^ L) >>> 0, 27);
      mul(H, L, P1H, P1L);
      add(H, L, P4H, P4L), (h = H), (l = L);
    }
    if (p + 4 <= this.bufLen) {
      mul(0, u32(b, p), P1H, P1L);
      rotl((h ^ H) >>> 0, (l ^ L) >>> 0, 23);
      mul(H, L, P2H, P2L);
      add(H, L, P3H, P3L), (h = H), (l = L);
      p += 4;
    }
    for (; p < this.bufLen; p++) {
      mul(0, b[p]!, P5H, P5L);
      rotl((h ^ H) >>> 0, (l ^ L) >>> 0, 11);
      mul(H, L, P1H, P1L), (h = H), (l = L);
    }
    // Avalanche.
    l = (l ^ (h >>> 1)) >>> 0; // h ^= h >> 33
    mul(h, l, P2H, P2L), (h = H), (l = L);
    l = (l ^ ((l >>> 29) | (h << 3))) >>> 0; // h ^= h >> 29 (h's high half unchanged by the shift-in)
    h = (h ^ (h >>> 29)) >>> 0;
    mul(h, l, P3H, P3L), (h = H), (l = L);
    l = (l ^ h) >>> 0; // h ^= h >> 32
    return [h, l];
  }
}
