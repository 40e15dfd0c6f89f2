// A layer's records from the native walker (LayerRecords: one flat object) as the LayerIndex the
// overlay applies: whiteouts and opaque markers decoded, link targets kept, and each regular
// file's facts, unreadable reason or `#!` line taken from what the walker kept; the kept texts
// (loader configuration, package databases, package.json) listed apart. No bytes are read here:
// the walker has done that.
//
// The entries are a view, not an array: each pass builds its LayerEntry objects afresh from the
// flat records. Held as an array they were one object per path that outlived the overlay — on an
// image of 100k files, tens of MB that every young-generation collection copied.

import type { Classification, LayerEntry, LayerIndex } from '../model.js';
import { limits, type LayerRecords } from '../native.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** The walker's type numbers (native/src/tar/header.rs EntryType). */
const ENTRY_TYPES = ['file', 'hardlink', 'symlink', 'directory', 'other'] as const;
const FIELDS = 4;

/** The walker's records (in tar order, paths normalized) as a LayerIndex. */
export function layerIndex(digest: string | null, r: LayerRecords, bytesRead: number): LayerIndex {
  const deletions: LayerEntry[] = [];
  const texts: [string, string][] = [];
  const { meta, names, extras } = r;
  for (let i = 0; i < r.count; i++) {
    const path = names[i]!;
    const slash = path.lastIndexOf('/');
    if (path.startsWith(WHITEOUT, slash + 1)) {
      const deletion = deletionOf(path, slash);
      if (deletion) deletions.push(deletion);
      continue;
    }
    const x = meta[i * FIELDS + 3]!;
    if (x !== 0 && typeof extras[x - 1] === 'string') texts.push([path, extras[x - 1] as string]);
  }
  return { digest, deletions, entries: { [Symbol.iterator]: () => entriesOf(r) }, texts, bytesRead };
}

function deletionOf(path: string, slash: number): LayerEntry | null {
  const dir = path.slice(0, slash) || '/';
  const base = path.slice(slash + 1);
  if (base === OPAQUE) return { path: dir, type: 'opaque', size: 0, mode: 0 };
  // aufs metadata (.wh..wh.plnk, .wh..wh.aufs) is not a whiteout; containerd skips it too.
  if (base.startsWith(WHITEOUT + WHITEOUT)) return null;
  // Left unnormalized on purpose: ".wh.." must reach the overlay as "/dir/." so it is recognized
  // as invalid instead of deleting "/dir" itself.
  return { path: dir === '/' ? `/${base.slice(WHITEOUT.length)}` : `${dir}/${base.slice(WHITEOUT.length)}`, type: 'whiteout', size: 0, mode: 0 };
}

function* entriesOf(r: LayerRecords): Generator<LayerEntry> {
  const { meta, names, links, extras } = r;
  let link = 0;
  for (let i = 0, m = 0; i < r.count; i++, m += FIELDS) {
    const type = ENTRY_TYPES[meta[m]!]!;
    const linkname = type === 'hardlink' || type === 'symlink' ? links[link++]! : '';
    const path = names[i]!;
    if (path === '/' || path.startsWith(WHITEOUT, path.lastIndexOf('/') + 1)) continue;
    const entry: LayerEntry = { path, type, size: meta[m + 2]!, mode: meta[m + 1]! };
    // The walker normalized a hard link's target (it names a path in the image); a symlink's
    // text is kept as written.
    if (type === 'hardlink' || type === 'symlink') entry.target = linkname;
    if (type === 'file') {
      entry.facts = null;
      const x = meta[m + 3]!;
      // A kept text (which files: native/src/layer/kept_text.rs) is a file's head too.
      const extra = x === 0 ? null : extras[x - 1]!;
      if (extra !== null) {
        const head = typeof extra === 'string' ? Buffer.from(extra) : Buffer.isBuffer(extra) ? extra : null;
        if (head === null) settle(entry, extra as Classification);
        else if (head[0] === 0x23 && head[1] === 0x21) entry.shebang = firstLine(head);
      }
    }
    yield entry;
  }
}

function settle(entry: LayerEntry, c: Classification): void {
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

function firstLine(head: Buffer): string {
  let end = head.indexOf(0x0a);
  const max = limits().shebangMax;
  if (end < 0 || end > max) end = Math.min(head.length, max);
  return head.toString('utf8', 0, end).replace(/\r$/, '');
}
