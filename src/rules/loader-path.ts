// Where the dynamic loader looks for a DT_NEEDED name, as glibc's ld.so and musl's do it, in the
// image's final filesystem: DT_RPATH (only without DT_RUNPATH), LD_LIBRARY_PATH from the config,
// DT_RUNPATH, /etc/ld.so.conf and its includes (glibc) or /etc/ld-musl-<arch>.path (musl), then
// the default and Debian multiarch folders. $ORIGIN is the folder of the file that needs the
// library; $LIB and $PLATFORM expand to every usual value, since the loader knows them and we don't.

import type { BinaryFacts, FinalFile } from '../model.js';
import type { FileTree } from '../overlay/file-tree.js';
import type { RuleContext } from './context.js';
import { configEnv, type Libc } from './image-facts.js';
import { multiarchDirs } from './triplets.js';

/** How deep ld.so.conf includes are followed (glibc has no limit; loops must end). */
const INCLUDE_DEPTH = 8;
/** Most folders taken from configuration files (a hostile image must not make a lookup slow). */
const CONF_DIRS_MAX = 512;

export interface LoaderConfig {
  /** LD_LIBRARY_PATH from the image config. */
  ldLibraryPath: string | undefined;
  /** Folders from /etc/ld.so.conf and its includes, in order. */
  confDirs: string[];
  /** musl's /etc/ld-musl-<arch>.path files by their arch word. */
  muslPath: Map<string, string[]>;
}

/** Reads the loader configuration from the texts layer-entries kept. */
export function loaderConfig(tree: FileTree, text: (path: string) => string | undefined, ldLibraryPath: string | undefined): LoaderConfig {
  const confDirs: string[] = [];
  const seen = new Set<string>();
  const readConf = (path: string, depth: number) => {
    if (depth > INCLUDE_DEPTH || seen.has(path) || confDirs.length >= CONF_DIRS_MAX) return;
    seen.add(path);
    const body = text(path);
    if (body === undefined) return;
    for (const raw of body.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) continue;
      const inc = /^include\s+(.+)$/.exec(line);
      if (inc) {
        for (const pattern of inc[1]!.trim().split(/\s+/)) {
          const abs = pattern.startsWith('/') ? pattern : `${path.slice(0, path.lastIndexOf('/'))}/${pattern}`;
          for (const match of globFiles(tree, abs)) readConf(match, depth + 1);
        }
      } else if (line.startsWith('/')) {
        for (const dir of line.split(/[\s:,]+/)) if (dir.startsWith('/') && confDirs.length < CONF_DIRS_MAX) confDirs.push(dir);
      }
    }
  };
  readConf('/etc/ld.so.conf', 0);
  const muslPath = new Map<string, string[]>();
  for (const f of tree.files()) {
    const m = /^\/etc\/ld-musl-([a-z0-9_]+)\.path$/.exec(f.path);
    const body = m ? text(f.path) : undefined;
    if (m && body !== undefined) muslPath.set(m[1]!, body.split(/[\n:]/).map((s) => s.trim()).filter((s) => s.startsWith('/')));
  }
  return { ldLibraryPath, confDirs, muslPath };
}

/** Each image's loader configuration, read once for the rules that ask (a tree is one image's). */
const configs = new WeakMap<FileTree, LoaderConfig>();

/** The image's loader configuration, with LD_LIBRARY_PATH from its config. */
export function imageLoaderConfig(ctx: RuleContext): LoaderConfig {
  let cfg = configs.get(ctx.tree);
  if (!cfg) configs.set(ctx.tree, (cfg = loaderConfig(ctx.tree, ctx.text ?? (() => undefined), configEnv(ctx.config, 'LD_LIBRARY_PATH'))));
  return cfg;
}

/** Files matching a glob whose only wildcards are in the last component (ld.so.conf.d/*.conf). */
function globFiles(tree: FileTree, pattern: string): string[] {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash) || '/';
  const name = pattern.slice(slash + 1);
  if (!/[*?[]/.test(name)) return [pattern];
  const re = new RegExp(`^${name.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const out: string[] = [];
  const real = tree.resolve(dir)?.path ?? dir;
  for (const f of tree.files()) {
    const i = f.path.lastIndexOf('/');
    if ((f.path.slice(0, i) || '/') === real && re.test(f.path.slice(i + 1))) out.push(`${dir}/${f.path.slice(i + 1)}`);
  }
  return out.sort(); // glibc reads glob results in sorted order
}

function expand(list: string | null | undefined, origin: string): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const part of list.split(':')) {
    if (!part) continue;
    const withOrigin = part.replace(/\$(ORIGIN|\{ORIGIN\})/g, origin);
    if (/\$(\{)?(LIB|PLATFORM)/.test(withOrigin)) {
      for (const lib of ['lib', 'lib64', 'lib32']) out.push(withOrigin.replace(/\$(LIB|\{LIB\})/g, lib).replace(/\$(PLATFORM|\{PLATFORM\})/g, ''));
    } else out.push(withOrigin);
  }
  // Relative entries are relative to the process's working directory: unknowable, skipped.
  return out.filter((d) => d.startsWith('/'));
}

/** The folders searched for `facts`' DT_NEEDED names, in the loader's order. */
export function searchPath(file: FinalFile, facts: BinaryFacts, cfg: LoaderConfig, musl: boolean): string[] {
  const origin = file.path.slice(0, file.path.lastIndexOf('/')) || '/';
  const dirs: string[] = [];
  if (!facts.runpath) dirs.push(...expand(facts.rpath, origin));
  dirs.push(...expand(cfg.ldLibraryPath, origin));
  dirs.push(...expand(facts.runpath, origin));
  if (musl) {
    const paths = [...cfg.muslPath.values()].flat();
    dirs.push(...(paths.length ? paths : ['/lib', '/usr/local/lib', '/usr/lib']));
    return dirs;
  }
  dirs.push(...cfg.confDirs);
  const multi = multiarchDirs(facts);
  for (const m of multi) dirs.push(`/lib/${m}`, `/usr/lib/${m}`);
  if (facts.bits === 64) dirs.push('/lib64', '/usr/lib64');
  if (facts.bits === 32 && facts.machine === 3) dirs.push('/lib32', '/usr/lib32');
  if (facts.bits === 32 && facts.machine === 62) dirs.push('/libx32', '/usr/libx32');
  dirs.push('/lib', '/usr/lib', '/usr/local/lib');
  return dirs;
}

/** Whether `facts` is loaded by musl's loader: the image's C library is musl, or the file names musl's loader. */
export function loadedByMusl(facts: BinaryFacts, libc: Libc | null): boolean {
  return libc === 'musl' || /ld-musl-/.test(facts.interpreter ?? '');
}

/** Whether the loader `facts` names (PT_INTERP), if any, is in the image for its CPU: otherwise missing-interpreter speaks for the file. */
export function interpreterFound(tree: FileTree, facts: BinaryFacts): boolean {
  if (!facts.interpreter) return true;
  const loader = tree.resolve(facts.interpreter);
  return Boolean(loader && loader.type === 'file' && compatible(loader, facts));
}

/** What the loader finds for a DT_NEEDED name: the first compatible file, only files for another CPU, or nothing. */
export type Found = { file: FinalFile; path: string } | 'foreign' | 'missing';

/**
 * Lookups already made in a final filesystem, by folders, name and the layout asking: most files
 * share the default search path, and two rules ask for the same names (the tree no longer
 * changes once the rules run).
 */
const lookups = new WeakMap<FileTree, Map<string, Found>>();

/** Looks `name` up in `dirs` as the loader does (a name with a slash is a path); `path` is where it was found. */
export function findLibrary(tree: FileTree, name: string, dirs: string[], facts: BinaryFacts): Found {
  let seen = lookups.get(tree);
  if (!seen) lookups.set(tree, (seen = new Map()));
  const key = `${facts.machine}/${facts.bits}/${facts.endian}\0${name}\0${dirs.join('\0')}`;
  let found = seen.get(key);
  if (found === undefined) seen.set(key, (found = lookup(tree, name, dirs, facts)));
  return found;
}

function lookup(tree: FileTree, name: string, dirs: string[], facts: BinaryFacts): Found {
  if (name.includes('/')) {
    const f = tree.resolve(name);
    return f && f.type === 'file' ? (compatible(f, facts) ? { file: f, path: name } : 'foreign') : 'missing';
  }
  let foreign = false;
  for (const dir of dirs) {
    const path = `${dir === '/' ? '' : dir}/${name}`;
    const f = tree.resolve(path);
    if (!f || f.type !== 'file') continue;
    if (compatible(f, facts)) return { file: f, path };
    foreign = true;
  }
  return foreign ? 'foreign' : 'missing';
}

/** Whether a found library can serve `facts`: ld.so skips files of another class or CPU and goes on. */
export function compatible(found: FinalFile, facts: BinaryFacts): boolean {
  const f = found.facts;
  if (!f) return found.type === 'file' && !found.unreadable; // a linker script or unknown file: not ours to judge
  return f.format === 'elf' && f.machine === facts.machine && f.bits === facts.bits && f.endian === facts.endian;
}
