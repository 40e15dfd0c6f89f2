// Writes whole images from a declarative description, in every format elfscan reads, so that a
// test says what an image contains (layers of files, whiteouts, links, real fixture binaries)
// and not how a docker-save tarball is laid out.
//
//   buildArchive(spec | specs, format, opts) → Buffer   docker-legacy | docker-25 | oci-archive | rootfs
//   writeOciDir(spec | specs, opts) → directory path    (removed after the test run)
//   fixture('arm64/libhello.so') → the bytes of fixtures/binaries/arm64/libhello.so
// Several specs make an image index (OCI formats) with one child per platform.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { buildTar, gzip, zstd, type TarEntry } from './tar-builder.js';

export const FIXTURES = new URL('../../fixtures/binaries/', import.meta.url).pathname;

export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

export interface FileSpec {
  /** Absolute path in the image: "/usr/lib/x.so". */
  path: string;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque';
  /** A file under fixtures/binaries/ to use as the body. */
  fixture?: string;
  body?: Buffer | string;
  /** symlink text, or the hard link's target path. */
  target?: string;
  mode?: number;
}

export interface ImageSpec {
  /** "linux/arm64", "linux/arm/v7"; null writes a config with no platform. */
  platform: string | null;
  layers: FileSpec[][];
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  ref?: string;
}

export type ArchiveFormat = 'docker-legacy' | 'docker-25' | 'oci-archive' | 'rootfs';

export interface BuildOptions {
  layerCompression?: 'none' | 'gzip' | 'zstd';
  outerCompression?: 'none' | 'gzip' | 'zstd';
  /** Docker ≥ 25 index.json quirks (spec §9). */
  index25?: 'normal' | 'null' | 'nested' | 'incomplete';
  /** Add a buildx attestation manifest to every index (OCI formats). */
  attestation?: boolean;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One layer as a tar: whiteouts and opaque markers become their .wh. entries. */
export function layerTar(files: FileSpec[]): Buffer {
  const entries: TarEntry[] = files.map((f) => {
    const name = f.path.replace(/^\/+/, '');
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    const base = name.slice(dir.length);
    return longNames(entryOf(f, name, dir, base));
  });
  return buildTar(entries);
}

/** ustar holds 100-byte names: longer ones get a PAX record, as docker and containerd write them. */
function longNames(e: TarEntry): TarEntry {
  const pax: Record<string, string> = {};
  if (Buffer.byteLength(e.name) >= 100) pax.path = e.name;
  if (e.linkname && Buffer.byteLength(e.linkname) >= 100) pax.linkpath = e.linkname;
  return Object.keys(pax).length ? { ...e, pax } : e;
}

function entryOf(f: FileSpec, name: string, dir: string, base: string): TarEntry {
  switch (f.type ?? 'file') {
    case 'whiteout':
      return { name: `${dir}.wh.${base}`, body: '' };
    case 'opaque':
      return { name: `${name}/.wh..wh..opq`, body: '' };
    case 'directory':
      return { name: `${name}/`, type: 'directory', mode: f.mode ?? 0o755 };
    case 'symlink':
      return { name, type: 'symlink', linkname: f.target ?? '' };
    case 'hardlink':
      return { name, type: 'hardlink', linkname: (f.target ?? '').replace(/^\/+/, '') };
    default:
      return { name, body: f.fixture ? fixture(f.fixture) : (f.body ?? ''), mode: f.mode ?? (f.fixture ? 0o755 : 0o644) };
  }
}

function compress(b: Buffer, how: BuildOptions['layerCompression']): Buffer {
  return how === 'gzip' ? gzip(b) : how === 'zstd' ? zstd(b) : b;
}

function configOf(spec: ImageSpec, diffIds: string[]): Buffer {
  const [os, architecture, variant] = spec.platform?.split('/') ?? [];
  const config = {
    ...(os ? { os, architecture } : {}),
    ...(variant ? { variant } : {}),
    config: {
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      Env: spec.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    },
    rootfs: { type: 'layers', diff_ids: diffIds.map((d) => `sha256:${d}`) },
  };
  return Buffer.from(JSON.stringify(config));
}

interface Blob {
  digest: string;
  bytes: Buffer;
}

interface BuiltImage {
  spec: ImageSpec;
  config: Blob;
  layers: Blob[];
  diffIds: string[];
  manifest: Blob;
}

function buildImage(spec: ImageSpec, opts: BuildOptions): BuiltImage {
  const tars = spec.layers.map(layerTar);
  const diffIds = tars.map(sha256);
  const layers = tars.map((t) => {
    const bytes = compress(t, opts.layerCompression);
    return { digest: `sha256:${sha256(bytes)}`, bytes };
  });
  const configBytes = configOf(spec, diffIds);
  const config = { digest: `sha256:${sha256(configBytes)}`, bytes: configBytes };
  const layerType =
    opts.layerCompression === 'gzip'
      ? 'application/vnd.oci.image.layer.v1.tar+gzip'
      : opts.layerCompression === 'zstd'
        ? 'application/vnd.oci.image.layer.v1.tar+zstd'
        : 'application/vnd.oci.image.layer.v1.tar';
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: config.digest, size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: layerType, digest: l.digest, size: l.bytes.length })),
    }),
  );
  return { spec, config, layers, diffIds, manifest: { digest: `sha256:${sha256(manifestBytes)}`, bytes: manifestBytes } };
}

function descriptor(img: BuiltImage): Record<string, unknown> {
  const [os, architecture, variant] = img.spec.platform?.split('/') ?? [];
  return {
    mediaType: OCI_MANIFEST,
    digest: img.manifest.digest,
    size: img.manifest.bytes.length,
    ...(os ? { platform: { os, architecture, ...(variant ? { variant } : {}) } } : {}),
    ...(img.spec.ref ? { annotations: { 'io.containerd.image.name': img.spec.ref, 'org.opencontainers.image.ref.name': img.spec.ref } } : {}),
  };
}

/** The blobs and index.json of an OCI layout; several images make a nested image index. */
function ociLayout(images: BuiltImage[], opts: BuildOptions): { files: [string, Buffer][]; index: Buffer } {
  const blobs = new Map<string, Buffer>();
  const add = (b: Blob) => blobs.set(b.digest, b.bytes);
  for (const img of images) {
    add(img.config);
    img.layers.forEach(add);
    add(img.manifest);
  }
  let top: Record<string, unknown>[] = images.map(descriptor);
  if (opts.attestation) {
    const att = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: images[0]!.config.digest, size: 2 }, layers: [] }));
    const digest = `sha256:${sha256(att)}`;
    blobs.set(digest, att);
    top.push({
      mediaType: OCI_MANIFEST,
      digest,
      size: att.length,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': images[0]!.manifest.digest },
    });
  }
  if (images.length > 1 || opts.attestation || opts.index25 === 'nested') {
    const inner = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: top }));
    const digest = `sha256:${sha256(inner)}`;
    blobs.set(digest, inner);
    top = [{ mediaType: OCI_INDEX, digest, size: inner.length }];
  }
  if (opts.index25 === 'incomplete') top.push({ mediaType: OCI_MANIFEST, digest: `sha256:${'0'.repeat(64)}`, size: 10 });
  const index = opts.index25 === 'null' ? Buffer.from('null') : Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: top }));
  const files: [string, Buffer][] = [...blobs].map(([d, b]) => [`blobs/sha256/${d.slice(7)}`, b]);
  return { files, index };
}

const OCI_LAYOUT = Buffer.from('{"imageLayoutVersion":"1.0.0"}');

function tarOf(files: [string, Buffer][], outer: BuildOptions['outerCompression']): Buffer {
  return compress(buildTar(files.map(([name, body]) => ({ name, body }))), outer);
}

export function buildArchive(specs: ImageSpec | ImageSpec[], format: ArchiveFormat, opts: BuildOptions = {}): Buffer {
  const list = Array.isArray(specs) ? specs : [specs];
  if (format === 'rootfs') return compress(layerTar(list[0]!.layers.flat()), opts.outerCompression);
  const images = list.map((s) => buildImage(s, opts));
  if (format === 'docker-legacy') {
    const files: [string, Buffer][] = [];
    const manifest = images.map((img) => {
      const ids = img.layers.map((l, i) => sha256(Buffer.concat([l.bytes, Buffer.from(String(i))])));
      img.layers.forEach((l, i) => {
        files.push([`${ids[i]}/VERSION`, Buffer.from('1.0')], [`${ids[i]}/json`, Buffer.from('{}')], [`${ids[i]}/layer.tar`, l.bytes]);
      });
      files.push([`${img.config.digest.slice(7)}.json`, img.config.bytes]);
      return { Config: `${img.config.digest.slice(7)}.json`, RepoTags: img.spec.ref ? [img.spec.ref] : null, Layers: ids.map((id) => `${id}/layer.tar`) };
    });
    // docker save writes manifest.json after the layers: a reader must not need it first.
    files.push(['manifest.json', Buffer.from(JSON.stringify(manifest))]);
    return tarOf(files, opts.outerCompression);
  }
  const { files, index } = ociLayout(images, opts);
  const out: [string, Buffer][] = [...files, ['oci-layout', OCI_LAYOUT], ['index.json', index]];
  if (format === 'docker-25') {
    const manifest = images.map((img) => ({
      Config: `blobs/sha256/${img.config.digest.slice(7)}`,
      RepoTags: img.spec.ref ? [img.spec.ref] : null,
      Layers: img.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
    }));
    out.push(['manifest.json', Buffer.from(JSON.stringify(manifest))]);
  }
  return tarOf(out, opts.outerCompression);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'elfscan-test-'));
  dirs.push(d);
  return d;
}

/** Writes an OCI layout directory; returns its path. */
export function writeOciDir(specs: ImageSpec | ImageSpec[], opts: BuildOptions = {}): string {
  const list = Array.isArray(specs) ? specs : [specs];
  const dir = tempDir();
  const { files, index } = ociLayout(list.map((s) => buildImage(s, opts)), opts);
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [name, body] of files) writeFileSync(join(dir, name), body);
  writeFileSync(join(dir, 'oci-layout'), OCI_LAYOUT);
  writeFileSync(join(dir, 'index.json'), index);
  return dir;
}

/** Writes an archive to a temp file; returns its path. */
export function writeArchive(specs: ImageSpec | ImageSpec[], format: ArchiveFormat, opts: BuildOptions = {}): string {
  const path = join(tempDir(), 'image.tar');
  writeFileSync(path, buildArchive(specs, format, opts));
  return path;
}

/** Feeds bytes as a stream in chunks of `size` (stdin-like), to test chunk-boundary handling. */
export async function* chunks(buf: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
