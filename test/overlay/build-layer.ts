// Hand-built layers for overlay tests: LayerEntry values as the layer scanner hands them over
// (absolute normalized paths, whiteouts already translated), so no tar is needed.

import type { BinaryFacts, LayerEntry, LayerIndex } from '../../src/model.js';
import { FileTree } from '../../src/overlay/file-tree.js';

/** Just enough facts to tell binaries apart: the machine number and a name. */
export function facts(machine: number, cpu = `machine ${machine}`): BinaryFacts {
  return {
    format: 'elf', machine, cpu, bits: 64, endian: 'little', kind: 'executable', osabi: 0, flags: 0,
    eabi: null, floatAbi: null, interpreter: null, platform: `test/${machine}`, slices: [],
  };
}
export const X86 = facts(62, 'x86-64');
export const ARM64 = facts(183, 'AArch64');

export const file = (path: string, more: Partial<LayerEntry> = {}): LayerEntry => ({ path, type: 'file', size: 100, mode: 0o644, facts: null, ...more });
export const bin = (path: string, f: BinaryFacts, more: Partial<LayerEntry> = {}): LayerEntry => file(path, { facts: f, mode: 0o755, ...more });
export const dir = (path: string): LayerEntry => ({ path, type: 'directory', size: 0, mode: 0o755 });
export const symlink = (path: string, target: string): LayerEntry => ({ path, type: 'symlink', target, size: 0, mode: 0o777 });
export const hardlink = (path: string, target: string): LayerEntry => ({ path, type: 'hardlink', target, size: 0, mode: 0o644 });
export const whiteout = (path: string): LayerEntry => ({ path, type: 'whiteout', size: 0, mode: 0 });
export const opaque = (path: string): LayerEntry => ({ path, type: 'opaque', size: 0, mode: 0 });

export function layer(...entries: LayerEntry[]): LayerIndex {
  return layerOf(entries);
}

/** A layer of these entries in tar order: whiteouts and opaque markers go to its deletions. */
export function layerOf(entries: LayerEntry[]): LayerIndex {
  const deletion = (e: LayerEntry) => e.type === 'whiteout' || e.type === 'opaque';
  return { digest: null, deletions: entries.filter(deletion), entries: entries.filter((e) => !deletion(e)), texts: [], bytesRead: 0 };
}

/** The final filesystem of these layers, applied in order as layers 0, 1, 2… */
export function overlay(...layers: LayerIndex[]): FileTree {
  const tree = new FileTree();
  layers.forEach((l, i) => tree.applyLayer(l, i));
  return tree;
}

/** Paths of every non-directory, in the tree's own order. */
export function paths(tree: FileTree): string[] {
  return [...tree.files()].map((f) => f.path);
}
