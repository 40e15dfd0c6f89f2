// Completes an ELF file's facts while its body streams past, once, forward only: the classifier
// answered from the head and listed the ranges it still wants (PT_INTERP string, PT_DYNAMIC and
// its strings, notes, section headers, `.ARM.attributes`); this keeps what can still be had and
// asks again. Memory per file is capped (docs/native.md): a bounded prefix, because .dynstr sits
// early and .dynamic late; a tail window, because the section headers and `.ARM.attributes` end
// the file; and captures of later ranges. A range that cannot be had leaves its fact unknown.

import type { Classification, WantedRange } from '../model.js';
import { inspect, limits, type Piece } from '../native.js';

// The caps are the native side's (limits(): native/src/formats/elf/complete.rs): prefixMax kept
// from the start of every ELF file that wants more than its head, tailMax from its end,
// captureMax captured in between, and at most completionCalls classifier calls per file.

interface Capture {
  offset: number;
  buf: Buffer;
  filled: number;
}

function overlapInto(c: Capture, chunk: Buffer, at: number): boolean {
  const end = c.offset + c.buf.length;
  const chunkEnd = at + chunk.length;
  // Bytes arrive in order, so a capture fills from its start: only the next missing byte matters.
  const next = c.offset + c.filled;
  if (c.filled === c.buf.length || chunkEnd <= next || at > next) return false;
  const n = Math.min(end, chunkEnd) - next;
  chunk.copy(c.buf, c.filled, next - at, next - at + n);
  c.filled += n;
  return c.filled === c.buf.length;
}

/** Reading a file as a stream: feed every byte after the head in order, then finish(). */
export class ElfCompletion {
  private readonly prefix: Capture;
  private readonly tail: Capture | null;
  private readonly captures: Capture[] = [];
  /** Ends of wanted ranges the prefix or a capture will hold: passing one is worth a new call. */
  private pending: number[] = [];
  private pos: number;
  private budget = limits().captureMax;
  private calls = 1;
  private last: Classification;

  constructor(
    head: Buffer,
    private readonly size: number,
    first: Classification,
  ) {
    const prefixLen = Math.max(Math.min(size, limits().prefixMax), head.length);
    this.prefix = { offset: 0, buf: Buffer.allocUnsafe(prefixLen), filled: head.length };
    head.copy(this.prefix.buf);
    const tailStart = Math.max(prefixLen, size - limits().tailMax);
    this.tail = tailStart < size ? { offset: tailStart, buf: Buffer.allocUnsafe(size - tailStart), filled: 0 } : null;
    this.pos = head.length;
    this.last = first;
    this.plan(first);
  }

  /** Bytes of the file from the current position on. */
  data(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      // Stop exactly at the next pending end, so that when the classifier is asked again (and so
      // its answer) does not depend on chunk sizes — native/src/formats/elf/complete.rs plays the same
      // pass over a file read at offsets, and the two must agree.
      const stop = this.calls < limits().completionCalls && this.pending.length > 0 ? Math.min(...this.pending) : Infinity;
      const take = stop === Infinity ? rest.length : Math.max(0, Math.min(rest.length, stop - this.pos));
      const piece = take === rest.length ? rest : rest.subarray(0, take);
      rest = rest.subarray(take);
      const at = this.pos;
      this.pos += take;
      overlapInto(this.prefix, piece, at);
      if (this.tail) overlapInto(this.tail, piece, at);
      for (const c of this.captures) overlapInto(c, piece, at);
      if (this.calls < limits().completionCalls && this.pending.some((end) => end <= this.pos)) {
        this.pending = this.pending.filter((end) => end > this.pos);
        this.ask(false);
      }
    }
  }

  /** The facts from everything kept; call once, at the end of the body (or where it broke off). */
  finish(): Classification {
    this.ask(true);
    return this.last;
  }

  private ask(atEnd: boolean): void {
    this.calls++;
    const pieces: Piece[] = this.captures.filter((c) => c.filled === c.buf.length).map((c) => ({ offset: c.offset, bytes: c.buf }));
    if (atEnd && this.tail && this.tail.filled === this.tail.buf.length) pieces.push({ offset: this.tail.offset, bytes: this.tail.buf });
    const head = this.prefix.buf.subarray(0, this.prefix.filled);
    const answer = inspect(head, this.size, pieces);
    // Only a binary answer can be completed; a header that turns out bad is the final word.
    this.last = answer;
    if (!atEnd) this.plan(answer);
  }

  /** Decides, for each wanted range, what will hold it — or that it cannot be had. */
  private plan(c: Classification): void {
    if (c.status !== 'binary') return;
    for (const w of c.wants ?? []) this.place(w);
  }

  private place(w: WantedRange): void {
    const end = w.offset + w.length;
    if (end <= this.prefix.buf.length) {
      if (end > this.prefix.filled) this.pending.push(end);
      return;
    }
    if (this.tail && w.offset >= this.tail.offset) return; // served at the end
    if (w.offset < this.pos) return; // already passed and not kept: the fact stays unknown
    if (this.captures.some((c) => c.offset === w.offset && c.buf.length >= w.length)) return;
    if (w.length > this.budget) return;
    this.budget -= w.length;
    this.captures.push({ offset: w.offset, buf: Buffer.allocUnsafe(w.length), filled: 0 });
    this.pending.push(end);
  }
}

/** The same completion with random access (a root filesystem directory): read what is wanted at its offset. */
export async function completeAtOffsets(
  head: Buffer,
  size: number,
  first: Classification,
  read: (offset: number, length: number) => Promise<Buffer>,
): Promise<Classification> {
  let last = first;
  const pieces: Piece[] = [];
  const { prefixMax, tailMax, captureMax, completionCalls } = limits();
  let budget = prefixMax + tailMax + captureMax;
  const tried = new Set<string>();
  for (let calls = 1; calls < completionCalls && last.status === 'binary'; calls++) {
    const fresh = (last.wants ?? []).filter((w) => !tried.has(`${w.offset}+${w.length}`));
    if (fresh.length === 0) break;
    for (const w of fresh) {
      tried.add(`${w.offset}+${w.length}`);
      if (w.length > budget) continue;
      budget -= w.length;
      pieces.push({ offset: w.offset, bytes: await read(w.offset, w.length) });
    }
    last = inspect(head, size, pieces);
  }
  return last;
}
