// A layer's records from the native walker (LayerRecords: one flat object) as the LayerEntry
// records the overlay needs: whiteouts and opaque markers decoded, link targets kept, and each
// regular file's facts, unreadable reason, `#!` line or kept text (loader configuration, package
// databases, package.json) taken from what the walker kept. No bytes are read here: the walker
// has done that.

import type { Classification, LayerEntry, LayerIndex } from '../model.js';
import { limits, type LayerRecords } from '../native.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** The walker's type numbers (native/src/tar/header.rs EntryType). */
const ENTRY_TYPES = ['file', 'hardlink', 'symlink', 'directory', 'other'] as const;

function splitParent(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return [path.slice(0, i) || '/', path.slice(i + 1)];
}

function joinChild(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The walker's records (in tar order, paths normalized) as a LayerIndex. */
export function layerIndex(digest: string | null, r: LayerRecords, bytesRead: number): LayerIndex {
  const entries: LayerEntry[] = [];
  const { meta, names, links, extras } = r;
  let link = 0;
  for (let i = 0, m = 0; i < r.count; i++, m += 4) {
    const type = ENTRY_TYPES[meta[m]!]!;
    const linkname = type === 'hardlink' || type === 'symlink' ? links[link++]! : '';
    const path = names[i]!;
    const [dir, base] = splitParent(path);
    if (base.startsWith(WHITEOUT)) {
      if (base === OPAQUE) entries.push({ path: dir, type: 'opaque', size: 0, mode: 0 });
      // aufs metadata (.wh..wh.plnk, .wh..wh.aufs) is not a whiteout; containerd skips it too.
      else if (!base.startsWith(WHITEOUT + WHITEOUT))
        // Left unnormalized on purpose: ".wh.." must reach the overlay as "/dir/." so it is
        // recognized as invalid instead of deleting "/dir" itself.
        entries.push({ path: joinChild(dir, base.slice(WHITEOUT.length)), type: 'whiteout', size: 0, mode: 0 });
      continue;
    }
    if (path === '/') continue;
    const entry: LayerEntry = { path, type, size: meta[m + 2]!, mode: meta[m + 1]! };
    entries.push(entry);
    // The walker normalized a hard link's target (it names a path in the image); a symlink's
    // text is kept as written.
    if (type === 'hardlink' || type === 'symlink') entry.target = linkname;
    if (type !== 'file') continue;
    entry.facts = null;
    const x = meta[m + 3]!;
    const extra = x === 0 ? null : extras[x - 1]!;
    if (extra === null) continue; // neither a script, loader configuration nor binary candidate
    // A kept text (which files: native/src/layer/kept_text.rs).
    if (typeof extra === 'string') entry.text = extra;
    const head = typeof extra === 'string' ? Buffer.from(extra) : Buffer.isBuffer(extra) ? extra : null;
    if (head === null) settle(entry, extra as Classification);
    else if (head[0] === 0x23 && head[1] === 0x21) entry.shebang = firstLine(head);
  }
  return { digest, entries, bytesRead };
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
