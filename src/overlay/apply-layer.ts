// One layer applied over the ones below it, with the OCI changeset rules in the order that makes
// them layer-local: first the layer's deletions (whiteouts, opaque markers), which only ever see
// lower layers, then its entries in tar order. docs/overlay.md gives the why of each choice.

import type { FinalFile, LayerEntry, LayerIndex } from '../model.js';
import { ensureDir, put, remove, splitPath, walk, type Node } from './path-trie.js';

/** Applies `layer` to the tree at `root`; returns how many entries were ignored as unusable. */
export function applyLayer(root: Node, layer: LayerIndex, layerNo: number): number {
  let ignored = 0;
  // Whiteouts before opaque markers: a layer that has both `.wh.d` and `d/.wh..wh..opq` holds
  // d as a new, empty directory — the marker inside d says d exists in this layer.
  for (const e of layer.entries) {
    if (e.type === 'whiteout' && !applyWhiteout(root, e.path)) ignored++;
  }
  for (const e of layer.entries) {
    if (e.type === 'opaque' && !applyOpaque(root, e.path, layerNo)) ignored++;
  }
  for (const e of layer.entries) {
    if (e.type === 'whiteout' || e.type === 'opaque') continue;
    if (!applyEntry(root, e, layerNo)) ignored++;
  }
  return ignored;
}

/**
 * `.wh.NAME` deletes NAME of the lower layers. A name that points at its own directory or above
 * (`.wh.`, `.wh..`, `.wh...`) arrives as a path ending in "", "." or ".."; containerd refuses the
 * whole layer ("invalid whiteout name"), a scanner just skips the entry — it must never delete
 * the directory holding it, its parent, or the root.
 */
function applyWhiteout(root: Node, path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (path === '/' || last === '' || last === '.' || last === '..') return false;
  const parts = splitPath(path);
  if (!parts || parts.length === 0) return false;
  // Literal: under a symlinked parent nothing is deleted (see docs/overlay.md).
  remove(root, parts);
  return true;
}

/** `.wh..wh..opq` hides everything the lower layers had in its directory, which this layer makes a directory. */
function applyOpaque(root: Node, path: string, layerNo: number): boolean {
  const parts = splitPath(path);
  if (!parts) return false;
  const dir = ensureDir(root, parts, layerNo);
  dir.children = new Map();
  return true;
}

function applyEntry(root: Node, e: LayerEntry, layerNo: number): boolean {
  const parts = splitPath(e.path);
  if (!parts) return false;
  if (parts.length === 0) {
    // Only the root directory's own metadata can come from an entry for "/".
    if (e.type !== 'directory') return false;
    root.file = { ...root.file, mode: e.mode, layer: layerNo };
    return true;
  }
  const path = '/' + parts.join('/');
  const file = e.type === 'hardlink' ? linkFile(root, e, path, layerNo) : plainFile(e, path, layerNo);
  if (!file) return false;
  put(root, parts, file);
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
function linkFile(root: Node, e: LayerEntry, path: string, layerNo: number): FinalFile {
  const target = e.target === undefined ? undefined : walk(root, e.target, false);
  if (target && target.file.type !== 'directory') {
    const { path: _, layer: __, ...content } = target.file;
    return { ...content, path, layer: layerNo };
  }
  // A link to nothing (or to a directory) is kept so the path exists, but it is not a binary.
  const dangling: FinalFile = { path, type: 'other', size: e.size, mode: e.mode, facts: null, unreadable: null, layer: layerNo };
  if (e.target !== undefined) dangling.target = e.target;
  return dangling;
}
