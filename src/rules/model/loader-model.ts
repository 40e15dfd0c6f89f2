// The loader model of spec §5.1 in one place: for a file of the final filesystem, whether the
// target's loaders would ever load it, and which package owns it. Built once per image and
// target platform, lazily: nothing is parsed until a file needs it (a file with a finding, or a
// foreign file the mislabel count meets), and each database only once.
//
//   npm          node-gyp-build's resolver (node-gyp-build.ts) for prebuilds/; package.json
//                os/cpu/libc as npm checks them for per-platform packages, and the loader
//                package that lists them in optionalDependencies, for which one it picks
//   deb, apk     dpkg's and apk's databases (distro-packages.ts): arch-independent and native
//                packages' files are the distribution's on purpose; a foreign-architecture
//                package is multiarch next to the native loader
//   unowned      judged in full

import type { FinalFile, PackageRef } from '../../model.js';
import { formatPlatform, judge, type Platform } from '../../platform.js';
import { deviceCode, hasNativeLoader } from '../by-design.js';
import type { RuleContext } from '../context.js';
import { configEnv } from '../image-facts.js';
import { distroArchOf, isArchIndependent, isNativeArch } from './distro-arch.js';
import { distroPackagesOf, type DistroPackages, type DistroPackage } from './distro-packages.js';
import { ngbResolve } from './node-gyp-build.js';
import { requireAddonResolve } from './require-addon.js';
import { nodeRuntime, type NodeRuntime } from './node-runtime.js';
import { isPlatformPackage, npmAccepts, npmLabel, npmRef, NpmPackages, platformWords, type NpmPackage } from './npm-packages.js';
import { namedPlatform, namesTarget } from './platform-names.js';
import { PrebuildListing } from './prebuild-listing.js';

/** What the model says of one file. */
export type Role =
  /**
   * The target's loader would load (or run) it: judge it in full. `hint` ends an error's message
   * with the fix; `wrongPackage` says it names the per-platform package the target needs instead.
   */
  | { loaded: true; owner: PackageRef | null; hint: string | null; wrongPackage?: boolean }
  /** Never loaded on the target: by-design, for `reason`. */
  | { loaded: false; owner: PackageRef | null; reason: string };

/** A per-platform package's fate on the target (memoized per package folder). */
type PackageFate = { loaded: true; needed: string | null; parent: NpmPackage | null } | { loaded: false; reason: string };

export class LoaderModel {
  readonly runtime: NodeRuntime;
  readonly npm: NpmPackages;
  readonly prebuilds: PrebuildListing;
  private readonly distro: DistroPackages;
  private readonly roles = new Map<string, Role>();
  private readonly fates = new Map<string, PackageFate>();
  private readonly ngb = new Map<string, string[]>();
  private nativeLoader: boolean | undefined;

  constructor(
    private readonly ctx: RuleContext,
    readonly target: Platform,
  ) {
    this.runtime = nodeRuntime(ctx.tree, ctx.config, ctx.texts, target);
    this.npm = new NpmPackages(ctx.tree, ctx.texts);
    this.prebuilds = new PrebuildListing(ctx.tree);
    this.distro = distroPackagesOf(ctx.tree, ctx.texts);
  }

  role(file: FinalFile): Role {
    let r = this.roles.get(file.path);
    if (!r) {
      r = this.decide(file);
      this.roles.set(file.path, r);
    }
    return r;
  }

  /** The files the package's addon loader may load from its folder on the target ([]: it throws). */
  ngbChoice(dir: string): string[] {
    let got = this.ngb.get(dir);
    if (!got) {
      got = this.resolveAddon(dir);
      this.ngb.set(dir, got);
    }
    return got;
  }

  /** Which loader the package in `dir` uses: "node-gyp-build 4.8.4", "require-addon"… */
  loaderOf(dir: string): string {
    const m = this.npm.packageOf(`${dir}/package.json`)?.manifest;
    if (m?.dependencies.includes('require-addon')) return 'require-addon';
    if (m?.dependencies.includes('node-gyp-build-optional-packages')) return 'node-gyp-build-optional-packages';
    const v = this.npm.resolve(dir, 'node-gyp-build')?.manifest?.version;
    return v ? `node-gyp-build ${v}` : 'node-gyp-build';
  }

  private resolveAddon(dir: string): string[] {
    const m = this.npm.packageOf(`${dir}/package.json`)?.manifest;
    const list = this.prebuilds.list;
    const t = this.runtime.ngb;
    if (m?.dependencies.includes('require-addon')) return requireAddonResolve(list, dir, m.name, m.version, { ...t, libc: this.runtime.alpine ? 'musl' : 'glibc' });
    // <NAME>_PREBUILD in the environment points node-gyp-build at another folder.
    const env = m ? configEnv(this.ctx.config, `${m.name.toUpperCase().replace(/-/g, '_')}_PREBUILD`) : undefined;
    const from = env?.startsWith('/') ? env.replace(/\/$/, '') : dir;
    if (m?.dependencies.includes('node-gyp-build-optional-packages')) {
      // Its libc is the running process's (detect-libc), and its fallback the `@<name>/<name>-<platform>-<arch>` package.
      const name = `${m.name.startsWith('@') ? '' : `@${m.name}/`}${m.name}-${t.platform}-${t.arch}`;
      const platformPackage = this.npm.resolve(dir, name)?.dir ?? null;
      return ngbResolve(list, from, { ...t, libc: this.runtime.npm.libc ?? 'glibc' }, { kind: 'optional-packages', platformPackage });
    }
    const major = Number(this.npm.resolve(dir, 'node-gyp-build')?.manifest?.version?.split('.')[0]);
    return ngbResolve(list, from, t, { kind: major < 4 ? 'v3' : 'v4' });
  }

  /**
   * How a package's per-platform packages fare on the target; null when it has none. `wasm`: an
   * installed WebAssembly build (`…-wasm32-wasi`, no os/cpu) napi-rs' loaders fall back to when
   * the native one fails to load.
   */
  family(parent: NpmPackage): { installed: NpmPackage[]; fitting: NpmPackage | null; needed: string | null; wasm: NpmPackage | null } | null {
    const m = parent.manifest;
    if (!m || Object.keys(m.optionalDependencies).length === 0) return null;
    const installed: NpmPackage[] = [];
    const named: string[] = [];
    let fitting: NpmPackage | null = null;
    let wasm: NpmPackage | null = null;
    for (const name of Object.keys(m.optionalDependencies)) {
      const dep = this.npm.resolve(parent.dir, name);
      if (dep && /-wasm32-wasi/.test(name) && !isPlatformPackage(dep.manifest)) wasm = dep;
      else if (dep && isPlatformPackage(dep.manifest)) {
        installed.push(dep);
        if (!fitting && this.fits(dep)) fitting = dep;
      } else if (!dep && namedPlatform(name)) named.push(name);
    }
    if (installed.length === 0 && named.length === 0) return null;
    return { installed, fitting, needed: fitting ? null : this.neededOf(Object.keys(m.optionalDependencies)), wasm };
  }

  /** The npm install command for the target (style convention 8). */
  npmInstall(): string {
    const { os, cpu, libc } = this.runtime.npm;
    return `npm install --os=${os} --cpu=${cpu}${libc ? ` --libc=${libc}` : ''}`;
  }

  /** "a linux/arm64 glibc image". */
  targetWords(): string {
    const libc = this.runtime.npm.libc;
    return `a ${formatPlatform(this.target)}${libc ? ` ${libc}` : ''} image`;
  }

  private decide(file: FinalFile): Role {
    const facts = file.facts;
    const verdict = facts ? judge(facts, this.target).kind : 'match';
    const foreign = verdict !== 'match';
    const device = facts && verdict === 'no-opinion' ? deviceCode(facts) : null;
    if (device) return { loaded: false, owner: null, reason: device };
    const pkg = this.npm.packageOf(file.path);
    if (pkg) return this.npmRole(file, pkg, foreign);
    const owner = this.distro.ownerOf(file);
    if (owner) return this.distroRole(owner, verdict, foreign);
    return { loaded: true, owner: null, hint: this.genericHint(file) };
  }

  private distroRole(owner: DistroPackage, verdict: string, foreign: boolean): Role {
    const label = `${owner.ecosystem === 'deb' ? 'the Debian package' : 'the Alpine package'} ${owner.name}${owner.version ? ` ${owner.version}` : ''} (${owner.arch})`;
    if (!foreign) return { loaded: true, owner, hint: null };
    if (isArchIndependent(owner) || isNativeArch(owner, this.target))
      return { loaded: false, owner, reason: `installed by ${label}: the distribution puts it there on purpose (firmware, ROMs, boot loader modules, cross sysroots, Windows code for Wine), not for the host's loader` };
    if (verdict === 'compat-32bit') return { loaded: true, owner, hint: null };
    this.nativeLoader ??= hasNativeLoader(this.ctx.tree, this.target);
    if (this.nativeLoader) return { loaded: false, owner, reason: `installed by ${label}, a multiarch package next to the image's own ${formatPlatform(this.target)} userland` };
    const arch = distroArchOf(owner.ecosystem, this.target);
    const fix = owner.ecosystem === 'deb' ? `apt-get install ${owner.name}${arch ? `:${arch}` : ''}` : `apk add ${owner.name} in a ${formatPlatform(this.target)} build`;
    return { loaded: true, owner, hint: `; it is part of ${label}, and the image has no ${formatPlatform(this.target)} loader: the userland is for another platform — build the image for ${formatPlatform(this.target)} (${fix})` };
  }

  private npmRole(file: FinalFile, pkg: NpmPackage, foreign: boolean): Role {
    const owner = npmRef(pkg);
    const rel = file.path.slice(pkg.dir.length + 1);
    const target = formatPlatform(this.target);
    if (/^prebuilds\/[^/]+\/[^/]+$/.test(rel)) {
      const chosen = this.ngbChoice(pkg.dir);
      if (chosen.includes(file.path)) return { loaded: true, owner, hint: this.nodeHint(file) };
      const what = `a prebuild for ${rel.split('/')[1]}`;
      const loader = this.loaderOf(pkg.dir).replace(/ .*/, '');
      return {
        loaded: false,
        owner,
        reason: chosen.length
          ? `${what}; ${loader} loads ${relative(pkg.dir, chosen[0]!)} on ${target}`
          : `${what}; ${loader} finds none to load on ${target} (see missing-native-build on ${pkg.dir})`,
      };
    }
    if (/^build\/(Release|Debug)\/[^/]+\.node$/.test(rel)) {
      if (this.runtime.ngb.prebuildsOnly && this.prebuilds.list(`${pkg.dir}/prebuilds`).length) return { loaded: false, owner, reason: 'PREBUILDS_ONLY is set: node-gyp-build loads a prebuild, not build/' };
      const prebuilt = foreign && this.ngbPrebuildFor(pkg.dir);
      return {
        loaded: true,
        owner,
        hint: prebuilt
          ? `; node-gyp-build loads build/ before prebuilds/, and this build is for another platform: delete build/ so that ${prebuilt} is loaded, or rebuild it in the ${target} build stage (npm rebuild)`
          : this.nodeHint(file),
      };
    }
    if (isPlatformPackage(pkg.manifest)) {
      const fate = this.fate(pkg);
      if (!fate.loaded) return { loaded: false, owner, reason: fate.reason };
      const tagged = file.path.endsWith('.node') ? this.taggedChoice(pkg) : null;
      if (tagged && !tagged.files.includes(file.path))
        return { loaded: false, owner, reason: `${npmLabel(tagged.parent)} loads ${tagged.files.length ? relative(pkg.dir, tagged.files[0]!) : 'none of its files'} from ${npmLabel(pkg)} on ${target}, not this one` };
      if (this.fits(pkg)) return { loaded: true, owner, hint: foreign ? `; ${npmLabel(pkg)} is the package npm installs for ${target} (its package.json says ${platformWords(pkg.manifest!)}): the file is what its authors publish — tell them, or use a version that works` : null };
      return { loaded: true, owner, hint: this.platformHint(pkg, fate.needed), wrongPackage: true };
    }
    return { loaded: true, owner, hint: this.nodeHint(file) };
  }

  /** When a node-gyp-build-optional-packages user loads its tagged files from this platform package: which. */
  private taggedChoice(pkg: NpmPackage): { parent: NpmPackage; files: string[] } | null {
    for (const parent of this.npm.listing(pkg.manifest!.name)) {
      if (!parent.manifest?.dependencies.includes('node-gyp-build-optional-packages')) continue;
      if (this.npm.resolve(parent.dir, pkg.manifest!.name)?.dir !== pkg.dir) continue;
      const files = this.ngbChoice(parent.dir);
      // Its own build/ or prebuilds/ came first: nothing of the platform package is loaded.
      return { parent, files: files.filter((f) => f.startsWith(`${pkg.dir}/`)) };
    }
    return null;
  }

  /** The prebuild node-gyp-build would load if build/ were not there, or null. */
  private ngbPrebuildFor(dir: string): string | null {
    const got = ngbResolve((d) => (d.includes('/build/') ? [] : this.prebuilds.list(d)), dir, this.runtime.ngb);
    return got[0] ? got[0].slice(dir.length + 1) : null;
  }

  /** Whether a per-platform package is the one for the target, as npm and the loaders choose. */
  private fits(p: NpmPackage): boolean {
    const m = p.manifest!;
    const env = this.runtime.npm;
    if (!npmAccepts(m, env)) return false;
    // Without a libc field npm installs both C libraries' packages; the loader picks by the name.
    const named = m.libc ? null : namedPlatform(m.name)?.libc;
    return !named || !env.libc || named === env.libc;
  }

  private fate(p: NpmPackage): PackageFate {
    let f = this.fates.get(p.dir);
    if (!f) {
      this.fates.set(p.dir, { loaded: true, needed: null, parent: null }); // a cycle ends here
      f = this.decideFate(p);
      this.fates.set(p.dir, f);
    }
    return f;
  }

  private decideFate(p: NpmPackage): PackageFate {
    if (this.fits(p)) return { loaded: true, needed: null, parent: null };
    const m = p.manifest!;
    const target = formatPlatform(this.target);
    const parents = this.npm.listing(m.name).filter((q) => this.npm.resolve(q.dir, m.name)?.dir === p.dir);
    let needing: { parent: NpmPackage; needed: string } | null = null;
    let quiet: string | null = null;
    for (const parent of parents) {
      // A parent that is itself another platform's package is as loaded as it is.
      if (isPlatformPackage(parent.manifest)) {
        const pf = this.fate(parent);
        if (!pf.loaded) {
          quiet ??= `${npmLabel(p)} belongs to ${npmLabel(parent)}, which is not loaded on ${target}`;
          continue;
        }
      }
      const fam = this.family(parent);
      if (fam?.fitting) return { loaded: false, reason: `${npmLabel(p)} is the ${platformWords(m)} package; ${npmLabel(fam.fitting)} is there too and is the one ${npmLabel(parent)} loads on ${target}` };
      if (fam?.wasm) return { loaded: false, reason: `${npmLabel(p)} is the ${platformWords(m)} package; ${npmLabel(parent)} falls back to its WebAssembly build ${npmLabel(fam.wasm)}, which is installed (slower: an install on ${target} adds ${fam.needed ?? 'its native package'})` };
      if (fam?.needed) needing ??= { parent, needed: fam.needed };
      else quiet ??= `${npmLabel(p)} is the ${platformWords(m)} package; ${npmLabel(parent)} has none for ${target} and does not load it there`;
    }
    if (needing) return { loaded: true, needed: `${needing.needed}${this.versionOf(needing.parent, needing.needed)}`, parent: needing.parent };
    if (quiet) return { loaded: false, reason: quiet };
    return { loaded: true, needed: null, parent: null };
  }

  /** The optional dependency named for the target, the exact C library before a libc-less name. */
  private neededOf(names: string[]): string | null {
    const { os, cpu, libc } = this.runtime.npm;
    const fit = names.filter((n) => {
      const np = namedPlatform(n);
      return np !== null && namesTarget(np, os, cpu, libc);
    });
    return fit.find((n) => namedPlatform(n)!.libc === libc) ?? fit[0] ?? null;
  }

  private versionOf(parent: NpmPackage, name: string): string {
    const v = parent.manifest?.optionalDependencies[name];
    return v && /^[0-9]/.test(v) ? `@${v}` : '';
  }

  private platformHint(p: NpmPackage, needed: string | null): string {
    const m = p.manifest!;
    const target = formatPlatform(this.target);
    const need = needed ? `, but ${this.targetWords()} needs ${needed}` : ` (its package.json says so), not for ${target}`;
    return `; ${npmLabel(p)} is the ${platformWords(m)} build${need}: npm install ran on another platform — run npm ci inside the ${target} build stage, or ${this.npmInstall()}`;
  }

  private nodeHint(file: FinalFile): string {
    return `; node_modules was installed for ${file.facts?.platform ?? 'another platform'}: run npm ci inside the ${formatPlatform(this.target)} build stage instead of copying node_modules in`;
  }

  private genericHint(file: FinalFile): string {
    const target = formatPlatform(this.target);
    if (/\.(cpython|abi3|pypy)[^/]*\.so$/.test(file.path) || file.path.includes('/site-packages/')) return `; install the ${target} wheel inside the image build instead of copying site-packages in`;
    return `; build or download it for ${target}`;
  }

}

function relative(dir: string, path: string): string {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

const models = new WeakMap<RuleContext, Map<string, LoaderModel>>();

/** The model of this image for a target platform (the expected one, or the declared one for the mislabel count). */
export function loaderModel(ctx: RuleContext, target: Platform): LoaderModel {
  let byTarget = models.get(ctx);
  if (!byTarget) {
    byTarget = new Map();
    models.set(ctx, byTarget);
  }
  const key = formatPlatform(target);
  let m = byTarget.get(key);
  if (!m) {
    m = new LoaderModel(ctx, target);
    byTarget.set(key, m);
  }
  return m;
}
