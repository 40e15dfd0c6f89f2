// The image's final filesystem: the layers applied in manifest order, then asked for what the
// rules need — which files exist, what a path (through symlinks) leads to.

import type { FinalFile, LayerIndex } from '../model.js';
import { applyLayer } from './apply-layer.js';
import { MAX_SYMLINKS, countFiles, fileOf, lookup, makeDir, nonDirectories, splitPath, walk, type Dir } from './path-trie.js';

export class FileTree {
  private readonly root: Dir = makeDir('/', 0o755, 0);
  private countCache: number | null = 0;
  /** files() in order, once the layers are applied: every rule walks them, and sorting each directory again is most of a walk. */
  private filesCache: FinalFile[] | null = null;
  private ignored = 0;

  /** Applies one layer over the ones applied before it; layerNo is its index in the manifest. */
  applyLayer(layer: LayerIndex, layerNo: number): void {
    this.ignored += applyLayer(this.root, layer, layerNo);
    this.countCache = null;
    this.filesCache = null;
  }

  /** The entry at exactly this path (no symlink followed on the way or at the end). */
  get(path: string): FinalFile | undefined {
    const parts = splitPath(path);
    const node = parts ? lookup(this.root, parts) : undefined;
    return node && fileOf(node);
  }

  /**
   * What the path leads to inside the image, following symlinks (absolute ones from the image
   * root, relative ones from their directory) at every component; undefined when something is
   * missing or more than `maxDepth` symlinks are met (a loop). The result's `path` is where the
   * file really is. Relative paths are taken from the root.
   */
  resolve(path: string, maxDepth: number = MAX_SYMLINKS): FinalFile | undefined {
    const node = walk(this.root, path, true, maxDepth);
    return node && fileOf(node);
  }

  /** Every non-directory of the final filesystem in path order (see nonDirectories). Do not apply layers while iterating. */
  files(): IterableIterator<FinalFile> {
    this.filesCache ??= [...nonDirectories(this.root)];
    return this.filesCache.values();
  }

  /** Regular files, hard links included, in the final filesystem. */
  get fileCount(): number {
    this.countCache ??= countFiles(this.root);
    return this.countCache;
  }

  /** Entries skipped as unusable so far: invalid whiteout names, paths with "." or "..", a non-directory at "/". */
  get ignoredEntries(): number {
    return this.ignored;
  }
}
