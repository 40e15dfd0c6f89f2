// Reads a tar archive (docker save, oci-archive, or a plain root filesystem) in ONE forward pass,
// as stdin needs: manifest.json usually comes after the layers, so every entry that looks like a
// layer is scanned as it streams past and kept as a LayerIndex (per-path records, never bodies),
// small JSON documents are kept whole, and at the end the archive's manifest decides which of
// them form which image. The same pass also indexes the archive as a root filesystem, in case it
// holds no image metadata at all.

import { ElfscanError } from '../errors.js';
import type { LayerIndex } from '../model.js';
import { createDecompressor } from '../layers/decompress.js';
import { LayerEntryCollector } from '../layers/layer-entries.js';
import { BACKLOG_LIMIT, asReadError, createLayerScanner, type LayerScanner } from '../layers/layer-scanner.js';
import { TarReader, type TarBodySink, type TarHeader } from '../layers/tar-reader.js';
import { MAX_DOCUMENT_BYTES, archivePath, digestOfPath } from './blob-json.js';
import type { BlobStore } from './source.js';

/** Where image archives keep layers: OCI blobs, legacy "<id>/layer.tar", skopeo's "<hex>.tar". */
const LAYER_PATH = /^(blobs\/[a-z0-9]+\/[a-f0-9]+|[^/]+\/layer\.tar|[^/]+\.tar(\.gz|\.zst)?)$/;
/** Small top-level files that describe the archive. */
const DOCUMENT_PATH = /^([^/]+\.json|oci-layout|repositories|blobs\/[a-z0-9]+\/[a-f0-9]+)$/;
const SNIFF_BYTES = 512;

export interface ArchiveContents {
  store: BlobStore;
  /** The archive read as a root filesystem (used only when it holds no image metadata). */
  asRootfs: LayerIndex;
}

type Kind = 'undecided' | 'document' | 'layer' | 'other';

/** One file of the outer archive: sniffs its first bytes, then keeps it, scans it, or lets it pass. */
class OuterFile implements TarBodySink {
  private kind: Kind = 'undecided';
  private parts: Buffer[] = [];
  private length = 0;
  scanner: LayerScanner | null = null;

  constructor(
    readonly path: string,
    private readonly size: number,
    private readonly archive: ArchiveReader,
    private readonly rootfsSink: TarBodySink | null,
  ) {}

  data(chunk: Buffer): void {
    this.rootfsSink?.data(chunk);
    if (this.kind === 'undecided') {
      this.keep(chunk);
      if (this.length >= SNIFF_BYTES || this.length >= this.size) this.decide();
    } else if (this.kind === 'document') this.keep(chunk);
    else if (this.kind === 'layer') this.scanner!.write(chunk);
  }

  end(): void {
    this.rootfsSink?.end();
    if (this.kind === 'undecided') this.decide();
    if (this.kind === 'document') this.archive.documents.set(this.path, Buffer.concat(this.parts, this.length));
    else if (this.kind === 'layer') this.archive.finishLayer(this);
    this.parts = [];
  }

  private keep(chunk: Buffer): void {
    // Copy: the reader hands out views of its own chunks.
    this.parts.push(Buffer.from(chunk));
    this.length += chunk.length;
  }

  private decide(): void {
    const head = Buffer.concat(this.parts, this.length);
    const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
    if (DOCUMENT_PATH.test(this.path) && this.size <= MAX_DOCUMENT_BYTES && (first === 0x7b || first === 0x5b || first === 0x6e)) {
      this.kind = 'document'; // '{', '[' or 'null' (Docker 25 may write index.json as null)
      return;
    }
    this.parts = [];
    this.length = 0;
    if (LAYER_PATH.test(this.path) && looksLikeLayer(head)) {
      this.kind = 'layer';
      this.scanner = this.archive.startLayer(this.path);
      this.scanner.write(head);
    } else this.kind = 'other';
  }
}

function looksLikeLayer(head: Buffer): boolean {
  if (head.length >= 4 && head[0] === 0x1f && head[1] === 0x8b) return true;
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return true;
  if (head.length >= 4 && (head.readUInt32LE(0) & 0xfffffff0) === 0x184d2a50) return true; // zstd skippable frame
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true;
  return head.length >= 512 && head.subarray(0, 1024).every((b) => b === 0); // an empty layer: just the end blocks
}

class ArchiveReader {
  readonly documents = new Map<string, Buffer>();
  readonly layers = new Map<string, Promise<LayerIndex>>();
  readonly names = new Set<string>();
  /** Links inside the archive (skopeo writes "<id>/layer.tar" as a symlink to "<hex>.tar"). */
  readonly links = new Map<string, string>();
  private readonly active = new Set<LayerScanner>();
  private readonly rootfs = new LayerEntryCollector(null);

  constructor(readonly where: string) {}

  readonly onEntry = (h: TarHeader): TarBodySink | null => {
    const rootfsSink = this.rootfs.onEntry(h);
    const path = archivePath(h.name);
    if (h.type === 'symlink' || h.type === 'hardlink') {
      const base = h.type === 'symlink' && path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
      this.links.set(path, archivePath(base + h.linkname));
    }
    if (h.type !== 'file') return rootfsSink;
    this.names.add(path);
    return new OuterFile(path, h.size, this, rootfsSink);
  };

  startLayer(path: string): LayerScanner {
    const digest = digestOfPath(path);
    const scanner = createLayerScanner(digest, `${this.where}: layer ${digest ?? path}`, digest);
    this.active.add(scanner);
    return scanner;
  }

  finishLayer(file: OuterFile): void {
    const scanner = file.scanner!;
    this.active.delete(scanner);
    const done = scanner.end();
    done.catch(() => undefined); // only fatal if a manifest names this layer; see BlobStore.layer
    this.layers.set(file.path, done);
  }

  /** Waits while any nested decompressor has too much queued: memory stays bounded. */
  async drain(): Promise<void> {
    for (const s of this.active) if (s.backlog > BACKLOG_LIMIT) await s.drain();
  }

  /** The archive path a name stands for, through at most a few links. */
  resolve(path: string): string {
    for (let i = 0; i < 8 && !this.names.has(path) && this.links.has(path); i++) path = this.links.get(path)!;
    return path;
  }

  rootfsIndex(bytes: number): LayerIndex {
    return this.rootfs.finish(bytes);
  }
}

export async function readArchive(input: AsyncIterable<Buffer>, where: string): Promise<ArchiveContents> {
  const archive = new ArchiveReader(where);
  const outer = new TarReader(archive.onEntry, where);
  const decompressor = createDecompressor(outer, where);
  let bytes = 0;
  try {
    for await (const chunk of input) {
      bytes += chunk.length;
      decompressor.write(chunk);
      if (decompressor.error) break; // the outer archive is bad: stop reading, end() says why
      if (decompressor.backlog > BACKLOG_LIMIT) await decompressor.drain();
      await archive.drain();
    }
  } catch (e) {
    decompressor.end().catch(() => undefined);
    throw asReadError(e, where);
  }
  await decompressor.end();
  return { store: memoryStore(archive), asRootfs: archive.rootfsIndex(bytes) };
}

function memoryStore(archive: ArchiveReader): BlobStore {
  const where = archive.where;
  return {
    where,
    has: async (path) => archive.names.has(archive.resolve(path)),
    async read(name) {
      const path = archive.resolve(name);
      const doc = archive.documents.get(path);
      if (doc) return doc;
      throw new ElfscanError(where, archive.names.has(path) ? `${path} is not a JSON document` : `${path} is missing from the archive`);
    },
    async layer(name) {
      const path = archive.resolve(name);
      const layer = archive.layers.get(path);
      if (!layer) throw new ElfscanError(where, `layer ${digestOfPath(path) ?? path} is not a tar archive (plain, gzip or zstd)`);
      return layer;
    },
  };
}
