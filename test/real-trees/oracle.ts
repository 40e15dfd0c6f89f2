// What a scan of a real-trees image must report, derived without elfscan's code: which files the
// target's loaders load comes from the loaders themselves — node-gyp-build, its
// optional-packages fork and require-addon run in a child Node with the target's platform, CPU
// and C library (their own env overrides, process.arch), npm's own os/cpu/libc check
// (npm-install-checks) on each package.json, npm's own install for the target (the tree a
// correct install makes), dpkg's own database (dpkg-query) — and what a file is from binutils'
// readelf and file(1), judged by the table of spec §3 and the severities of spec §5.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, lstatSync, openSync, readFileSync, readSync, closeSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REAL_TREES } from '../setup/real-trees-cache.js';
import { nodeFor } from '../../scripts/node.mjs';

/**
 * The loaders run in the Node of the images (20, whose ABI, 115, their prebuilds are chosen for;
 * the x64 build the set-up fetched for the trees), not in the Node that runs vitest; where an image
 * has no Node, also in 22 and 24, the ABIs it could be run with.
 */
const HOST_NODE20 = join(REAL_TREES, 'node', 'x64-20.20.2', 'bin', 'node');
const NEWER_NODES = [22, 24].map((major) => nodeFor(major, { log: () => {} }));

export interface Expected {
  severity: 'error' | 'warning';
  rule: string;
  path: string;
  why: string;
}

export interface OracleInput {
  /** The image's root folder on this machine. */
  root: string;
  /** The image's platform: "linux/amd64", "linux/arm64", "linux/arm/v7". */
  platform: string;
  /** node_modules of npm's install for this platform (what a correct install holds), if the image has an app. */
  correctTree?: string;
}

interface Row {
  machine: string;
  bits: 32 | 64;
  triplet: string;
  node: string;
  deb: string;
}
/** Spec §3 for the platforms of the suite, in readelf's words. */
const PLATFORMS: Record<string, Row> = {
  'linux/amd64': { machine: 'Advanced Micro Devices X86-64', bits: 64, triplet: 'x86_64-linux-gnu', node: 'x64', deb: 'amd64' },
  'linux/arm64': { machine: 'AArch64', bits: 64, triplet: 'aarch64-linux-gnu', node: 'arm64', deb: 'arm64' },
  'linux/arm/v7': { machine: 'ARM', bits: 32, triplet: 'arm-linux-gnueabihf', node: 'arm', deb: 'armhf' },
};
/** 32-bit code the 64-bit platform runs in compat mode (spec §5 compat-32bit). */
const COMPAT: Record<string, string> = { 'linux/amd64': 'Intel 80386', 'linux/arm64': 'ARM' };
/** Code for no host CPU: never an arch finding. */
const DEVICES = /^(AMD GPU|NVIDIA CUDA|Intel Graphics|Linux BPF|None)/;
const C_LIBRARY = /^(libc\.so(\.\d+)?|libc\.musl-[a-z0-9_]+\.so\.1|ld-linux[a-z0-9_.-]*\.so\.\d+|ld-musl-[a-z0-9_]+\.so\.1|ld64\.so\.[12]|ld\.so\.1|lib(m|pthread|dl|rt|util|resolv)\.so\.[0-9]+)$/;

interface Elf {
  path: string;
  type: string;
  bits: 32 | 64;
  machine: string;
  /** From e_flags or Tag_ABI_VFP_args; unknown (Go's static ARM binaries) is never a finding. */
  float: 'hard' | 'soft' | 'unknown';
  interp: string | null;
  needed: string[];
  runpath: string[];
  minAlign: number | null;
  isaLevel: number | null;
  /** ARM Tag_CPU_arch as the architecture level it needs (v7 → 7), null without the tag. */
  armLevel: number | null;
}

export function oracle(input: OracleInput): Expected[] {
  const row = PLATFORMS[input.platform]!;
  const root = input.root;
  const files = regularFiles(root);
  const kinds = fileKinds(root, files.filter((f) => isBinaryHead(join(root, f))));
  const binaries = [...kinds.keys()];
  const elves = readelf(root, binaries.filter((f) => kinds.get(f)!.startsWith('ELF')));
  const owners = dpkgOwners(root, binaries);
  prefetchVersions([...elves.values()].filter((e) => e.machine === row.machine && e.bits === row.bits && e.needed.length).map((e) => join(root, e.path)));
  const npm = input.correctTree ? new NpmView(root, input.correctTree, input.platform, row) : null;
  const nativeLoader = existsSync(join(root, row.bits === 64 && row.node === 'x64' ? 'lib64/ld-linux-x86-64.so.2' : row.node === 'arm64' ? 'lib/ld-linux-aarch64.so.1' : 'lib/ld-linux-armhf.so.3'));
  const musl = existsSync(join(root, 'lib/ld-musl-x86_64.so.1'));
  const out: Expected[] = [];
  let counted = 0;
  const foreignCount = new Map<string, number>();
  for (const path of binaries) {
    const kind = kinds.get(path)!;
    const elf = elves.get(path);
    const loaded = npm?.loaded(path) ?? true;
    if (loaded === false) continue;
    const owner = owners.get(path);
    const foreign = !elf || elf.machine !== row.machine || elf.bits !== row.bits || (row.machine === 'ARM' && elf.float === 'soft');
    if (foreign && owner) {
      if (owner.arch === 'all' || owner.arch === row.deb) continue;
      if (!(elf && COMPAT[input.platform] === elf.machine) && nativeLoader) continue;
    }
    if (!elf) {
      // Mach-O or PE: an error when something would load or run it.
      const exec = (statSync(join(root, path)).mode & 0o111) !== 0;
      if (path.endsWith('.node') || exec) out.push({ severity: 'error', rule: 'foreign-format', path, why: kind.split(',')[0]! });
      continue;
    }
    if (DEVICES.test(elf.machine)) continue;
    const countable = elf.type === 'EXEC' || elf.type === 'DYN';
    if (countable) counted++;
    if (elf.machine !== row.machine) {
      if (COMPAT[input.platform] === elf.machine && elf.bits === 32) out.push({ severity: 'warning', rule: 'compat-32bit', path, why: elf.machine });
      else out.push({ severity: elf.type === 'REL' ? 'warning' : 'error', rule: 'arch-mismatch', path, why: `${elf.machine} ${elf.type}` });
      if (countable && COMPAT[input.platform] !== elf.machine) foreignCount.set(elf.machine, (foreignCount.get(elf.machine) ?? 0) + 1);
      continue;
    }
    if (elf.bits !== row.bits || (row.machine === 'ARM' && elf.float === 'soft')) {
      out.push({ severity: 'error', rule: 'abi-mismatch', path, why: `${elf.bits}-bit` });
      if (countable) foreignCount.set(elf.machine, (foreignCount.get(elf.machine) ?? 0) + 1);
      continue;
    }
    if (input.platform === 'linux/amd64' && elf.isaLevel !== null && elf.isaLevel > 1) out.push({ severity: 'warning', rule: 'variant-mismatch', path, why: `x86-64-v${elf.isaLevel}` });
    const armv = /^linux\/arm\/v(\d)$/.exec(input.platform);
    if (armv && elf.armLevel !== null && elf.armLevel > Number(armv[1])) {
      out.push({ severity: 'error', rule: 'variant-mismatch', path, why: `Tag_CPU_arch v${elf.armLevel}` });
      continue;
    }
    if (countable) {
      const lib = loaderProblem(root, path, elf, row, musl, elves);
      if (lib) out.push({ ...lib, path });
      if (input.platform === 'linux/arm64' && elf.minAlign !== null && elf.minAlign < 0x4000) out.push({ severity: 'warning', rule: 'page-size', path, why: `LOAD aligned to ${elf.minAlign}` });
    }
  }
  const top = [...foreignCount].sort((a, b) => b[1] - a[1])[0];
  if (top && top[1] * 2 > counted) out.push({ severity: 'error', rule: 'mislabeled-image', path: '', why: `${top[1]} of ${counted} are ${top[0]}` });
  if (npm) out.push(...npm.packageFindings());
  return out;
}

/** Regular files under root, as image paths ("/usr/lib/x.so"). */
function regularFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel))) {
      const r = `${rel}/${name}`;
      const st = lstatSync(join(root, r));
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** A quick look at the first bytes, so that file(1) and readelf see only what may be a binary. */
function isBinaryHead(abs: string): boolean {
  const fd = openSync(abs, 'r');
  const b = Buffer.alloc(4);
  const n = readSync(fd, b, 0, 4, 0);
  closeSync(fd);
  if (n < 2) return false;
  const m = b.readUInt32BE(0);
  return (b[0] === 0x4d && b[1] === 0x5a) || m === 0x7f454c46 || [0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe, 0xcafebabe].includes(m);
}

/** file(1)'s word for each: "ELF 64-bit LSB …", "Mach-O 64-bit arm64 bundle", "PE32+ executable …"; others dropped. */
function fileKinds(root: string, paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < paths.length; i += 500) {
    const chunk = paths.slice(i, i + 500);
    const r = spawnSync('file', ['-b', '-N', ...chunk.map((p) => join(root, p))], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const lines = r.stdout.split('\n');
    chunk.forEach((p, k) => {
      const kind = lines[k] ?? '';
      if (/^(ELF|Mach-O|PE32)/.test(kind)) out.set(p, kind);
    });
  }
  return out;
}

function readelf(root: string, paths: string[]): Map<string, Elf> {
  const out = new Map<string, Elf>();
  for (let i = 0; i < paths.length; i += 200) {
    const chunk = paths.slice(i, i + 200);
    const r = spawnSync('readelf', ['-W', '-h', '-l', '-d', '-n', '-A', ...chunk.map((p) => join(root, p))], { encoding: 'utf8', maxBuffer: 1 << 28 });
    // With several files readelf heads each with "File: <path>".
    const parts = r.stdout.split(/^File: /m).slice(1);
    for (const part of parts) {
      const abs = part.slice(0, part.indexOf('\n'));
      const path = abs.slice(root.length);
      const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(part)?.[1]?.trim() ?? '';
      const aligns = [...part.matchAll(/^\s*LOAD\s+.*\s(0x[0-9a-f]+)$/gm)].map((m) => Number(m[1]));
      const level = /x86 ISA needed:.*x86-64-v(\d)/.exec(part);
      out.set(path, {
        path,
        type: field('Type').split(' ')[0]!,
        bits: field('Class') === 'ELF64' ? 64 : 32,
        machine: field('Machine'),
        float: /hard-float ABI/.test(field('Flags')) || /Tag_ABI_VFP_args: VFP registers/.test(part) ? 'hard' : /soft-float ABI/.test(field('Flags')) ? 'soft' : 'unknown',
        interp: /\[Requesting program interpreter: (.*)\]/.exec(part)?.[1] ?? null,
        needed: [...part.matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]!),
        runpath: [...part.matchAll(/\((?:RUNPATH|RPATH)\)\s+Library (?:r|run)path: \[(.*)\]/g)].flatMap((m) => m[1]!.split(':')),
        minAlign: aligns.length ? Math.min(...aligns) : null,
        isaLevel: level ? Number(level[1]) : null,
        armLevel: Number(/Tag_CPU_arch: v(\d)/.exec(part)?.[1]) || null,
      });
    }
  }
  return out;
}

/** Resolves an image path through the image's symlinks (absolute ones from the root), or null. */
function resolveIn(root: string, path: string, depth = 0): string | null {
  if (depth > 40) return null;
  const parts = path.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${cur}/${parts[i]}`;
    let st;
    try {
      st = lstatSync(join(root, next));
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      const t = readlinkSync(join(root, next));
      const target = t.startsWith('/') ? t : `${cur}/${t}`;
      return resolveIn(root, [normalize(target), ...parts.slice(i + 1)].join('/'), depth + 1);
    }
    cur = next;
  }
  return cur || '/';
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** The loader's search as ld.so's manual describes it: RPATH/RUNPATH ($ORIGIN), ld.so.conf, the default folders. */
function searchDirs(root: string, path: string, elf: Elf, row: Row, musl: boolean): string[] {
  const origin = path.slice(0, path.lastIndexOf('/'));
  return [
    ...elf.runpath.map((d) => d.replace(/\$(ORIGIN|\{ORIGIN\})/g, origin)),
    ...(musl ? muslPath(root) : [...ldSoConf(root), `/lib/${row.triplet}`, `/usr/lib/${row.triplet}`, ...(row.bits === 64 ? ['/lib64', '/usr/lib64'] : []), '/lib', '/usr/lib', '/usr/local/lib']),
  ];
}

/** The file ld.so takes for a needed name: the first of the search with the program's machine and class. */
function findLib(root: string, name: string, elf: Elf, dirs: string[], elves: Map<string, Elf>): string | null {
  for (const d of dirs) {
    const real = resolveIn(root, `${d}/${name}`);
    if (!real || !statSafe(join(root, real))?.isFile()) continue;
    const lib = elves.get(real) ?? readelf(root, [real]).get(real);
    // A linker script or text file: ld.so would not take it, but it is not ours to say.
    if (!lib || (lib.machine === elf.machine && lib.bits === elf.bits)) return real;
  }
  return null;
}

function loaderProblem(root: string, path: string, elf: Elf, row: Row, musl: boolean, elves: Map<string, Elf>): Omit<Expected, 'path'> | null {
  if (elf.interp) {
    const real = resolveIn(root, elf.interp);
    if (!real || !statSafe(join(root, real))?.isFile()) return { severity: 'error', rule: 'missing-interpreter', why: elf.interp };
  }
  const dirs = searchDirs(root, path, elf, row, musl);
  const missing = elf.needed.filter((name) => findLib(root, name, elf, dirs, elves) === null);
  if (missing.length) {
    const c = missing.find((n) => C_LIBRARY.test(n));
    return { severity: c ? 'error' : 'warning', rule: 'missing-library', why: missing.join(' ') };
  }
  // glibc's dl-version.c: every non-weak version a library is needed at must be defined by the file found.
  const lacking: string[] = [];
  for (const [lib, versions] of versionNeeds(join(root, path))) {
    const real = findLib(root, lib, elf, dirs, elves);
    if (!real) continue;
    const defined = versionDefs(join(root, real));
    for (const v of versions) if (!defined.has(v)) lacking.push(`${v} of ${lib}`);
  }
  return lacking.length ? { severity: 'error', rule: 'missing-symbol-version', why: lacking.join(' ') } : null;
}

/**
 * readelf -V for many files at once (one process per 100 files, each part headed "File: <path>"
 * as with several files readelf does): what `versionNeeds` reads, so that it spawns no readelf
 * per program.
 */
const readelfV = new Map<string, string>();
function prefetchVersions(abs: string[]): void {
  const todo = abs.filter((a) => !readelfV.has(a));
  for (let i = 0; i < todo.length; i += 100) {
    const chunk = todo.slice(i, i + 100);
    if (chunk.length === 1) chunk.push(chunk[0]!); // one file gets no "File:" heading
    const text = spawnSync('readelf', ['-W', '-V', ...chunk], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout ?? '';
    for (const part of text.split(/^File: /m).slice(1)) readelfV.set(part.slice(0, part.indexOf('\n')), part);
  }
}

/** readelf -V's "Version needs" section: library → the versions needed without the WEAK flag. */
function versionNeeds(abs: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const text = readelfV.get(abs) ?? spawnSync('readelf', ['-W', '-V', abs], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout ?? '';
  let lib: string | null = null;
  for (const line of text.slice(text.indexOf("Version needs section")).split('\n')) {
    const file = /File: (\S+)\s+Cnt:/.exec(line);
    if (file) lib = file[1]!;
    const name = /Name: (\S+)\s+Flags: (.*?)\s+Version:/.exec(line);
    if (lib && name && !/WEAK/.test(name[2]!)) out.set(lib, [...(out.get(lib) ?? []), name[1]!]);
  }
  return text.includes('Version needs section') ? out : new Map();
}

/**
 * readelf -V's "Version definition" section: the names defined (the BASE entry is the soname).
 * Once per library: every program needs libc.so.6, whose -V output lists thousands of symbols.
 */
const definedBy = new Map<string, Set<string>>();
function versionDefs(abs: string): Set<string> {
  let defs = definedBy.get(abs);
  if (!defs) definedBy.set(abs, (defs = readVersionDefs(abs)));
  return defs;
}

function readVersionDefs(abs: string): Set<string> {
  const text = spawnSync('readelf', ['-W', '-V', abs], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout ?? '';
  const start = text.indexOf('Version definition section');
  if (start < 0) return new Set();
  const end = text.indexOf('Version needs section', start);
  const defs = new Set<string>();
  for (const m of text.slice(start, end < 0 ? undefined : end).matchAll(/Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/g)) if (m[1] !== 'BASE') defs.add(m[2]!);
  return defs;
}

function statSafe(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

function ldSoConf(root: string): string[] {
  const out: string[] = [];
  const read = (file: string, depth: number) => {
    if (depth > 8 || !existsSync(join(root, file))) return;
    for (const raw of readFileSync(join(root, file), 'utf8').split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const inc = /^include\s+(.+)$/.exec(line);
      if (inc) {
        const pattern = inc[1]!.trim();
        const dir = pattern.slice(0, pattern.lastIndexOf('/'));
        const re = new RegExp(`^${pattern.slice(dir.length + 1).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
        if (existsSync(join(root, dir))) for (const f of readdirSync(join(root, dir)).sort()) if (re.test(f)) read(`${dir}/${f}`, depth + 1);
      } else if (line.startsWith('/')) out.push(line);
    }
  };
  read('/etc/ld.so.conf', 0);
  return out;
}

function muslPath(root: string): string[] {
  const etc = join(root, 'etc');
  const file = existsSync(etc) ? readdirSync(etc).find((f) => /^ld-musl-.*\.path$/.test(f)) : undefined;
  return file ? readFileSync(join(etc, file), 'utf8').split(/[\n:]/).map((s) => s.trim()).filter((s) => s.startsWith('/')) : ['/lib', '/usr/local/lib', '/usr/lib'];
}

/** The dpkg package that owns each file, as dpkg-query says (with the merged-/usr names it knows the files by). */
function dpkgOwners(root: string, paths: string[]): Map<string, { pkg: string; arch: string }> {
  const out = new Map<string, { pkg: string; arch: string }>();
  const admin = join(root, 'var/lib/dpkg');
  if (!existsSync(join(admin, 'status')) || paths.length === 0) return out;
  const archs = new Map<string, string>();
  const w = spawnSync('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${binary:Package} ${Architecture}\\n'], { encoding: 'utf8' });
  for (const line of w.stdout.split('\n')) {
    const [pkg, arch] = line.split(' ');
    if (pkg && arch) archs.set(pkg, arch);
  }
  const aliases = (p: string) => [p, p.replace(/^\/usr\/(lib|bin|sbin|lib64)\//, '/$1/')];
  const queries = [...new Set(paths.flatMap(aliases))];
  for (let i = 0; i < queries.length; i += 300) {
    const r = spawnSync('dpkg-query', [`--admindir=${admin}`, '-S', ...queries.slice(i, i + 300)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    for (const line of r.stdout.split('\n')) {
      const m = /^(.+?): (\/.*)$/.exec(line);
      if (!m) continue;
      const pkg = m[1]!.split(', ')[0]!;
      const listed = m[2]!;
      for (const p of paths) if (aliases(p).includes(listed) && !out.has(p)) out.set(p, { pkg, arch: archs.get(pkg) ?? archs.get(`${pkg}:${archs.get(pkg)}`) ?? 'unknown' });
    }
  }
  return out;
}

/** The npm side: what the installed loaders and npm itself say about /app/node_modules. */
class NpmView {
  private readonly nm: string;
  private readonly prebuildChoice = new Map<string, string[] | null>();

  constructor(
    private readonly root: string,
    private readonly correctTree: string,
    private readonly platform: string,
    private readonly row: Row,
  ) {
    this.nm = join(root, 'app/node_modules');
  }

  /** Whether the target's loaders load this file; null: not npm's to say. */
  loaded(path: string): boolean | null {
    const m = /^\/app\/node_modules\/(.*)$/.exec(path);
    if (!m) return null;
    const pkgDir = packageDirOf(path);
    const rel = path.slice(pkgDir.length + 1);
    const manifest = readManifest(this.root, pkgDir);
    if (/^(prebuilds\/[^/]+|build\/(Release|Debug))\/[^/]+$/.test(rel)) return this.resolved(pkgDir)?.includes(path) ?? false;
    if (manifest && (manifest.os || manifest.cpu || manifest.libc)) {
      const tagged = this.optionalPackagesParent(manifest.name, pkgDir);
      if (tagged && path.endsWith('.node')) return (this.resolved(tagged) ?? []).includes(path);
      // What the loader packages themselves require on the target, when they say at require time.
      // (A package the chosen one depends on — sharp's libvips beside sharp-linux-x64 — is loaded with it, by ld.so.)
      let chose = false;
      for (const parent of this.parentDirsOf(manifest.name, pkgDir)) {
        const chosen = this.familyChoice(parent).flatMap((n) => resolvePackage(this.root, parent, n) ?? []);
        if (!chosen.length) continue;
        chose = true;
        if (chosen.includes(pkgDir)) return true;
        if (chosen.some((q) => { const qm = readManifest(this.root, q); return resolvePackage(this.root, q, manifest.name) === pkgDir && (qm?.optionalDependencies?.[manifest.name] ?? qm?.dependencies?.[manifest.name]) !== undefined; })) return true;
      }
      if (chose) return false;
      if (npmAccepts(manifest, this.env())) return true;
      // Not for the target: a mistake only where a correct install has another package of its loader.
      return this.parentDirsOf(manifest.name, pkgDir).some((parent) => Object.keys(readManifest(this.root, parent)?.optionalDependencies ?? {}).some((dep) => existsSync(join(this.correctTree, dep, 'package.json'))));
    }
    return true;
  }

  /** missing-native-build and missing-platform-package, per package folder. */
  packageFindings(): Expected[] {
    const out: Expected[] = [];
    for (const dir of packageDirs(this.nm, '/app/node_modules', this.root)) {
      const m = readManifest(this.root, dir);
      if (existsSync(join(this.root, dir, 'prebuilds')) && readdirSync(join(this.root, dir, 'prebuilds')).length && (this.resolved(dir) ?? []).length === 0)
        out.push({ severity: 'warning', rule: 'missing-native-build', path: dir, why: 'the loader finds nothing for the target' });
      const optional = Object.keys(m?.optionalDependencies ?? {});
      if (!m || m.os || m.cpu || m.libc || optional.length === 0) continue;
      const inCorrect = optional.filter((d) => existsSync(join(this.correctTree, d, 'package.json')) && isPlatform(readManifest(this.correctTree, d)));
      const installed = optional.filter((d) => resolvePackage(this.root, dir, d) !== null && isPlatform(readManifest(this.root, resolvePackage(this.root, dir, d)!)));
      if (inCorrect.length && installed.length === 0) out.push({ severity: 'error', rule: 'missing-platform-package', path: dir, why: `needs ${inCorrect.join(', ')}` });
    }
    return out;
  }

  private env() {
    return { os: 'linux', cpu: this.row.node, libc: existsSync(join(this.root, 'lib/ld-musl-x86_64.so.1')) ? 'musl' : 'glibc' };
  }

  private parentDirsOf(name: string, dir: string): string[] {
    return packageDirs(this.nm, '/app/node_modules', this.root).filter((p) => readManifest(this.root, p)?.optionalDependencies?.[name] !== undefined && resolvePackage(this.root, p, name) === dir);
  }

  /**
   * The optional dependencies a loader package requires when it is required on the target: its
   * own code run in a child Node with the target's process.platform, process.arch and C library
   * (process.report, /usr/bin/ldd and `ldd --version` as napi-rs' and detect-libc's tests read
   * them), every `.node` it loads answered with an empty module. [] for loaders that pick only
   * when first used (esbuild's binary) or that throw first.
   */
  private familyChoice(parentDir: string): string[] {
    const key = `${join(this.root, parentDir)} ${this.row.node} ${this.env().libc}`;
    const cached = familyChoices.get(key);
    if (cached) return cached;
    const names = Object.keys(readManifest(this.root, parentDir)?.optionalDependencies ?? {});
    const musl = this.env().libc === 'musl';
    const script = `
      const M = require('module'), fs = require('fs'), cp = require('child_process');
      Object.defineProperty(process, 'platform', { value: 'linux' });
      Object.defineProperty(process, 'arch', { value: ${JSON.stringify(this.row.node)} });
      process.report.getReport = () => ({ header: ${musl ? '{}' : "{ glibcVersionRuntime: '2.36' }"}, sharedObjects: [${musl ? "'/lib/ld-musl-x86_64.so.1'" : ''}] });
      const read = fs.readFileSync, open = fs.openSync;
      fs.readFileSync = (p, ...rest) => p === '/usr/bin/ldd' ? (${musl} ? 'musl libc' : 'GNU C Library') : read(p, ...rest);
      // The loader only chooses: nothing it runs or writes may change the image (some download
      // or npm-install a missing package at require time).
      const refuse = () => { throw Object.assign(new Error('EROFS: the oracle runs loaders read-only'), { code: 'EROFS' }); };
      cp.execSync = (cmd) => /ldd/.test(String(cmd)) ? (${musl} ? 'musl libc (x86_64)' : 'ldd (Debian GLIBC 2.36-9) 2.36') : refuse();
      for (const f of ['exec', 'execFile', 'execFileSync', 'fork', 'spawn', 'spawnSync']) cp[f] = refuse;
      for (const f of ['writeFileSync', 'appendFileSync', 'mkdirSync', 'renameSync', 'copyFileSync', 'cpSync', 'symlinkSync', 'linkSync', 'rmSync', 'rmdirSync', 'unlinkSync', 'chmodSync', 'openSync', 'writeFile', 'mkdir', 'rename', 'copyFile', 'rm', 'unlink'])
        if (fs[f]) fs[f] = f === 'openSync' ? ((p, flags, ...rest) => (!flags || flags === 'r' ? open(p, flags, ...rest) : refuse())) : refuse;
      for (const f of ['writeFile', 'mkdir', 'rename', 'copyFile', 'rm', 'unlink', 'open', 'cp']) if (fs.promises[f]) fs.promises[f] = async () => refuse();
      const family = new Set(${JSON.stringify(names)}), seen = new Set();
      const load = M._load;
      M._load = function (request) {
        const id = request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/');
        if (family.has(id)) seen.add(id);
        return load.apply(this, arguments);
      };
      process.dlopen = (module) => { module.exports = new Proxy({}, { get: () => function () {} }); };
      try { require(${JSON.stringify(join(this.root, parentDir))}); } catch (e) {}
      process.stdout.write(JSON.stringify([...seen]));
      process.exit(0);`;
    const r = spawnSync(HOST_NODE20, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    let got: string[] = [];
    try {
      got = JSON.parse(r.stdout || '[]') as string[];
    } catch {
      got = [];
    }
    familyChoices.set(key, got);
    return got;
  }

  private optionalPackagesParent(name: string, dir: string): string | null {
    for (const p of packageDirs(this.nm, '/app/node_modules', this.root)) {
      const m = readManifest(this.root, p);
      if (m?.dependencies?.['node-gyp-build-optional-packages'] && m.optionalDependencies?.[name] !== undefined && resolvePackage(this.root, p, name) === dir) return p;
    }
    return null;
  }

  /** What the package's own loader returns on the target, run in a child Node; null when it throws. */
  private resolved(dir: string): string[] | null {
    if (this.prebuildChoice.has(dir)) return this.prebuildChoice.get(dir)!;
    const m = readManifest(this.root, dir);
    const abs = join(this.root, dir);
    const alpine = existsSync(join(this.root, 'etc/alpine-release'));
    const musl = this.env().libc === 'musl';
    const deps = m?.dependencies ?? {};
    const loader = deps['require-addon'] ? 'require-addon' : deps['node-gyp-build-optional-packages'] ? 'node-gyp-build-optional-packages' : deps['node-gyp-build'] ? 'node-gyp-build' : null;
    // bindings, node-pre-gyp: they load the build/Release file the package was built to.
    if (!loader) {
      const release = existsSync(join(abs, 'build/Release')) ? readdirSync(join(abs, 'build/Release')).filter((f) => f.endsWith('.node')).map((f) => `${dir}/build/Release/${f}`) : [];
      this.prebuildChoice.set(dir, release.length ? release : null);
      return release.length ? release : null;
    }
    const script = `
      const fs = require('fs');
      Object.defineProperty(process, 'arch', { value: ${JSON.stringify(this.row.node)} });
      const exists = fs.existsSync;
      fs.existsSync = (p) => p === '/etc/alpine-release' ? ${alpine} : exists(p);
      // detect-libc (node-gyp-build-optional-packages) asks the running process.
      process.report.getReport = () => ({ header: ${musl ? '{}' : "{ glibcVersionRuntime: '2.36' }"}, sharedObjects: [${musl ? "'/lib/ld-musl-x86_64.so.1'" : ''}] });
      const read = fs.readFileSync;
      fs.readFileSync = (p, ...rest) => { if (${musl} && p === '/usr/bin/ldd') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); return read(p, ...rest); };
      const loadedFiles = [];
      process.dlopen = (module, file) => { loadedFiles.push(file); module.exports = {}; };
      const from = { paths: [${JSON.stringify(abs)}] };
      try {
        if (${JSON.stringify(loader)} === 'require-addon') require(require.resolve('require-addon', from))('.', ${JSON.stringify(`${abs}/package.json`)});
        else loadedFiles.push(require(require.resolve(${JSON.stringify(loader)}, from)).path(${JSON.stringify(abs)}));
      } catch (e) {}
      console.log(JSON.stringify([...new Set(loadedFiles)]));`;
    // Node 20, 22 and 24: the ABI of the image's Node (20), or every one it could be when the image has none.
    const nodes = existsSync(join(this.root, 'usr/local/bin/node')) ? [HOST_NODE20] : [HOST_NODE20, ...NEWER_NODES];
    const env = { ...process.env, npm_config_arch: this.row.node, npm_config_platform: 'linux', LIBC: alpine ? 'musl' : 'glibc', ARM_VERSION: this.row.node === 'arm' ? '7' : this.row.node === 'arm64' ? '8' : '' };
    const got = new Set<string>();
    for (const node of nodes) {
      const r = spawnSync(node, ['-e', script], { encoding: 'utf8', env });
      for (const f of JSON.parse(r.stdout || '[]') as string[]) got.add(f.slice(this.root.length));
    }
    const result = got.size ? [...got] : null;
    this.prebuildChoice.set(dir, result);
    return result;
  }
}

interface Manifest {
  name: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const familyChoices = new Map<string, string[]>();
const manifests = new Map<string, Manifest | null>();
function readManifest(root: string, dir: string): Manifest | null {
  const file = join(root, dir, 'package.json');
  if (!manifests.has(file)) manifests.set(file, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : null);
  return manifests.get(file)!;
}

const isPlatform = (m: Manifest | null) => Boolean(m && (m.os || m.cpu || m.libc));

/** npm's own check, from the npm that runs this suite. */
function npmAccepts(m: Manifest, env: { os: string; cpu: string; libc: string }): boolean {
  const { checkPlatform } = createRequire(import.meta.url)('/usr/lib/node_modules/npm/node_modules/npm-install-checks') as { checkPlatform: (m: Manifest, force: boolean, env: object) => void };
  try {
    checkPlatform(m, false, env);
    return true;
  } catch {
    return false;
  }
}

/** The innermost package folder of a node_modules path. */
function packageDirOf(path: string): string {
  const at = path.lastIndexOf('/node_modules/');
  const rest = path.slice(at + '/node_modules/'.length).split('/');
  return path.slice(0, at + '/node_modules/'.length) + rest.slice(0, rest[0]!.startsWith('@') ? 2 : 1).join('/');
}

/** Node's node_modules lookup from a package folder, through the image's symlinks. */
function resolvePackage(root: string, fromDir: string, name: string): string | null {
  let dir = fromDir;
  for (;;) {
    if (!dir.endsWith('/node_modules')) {
      const real = resolveIn(root, `${dir}/node_modules/${name}`);
      if (real && existsSync(join(root, real, 'package.json'))) return real;
    }
    if (dir === '' || dir === '/') return null;
    dir = dir.slice(0, dir.lastIndexOf('/'));
  }
}

/** Image paths of every package folder under a node_modules folder. */
function packageDirs(hostNm: string, imageNm: string, root: string): string[] {
  const out: string[] = [];
  if (!existsSync(hostNm)) return out;
  for (const name of readdirSync(hostNm).sort()) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? readdirSync(join(hostNm, name)).map((s) => `${name}/${s}`) : [name];
    for (const n of names) {
      if (!existsSync(join(hostNm, n, 'package.json'))) continue;
      out.push(`${imageNm}/${n}`, ...packageDirs(join(hostNm, n, 'node_modules'), `${imageNm}/${n}/node_modules`, root));
    }
  }
  return out;
}
