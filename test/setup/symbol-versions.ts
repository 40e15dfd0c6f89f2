// The real files of the symbol-version tests, once per machine, in ~/.cache/elfscan/symbol-versions
// (or $ELFSCAN_CACHE): Debian's C and C++ runtimes of three releases and two npm packages with
// prebuilt addons (fixtures/symbol-versions/fetch.sh), and programs built here with Debian's gcc 12
// (fixtures/symbol-versions/build.sh). ensureSymbolVersionImages() is the entry point (the tests
// call it from beforeAll); it returns the folders and turns them into image layers. A failure
// fails the suite — nothing is skipped.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileSpec } from '../helpers/image-builder.js';

export const SYMBOL_VERSIONS_DIR = join(process.env.ELFSCAN_CACHE ?? join(homedir(), '.cache', 'elfscan'), 'symbol-versions');

export type Suite = 'bullseye' | 'bookworm' | 'trixie';

/** Top-level folders a merged-/usr Debian (bookworm on) keeps only as links into /usr. */
const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** Folders of a package that hold no code. */
const SKIP = /^\/usr\/share\/|^\/usr\/include\//;

export interface SymbolVersionFiles {
  /** dpkg -x trees: `${trees}/<suite>/<package>/`. */
  trees: string;
  /** npm packages: `${npm}/<name>/`. */
  npm: string;
  /** build.sh's output: hello, wait, wait.node, wait-runpath.node. */
  built: string;
  /** A release's C and C++ runtime as one layer, laid out as that release's images are (merged /usr from bookworm on). */
  base(suite: Suite): FileSpec[];
  /** The files of a folder (a package tree, an npm package) mounted at `mount`. */
  folder(dir: string, mount: string): FileSpec[];
}

function run(script: string, out: string): void {
  const path = fileURLToPath(new URL(`../../fixtures/symbol-versions/${script}`, import.meta.url));
  const r = spawnSync('bash', [path, out], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fixtures/symbol-versions/${script} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

/** Whether the test set-up has fetched and built them (each script leaves a .stamp when done). */
export function symbolVersionsReady(): boolean {
  return ['downloads', 'built'].every((d) => existsSync(join(SYMBOL_VERSIONS_DIR, d, '.stamp')));
}

/** Downloads and builds what is missing (a no-op when the stamps are current), and returns the folders. */
export function ensureSymbolVersionImages(): SymbolVersionFiles {
  const downloads = join(SYMBOL_VERSIONS_DIR, 'downloads');
  const built = join(SYMBOL_VERSIONS_DIR, 'built');
  run('fetch.sh', downloads);
  run('build.sh', built);
  const trees = join(downloads, 'trees');
  const folder = (dir: string, mount: string, merge = false) => filesOf(dir, mount, merge);
  const base = (suite: Suite): FileSpec[] => {
    const merged = suite !== 'bullseye';
    const files = ['libc6', 'libgcc-s1', 'libstdc++6'].flatMap((p) => {
      const dir = join(trees, suite, p);
      if (!existsSync(dir)) throw new Error(`symbol-versions: ${suite}/${p} was not downloaded (fixtures/symbol-versions/fetch.sh)`);
      return folder(dir, '', merged);
    });
    const links: FileSpec[] = merged ? MERGED.map((d) => ({ path: `/${d}`, type: 'symlink', target: `usr/${d}` })) : [];
    return [...links, ...files, { path: '/etc/ld.so.conf', body: 'include /etc/ld.so.conf.d/*.conf\n' }];
  };
  return { trees, npm: join(downloads, 'npm'), built, base, folder: (dir, mount) => folder(dir, mount) };
}

/** A dpkg -x tree or an npm package folder as FileSpecs under `mount`; `merge` moves /lib, /bin… into /usr. */
function filesOf(dir: string, mount: string, merge: boolean): FileSpec[] {
  const out: FileSpec[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = `${rel}/${name}`;
      const top = r.split('/')[1]!;
      const path = `${mount}${merge && MERGED.includes(top) ? `/usr${r}` : r}`;
      if (SKIP.test(path)) continue;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else if (st.isSymbolicLink()) out.push({ path, type: 'symlink', target: readlinkSync(join(dir, r)) });
      else if (st.isFile()) out.push({ path, body: readFileSync(join(dir, r)), mode: st.mode & 0o7777 });
    }
  };
  walk('');
  return out;
}
