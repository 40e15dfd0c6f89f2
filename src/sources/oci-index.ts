// Images of an OCI image layout (a directory or an oci-archive tar), walked from index.json
// through nested indexes to image manifests. Attestation manifests are not images (spec §3).

import { availableParallelism } from 'node:os';
import { ElfscanError } from '../errors.js';
import { formatPlatform, normalizePlatform, platformFromConfig, type Platform } from '../platform.js';
import { asConfig, blobPath, isObject, readJson } from './blob-json.js';
import type { BlobStore, ImageCandidate } from './source.js';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
const MAX_INDEX_DEPTH = 4;
/** Layers are independent: decompress as many at once as there are cores. */
const LAYER_CONCURRENCY = availableParallelism();

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export function asDescriptors(doc: unknown, where: string, what: string): Descriptor[] {
  if (!isObject(doc) || !Array.isArray(doc.manifests)) throw new ElfscanError(where, `${what} is not an image index (no manifests list)`);
  return doc.manifests.map((d: unknown, i: number) => {
    if (!isObject(d) || typeof d.digest !== 'string') throw new ElfscanError(where, `${what}: entry ${i} has no digest`);
    return d as unknown as Descriptor;
  });
}

export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown';
}

export function descriptorPlatform(d: Descriptor): Platform | null {
  const p = d.platform;
  if (!p?.os || !p.architecture) return null;
  return normalizePlatform({ os: p.os, arch: p.architecture, ...(p.variant ? { variant: p.variant } : {}) });
}

function refName(d: Descriptor): string | null {
  const a = d.annotations ?? {};
  return a['io.containerd.image.name'] ?? a['org.opencontainers.image.ref.name'] ?? null;
}

/** The media type of a document: its own field, else its descriptor's, else guessed by shape. */
export function kindOf(doc: unknown, d: Descriptor): 'index' | 'manifest' | string {
  const t = (isObject(doc) && typeof doc.mediaType === 'string' ? doc.mediaType : undefined) ?? d.mediaType;
  if (t && INDEX_TYPES.has(t)) return 'index';
  if (t && MANIFEST_TYPES.has(t)) return 'manifest';
  if (t) return t;
  if (isObject(doc) && Array.isArray(doc.manifests)) return 'index';
  if (isObject(doc) && Array.isArray(doc.layers)) return 'manifest';
  return 'unknown';
}

export interface OciImages {
  images: ImageCandidate[];
  /** Platforms listed by the index the images came from (null for a lone manifest). */
  indexPlatforms: Platform[] | null;
}

export async function ociLayoutImages(store: BlobStore): Promise<OciImages> {
  const where = store.where;
  const top = asDescriptors(await readJson(store, 'index.json', 'index.json'), where, 'index.json');
  const images: ImageCandidate[] = [];
  const platforms: Platform[] = [];
  let sawIndex = top.length > 1;

  const visit = async (d: Descriptor, depth: number, ref: string | null): Promise<void> => {
    if (isAttestation(d)) return;
    const what = `manifest ${d.digest}`;
    const path = blobPath(d.digest, where);
    if (!(await store.has(path))) throw new ElfscanError(where, `${what} is named but not in the layout`);
    const doc = await readJson(store, path, what);
    const kind = kindOf(doc, d);
    if (kind === 'index') {
      if (depth >= MAX_INDEX_DEPTH) throw new ElfscanError(where, `image indexes nest deeper than ${MAX_INDEX_DEPTH} levels`);
      sawIndex = true;
      for (const child of asDescriptors(doc, where, what)) await visit(child, depth + 1, ref ?? refName(d));
      return;
    }
    if (kind !== 'manifest') throw new ElfscanError(where, `${what} has unknown media type ${kind}`);
    images.push(await manifestImage(store, doc, d, ref ?? refName(d)));
    const p = descriptorPlatform(d) ?? images[images.length - 1]!.declared;
    if (p) platforms.push(p);
  };
  for (const d of top) await visit(d, 0, null);
  if (images.length === 0) throw new ElfscanError(where, 'the image index holds no image manifest');
  return { images, indexPlatforms: sawIndex ? platforms : null };
}

/** One image manifest as an image candidate (also used for registries, whose store fetches blobs over HTTP). */
export async function manifestImage(
  store: BlobStore,
  doc: unknown,
  d: Descriptor,
  ref: string | null,
  layerConcurrency: number = LAYER_CONCURRENCY,
): Promise<ImageCandidate> {
  const where = store.where;
  const what = `manifest ${d.digest}`;
  if (!isObject(doc) || !isObject(doc.config) || typeof doc.config.digest !== 'string' || !Array.isArray(doc.layers))
    throw new ElfscanError(where, `${what} is not an image manifest`);
  const configPath = blobPath(doc.config.digest, where);
  if (!(await store.has(configPath))) throw new ElfscanError(where, `${what} names config ${doc.config.digest}, which is missing`);
  const config = asConfig(await readJson(store, configPath, `config ${doc.config.digest}`), where, `config ${doc.config.digest}`);
  const layers = (doc.layers as unknown[]).map((l, i) => {
    if (!isObject(l) || typeof l.digest !== 'string') throw new ElfscanError(where, `${what}: layer ${i} has no digest`);
    return {
      digest: l.digest,
      path: blobPath(l.digest, where),
      size: typeof l.size === 'number' ? l.size : null,
      mediaType: typeof l.mediaType === 'string' ? l.mediaType : null,
    };
  });
  for (const l of layers) {
    if (!(await store.has(l.path))) throw new ElfscanError(where, `${what} names layer ${l.digest}, which is missing`);
  }
  return {
    ref,
    manifestDigest: d.digest,
    config,
    declared: platformFromConfig(config) ?? descriptorPlatform(d),
    layers: () => Promise.all(layers.map((l) => store.blob(l.path, { digest: l.digest, verify: l.digest, mediaType: l.mediaType, size: l.size }))),
    layerConcurrency,
  };
}

/**
 * Config digest → manifest digest from index.json, for docker-save archives whose manifest.json
 * carries no manifest digest. Best effort: Docker 25's index.json may be null, nested or
 * incomplete, and none of that may fail a scan that manifest.json can complete.
 */
export async function manifestDigestsByConfig(store: BlobStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    if (!(await store.has('index.json'))) return out;
    const walk = async (ds: Descriptor[], depth: number): Promise<void> => {
      for (const d of ds) {
        const path = blobPath(d.digest, store.where);
        if (isAttestation(d) || !(await store.has(path))) continue;
        const doc = await readJson(store, path, 'manifest');
        if (kindOf(doc, d) === 'index' && depth < MAX_INDEX_DEPTH) await walk(asDescriptors(doc, store.where, 'index'), depth + 1);
        else if (isObject(doc) && isObject(doc.config) && typeof doc.config.digest === 'string') out.set(doc.config.digest, d.digest);
      }
    };
    await walk(asDescriptors(await readJson(store, 'index.json', 'index.json'), store.where, 'index.json'), 0);
  } catch {
    // see above: index.json is optional here
  }
  return out;
}

export function describePlatforms(ps: Platform[]): string {
  return ps.map(formatPlatform).join(', ') || 'none';
}
