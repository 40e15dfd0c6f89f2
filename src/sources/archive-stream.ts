// Reads a tar archive (docker save, oci-archive, or a plain root filesystem) in ONE forward pass,
// as stdin needs: manifest.json usually comes after the layers, so every entry that looks like a
// layer is scanned as it streams past and kept as a LayerIndex (per-path records, never bodies),
// small JSON documents are kept whole, and at the end the archive's manifest decides which of
// them form which image. The same pass also indexes the archive as a root filesystem, in case it
// holds no image metadata at all.

import { ElfscanError } from '../errors.js';
import type { LayerIndex } from '../model.js';
import { createDecompressor } from '../layers/decompress.js';
import { BACKLOG_LIMIT, asReadError, createLayerScanner, layerIndex, nativeTarSink, type LayerScanner } from '../layers/layer-scanner.js';
import { TarReader, type TarBodySink, type TarHeader } from '../layers/tar-reader.js';
import { SNIFF_BYTES, entryKind, linkTarget, resolveLink } from './archive-entries.js';
import type { ProgressMeter, Reading } from '../progress.js';
import { MAX_DOCUMENT_BYTES, archivePath, digestOfPath } from './blob-json.js';
import type { BlobStore } from './source.js';

export interface ArchiveContents {
  store: BlobStore;
  /** The archive read as a root filesystem (asked only when it holds no image metadata). */
  asRootfs: () => Promise<LayerIndex>;
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
  ) {}

  data(chunk: Buffer): void {
    if (this.kind === 'undecided') {
      this.keep(chunk);
      if (this.length >= SNIFF_BYTES || this.length >= this.size) this.decide();
    } else if (this.kind === 'document') this.keep(chunk);
    else if (this.kind === 'layer') this.scanner!.write(chunk);
  }

  end(): void {
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
    this.kind = entryKind(this.path, this.size, head, MAX_DOCUMENT_BYTES);
    if (this.kind === 'document') return;
    this.parts = [];
    this.length = 0;
    if (this.kind === 'layer') {
      this.scanner = this.archive.startLayer(this.path);
      this.scanner.write(head);
    }
  }
}

class ArchiveReader {
  readonly documents = new Map<string, Buffer>();
  readonly layers = new Map<string, Promise<LayerIndex>>();
  readonly names = new Set<string>();
  /** Links inside the archive (skopeo writes "<id>/layer.tar" as a symlink to "<hex>.tar"). */
  readonly links = new Map<string, string>();
  private readonly active = new Set<LayerScanner>();
  /** The same bytes read as a root filesystem, by the native walker (as archive-file.ts does). */
  readonly rootfs: ReturnType<typeof nativeTarSink>;

  constructor(
    readonly where: string,
    private readonly meter: ProgressMeter,
  ) {
    this.rootfs = nativeTarSink(where);
  }

  readonly onEntry = (h: TarHeader): TarBodySink | null => {
    const path = archivePath(h.name);
    if (h.type === 'symlink' || h.type === 'hardlink') this.links.set(path, linkTarget(path, h.type, h.linkname, archivePath));
    if (h.type !== 'file') return null;
    this.names.add(path);
    return new OuterFile(path, h.size, this);
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
    done.then(() => this.meter.layerDone(), () => undefined); // a failure is only fatal if a manifest names this layer; see BlobStore.layer
    this.layers.set(file.path, done);
  }

  /** Waits while any nested decompressor has too much queued: memory stays bounded. */
  async drain(): Promise<void> {
    for (const s of this.active) if (s.backlog > BACKLOG_LIMIT) await s.drain();
  }

  /** The archive path a name stands for, through at most a few links. */
  resolve(path: string): string {
    return resolveLink(path, this.names, this.links);
  }

  rootfsIndex(bytes: number): LayerIndex {
    return layerIndex(null, this.rootfs.records!, bytes);
  }
}

/** `reading`: where the meter counts the input's bytes as they are read. */
export async function readArchive(input: AsyncIterable<Buffer>, where: string, meter: ProgressMeter, reading: Reading): Promise<ArchiveContents> {
  const archive = new ArchiveReader(where, meter);
  const count = reading.counted();
  const outer = new TarReader(archive.onEntry, where);
  const both = {
    push(b: Buffer): void {
      outer.push(b);
      archive.rootfs.push(b);
    },
    end(): void {
      outer.end();
      archive.rootfs.end();
    },
  };
  const decompressor = createDecompressor(both, where);
  let bytes = 0;
  try {
    for await (const chunk of input) {
      bytes += chunk.length;
      count(chunk.length);
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
  reading.end();
  return { store: memoryStore(archive), asRootfs: async () => archive.rootfsIndex(bytes) };
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
