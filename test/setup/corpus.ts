// Builds the real-world corpus (test/corpus/images.ts) once per machine into
// ~/.cache/elfscan/corpus/ (or $ELFSCAN_CACHE/corpus/) — outside the checkout, so that a fresh
// clone on the same machine (as CI makes) reuses the downloads: fixtures/corpus/fetch.sh downloads and unpacks Debian packages and npm packs,
// then each image is written as a docker-save archive by the test image builder. Rebuilt only
// when the downloads or the definitions change (corpus/images/.stamp). A failure fails
// the suite — nothing is skipped silently.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildArchive, type FileSpec } from '../helpers/image-builder.js';
import { CORPUS, type CorpusImage, type Layer } from '../corpus/images.js';

export const CORPUS_DIR = join(process.env.ELFSCAN_CACHE ?? join(homedir(), '.cache', 'elfscan'), 'corpus');
export const DOWNLOADS = join(CORPUS_DIR, 'downloads');
export const IMAGES = join(CORPUS_DIR, 'images');

/** Folders of a package that hold no code: left out to keep the images small. */
const SKIP = /^\/usr\/share\/|^\/usr\/include\//;
/** Debian bookworm installs with merged /usr: /lib, /bin, /sbin, /lib64… are symlinks into /usr. */
const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

function fetch(): void {
  const script = fileURLToPath(new URL('../../fixtures/corpus/fetch.sh', import.meta.url));
  const r = spawnSync('bash', [script, DOWNLOADS], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fixtures/corpus/fetch.sh failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

/** A dpkg -x tree (or an npm package folder) as FileSpecs under `mount`, /lib etc. moved into /usr. */
function filesOf(dir: string, mount: string, usrMerge: boolean): FileSpec[] {
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
      if (SKIP.test(path)) continue;
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

function layerFiles(layer: Layer): FileSpec[] {
  const byPath = new Map<string, FileSpec>();
  const add = (f: FileSpec) => byPath.set(f.path, f);
  for (const d of layer.debs ?? []) {
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

function stampOf(): string {
  const h = createHash('sha256');
  for (const f of ['.stamp-debs', '.stamp-npm']) h.update(readFileSync(join(DOWNLOADS, f)));
  h.update(readFileSync(fileURLToPath(new URL('../corpus/images.ts', import.meta.url))));
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest('hex').slice(0, 16);
}

export function imagePath(img: CorpusImage): string {
  return join(IMAGES, `${img.name}.tar`);
}

/** Downloads what is missing and (re)builds the images when anything changed. */
export function ensureCorpus(): void {
  fetch();
  const stamp = stampOf();
  const stampFile = join(IMAGES, '.stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && CORPUS.every((i) => existsSync(imagePath(i)))) return;
  rmSync(IMAGES, { recursive: true, force: true });
  mkdirSync(IMAGES, { recursive: true });
  for (const img of CORPUS) {
    const layers = img.layers.map(layerFiles);
    const tar = buildArchive({ platform: img.platform, layers, ref: `corpus/${img.name}:1`, ...(img.entrypoint ? { entrypoint: img.entrypoint } : {}), ...(img.cmd ? { cmd: img.cmd } : {}), ...(img.env ? { env: img.env } : {}) }, 'docker-25');
    writeFileSync(imagePath(img), tar);
  }
  writeFileSync(stampFile, stamp);
}

export default function setup(): void {
  ensureCorpus();
}
