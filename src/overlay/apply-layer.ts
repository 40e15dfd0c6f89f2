// One layer applied over the ones below it, with the OCI changeset rules in the order that makes
// them layer-local: first the layer's deletions (whiteouts, opaque markers), which only ever see
// lower layers, then its entries in tar order. docs/overlay.md gives the why of each choice.

import type { FinalFile, LayerEntry, LayerIndex } from '../model.js';
import { ensureDir, fileOf, putIn, remove, splitPath, walk, type Dir } from './path-trie.js';

/** Applies `layer` to the tree at `root`; returns how many entries were ignored as unusable. */
export function applyLayer(root: Dir, layer: LayerIndex, layerNo: number): number {
  let ignored = 0;
  // Whiteouts before opaque markers: a layer that has both `.wh.d` and `d/.wh..wh..opq` holds
  // d as a new, empty directory — the marker inside d says d exists in this layer.
  for (const e of layer.deletions) {
    if (e.type === 'whiteout' && !applyWhiteout(root, e.path)) ignored++;
  }
  for (const e of layer.deletions) {
    if (e.type === 'opaque' && !applyOpaque(root, e.path, layerNo)) ignored++;
  }
  const parents = new ParentDirs(root, layerNo);
  for (const e of layer.entries) {
    if (e.type === 'whiteout' || e.type === 'opaque') continue;
    if (!applyEntry(root, parents, e, layerNo)) ignored++;
  }
  return ignored;
}

/**
 * The directory the previous entry went into. A tar lists a directory's entries together, so
 * most entries find their parent here with one string comparison instead of a walk from the root.
 * It cannot go stale: an entry replaces a child of the directory it goes into, and the entry that
 * goes into another directory makes that one remembered.
 */
class ParentDirs {
  private path: string | null = null;
  private node: Dir | null = null;

  constructor(
    private readonly root: Dir,
    private readonly layerNo: number,
  ) {}

  /** The directory at `dir` (canonical), created as the overlay creates missing parents. */
  at(dir: string): Dir {
    if (dir === this.path) return this.node!;
    this.path = dir;
    this.node = dir === '/' ? this.root : ensureDir(this.root, dir.slice(1).split('/'), this.layerNo);
    return this.node;
  }
}

/**
 * `.wh.NAME` deletes NAME of the lower layers. A name that points at its own directory or above
 * (`.wh.`, `.wh..`, `.wh...`) arrives as a path ending in "", "." or ".."; containerd refuses the
 * whole layer ("invalid whiteout name"), a scanner just skips the entry — it must never delete
 * the directory holding it, its parent, or the root.
 */
function applyWhiteout(root: Dir, path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (path === '/' || last === '' || last === '.' || last === '..') return false;
  const parts = splitPath(path);
  if (!parts || parts.length === 0) return false;
  // Literal: under a symlinked parent nothing is deleted (see docs/overlay.md).
  remove(root, parts);
  return true;
}

/** `.wh..wh..opq` hides everything the lower layers had in its directory, which this layer makes a directory. */
function applyOpaque(root: Dir, path: string, layerNo: number): boolean {
  const parts = splitPath(path);
  if (!parts) return false;
  const dir = ensureDir(root, parts, layerNo);
  dir.children = new Map();
  return true;
}

/**
 * The path as the overlay keys it: the walker's names already are ("/usr/lib/x", no empty, "."
 * or ".." component) and are kept as they are, so the final file shares the walker's string.
 * Null for a path that is unusable (relative, or climbing with "." or "..").
 */
function canonical(path: string): string | null {
  if (path === '/') return path;
  if (path.startsWith('/') && !path.endsWith('/') && !path.endsWith('/.') && !path.endsWith('/..') && !path.includes('//') && !path.includes('/./') && !path.includes('/../')) return path;
  const parts = splitPath(path);
  return parts ? '/' + parts.join('/') : null;
}

function applyEntry(root: Dir, parents: ParentDirs, e: LayerEntry, layerNo: number): boolean {
  const path = canonical(e.path);
  if (path === null) return false;
  if (path === '/') {
    // Only the root directory's own metadata can come from an entry for "/".
    if (e.type !== 'directory') return false;
    root.file = { ...root.file, mode: e.mode, layer: layerNo };
    return true;
  }
  const file = e.type === 'hardlink' ? linkFile(root, e, path, layerNo) : plainFile(e, path, layerNo);
  if (!file) return false;
  const slash = path.lastIndexOf('/');
  putIn(parents.at(path.slice(0, slash) || '/'), path.slice(slash + 1), file);
  return true;
}

function plainFile(e: LayerEntry, path: string, layerNo: number): FinalFile | null {
  if (e.type !== 'file' && e.type !== 'symlink' && e.type !== 'directory' && e.type !== 'other') return null;
  const file: FinalFile = {
    path,
    type: e.type,
    size: e.size,
    mode: e.mode,
    facts: e.type === 'file' ? (e.facts ?? null) : null,
    unreadable: e.type === 'file' ? (e.unreadable ?? null) : null,
    layer: layerNo,
  };
  if (e.type === 'symlink' && e.target !== undefined) file.target = e.target;
  if (e.type === 'file' && e.shebang !== undefined) file.shebang = e.shebang;
  return file;
}

/**
 * A hard link is its target's content as it stands when the link is applied: this layer's
 * earlier entries, else the lower layers. Copying it now is what makes a later rewrite of the
 * target leave the link alone (overlayfs copy-up breaks the pair). The target path is walked as
 * link(2) walks it: symlinks in its directories followed, the last component not.
 */
function linkFile(root: Dir, e: LayerEntry, path: string, layerNo: number): FinalFile {
  const node = e.target === undefined ? undefined : walk(root, e.target, false);
  const target = node && fileOf(node);
  if (target && target.type !== 'directory') {
    const { path: _, layer: __, ...content } = target;
    return { ...content, path, layer: layerNo };
  }
  // A link to nothing (or to a directory) is kept so the path exists, but it is not a binary.
  const dangling: FinalFile = { path, type: 'other', size: e.size, mode: e.mode, facts: null, unreadable: null, layer: layerNo };
  if (e.target !== undefined) dangling.target = e.target;
  return dangling;
}
