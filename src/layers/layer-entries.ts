// Turns the tar entries of one layer into LayerEntry records: paths normalized, whiteouts and
// opaque markers decoded, and every regular file's head bytes classified once, as the body
// streams past. Bodies are never kept: one scratch buffer serves every entry of the layer; an ELF
// file whose facts need ranges past its head keeps a capped few of them (elf-completion.ts), and
// the few files the rules read whole (native/src/layer/kept_text.rs says which) are kept as bytes.

import type { Classification, LayerEntry, LayerIndex } from '../model.js';
import { classify, isCandidate, keptTextCap, limits, type LayerRecords } from '../native.js';
import { ElfCompletion } from './elf-completion.js';
import type { TarBodySink, TarHeader } from './tar-reader.js';

// The head, text and #! limits and the kept-text policy are the native side's (native/src/layer/).

/** Whether a file's whole text is kept for the rules, the layer's caps aside. */
export function keepsWholeText(path: string, size: number): boolean {
  const cap = keptTextCap(path);
  return cap > 0 && size <= cap;
}
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** The walker's type numbers (native/src/tar/header.rs EntryType). */
const ENTRY_TYPES: TarHeader['type'][] = ['file', 'hardlink', 'symlink', 'directory', 'other'];

/** Lexically normalizes a tar name to an absolute path: "./usr//lib/" → "/usr/lib"; ".." clamps at "/". */
export function normalizePath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

function splitParent(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return [path.slice(0, i) || '/', path.slice(i + 1)];
}

function joinChild(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/**
 * Collects one layer. `onEntry` is the TarReader callback; `finish()` returns the LayerIndex.
 * The returned sink is one object reused for every entry: the reader holds one entry at a time.
 */
export class LayerEntryCollector {
  private readonly entries: LayerEntry[] = [];
  private scratch = Buffer.allocUnsafe(limits().headBytes);
  private filled = 0;
  private want = 0;
  private current: LayerEntry | null = null;
  private completion: ElfCompletion | null = null;
  /** Texts kept so far, and their bytes, against the layer's caps. */
  private texts = 0;
  private textBytes = 0;
  private readonly sink: TarBodySink = {
    data: (chunk) => this.onData(chunk),
    end: () => this.onEnd(),
  };

  constructor(private readonly digest: string | null) {}

  readonly onEntry = (h: TarHeader): TarBodySink | null => {
    const entry = this.entry(normalizePath(h.name), h.type, h.linkname, h.size, h.mode);
    if (entry === null) return null;
    this.current = entry;
    this.filled = 0;
    const text = this.textRoom(h.size) && keepsWholeText(entry.path, h.size);
    this.want = text ? h.size : Math.min(limits().headBytes, h.size);
    this.grow(this.want);
    return this.sink;
  };

  /** Records one entry (`path` normalized); returns it when it is a file whose head is read. */
  private entry(path: string, type: TarHeader['type'], linkname: string, size: number, mode: number): LayerEntry | null {
    const [dir, base] = splitParent(path);
    if (base.startsWith(WHITEOUT)) {
      if (base === OPAQUE) this.entries.push({ path: dir, type: 'opaque', size: 0, mode: 0 });
      // aufs metadata (.wh..wh.plnk, .wh..wh.aufs) is not a whiteout; containerd skips it too.
      else if (!base.startsWith(WHITEOUT + WHITEOUT))
        // Left unnormalized on purpose: ".wh.." must reach the overlay as "/dir/." so it is
        // recognized as invalid instead of deleting "/dir" itself.
        this.entries.push({ path: joinChild(dir, base.slice(WHITEOUT.length)), type: 'whiteout', size: 0, mode: 0 });
      return null;
    }
    if (path === '/') return null;
    const entry: LayerEntry = { path, type, size, mode };
    this.entries.push(entry);
    if (type === 'hardlink') entry.target = normalizePath(linkname);
    else if (type === 'symlink') entry.target = linkname;
    if (type !== 'file') return null;
    entry.facts = null;
    return size === 0 ? null : entry;
  }

  private onData(chunk: Buffer): void {
    if (this.completion) {
      this.completion.data(chunk);
      return;
    }
    let at = 0;
    // A need-more answer raises `want`: keep filling from the same chunk while it lasts.
    while (this.current !== null && this.filled < this.want && at < chunk.length) {
      const n = Math.min(chunk.length - at, this.want - this.filled);
      chunk.copy(this.scratch, this.filled, at, at + n);
      this.filled += n;
      at += n;
      if (this.filled === this.want) {
        this.decide(false);
        // The rest of this chunk is the body past the head (decide may have started a completion).
        const completion = this.completion as ElfCompletion | null;
        if (completion) {
          if (at < chunk.length) completion.data(chunk.subarray(at));
          return;
        }
      }
    }
  }

  private onEnd(): void {
    if (this.completion) {
      this.settle(this.current!, this.completion.finish());
      this.completion = null;
      this.current = null;
      return;
    }
    if (this.current !== null) this.decide(true);
  }

  /**
   * Classifies a file whose bytes the caller read itself (a root filesystem directory): `head`
   * is its first bytes, `c` the final answer (completed at offsets, see completeAtOffsets).
   */
  addFile(h: TarHeader, head: Buffer, c: Classification | null): void {
    const sink = this.onEntry(h);
    if (!sink) return;
    const entry = this.current!;
    this.current = null;
    if (c === null) this.noteText(entry, head);
    else this.settle(entry, c);
  }

  /**
   * Entries the native walker read (native.ts LayerRecords), in tar order: each becomes the
   * LayerEntry the streaming path would have made, through the same onEntry/addFile rules.
   */
  addRecords(r: LayerRecords): void {
    const { meta, names, links, extras } = r;
    let link = 0;
    for (let i = 0, m = 0; i < r.count; i++, m += 4) {
      const type = ENTRY_TYPES[meta[m]!]!;
      const linkname = type === 'hardlink' || type === 'symlink' ? links[link++]! : '';
      // The walker normalized the path already (native/src/layer/path.rs).
      const entry = this.entry(names[i]!, type, linkname, meta[m + 2]!, meta[m + 1]!);
      if (entry === null) continue;
      const x = meta[m + 3]!;
      const extra = x === 0 ? null : extras[x - 1]!;
      if (extra === null) continue; // a file that is neither a script, loader configuration nor binary candidate
      if (Buffer.isBuffer(extra)) this.noteText(entry, extra);
      else this.settle(entry, extra);
    }
  }

  /** Classifies the head; may raise `want` so that more of the body is collected first. */
  private decide(atEnd: boolean): void {
    const entry = this.current!;
    const head = this.scratch.subarray(0, this.filled);
    if (!isCandidate(head)) {
      this.noteText(entry, head);
      this.current = null;
      return;
    }
    const c = classify(head, entry.size);
    if (c.status === 'need-more' && !atEnd && c.bytes > this.filled && c.bytes <= Math.min(limits().maxHeadBytes, entry.size)) {
      this.grow(c.bytes);
      this.want = c.bytes;
      return; // keep collecting; decide again when `want` bytes are in
    }
    if (c.status === 'binary' && (c.wants?.length ?? 0) > 0 && !atEnd) {
      this.completion = new ElfCompletion(head, entry.size, c);
      return; // current stays set: onEnd settles it
    }
    this.settle(entry, c);
    this.current = null;
  }

  /** A script's first line, or the whole text of a file the rules read (a copy: the scratch buffer is reused). */
  private noteText(entry: LayerEntry, head: Buffer): void {
    if (head[0] === 0x23 && head[1] === 0x21) entry.shebang = firstLine(head);
    if (head.length === entry.size && this.textRoom(entry.size) && keepsWholeText(entry.path, entry.size)) {
      entry.text = Buffer.from(head);
      this.texts++;
      this.textBytes += entry.size;
    }
  }

  /** Whether the layer's caps leave room for one more text of `size` bytes. */
  private textRoom(size: number): boolean {
    return this.texts < limits().textsPerLayer && this.textBytes + size <= limits().textBytesPerLayer;
  }

  private settle(entry: LayerEntry, c: Classification): void {
    switch (c.status) {
      case 'binary':
        entry.facts = c.facts;
        break;
      case 'unreadable':
        entry.unreadable = { format: c.format, reason: c.reason };
        break;
      case 'need-more':
        entry.unreadable = { format: 'elf', reason: `headers extend past the first ${limits().maxHeadBytes} bytes` };
        break;
      case 'not-binary':
        break;
    }
  }

  /** Makes room for the first `bytes` bytes of the current file in the scratch buffer. */
  private grow(bytes: number): void {
    if (this.scratch.length < bytes) {
      const bigger = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
      this.scratch.copy(bigger, 0, 0, this.filled);
      this.scratch = bigger;
    }
  }

  finish(bytesRead: number): LayerIndex {
    // Shrink back so a layer that needed a large head does not pin it for the image's lifetime.
    this.scratch = Buffer.allocUnsafe(0);
    return { digest: this.digest, entries: this.entries, bytesRead };
  }
}

function firstLine(head: Buffer): string {
  let end = head.indexOf(0x0a);
  const max = limits().shebangMax;
  if (end < 0 || end > max) end = Math.min(head.length, max);
  return head.toString('utf8', 0, end).replace(/\r$/, '');
}
