// The seam every source implements (style convention 1): a source yields image candidates,
// each able to hand over its layers' indexes in manifest order. Nothing downstream knows
// whether the bytes came from a file, stdin, a directory or a registry.

import type { ImageConfig, LayerIndex } from '../model.js';
import type { Platform } from '../platform.js';

export interface ImageCandidate {
  ref: string | null;
  manifestDigest: string | null;
  config: ImageConfig;
  /** The platform the image (or the index entry pointing at it) declares, if any. */
  declared: Platform | null;
  /** Layer digests as the manifest names them (diff_ids for legacy archives), or null. */
  layerDigests: (string | null)[];
  /** Stored (compressed) layer sizes, where known before scanning: for the progress bar's total. */
  layerSizes: (number | null)[];
  /** Scans (or returns the already scanned) layers, in manifest order. */
  layers(): Promise<LayerIndex[]>;
}

export interface OpenedSource {
  /** How messages name the source: the path, "-" shown as "stdin", or the reference. */
  where: string;
  images: ImageCandidate[];
  /** Platforms an image index lists (attestations excluded), or null when there is no index. */
  indexPlatforms: Platform[] | null;
  /** A bare root filesystem: it declares no platform, so --platform is required. */
  rootfs: boolean;
}

/** Where blobs of an OCI layout or docker-save archive are found, by archive-relative path. */
export interface BlobStore {
  where: string;
  has(path: string): Promise<boolean>;
  /** Raw bytes of a small file (manifest, index, config); throws ElfscanError when missing. */
  read(path: string): Promise<Buffer>;
  /** The scanned layer at `path`; `verify` is the digest its bytes must hash to, or null. */
  layer(path: string, digest: string | null, verify: string | null): Promise<LayerIndex>;
  /** The stored size of a layer, when known before scanning it (to start the largest first). */
  size?(path: string): Promise<number | null>;
}
