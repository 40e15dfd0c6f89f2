// A registry reference opened as image candidates: tag → digest with HEAD, the manifest or index
// fetched and verified, one image per platform of an index (attestations skipped), and a
// BlobStore whose layer blobs are downloads, read as they arrive (src/layers/scan-layer.ts).

import { isValidDigest } from '../../digest.js';
import { ElfscanError } from '../../errors.js';
import { mapLimit } from '../../map-limit.js';
import { parsePlatform, platformMatches, type Platform } from '../../platform.js';
import { digestOfPath, isObject, parseJson } from '../blob-json.js';
import { asDescriptors, descriptorPlatform, isAttestation, kindOf, manifestImage, type Descriptor } from '../oci-index.js';
import type { BlobStore, ImageCandidate, LayerBlob, OpenedSource } from '../source.js';
import { blobChunks } from './blob-stream.js';
import { parseReference } from './reference.js';
import { RegistryClient, type RegistryOptions } from './registry-client.js';

export interface RegistrySourceOptions extends RegistryOptions {
  /** --platform: children of an index whose descriptor names another platform are not fetched. */
  platforms?: string[];
}

/** Docker pulls 3 layers at once; a little more keeps a 2-core machine's decompressors fed. */
const LAYER_CONCURRENCY = 4;
const MANIFEST_CONCURRENCY = 4;

export async function openRegistry(source: string, options: RegistrySourceOptions = {}): Promise<OpenedSource> {
  const ref = parseReference(source);
  const where = ref.name;
  const client = new RegistryClient(ref, options);
  const digest = ref.digest ?? (await client.resolveTag(ref.tag!));
  const top = await client.manifest(digest ?? ref.tag!, digest);
  const store = registryStore(client, where);
  const image = (doc: unknown, d: Descriptor): Promise<ImageCandidate> => manifestImage(store, doc, d, where, LAYER_CONCURRENCY);

  const topDescriptor: Descriptor = { digest: top.digest, size: top.bytes.length, ...(top.mediaType ? { mediaType: top.mediaType } : {}) };
  const doc = parseJson(top.bytes, where, `manifest ${top.digest}`);
  const kind = kindOf(doc, topDescriptor);
  if (kind === 'manifest') return { where, images: [await image(doc, topDescriptor)], indexPlatforms: null, rootfs: false };
  if (kind !== 'index') throw unknownKind(where, kind);

  const children = asDescriptors(doc, where, `index ${top.digest}`).filter((d) => !isAttestation(d));
  // Checked before a digest becomes part of a URL ("sha256:../../x" would walk the API's paths).
  const bad = children.find((d) => !isValidDigest(d.digest));
  if (bad) throw new ElfscanError(where, `index ${top.digest} names an invalid digest "${bad.digest.slice(0, 80)}"`);
  if (children.length === 0) throw new ElfscanError(where, 'the image index holds no image manifest');
  const wanted: Platform[] | null = options.platforms?.map(parsePlatform) ?? null;
  const fetched = children.filter((d) => {
    const p = descriptorPlatform(d);
    return !wanted || !p || wanted.some((w) => platformMatches(w, p));
  });
  const images = await mapLimit(fetched, MANIFEST_CONCURRENCY, async (d) => {
    const m = await client.manifest(d.digest, d.digest);
    const childDoc = parseJson(m.bytes, where, `manifest ${d.digest}`);
    const childKind = kindOf(childDoc, { ...d, ...(m.mediaType ? { mediaType: m.mediaType } : {}) });
    if (childKind === 'index') throw new ElfscanError(where, `index ${top.digest} nests another index (${d.digest}), which elfscan does not follow`);
    if (childKind !== 'manifest') throw unknownKind(where, childKind);
    return image(childDoc, d);
  });
  // Children without a platform in the index were fetched; their configs say what they are.
  const indexPlatforms = children.flatMap((d) => {
    const p = descriptorPlatform(d) ?? images[fetched.indexOf(d)]?.declared;
    return p ? [p] : [];
  });
  return { where, images, indexPlatforms, rootfs: false };
}

function unknownKind(where: string, kind: string): ElfscanError {
  return kind === 'unknown'
    ? new ElfscanError(where, 'the registry served something that is neither an image manifest nor an index')
    : new ElfscanError(where, `the registry served a manifest of media type ${kind.slice(0, 100)}, which is neither OCI nor Docker v2`);
}

/** Blobs by their "blobs/<alg>/<hex>" paths, as manifestImage() names them. */
function registryStore(client: RegistryClient, where: string): BlobStore {
  const digestFor = (path: string) => {
    const d = digestOfPath(path);
    if (!d) throw new ElfscanError(where, `${path} does not name a blob by digest`);
    return d;
  };
  const blobs = new Map<string, LayerBlob>();
  return {
    where,
    // A missing blob shows up as a 404 when it is fetched; asking first would double the requests.
    has: async () => true,
    read: (path) => client.blobBytes(digestFor(path)),
    async blob(path, layer) {
      const d = digestFor(path);
      let blob = blobs.get(path);
      if (!blob) {
        const layerWhere = `${where}: layer ${d}`;
        blob = { ...layer, where: layerWhere, bytes: { open: (stop) => blobChunks(client, d, layerWhere, undefined, stop) } };
        blobs.set(path, blob);
      }
      return blob;
    },
  };
}
