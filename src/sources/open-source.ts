// Decides what a command-line source names — stdin, an OCI layout directory, an unpacked
// docker-save directory, a root filesystem directory, an archive file, a pipe or character device, the Docker daemon (docker-daemon:IMAGE), or (when no such path
// exists) a registry reference — and opens it
// as image candidates. Archive files are told apart by their contents (after one streaming pass),
// never by their names.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isatty } from 'node:tty';

import { ElfscanError } from '../errors.js';
import { readArchiveFile } from './archive-file.js';
import { readArchive } from './archive-stream.js';
import { DAEMON_PREFIX, dockerSave } from './docker-daemon.js';
import { dockerArchiveImages } from './docker-manifest.js';
import { ociDirStore } from './oci-dir.js';
import { ociLayoutImages } from './oci-index.js';
import { ProgressMeter } from '../progress.js';
import { looksLikeReference, noSuchPath } from './registry/reference.js';
import type { RegistrySourceOptions } from './registry/registry-source.js';
import { rootfsDirBlob } from './rootfs-dir.js';
import { pathChunks, stdinChunks } from './stdin-chunks.js';
import type { BlobStore, LayerBlob, OpenedSource } from './source.js';

const READ_CHUNK = 1 << 20;

export interface OpenOptions {
  /** Bytes to read for "-" (defaults to process.stdin). */
  stdin?: AsyncIterable<Buffer>;
  /** How registry references are fetched (--insecure-registry, credentials' environment). */
  registry?: RegistrySourceOptions;
  /** Environment for child processes (docker); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Told how far reading has got (for a progress bar). */
  meter?: ProgressMeter;
}

export async function openSource(source: string, options: OpenOptions = {}): Promise<OpenedSource> {
  const meter = options.meter ?? new ProgressMeter();
  if (source === '-') {
    if (options.stdin) return openArchive(options.stdin, 'stdin', meter, null);
    if (isatty(0)) throw new ElfscanError('stdin', 'is a terminal; pipe an image into it (docker save IMAGE | elfscan -)');
    return openArchive(stdinChunks(), 'stdin', meter, null);
  }
  if (source.startsWith(DAEMON_PREFIX)) {
    const image = source.slice(DAEMON_PREFIX.length);
    return openArchive(dockerSave(image, options.env ?? process.env), source, meter, null);
  }
  let st;
  try {
    st = await stat(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A local path that exists always wins; only a name that is not one can be a registry reference.
    if ((code === 'ENOENT' || code === 'ENOTDIR') && looksLikeReference(source)) {
      // The registry client (node:http and node:https pull in ~100 of Node's modules) is loaded
      // only for a registry reference: any other scan starts sooner without it (bench/startup.mjs).
      const { openRegistry } = await import('./registry/registry-source.js');
      return openRegistry(source, options.registry);
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ElfscanError(source, noSuchPath(source));
    if (code === 'EACCES') throw new ElfscanError(source, 'cannot be read (permission denied)');
    throw new ElfscanError(source, `cannot be read (${code ?? String(e)})`);
  }
  if (st.isDirectory()) {
    // An OCI layout, or an unpacked `docker save` (manifest.json, as its tar would hold it):
    // image metadata, as in an archive, means it is not a root filesystem.
    const store = ociDirStore(source, source);
    if ((await store.has('oci-layout')) || (await store.has('manifest.json'))) return fromStore(store, null);
    return rootfsSource(source, await rootfsDirBlob(source, source));
  }
  // `elfscan <(docker save app)` names a pipe; /dev/stdin may be a character device: streams,
  // read once like stdin.
  if (st.isFIFO() || st.isCharacterDevice()) return openArchive(await pathChunks(source), source, meter, null);
  if (!st.isFile()) throw new ElfscanError(source, 'is not a file, a directory, a pipe or a character device');
  // A plain tar is read at offsets (its bodies mostly never read); a compressed one can only stream.
  const file = await readArchiveFile(source, source, st.size);
  if (file) return fromStore(file.store, file.asRootfs);
  const stream = createReadStream(source, { highWaterMark: READ_CHUNK });
  return openArchive(stream, source, meter, st.size);
}

/** `size`: the stream's length when it is a file (the progress bar's total), else null. */
async function openArchive(input: AsyncIterable<Buffer>, where: string, meter: ProgressMeter, size: number | null): Promise<OpenedSource> {
  meter.opening(size, null);
  const { store, asRootfs } = await readArchive(input, where, meter, meter.read(size));
  return fromStore(store, asRootfs);
}

/** manifest.json wins for docker-save archives; index.json alone means an OCI layout. */
async function fromStore(store: BlobStore, asRootfs: (() => LayerBlob) | null): Promise<OpenedSource> {
  if (await store.has('manifest.json')) {
    return { where: store.where, images: await dockerArchiveImages(store), indexPlatforms: null, rootfs: false };
  }
  if (await store.has('index.json')) {
    const { images, indexPlatforms } = await ociLayoutImages(store);
    return { where: store.where, images, indexPlatforms, rootfs: false };
  }
  if (asRootfs === null) throw new ElfscanError(store.where, 'is an OCI layout without index.json');
  return rootfsSource(store.where, asRootfs());
}

function rootfsSource(where: string, layer: LayerBlob): OpenedSource {
  return {
    where,
    rootfs: true,
    indexPlatforms: null,
    images: [{ ref: null, manifestDigest: null, config: {}, declared: null, layers: async () => [layer], layerConcurrency: 1 }],
  };
}

