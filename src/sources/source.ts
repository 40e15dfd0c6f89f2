// The seam every source implements (style convention 1): a source yields image candidates, each
// naming its layers as blobs — what a layer is called, what its bytes must hash to, and where
// its bytes are — as go-containerregistry's `partial` package describes a layer. Sources never
// scan: src/layers/scan-layer.ts decides, from where the bytes are, how a blob is read. Nothing
// downstream knows whether the bytes came from a file, stdin, a directory or a registry.

import type { ImageConfig } from '../model.js';
import type { DirListing, LayerRecords } from '../native.js';
import type { Platform } from '../platform.js';

/** Where a layer's stored bytes are. */
export type BlobBytes =
  /** In a file, at known offsets: read in place (seekable). */
  | { range: { file: string; offset: number; length: number } }
  /** A byte stream, read once in order (a registry download); `stop` aborts when the scan failed elsewhere. */
  | { open: (stop: AbortSignal) => AsyncIterable<Buffer> }
  /** A root filesystem directory, listed, standing for a layer's tar. */
  | { directory: DirListing }
  /**
   * Walked already, as a streamed archive passed it (stdin: read once, and manifest.json comes
   * last): the records, or why the walk failed, and the digest of its bytes if it names one.
   */
  | { walked: { records: LayerRecords | Error; hashed: string | null } };

export interface LayerBlob {
  /** What the report calls it: its digest as the manifest names it (a legacy archive's diff_id), or null. */
  digest: string | null;
  /** The digest its stored bytes must hash to, or null (a legacy layer.tar is named by an id). */
  verify: string | null;
  /** As its manifest says, or null. */
  mediaType: string | null;
  /** Stored (compressed) size, when known before reading it. */
  size: number | null;
  /** How messages name it: "image.tar: layer sha256:…". */
  where: string;
  bytes: BlobBytes;
}

export interface ImageCandidate {
  ref: string | null;
  manifestDigest: string | null;
  config: ImageConfig;
  /** The platform the image (or the index entry pointing at it) declares, if any. */
  declared: Platform | null;
  /**
   * Its layers in manifest order (a layer two images share is the same blob); asked only for the
   * images scanned, so a bad layer of another image is never an error.
   */
  layers(): Promise<LayerBlob[]>;
  /** How many layers to read at once. */
  layerConcurrency: number;
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
  /**
   * The layer blob at `path`, the same object each time it is asked for; `digest` is what the
   * report calls it, `verify` the digest its bytes must hash to (or null).
   */
  blob(path: string, layer: { digest: string | null; verify: string | null; mediaType: string | null; size: number | null }): Promise<LayerBlob>;
}
