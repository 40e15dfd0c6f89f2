// A raw tar WRITER for tests: the suite builds every archive in code, well-formed or not, so a
// malformed case reads as the bytes it contains rather than as a committed blob.
//
//   buildTar(entries, { endBlocks = 2, cutAt }) → Buffer
//     entries: TarEntry[]; each may be preceded by a PAX 'x' header (pax), GNU 'L'/'K' long-name
//     entries (gnuLongName), or carry a sparse map (sparse). endBlocks: how many zero blocks end
//     the archive (0, 1, 2); cutAt: cut the output at that byte offset (truncation cases).
//   headerBlock(fields) → one 512-byte header with a correct checksum, for hand-built cases
//     (e.g. a base-256 size of 9 GiB that cannot be written out).
//   paxBody(records) → the bytes of a PAX extended header body.
//   gzip(buf), zstd(buf) (the zstd CLI when on PATH, else stored-block frames), zstdStored(buf),
//   zstdSkippable(payload), hasZstdCli.

import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { Xxh64 } from './xxhash64.js';

export type EntryType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'directory'
  | 'char'
  | 'block'
  | 'fifo'
  | 'contiguous';

export interface SparseSpec {
  /** Logical size of the file. */
  realSize: number;
  /** (offset, length) segments; the entry's body is the stored data, their lengths summed. */
  map: [number, number][];
  /** Default 'old-gnu' (type 'S'); the PAX variants write GNU.sparse.* records. */
  format?: 'old-gnu' | 'pax-0.0' | 'pax-0.1' | 'pax-1.0';
}

export interface TarEntry {
  name: string;
  /** Default 'file'. */
  type?: EntryType;
  /** Raw typeflag character; overrides type (e.g. 'g', 'x', 'V', '\0'). */
  typeflag?: string;
  body?: Buffer | string;
  /** Declared size; without body, the body is `size` bytes of a pattern (see patternBytes). */
  size?: number;
  linkname?: string;
  /** Default 0o644 (0o755 for directories). */
  mode?: number;
  /** PAX records written in an 'x' header before this entry. */
  pax?: Record<string, string>;
  /** Write the name (and a long linkname) as GNU 'L'/'K' entries before this one. */
  gnuLongName?: boolean;
  /** Write the size field in GNU base-256. */
  base256Size?: boolean;
  /** Default 'ustar' ('gnu' with gnuLongName or old-gnu sparse). */
  format?: 'ustar' | 'gnu' | 'v7';
  /** The ustar prefix field, written as given. */
  prefix?: string;
  sparse?: SparseSpec;
  /** Default 'unsigned'; 'bad' writes a wrong checksum. */
  checksum?: 'unsigned' | 'signed' | 'bad';
}

export interface BuildOptions {
  endBlocks?: 0 | 1 | 2;
  cutAt?: number;
}

const TYPEFLAG: Record<EntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
  contiguous: '7',
};

/** Deterministic body bytes, different for each offset so misplaced data shows. */
export function patternBytes(n: number, seed = 0): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

export interface HeaderFields {
  name: string;
  typeflag: string;
  size: number;
  mode?: number;
  linkname?: string;
  format?: 'ustar' | 'gnu' | 'v7';
  prefix?: string;
  base256Size?: boolean;
  checksum?: 'unsigned' | 'signed' | 'bad';
  /** Called before the checksum is written, to poke extra bytes (e.g. GNU sparse fields). */
  extra?: (block: Buffer) => void;
}

function writeString(b: Buffer, off: number, len: number, s: string): void {
  const bytes = Buffer.from(s, 'utf8');
  bytes.copy(b, off, 0, Math.min(len, bytes.length));
}

/** Octal with a NUL terminator, as wide as the field allows. */
export function writeOctal(b: Buffer, off: number, len: number, v: number): void {
  const s = v.toString(8).padStart(len - 1, '0');
  if (s.length > len - 1) throw new Error(`value ${v} does not fit ${len} octal bytes`);
  b.write(s, off, 'latin1');
  b[off + len - 1] = 0;
}

/** GNU base-256: 0x80 marker, then the value big-endian. */
export function writeBase256(b: Buffer, off: number, len: number, v: number): void {
  let x = BigInt(v);
  for (let i = off + len - 1; i > off; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  b[off] = 0x80;
}

export function headerBlock(f: HeaderFields): Buffer {
  const b = Buffer.alloc(512);
  const format = f.format ?? 'ustar';
  writeString(b, 0, 100, f.name);
  writeOctal(b, 100, 8, f.mode ?? 0o644);
  writeOctal(b, 108, 8, 0);
  writeOctal(b, 116, 8, 0);
  if (f.base256Size) writeBase256(b, 124, 12, f.size);
  else writeOctal(b, 124, 12, f.size);
  writeOctal(b, 136, 12, 1700000000);
  b.write(f.typeflag, 156, 'latin1');
  if (f.typeflag === '\0') b[156] = 0;
  writeString(b, 157, 100, f.linkname ?? '');
  if (format === 'ustar') {
    b.write('ustar\x0000', 257, 'latin1');
    if (f.prefix) writeString(b, 345, 155, f.prefix);
  } else if (format === 'gnu') {
    b.write('ustar  \x00', 257, 'latin1');
  }
  if (format !== 'v7') {
    writeString(b, 265, 32, 'root');
    writeString(b, 297, 32, 'root');
  }
  f.extra?.(b);
  b.fill(0x20, 148, 156);
  let u = 0;
  let s = 0;
  for (const c of b) {
    u += c;
    s += c >= 128 ? c - 256 : c;
  }
  let sum = f.checksum === 'signed' ? s : u;
  if (f.checksum === 'bad') sum += 1;
  // "%06o\0 " as GNU tar writes it; a negative signed sum cannot be written, so callers using
  // 'signed' need a header whose signed sum stays positive.
  b.write((sum >>> 0).toString(8).padStart(6, '0'), 148, 'latin1');
  b[154] = 0;
  b[155] = 0x20;
  return b;
}

function padTo512(b: Buffer): Buffer {
  const r = b.length % 512;
  return r === 0 ? b : Buffer.concat([b, Buffer.alloc(512 - r)]);
}

/** "%d key=value\n" records, the length counting itself. */
export function paxBody(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    const restLen = Buffer.byteLength(rest);
    let n = restLen + 1;
    while (String(n).length + restLen !== n) n = String(n).length + restLen;
    parts.push(Buffer.from(`${n}${rest}`, 'utf8'));
  }
  return Buffer.concat(parts);
}

function metaEntry(name: string, typeflag: string, body: Buffer, format: 'ustar' | 'gnu'): Buffer[] {
  return [headerBlock({ name, typeflag, size: body.length, format, mode: 0o644 }), padTo512(body)];
}

function entryBlocks(e: TarEntry): Buffer[] {
  const out: Buffer[] = [];
  const type = e.type ?? 'file';
  let typeflag = e.typeflag ?? TYPEFLAG[type];
  let format = e.format ?? (e.gnuLongName || (e.sparse && (e.sparse.format ?? 'old-gnu') === 'old-gnu') ? 'gnu' : 'ustar');
  let body = typeof e.body === 'string' ? Buffer.from(e.body, 'utf8') : e.body;
  if (!body) body = patternBytes(e.size ?? 0);
  let size = e.size ?? body.length;
  let name = e.name;
  const pax: Record<string, string> = { ...(e.pax ?? {}) };
  let extra: ((b: Buffer) => void) | undefined;
  const extBlocks: Buffer[] = [];

  if (e.sparse) {
    const sp = e.sparse;
    const kind = sp.format ?? 'old-gnu';
    const stored = sp.map.reduce((a, [, n]) => a + n, 0);
    if (!e.body) body = patternBytes(stored, 1);
    if (body.length !== stored) throw new Error('sparse body must be the stored data');
    size = stored;
    if (kind === 'old-gnu') {
      typeflag = 'S';
      format = 'gnu';
      const inHeader = sp.map.slice(0, 4);
      const rest = sp.map.slice(4);
      extra = (b) => {
        inHeader.forEach(([o, n], i) => {
          writeOctal(b, 386 + i * 24, 12, o);
          writeOctal(b, 386 + i * 24 + 12, 12, n);
        });
        b[482] = rest.length > 0 ? 1 : 0;
        writeOctal(b, 483, 12, sp.realSize);
      };
      for (let i = 0; i < rest.length; i += 21) {
        const blk = Buffer.alloc(512);
        rest.slice(i, i + 21).forEach(([o, n], j) => {
          writeOctal(blk, j * 24, 12, o);
          writeOctal(blk, j * 24 + 12, 12, n);
        });
        blk[504] = i + 21 < rest.length ? 1 : 0;
        extBlocks.push(blk);
      }
    } else if (kind === 'pax-0.0') {
      pax['GNU.sparse.size'] = String(sp.realSize);
      pax['GNU.sparse.numblocks'] = String(sp.map.length);
      // 0.0 repeats the offset/numbytes keys; an object cannot, so they are appended below.
    } else if (kind === 'pax-0.1') {
      pax['GNU.sparse.size'] = String(sp.realSize);
      pax['GNU.sparse.numblocks'] = String(sp.map.length);
      pax['GNU.sparse.map'] = sp.map.flat().join(',');
      pax['GNU.sparse.name'] = name;
      name = `./GNUSparseFile.0/${name.split('/').pop()}`;
    } else {
      pax['GNU.sparse.major'] = '1';
      pax['GNU.sparse.minor'] = '0';
      pax['GNU.sparse.name'] = name;
      pax['GNU.sparse.realsize'] = String(sp.realSize);
      name = `./GNUSparseFile.0/${name.split('/').pop()}`;
      const mapText = padTo512(Buffer.from(`${sp.map.length}\n${sp.map.flat().join('\n')}\n`, 'latin1'));
      body = Buffer.concat([mapText, body]);
      size = body.length;
    }
    let paxBytes = Object.keys(pax).length > 0 ? paxBody(pax) : null;
    if (kind === 'pax-0.0') {
      const pairs = sp.map.map(([o, n]) => paxBody({ 'GNU.sparse.offset': String(o), 'GNU.sparse.numbytes': String(n) }));
      paxBytes = Buffer.concat([paxBytes ?? Buffer.alloc(0), ...pairs]);
    }
    if (paxBytes) out.push(...metaEntry(`./PaxHeaders.0/${e.name.split('/').pop()}`, 'x', paxBytes, 'ustar'));
  } else if (Object.keys(pax).length > 0) {
    out.push(...metaEntry(`./PaxHeaders.0/${e.name.split('/').pop()}`, 'x', paxBody(pax), 'ustar'));
  }

  let linkname = e.linkname ?? '';
  if (e.gnuLongName) {
    out.push(...metaEntry('././@LongLink', 'L', Buffer.from(`${name}\0`, 'utf8'), 'gnu'));
    name = name.slice(0, 99);
    if (linkname.length > 0) {
      out.push(...metaEntry('././@LongLink', 'K', Buffer.from(`${linkname}\0`, 'utf8'), 'gnu'));
      linkname = linkname.slice(0, 99);
    }
  }
  const fields: HeaderFields = {
    name,
    typeflag,
    size,
    mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
    linkname,
    format,
  };
  if (e.prefix !== undefined) fields.prefix = e.prefix;
  if (e.base256Size !== undefined) fields.base256Size = e.base256Size;
  if (e.checksum !== undefined) fields.checksum = e.checksum;
  if (extra !== undefined) fields.extra = extra;
  out.push(headerBlock(fields), ...extBlocks);
  // Header-only types declare a size but carry no body (as Go and GNU tar read them).
  const headerOnly = ['1', '2', '3', '4', '5', '6'].includes(typeflag);
  if (!headerOnly && body.length > 0) out.push(padTo512(body));
  return out;
}

export function buildTar(entries: TarEntry[], opts: BuildOptions = {}): Buffer {
  const parts = entries.flatMap(entryBlocks);
  parts.push(Buffer.alloc(512 * (opts.endBlocks ?? 2)));
  const all = Buffer.concat(parts);
  return opts.cutAt === undefined ? all : all.subarray(0, opts.cutAt);
}

/** Raw blocks concatenated, then end blocks — for archives assembled from headerBlock(). */
export function rawTar(blocks: Buffer[], endBlocks: 0 | 1 | 2 = 2): Buffer {
  return Buffer.concat([...blocks.map(padTo512), Buffer.alloc(512 * endBlocks)]);
}

export function gzip(buf: Buffer): Buffer {
  return gzipSync(buf);
}

export const hasZstdCli: boolean = (() => {
  try {
    return spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
})();

/** Real zstd compression with the CLI (apt package `zstd`); without it, stored-block frames. */
export function zstd(buf: Buffer, level = 3): Buffer {
  if (!hasZstdCli) return zstdStored(buf, { checksum: true, contentSize: true });
  const r = spawnSync('zstd', ['-q', '-c', `-${level}`], { input: buf, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * A valid zstd frame without compression: raw blocks of at most 128 KiB, window 128 KiB. Lets
 * zstd framing be tested on machines without the CLI. checksum: write the XXH64 content checksum
 * ('bad': a wrong one); contentSize: declare the size in the header (a number: declare that one).
 */
export function zstdStored(buf: Buffer, opts: { checksum?: boolean | 'bad'; contentSize?: boolean | number } = {}): Buffer {
  const parts: Buffer[] = [];
  const fcs = opts.contentSize === undefined || opts.contentSize === false ? -1 : opts.contentSize === true ? buf.length : opts.contentSize;
  const fhd = (opts.checksum ? 0x04 : 0x00) | (fcs >= 0 ? 0xc0 : 0x00);
  parts.push(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, fhd, (17 - 10) << 3]));
  if (fcs >= 0) {
    const f = Buffer.alloc(8);
    f.writeBigUInt64LE(BigInt(fcs));
    parts.push(f);
  }
  const max = 128 * 1024;
  let off = 0;
  do {
    const n = Math.min(max, buf.length - off);
    const last = off + n >= buf.length ? 1 : 0;
    const v = last | (0 << 1) | (n << 3);
    parts.push(Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]), buf.subarray(off, off + n));
    off += n;
  } while (off < buf.length);
  if (opts.checksum) {
    const h = new Xxh64();
    h.update(buf);
    const c = Buffer.alloc(4);
    c.writeUInt32LE((h.digest32() + (opts.checksum === 'bad' ? 1 : 0)) >>> 0);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** A skippable frame (magic 0x184D2A50 + nibble) holding `payload`. */
export function zstdSkippable(payload: Buffer, nibble = 0): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(0x184d2a50 + nibble, 0);
  h.writeUInt32LE(payload.length, 4);
  return Buffer.concat([h, payload]);
}
