// The final filesystem as a trie of directory nodes, so that deleting a directory (whiteout,
// opaque marker, a file replacing a directory) drops its subtree in one step instead of scanning
// every path. A directory is a Dir; any other file is its FinalFile itself, with no node around
// it (an image is mostly files: one object a path, not two). No file bodies are ever held.

import type { FinalFile } from '../model.js';

/** A directory of the final filesystem: its own metadata and its entries by name. */
export class Dir {
  constructor(
    public file: FinalFile,
    public children: Map<string, Node>,
  ) {}
}

export type Node = Dir | FinalFile;

/** The final file a node stands for. */
export function fileOf(node: Node): FinalFile {
  return node instanceof Dir ? node.file : node;
}

/** Linux's MAXSYMLINKS: how many symlinks one lookup may follow. */
export const MAX_SYMLINKS = 40;

export function makeDir(path: string, mode: number, layer: number): Dir {
  return new Dir({ path, type: 'directory', size: 0, mode, facts: null, unreadable: null, layer }, new Map());
}

/**
 * Components of an absolute path taken literally: empty components ("//", a trailing "/") are
 * dropped; "." or ".." anywhere makes the path unusable (null) — the layer scanner normalizes,
 * so one that is left means something tried to climb.
 */
export function splitPath(path: string): string[] | null {
  if (!path.startsWith('/')) return null;
  const parts = path.split('/').filter((p) => p !== '');
  return parts.some((p) => p === '.' || p === '..') ? null : parts;
}

/** The node at a path, without following symlinks; undefined if any ancestor is not a directory. */
export function lookup(root: Dir, parts: readonly string[]): Node | undefined {
  let node: Node | undefined = root;
  for (const name of parts) {
    node = node instanceof Dir ? node.children.get(name) : undefined;
    if (!node) return undefined;
  }
  return node;
}

/**
 * The directory at `parts`, created if missing. A non-directory in the way (lower file or
 * symlink) is replaced by a directory, as overlayfs shows an upper directory over a lower file;
 * symlinks are never followed, so one layer cannot write into another's tree elsewhere.
 */
export function ensureDir(root: Dir, parts: readonly string[], layer: number, end = parts.length): Dir {
  let node = root;
  // Once one level is created every deeper one is too, so the path is joined once and then
  // extended: joining afresh per level would be quadratic in the depth.
  let path: string | null = null;
  for (let i = 0; i < end; i++) {
    const name = parts[i]!;
    const children = node.children;
    let next = children.get(name);
    if (!(next instanceof Dir)) {
      path = path === null ? '/' + parts.slice(0, i + 1).join('/') : `${path}/${name}`;
      next = makeDir(path, 0o755, layer);
      children.set(name, next);
    }
    node = next;
  }
  return node;
}

/**
 * Puts a file into the directory `parent` as `name`: a directory over a directory keeps the
 * children and takes the new metadata; anything else replaces the old node and with it any
 * subtree.
 */
export function putIn(parent: Dir, name: string, file: FinalFile): void {
  const old = parent.children.get(name);
  if (file.type === 'directory') {
    if (old instanceof Dir) old.file = file;
    else parent.children.set(name, new Dir(file, new Map()));
  } else {
    parent.children.set(name, file);
  }
}

/** Removes the node at `parts` and its subtree; literal, so nothing under a symlinked parent. */
export function remove(root: Dir, parts: readonly string[]): boolean {
  if (parts.length === 0) return false;
  const parent = lookup(root, parts.slice(0, -1));
  return parent instanceof Dir && parent.children.delete(parts[parts.length - 1]!);
}

/**
 * Walks a path the way the kernel does: symlinks (absolute from the image root, relative from
 * their directory) at every component, ".." to the physical parent, the root as its own parent.
 * The final component is followed only when `followFinal`. Undefined for a missing component, a
 * non-directory in the middle, or more than `maxLinks` symlinks (a loop).
 */
export function walk(root: Dir, path: string, followFinal: boolean, maxLinks = MAX_SYMLINKS): Node | undefined {
  const stack: Node[] = [root];
  // Pending components, last one first, so that a symlink's target is pushed in front cheaply.
  const pending = path.split('/').reverse();
  let links = 0;
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const here = stack[stack.length - 1]!;
    const next = here instanceof Dir ? here.children.get(name) : undefined;
    if (!next) return undefined;
    // Checked only at a symlink, at most MAX_SYMLINKS + 1 times: the scan is linear in the path.
    if (!(next instanceof Dir) && next.type === 'symlink' && (followFinal || pending.some((p) => p !== '' && p !== '.'))) {
      if (++links > maxLinks) return undefined;
      const target = next.target ?? '';
      if (target === '') return undefined;
      if (target.startsWith('/')) stack.length = 1;
      for (const p of target.split('/').reverse()) pending.push(p);
      continue;
    }
    stack.push(next);
  }
  return stack[stack.length - 1];
}

/**
 * Every non-directory under `root`, depth first with each directory's names in code-unit order —
 * the order of sorting full paths with "/" below every other character. A stack of frames, not
 * recursion: a layer may nest directories thousands deep.
 */
export function* nonDirectories(root: Dir): Generator<FinalFile> {
  const frames: { dir: Dir; names: string[]; next: number }[] = [{ dir: root, names: sortedNames(root), next: 0 }];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    const name = frame.names[frame.next++];
    if (name === undefined) {
      frames.pop();
      continue;
    }
    const node = frame.dir.children.get(name);
    if (!node) continue;
    if (node instanceof Dir) frames.push({ dir: node, names: sortedNames(node), next: 0 });
    else yield node;
  }
}

function sortedNames(dir: Dir): string[] {
  return [...dir.children.keys()].sort();
}

/** How many regular files (hard links included) are under `root`; unordered, so no sorting. */
export function countFiles(root: Dir): number {
  let n = 0;
  const dirs: Dir[] = [root];
  while (dirs.length > 0) {
    for (const node of dirs.pop()!.children.values()) {
      if (node instanceof Dir) dirs.push(node);
      else if (node.type === 'file') n++;
    }
  }
  return n;
}
