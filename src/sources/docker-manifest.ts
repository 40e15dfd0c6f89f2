// Images of a `docker save` archive, from its manifest.json — both the legacy layout
// (<id>/layer.tar, <config>.json) and Docker ≥ 25's, whose paths point into an OCI blobs/ tree.
// manifest.json is authoritative for docker-save archives: Docker 25's index.json may be null,
// nest an index, or name manifests the archive does not hold (spec §9), so it is only consulted,
// best effort, for the manifest digest.

import { availableParallelism } from 'node:os';
import { ElfscanError } from '../errors.js';
import { platformFromConfig } from '../platform.js';
import { archivePath, asConfig, digestOfPath, isObject, readJson } from './blob-json.js';
import { manifestDigestsByConfig } from './oci-index.js';
import type { BlobStore, ImageCandidate } from './source.js';

interface ManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseManifest(doc: unknown, where: string): ManifestEntry[] {
  const bad = (why: string) => new ElfscanError(where, `manifest.json is not a docker-save manifest (${why})`);
  if (!Array.isArray(doc)) throw bad('expected a list of images');
  if (doc.length === 0) throw bad('it lists no images');
  return doc.map((e: unknown, i) => {
    if (!isObject(e)) throw bad(`entry ${i} is not an object`);
    const { Config, RepoTags, Layers } = e;
    if (typeof Config !== 'string') throw bad(`entry ${i} has no Config`);
    if (!Array.isArray(Layers) || !Layers.every((l) => typeof l === 'string')) throw bad(`entry ${i} has no Layers list`);
    const tags = Array.isArray(RepoTags) ? RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { Config: archivePath(Config), RepoTags: tags, Layers: (Layers as string[]).map(archivePath) };
  });
}

export async function dockerArchiveImages(store: BlobStore): Promise<ImageCandidate[]> {
  const where = store.where;
  const entries = parseManifest(await readJson(store, 'manifest.json', 'manifest.json'), where);
  const digests = await manifestDigestsByConfig(store);
  const images: ImageCandidate[] = [];
  for (const entry of entries) {
    const config = asConfig(await readJson(store, entry.Config, `config ${entry.Config}`), where, `config ${entry.Config}`);
    const diffIds = config.rootfs?.diff_ids ?? [];
    for (const layer of entry.Layers) {
      if (!(await store.has(layer))) throw new ElfscanError(where, `manifest.json names layer ${layer}, which the archive does not contain`);
    }
    const layers = () =>
      Promise.all(entry.Layers.map((p, i) => store.blob(p, { digest: digestOfPath(p) ?? diffIds[i] ?? null, verify: digestOfPath(p), mediaType: null, size: null })));
    images.push({
      ref: entry.RepoTags[0] ?? null,
      manifestDigest: digests.get(digestOfPath(entry.Config) ?? '') ?? null,
      config,
      declared: platformFromConfig(config),
      layers,
      layerConcurrency: availableParallelism(),
    });
  }
  return images;
}
