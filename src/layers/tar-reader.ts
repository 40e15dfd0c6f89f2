// A synchronous push parser for tar streams (ustar, GNU, PAX, old GNU and PAX sparse). It hands
// each entry's header to a callback and the body to a sink or skips it, and never holds more than
// one header block or one capped (1 MiB) PAX/long-name record. It replaces tar-stream, which
// buffers long headers without limit, stalls on an undrained entry and costs a stream per entry.
// docs/tar-reader.md has the reasons and the exact rules.

import { ElfscanError } from '../errors.js';
import { limits } from '../native.js';
import {
  BAD_BLOCK,
  BLOCK,
  EXT_ISEXTENDED,
  GNU,
  GNU_ISEXTENDED,
  GNU_REALSIZE,
  ZERO_BLOCK,
  blockStatus,
  cString,
  entryType,
  hasUstarMagic,
  headerFormat,
  headerName,
  isHeaderOnly,
  parseNumeric,
} from './tar-header.js';
import { decimal, parsePax, sparseVersion, type PaxOverrides } from './tar-pax.js';

export interface TarHeader {
  /** Full path after PAX 'path' / GNU 'L' long names / GNU.sparse.name (raw, not normalized). */
  name: string;
  type: 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';
  /** After PAX 'linkpath' / GNU 'K'. */
  linkname: string;
  /** The file's size; for GNU sparse files the logical size (the body handed out is the stored data). */
  size: number;
  /** Permission bits (mode & 0o7777). */
  mode: number;
}

/**
 * Receives one entry's body. Chunks may be views into the buffer given to push(): copy whatever
 * must outlive the call. end() follows the last byte; it is not called when the data stops early.
 */
export interface TarBodySink {
  data(chunk: Buffer): void;
  end(): void;
}

// PAX records and GNU long names are capped at limits().headerRecordMax (1 MiB, as Go's
// archive/tar caps them; native/src/tar/error.rs).

const S_HEADER = 0;
const S_BODY = 1;
const S_PAD = 2;
const S_META = 3;
const S_SPARSE_EXT = 4;
const S_SPARSE_MAP = 5;
const S_DONE = 6;

const M_PAX = 1;
const M_LONGNAME = 2;
const M_LONGLINK = 3;
const M_IGNORED = 4;

function padOf(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

export class TarReader {
  private consumed = 0;
  private state = S_HEADER;
  /** Assembles a header (or sparse extension/map) block that straddles pushed chunks. */
  private readonly blk = Buffer.alloc(BLOCK);
  private fill = 0;
  private blkAt = 0;
  /** Bytes left in the current body (stored data) or meta record. */
  private remaining = 0;
  private pad = 0;
  private sink: TarBodySink | null = null;
  /** Body of a PAX header, GNU long name, or a PAX 1.0 sparse map being collected. */
  private meta: Buffer | null = null;
  private metaFill = 0;
  private metaKind = 0;
  private metaAt = 0;
  /** PAX 1.0 sparse map: newlines seen and needed (1 + 2 × entries). */
  private mapLines = 0;
  private mapNeed = Infinity;
  /** Overrides waiting for the next real entry. */
  private pax: PaxOverrides | null = null;
  private longName: string | null = null;
  private longLink: string | null = null;
  private zeros = 0;
  private failure: unknown = null;
  private ended = false;

  /** onEntry is called synchronously per entry; return a sink to receive the body, or null to skip it. */
  constructor(
    private readonly onEntry: (h: TarHeader) => TarBodySink | null,
    private readonly where: string,
  ) {}

  /** Bytes taken by push() so far (push never keeps a backlog, so this is the stream offset). */
  get bytesConsumed(): number {
    return this.consumed;
  }

  /** Synchronous; throws ElfscanError on malformed input. After any throw, every call rethrows it. */
  push(chunk: Buffer): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended) throw new Error('TarReader.push() after end()');
    try {
      this.run(chunk);
    } catch (e) {
      this.failure = e;
      throw e;
    }
    this.consumed += chunk.length;
  }

  /** Throws ElfscanError if the data stopped inside a header or a body. */
  end(): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended) return;
    this.ended = true;
    if (this.state === S_DONE) return;
    // The last body arrived whole and only its padding is missing (umoci insert writes layers so,
    // and Go's reader — Docker, containerd — takes them): nothing of the archive is lost.
    if (this.state === S_PAD) return;
    if (this.state === S_HEADER && this.pax === null && this.longName === null && this.longLink === null) {
      // At an entry boundary, or inside the trailing zero blocks: a short trailer is fine.
      let zero = true;
      for (let i = 0; i < this.fill; i++) if (this.blk[i] !== 0) zero = false;
      if (zero) return;
      if (this.blkAt === 0 && !(this.fill > 262 && hasUstarMagic(this.blk, 0))) {
        this.failure = this.fail('not a tar archive');
        throw this.failure;
      }
    }
    this.failure = this.fail('archive is truncated');
    throw this.failure;
  }

  private fail(what: string): ElfscanError {
    return new ElfscanError(this.where, what);
  }

  private run(c: Buffer): void {
    const n = c.length;
    const base = this.consumed;
    let p = 0;
    while (p < n) {
      switch (this.state) {
        case S_HEADER:
        case S_SPARSE_EXT:
        case S_SPARSE_MAP:
          if (this.fill === 0 && n - p >= BLOCK) {
            p += BLOCK;
            this.block(c, p - BLOCK, base + p - BLOCK);
          } else {
            if (this.fill === 0) this.blkAt = base + p;
            const take = Math.min(BLOCK - this.fill, n - p);
            c.copy(this.blk, this.fill, p, p + take);
            this.fill += take;
            p += take;
            if (this.fill === BLOCK) {
              this.fill = 0;
              this.block(this.blk, 0, this.blkAt);
            }
          }
          break;
        case S_BODY: {
          const take = this.remaining < n - p ? this.remaining : n - p;
          if (this.sink !== null) this.sink.data(p === 0 && take === n ? c : c.subarray(p, p + take));
          p += take;
          this.remaining -= take;
          if (this.remaining === 0) this.bodyDone();
          break;
        }
        case S_PAD: {
          const take = this.pad < n - p ? this.pad : n - p;
          p += take;
          this.pad -= take;
          if (this.pad === 0) this.state = S_HEADER;
          break;
        }
        case S_META: {
          const take = this.remaining < n - p ? this.remaining : n - p;
          if (this.meta !== null) c.copy(this.meta, this.metaFill, p, p + take);
          this.metaFill += take;
          p += take;
          this.remaining -= take;
          if (this.remaining === 0) this.metaDone();
          break;
        }
        default:
          // After the end-of-archive marker: whatever follows is ignored.
          p = n;
      }
    }
  }

  private block(b: Buffer, o: number, at: number): void {
    if (this.state === S_HEADER) this.header(b, o, at);
    else if (this.state === S_SPARSE_EXT) {
      if (b[o + EXT_ISEXTENDED] === 0) this.startBody();
    } else this.mapBlock(b, o);
  }

  private header(b: Buffer, o: number, at: number): void {
    const status = blockStatus(b, o);
    if (status === ZERO_BLOCK) {
      // Two zero blocks end the archive. A lone zero block followed by a header is skipped, as
      // GNU tar does (it warns); the data may also simply end after it.
      if (++this.zeros >= 2) this.state = S_DONE;
      return;
    }
    this.zeros = 0;
    if (status === BAD_BLOCK) {
      throw this.fail(at === 0 && !hasUstarMagic(b, o) ? 'not a tar archive' : `corrupt tar header at offset ${at}`);
    }
    const declared = parseNumeric(b, o + 124, 12);
    if (declared < 0) throw this.fail(`corrupt tar header at offset ${at}`);
    if (declared === Infinity) throw this.fail(`tar entry at offset ${at} declares a size of 2^53 bytes or more`);
    const flag = b[o + 156]!;
    switch (flag) {
      case 0x78: // 'x': PAX header for the next entry
        return this.startMeta(M_PAX, declared, at);
      case 0x67: // 'g': PAX global header; nothing in it changes how entries are read
        return this.startMeta(M_IGNORED, declared, at);
      case 0x4c: // 'L': GNU long name for the next entry
        return this.startMeta(M_LONGNAME, declared, at);
      case 0x4b: // 'K': GNU long link name
        return this.startMeta(M_LONGLINK, declared, at);
    }
    this.entry(b, o, at, flag, declared);
  }

  private startMeta(kind: number, size: number, at: number): void {
    if (size > limits().headerRecordMax) throw this.fail('tar entry header larger than 1 MiB');
    this.metaKind = kind;
    this.metaAt = at;
    this.meta = kind === M_IGNORED ? null : Buffer.allocUnsafe(size);
    this.metaFill = 0;
    this.remaining = size;
    this.pad = padOf(size);
    if (size === 0) this.metaDone();
    else this.state = S_META;
  }

  private metaDone(): void {
    const m = this.meta;
    this.meta = null;
    this.state = this.pad > 0 ? S_PAD : S_HEADER;
    if (m === null) return;
    if (this.metaKind === M_PAX) {
      // A later 'x' replaces an earlier one (Go); a PAX 'size' waits for the real entry, so a
      // GNU 'L'/'K' entry in between is read with its own size.
      const r = parsePax(m, this.metaFill);
      if (typeof r === 'string') throw this.fail(`corrupt PAX header at offset ${this.metaAt} (${r})`);
      this.pax = r;
    } else {
      const s = cString(m, 0, m.length);
      if (this.metaKind === M_LONGNAME) this.longName = s === '' ? null : s;
      else this.longLink = s === '' ? null : s;
    }
  }

  private entry(b: Buffer, o: number, at: number, flag: number, declared: number): void {
    const format = headerFormat(b, o);
    const pax = this.pax;
    // GNU long names win over PAX path (Go's order); GNU.sparse.name wins over both.
    let name = this.longName ?? pax?.path ?? headerName(b, o, format);
    const linkname = this.longLink ?? pax?.linkpath ?? (b[o + 157] === 0 ? '' : cString(b, o + 157, 100));
    this.pax = null;
    this.longName = null;
    this.longLink = null;

    const type = entryType(flag, name);
    const size = pax !== null && pax.size >= 0 ? pax.size : declared;
    const stored = isHeaderOnly(flag) || type === 'directory' ? 0 : size;
    const mode = parseNumeric(b, o + 100, 8);

    let realSize = size;
    let extended = false;
    let paxMap = false;
    if (flag === 0x53) {
      if (format !== GNU) throw this.fail(`corrupt tar header at offset ${at}`);
      realSize = parseNumeric(b, o + GNU_REALSIZE, 12);
      if (realSize < 0) throw this.fail(`corrupt tar header at offset ${at}`);
      if (realSize === Infinity) throw this.fail(`tar entry at offset ${at} declares a size of 2^53 bytes or more`);
      extended = b[o + GNU_ISEXTENDED] !== 0;
    } else if (pax !== null && type === 'file') {
      const version = sparseVersion(pax);
      if (version !== 0) {
        if (pax.sparseName !== null) name = pax.sparseName;
        if (pax.sparseRealSize >= 0) realSize = pax.sparseRealSize;
        paxMap = version === 10;
      }
    }

    const h: TarHeader = { name, type, linkname, size: realSize, mode: mode > 0 ? mode & 0o7777 : 0 };
    this.sink = this.onEntry(h);
    this.remaining = stored;
    this.pad = padOf(stored);
    if (extended) {
      this.state = S_SPARSE_EXT;
    } else if (paxMap) {
      if (stored < BLOCK) throw this.fail(`corrupt sparse map in tar entry at offset ${at}`);
      this.metaAt = at;
      this.metaFill = 0;
      this.mapLines = 0;
      this.mapNeed = Infinity;
      this.state = S_SPARSE_MAP;
    } else {
      this.startBody();
    }
  }

  private startBody(): void {
    if (this.remaining === 0) this.bodyDone();
    else this.state = S_BODY;
  }

  private bodyDone(): void {
    const s = this.sink;
    this.sink = null;
    this.state = this.pad > 0 ? S_PAD : S_HEADER;
    if (s !== null) s.end();
  }

  /**
   * PAX 1.0 sparse files start their body with a map in whole blocks: decimal lines giving the
   * number of segments, then an offset and a length per segment. The stored data follows it.
   */
  private mapBlock(b: Buffer, o: number): void {
    if (this.metaFill + BLOCK > limits().headerRecordMax) throw this.fail('tar entry header larger than 1 MiB');
    if (this.meta === null || this.meta.length < this.metaFill + BLOCK) {
      const grown = Buffer.allocUnsafe(Math.min(limits().headerRecordMax, Math.max(4 * BLOCK, 2 * (this.metaFill + BLOCK))));
      if (this.meta !== null) this.meta.copy(grown, 0, 0, this.metaFill);
      this.meta = grown;
    }
    const m = this.meta;
    b.copy(m, this.metaFill, o, o + BLOCK);
    const from = this.metaFill;
    this.metaFill += BLOCK;
    this.remaining -= BLOCK;
    for (let i = from; i < this.metaFill; i++) {
      if (m[i] !== 0x0a) continue;
      this.mapLines++;
      if (this.mapLines === 1) {
        const count = decimal(m, 0, i);
        if (count < 0 || count > limits().headerRecordMax) throw this.mapError();
        this.mapNeed = 1 + 2 * count;
      }
    }
    if (this.mapLines < this.mapNeed) {
      if (this.remaining < BLOCK) throw this.mapError();
      return;
    }
    // Every field must be a decimal number; the values themselves are not needed.
    let s = 0;
    for (let line = 0; line < this.mapNeed; line++) {
      const e = m.indexOf(0x0a, s);
      if (decimal(m, s, e) < 0) throw this.mapError();
      s = e + 1;
    }
    this.meta = null;
    this.pad = padOf(this.remaining);
    this.startBody();
  }

  private mapError(): ElfscanError {
    return this.fail(`corrupt sparse map in tar entry at offset ${this.metaAt}`);
  }
}
