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

/** Downloads what is missing and (re)builds the images when anything changed; `log` hears each image. */
export function buildCorpus(log: (line: string) => void): void {
  fetch();
  if (corpusReady()) return;
  rmSync(IMAGES, { recursive: true, force: true });
  mkdirSync(IMAGES, { recursive: true });
  for (const [i, img] of CORPUS.entries()) {
    log(`corpus: writing image ${i + 1}/${CORPUS.length}, ${img.name}`);
    const layers = img.layers.map(layerFiles);
    const tar = buildArchive({ platform: img.platform, layers, ref: `corpus/${img.name}:1`, ...(img.entrypoint ? { entrypoint: img.entrypoint } : {}), ...(img.cmd ? { cmd: img.cmd } : {}), ...(img.env ? { env: img.env } : {}) }, 'docker-25');
    writeFileSync(imagePath(img), tar);
  }
  writeCorpusStamp();
}
