// The npm packages of the final filesystem as Node and npm see them: which package holds a file
// (the innermost node_modules/<name>), its package.json (read from the kept texts only when a
// file asks), where `require(name)` from a package would land (Node's node_modules lookup, through
// symlinks as pnpm lays them out), which packages list a name in their optionalDependencies, and
// npm's own os/cpu/libc check (npm-install-checks' checkPlatform).

import type { PackageRef } from '../../model.js';
import type { FileTree } from '../../overlay/file-tree.js';
import type { KeptTexts } from '../context.js';

export interface Manifest {
  name: string;
  version: string | null;
  os: string[] | null;
  cpu: string[] | null;
  libc: string[] | null;
  optionalDependencies: Record<string, string>;
  /** Names in `dependencies`: which loader the package uses (node-gyp-build, require-addon…). */
  dependencies: string[];
}

export interface NpmPackage {
  /** Real path of the package folder: "/app/node_modules/@rollup/rollup-linux-x64-gnu". */
  dir: string;
  /** The folder name it is installed under ("@rollup/rollup-linux-x64-gnu"). */
  installedAs: string;
  /** Null when package.json is missing, too large to have been kept, or not JSON. */
  manifest: Manifest | null;
}

/** What npm compares a package's os/cpu/libc with (npm install --os --cpu --libc). */
export interface NpmEnv {
  os: string;
  cpu: string;
  libc: 'glibc' | 'musl' | null;
}

const NODE_MODULES = '/node_modules/';

export class NpmPackages {
  private readonly byDir = new Map<string, NpmPackage>();
  private parents: Map<string, NpmPackage[]> | null = null;

  constructor(
    private readonly tree: FileTree,
    private readonly texts: KeptTexts | undefined,
  ) {}

  /** The innermost installed package holding `path`, or null outside node_modules. */
  packageOf(path: string): NpmPackage | null {
    const at = path.lastIndexOf(NODE_MODULES);
    if (at < 0) return null;
    const rest = path.slice(at + NODE_MODULES.length).split('/');
    const scoped = rest[0]!.startsWith('@');
    const parts = scoped ? 2 : 1;
    // The path must go on below the package folder (a file in it), and the name must be real.
    if (rest.length <= parts || rest[0] === '' || rest[0]!.startsWith('.') || (scoped && !rest[1])) return null;
    const installedAs = rest.slice(0, parts).join('/');
    return this.at(`${path.slice(0, at + NODE_MODULES.length)}${installedAs}`, installedAs);
  }

  /** Where Node's `require(name)` from the package folder `fromDir` finds the package, or null. */
  resolve(fromDir: string, name: string): NpmPackage | null {
    let dir = fromDir;
    for (;;) {
      if (!dir.endsWith('/node_modules')) {
        const found = this.tree.resolve(`${dir === '/' ? '' : dir}/node_modules/${name}`);
        if (found?.type === 'directory') return this.at(found.path, name);
      }
      if (dir === '/') return null;
      dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
    }
  }

  /** The packages whose optionalDependencies name `name` (any version), from every kept package.json. */
  listing(name: string): NpmPackage[] {
    return this.index().get(name) ?? [];
  }

  /** Every package with optionalDependencies (for missing-platform-package), in path order. */
  withOptionalDependencies(): NpmPackage[] {
    const seen = new Set<NpmPackage>();
    for (const list of this.index().values()) for (const p of list) seen.add(p);
    return [...seen].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  }

  /** Optional dependency name → the packages listing it. Only manifests that have optionalDependencies at all are parsed. */
  private index(): Map<string, NpmPackage[]> {
    if (this.parents) return this.parents;
    const parents = new Map<string, NpmPackage[]>();
    for (const path of this.texts?.paths() ?? []) {
      if (!path.endsWith('/package.json') || !this.texts!.contains(path, '"optionalDependencies"')) continue;
      const dir = path.slice(0, -'/package.json'.length);
      const pkg = this.packageOf(path);
      if (!pkg || pkg.dir !== dir || !pkg.manifest) continue;
      for (const dep of Object.keys(pkg.manifest.optionalDependencies)) {
        const list = parents.get(dep) ?? [];
        list.push(pkg);
        parents.set(dep, list);
      }
    }
    this.parents = parents;
    return parents;
  }

  private at(dir: string, installedAs: string): NpmPackage {
    let pkg = this.byDir.get(dir);
    if (!pkg) {
      pkg = { dir, installedAs, manifest: parseManifest(this.texts?.text(`${dir}/package.json`)) };
      this.byDir.set(dir, pkg);
    }
    return pkg;
  }
}

function parseManifest(text: string | undefined): Manifest | null {
  if (text === undefined) return null;
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return null;
  }
  if (!j || typeof j !== 'object') return null;
  const o = j as Record<string, unknown>;
  if (typeof o.name !== 'string') return null;
  const list = (v: unknown): string[] | null => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);
  const deps = o.optionalDependencies && typeof o.optionalDependencies === 'object' ? (o.optionalDependencies as Record<string, unknown>) : {};
  const required = o.dependencies && typeof o.dependencies === 'object' ? Object.keys(o.dependencies) : [];
  return {
    name: o.name,
    version: typeof o.version === 'string' ? o.version : null,
    os: list(o.os),
    cpu: list(o.cpu),
    libc: list(o.libc),
    optionalDependencies: Object.fromEntries(Object.entries(deps).filter((e): e is [string, string] => typeof e[1] === 'string')),
    dependencies: required,
  };
}

/** Whether package.json restricts where npm installs it (a per-platform package). */
export function isPlatformPackage(m: Manifest | null): boolean {
  return m !== null && (m.os !== null || m.cpu !== null || m.libc !== null);
}

/**
 * npm-install-checks' checkPlatform: each of os, cpu, libc present must accept the value —
 * `!x` entries reject x, plain entries must include it unless all entries are negations,
 * `["any"]` accepts everything; a libc list rejects a platform without a libc (not Linux).
 */
export function npmAccepts(m: Manifest, env: NpmEnv): boolean {
  const osOk = m.os ? checkList(env.os, m.os) : true;
  const cpuOk = m.cpu ? checkList(env.cpu, m.cpu) : true;
  const libcOk = m.libc ? env.libc !== null && checkList(env.libc, m.libc) : true;
  return osOk && cpuOk && libcOk;
}

function checkList(value: string, list: string[]): boolean {
  if (list.length === 1 && list[0] === 'any') return true;
  let negated = 0;
  let match = false;
  for (const entry of list) {
    if (entry.startsWith('!')) {
      negated++;
      if (value === entry.slice(1)) return false;
    } else match ||= value === entry;
  }
  return match || negated === list.length;
}

/** The `package` of a finding for an npm package. */
export function npmRef(p: NpmPackage): PackageRef {
  return { ecosystem: 'npm', name: p.manifest?.name ?? p.installedAs, version: p.manifest?.version ?? null, arch: p.manifest?.cpu?.join(',') ?? null };
}

/** "rollup 4.24.0" — how messages name a package. */
export function npmLabel(p: NpmPackage): string {
  const ref = npmRef(p);
  return ref.version ? `${ref.name} ${ref.version}` : ref.name;
}

/** What a platform package's package.json says it is for: "linux-x64 glibc", "darwin-arm64". */
export function platformWords(m: Manifest): string {
  const os = m.os?.filter((o) => !o.startsWith('!')).join('/') ?? '';
  const cpu = m.cpu?.filter((c) => !c.startsWith('!')).join('/') ?? '';
  const libc = m.libc?.join('/') ?? '';
  return `${[os, cpu].filter(Boolean).join('-') || 'another platform'}${libc ? ` ${libc}` : ''}`;
}
