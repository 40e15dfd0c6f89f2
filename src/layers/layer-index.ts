// A layer's records from the native walker (LayerRecords: one flat object) as the LayerIndex the
// overlay applies: whiteouts and opaque markers decoded, link targets kept, and each regular
// file's facts, unreadable reason or `#!` line taken from what the walker kept; the kept texts
// (loader configuration, package databases, package.json) listed apart. No bytes are read here:
// the walker has done that.
//
// The entries are a view, not an array: each pass builds its LayerEntry objects afresh from the
// flat records. Held as an array they were one object per path that outlived the overlay — on an
// image of 100k files, tens of MB that every young-generation collection copied.

import type { BinaryFacts, Classification, LayerEntry, LayerIndex } from '../model.js';
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
    const extra = x === 0 ? null : extras[x - 1]!;
    if (typeof extra === 'string') texts.push([path, extra]);
    else if (extra !== null && !Buffer.isBuffer(extra) && extra.status === 'binary') extras[x - 1] = { ...extra, facts: fastFacts(extra.facts) };
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
    const entry: LayerEntry = { path, type, size: small(meta[m + 2]!), mode: meta[m + 1]! | 0 };
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

/**
 * A size as V8 keeps it inline (a small integer) when it can: a number read from a Float64Array
 * is a double, and a double in an object's field is a separate heap number — two per path, with
 * the mode, on the image of 60k files, 2 MB.
 */
function small(n: number): number {
  return n < 2 ** 30 ? n | 0 : n;
}

/**
 * The addon's facts as an object with a fixed shape. Built by Node-API one property at a time,
 * an object of more than a dozen properties is kept as a hash table (V8's soft limit for
 * properties added by keyed stores): 1.7 KB a binary, against ~0.1 KB for this literal.
 */
function fastFacts(f: BinaryFacts): BinaryFacts {
  const slices = f.slices.map(fastFacts);
  // Mach-O and PE have none of the ELF-only facts: their keys stay absent.
  if (!('needed' in f))
    return { format: f.format, machine: f.machine, cpu: f.cpu, bits: f.bits, endian: f.endian, kind: f.kind, osabi: f.osabi, flags: f.flags, eabi: f.eabi, floatAbi: f.floatAbi, interpreter: f.interpreter, platform: f.platform, slices };
  return {
    format: f.format, machine: f.machine, cpu: f.cpu, bits: f.bits, endian: f.endian, kind: f.kind, osabi: f.osabi, flags: f.flags, eabi: f.eabi, floatAbi: f.floatAbi, interpreter: f.interpreter, platform: f.platform, slices,
    isaLevel: f.isaLevel, armArch: f.armArch, needed: f.needed, soname: f.soname, rpath: f.rpath, runpath: f.runpath, loadAlign: f.loadAlign, versionsNeeded: f.versionsNeeded, versionsDefined: f.versionsDefined,
  };
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
