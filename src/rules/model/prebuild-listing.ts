// The folders the Node addon loaders read, listed from the final filesystem in one pass, the
// first time a rule asks: every `<pkg>/prebuilds/`, `<pkg>/prebuilds/<tuple>/`,
// `<pkg>/build/Release/`, `<pkg>/build/Debug/`, and any folder holding a `.node` file, with the
// names in it — what readdirSync() would return (empty folders aside: the tree is walked by its
// files), sorted.

import type { FileTree } from '../../overlay/file-tree.js';

const WATCHED = /^(.*)\/(prebuilds\/[^/]+|build\/Release|build\/Debug)\/([^/]+)$/;

export class PrebuildListing {
  private dirs: Map<string, string[]> | null = null;

  constructor(private readonly tree: FileTree) {}

  /** Names in an image folder of the kinds above ([] for any other folder). */
  readonly list = (dir: string): string[] => this.index().get(dir) ?? [];

  /** Folders of packages that hold a prebuilds/ folder with something in it, in path order. */
  packagesWithPrebuilds(): string[] {
    const out: string[] = [];
    for (const dir of this.index().keys()) if (dir.endsWith('/prebuilds')) out.push(dir.slice(0, -'/prebuilds'.length));
    return out.sort();
  }

  private index(): Map<string, string[]> {
    if (this.dirs) return this.dirs;
    const sets = new Map<string, Set<string>>();
    const add = (dir: string, name: string) => {
      let s = sets.get(dir);
      if (!s) sets.set(dir, (s = new Set()));
      s.add(name);
    };
    for (const f of this.tree.files()) {
      if (f.path.endsWith('.node')) {
        const slash = f.path.lastIndexOf('/');
        add(f.path.slice(0, slash) || '/', f.path.slice(slash + 1));
      }
      if (!f.path.includes('/prebuilds/') && !f.path.includes('/build/')) continue;
      const m = WATCHED.exec(f.path);
      if (!m) continue;
      const [, pkg, folder, name] = m as unknown as [string, string, string, string];
      add(`${pkg}/${folder}`, name);
      if (folder.startsWith('prebuilds/')) add(`${pkg}/prebuilds`, folder.slice('prebuilds/'.length));
    }
    this.dirs = new Map([...sets].map(([d, s]) => [d, [...s].sort()]));
    return this.dirs;
  }
}
