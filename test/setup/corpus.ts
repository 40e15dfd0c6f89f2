// Builds the real-world corpus (test/corpus/images.ts) into the cache corpus-cache.ts names:
// fixtures/corpus/fetch.sh downloads and unpacks Debian packages and npm packs, then each image is
// written as a docker-save archive by the test image builder. Rebuilt only when the downloads or
// the definitions change (corpus/images/.stamp). Run by the test set-up (scripts/test-setup.mjs),
// never inside vitest; a failure fails the set-up — nothing is skipped silently.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildArchive, type FileSpec } from '../helpers/image-builder.js';
import { CORPUS, type Layer } from '../corpus/images.js';
import { DOWNLOADS, IMAGES, corpusReady, imagePath, writeCorpusStamp } from './corpus-cache.js';

/** Folders of a package that hold no code: left out to keep the images small. */
const SKIP = /^\/usr\/share\/|^\/usr\/include\//;
/** Debian bookworm installs with merged /usr: /lib, /bin, /sbin, /lib64… are symlinks into /usr. */
const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

function fetch(): void {
  const script = fileURLToPath(new URL('../../fixtures/corpus/fetch.sh', import.meta.url));
  const r = spawnSync('bash', [script, DOWNLOADS], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`fixtures/corpus/fetch.sh failed (exit ${r.status ?? r.signal}); its last lines are above`);
}

/**
 * A folder as FileSpecs under `mount` (files with their mode, symlinks as they are): a dpkg -x
 * tree with /lib etc. moved into /usr when `usrMerge`, an npm package, an installed root.
 */
export function filesOf(dir: string, mount: string, usrMerge: boolean, skip: RegExp | null = SKIP): FileSpec[] {
  const out: FileSpec[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = `${rel}/${name}`;
      const abs = join(dir, r);
      let path = `${mount}${r}`;
      if (usrMerge) {
        const top = r.split('/')[1]!;
        if (MERGED.includes(top)) path = `/usr${r}`;
      }
      if (skip?.test(path)) continue;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(r);
      else if (st.isSymbolicLink()) {
        out.push({ path, type: 'symlink', target: readlinkSync(abs) });
      } else if (st.isFile()) {
        out.push({ path, body: readFileSync(abs), mode: st.mode & 0o7777 });
      }
    }
  };
  walk('');
  return out;
}

/**
 * dpkg's database for the packages installed so far (`installed`, every layer's up to this one)
 * as the layer that adds `added` leaves it: the whole status file — a later layer's replaces an
 * earlier one's, as dpkg rewrites it — and info/<pkg>[:<arch>].list for the added packages, each
 * listing "/." and every folder and file of the package's data as it ships them (/lib/…, under
 * merged /usr as dpkg records them). The paragraphs are the packages' own control files.
 */
function dpkgFiles(installed: string[], added: string[]): FileSpec[] {
  // One paragraph per package (per architecture for Multi-Arch: same): a later install replaces it.
  const byKey = new Map<string, string>();
  for (const d of installed) {
    const c = control(d);
    const key = /^Multi-Arch: same$/m.test(c) ? d : /^Package: (.*)$/m.exec(c)![1]!;
    byKey.delete(key);
    byKey.set(key, c.replace(/^(Package: .*\n)/, '$1Status: install ok installed\n'));
  }
  const status = [...byKey.values()].join('\n');
  const lists = added.map((d) => {
    const c = control(d);
    const name = /^Package: (.*)$/m.exec(c)![1]!;
    const arch = /^Architecture: (.*)$/m.exec(c)![1]!;
    const same = /^Multi-Arch: same$/m.test(c);
    const paths = ['/.'];
    const walk = (dir: string, rel: string) => {
      for (const n of readdirSync(dir).sort()) {
        paths.push(`${rel}/${n}`);
        if (lstatSync(join(dir, n)).isDirectory()) walk(join(dir, n), `${rel}/${n}`);
      }
    };
    walk(join(DOWNLOADS, 'trees', d), '');
    return { path: `/var/lib/dpkg/info/${name}${same ? `:${arch}` : ''}.list`, body: `${paths.join('\n')}\n` };
  });
  return [{ path: '/var/lib/dpkg/status', body: status }, ...lists];
}

const controls = new Map<string, string>();
/** The control file of the downloaded .deb of a tree "<package>_<arch>". */
function control(tree: string): string {
  let c = controls.get(tree);
  if (c === undefined) {
    const [pkg, arch] = tree.split('_') as [string, string];
    const deb = readdirSync(join(DOWNLOADS, 'debs')).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(`_${arch}.deb`));
    if (!deb) throw new Error(`corpus: no .deb for ${tree} (fixtures/corpus/fetch.sh)`);
    const r = spawnSync('dpkg-deb', ['-f', join(DOWNLOADS, 'debs', deb)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`corpus: dpkg-deb -f ${deb} failed: ${r.stderr.trim()}`);
    c = r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`;
    controls.set(tree, c);
  }
  return c;
}

function layerFiles(layer: Layer, installed: string[]): FileSpec[] {
  const byPath = new Map<string, FileSpec>();
  const add = (f: FileSpec) => byPath.set(f.path, f);
  if (layer.debs?.length) dpkgFiles(installed, layer.debs).forEach(add);
  for (const d of [...(layer.debs ?? []), ...(layer.copy ?? [])]) {
    const dir = join(DOWNLOADS, 'trees', d);
    if (!existsSync(dir)) throw new Error(`corpus: ${d} was not downloaded (fixtures/corpus/fetch.sh)`);
    filesOf(dir, '', true).forEach(add);
  }
  for (const [pkg, mount] of Object.entries(layer.npm ?? {})) {
    const dir = join(DOWNLOADS, 'npm', pkg);
    if (!existsSync(dir)) throw new Error(`corpus: npm package ${pkg} was not downloaded (fixtures/corpus/fetch.sh)`);
    filesOf(dir, mount, false).forEach(add);
  }
  for (const f of layer.files ?? []) add(f);
  return [...byPath.values()];
}

/** Downloads what is missing and (re)builds the images when anything changed; `log` hears each image. */
export function buildCorpus(log: (line: string) => void): void {
  fetch();
  if (corpusReady()) return;
  rmSync(IMAGES, { recursive: true, force: true });
  mkdirSync(IMAGES, { recursive: true });
  for (const [i, img] of CORPUS.entries()) {
    log(`corpus: writing image ${i + 1}/${CORPUS.length}, ${img.name}`);
    const installed: string[] = [];
    const layers = img.layers.map((l) => {
      installed.push(...(l.debs ?? []));
      return layerFiles(l, installed);
    });
    const tar = buildArchive({ platform: img.platform, layers, ref: `corpus/${img.name}:1`, ...(img.entrypoint ? { entrypoint: img.entrypoint } : {}), ...(img.cmd ? { cmd: img.cmd } : {}), ...(img.env ? { env: img.env } : {}) }, 'docker-25');
    writeFileSync(imagePath(img), tar);
  }
  writeCorpusStamp();
}
