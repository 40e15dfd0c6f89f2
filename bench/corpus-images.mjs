// Writes the benchmark corpus's layers (bench/corpus.sh) in every format elfscan reads, all with
// the same content: a legacy docker-save tarball and a Docker ≥ 25 one (plain layers, as docker
// save writes them), and OCI layouts with gzip and with zstd layers, each as a directory and as an
// oci-archive tarball (for stdin). Layer files are hard-linked into the staging trees, never copied.
// Usage: node bench/corpus-images.mjs LAYERDIR OUTDIR

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, linkSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [layerDir, out] = process.argv.slice(2);
if (!layerDir || !out) throw new Error('usage: node bench/corpus-images.mjs LAYERDIR OUTDIR');

const names = readdirSync(layerDir).filter((f) => f.endsWith('.tar')).sort();
if (names.length === 0) throw new Error(`no layers in ${layerDir}`);
const sha256File = (path) =>
  new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 22 })
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

const layers = [];
for (const n of names) {
  const base = join(layerDir, n);
  const files = { none: base, gzip: base.replace(/\.tar$/, '.tar.gz'), zstd: base.replace(/\.tar$/, '.tar.zst') };
  const entry = { name: n, diffId: await sha256File(base), blobs: {} };
  for (const [how, path] of Object.entries(files)) entry.blobs[how] = { path, digest: await sha256File(path), size: statSync(path).size };
  layers.push(entry);
}

const config = Buffer.from(
  JSON.stringify({
    architecture: 'arm64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['node', '/app/server.js'], WorkingDir: '/app' },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l.diffId}`) },
  }),
);
const configDigest = sha256(config);
const REF = 'bench/app:arm64';
const mediaTypes = { none: 'application/vnd.oci.image.layer.v1.tar', gzip: 'application/vnd.oci.image.layer.v1.tar+gzip', zstd: 'application/vnd.oci.image.layer.v1.tar+zstd' };

/** A tar of the directory's contents, named as docker save names them (no "./" prefix). */
function tarDir(dir, dest) {
  const top = readdirSync(dir).sort();
  const r = spawnSync('tar', ['-C', dir, '--format=posix', '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-cf', dest, ...top], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tar of ${dir} failed`);
}

function ociLayout(dir, how, withDockerManifest) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const blob = (hex, bytes) => writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
  blob(configDigest, config);
  for (const l of layers) linkSync(l.blobs[how].path, join(dir, 'blobs', 'sha256', l.blobs[how].digest));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configDigest}`, size: config.length },
      layers: layers.map((l) => ({ mediaType: mediaTypes[how], digest: `sha256:${l.blobs[how].digest}`, size: l.blobs[how].size })),
    }),
  );
  const manifestDigest = sha256(manifest);
  blob(manifestDigest, manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${manifestDigest}`,
        size: manifest.length,
        platform: { os: 'linux', architecture: 'arm64' },
        annotations: { 'io.containerd.image.name': REF, 'org.opencontainers.image.ref.name': 'arm64' },
      },
    ],
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  if (withDockerManifest) {
    const m = [{ Config: `blobs/sha256/${configDigest}`, RepoTags: [REF], Layers: layers.map((l) => `blobs/sha256/${l.blobs[how].digest}`) }];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  }
}

const stage = join(out, 'stage');
rmSync(stage, { recursive: true, force: true });

// Legacy docker save: <id>/layer.tar, <id>/json, <id>/VERSION, <config>.json, manifest.json last.
{
  const dir = join(stage, 'docker-legacy');
  mkdirSync(dir, { recursive: true });
  const ids = layers.map((l, i) => sha256(Buffer.from(`${l.diffId}:${i}`)));
  layers.forEach((l, i) => {
    mkdirSync(join(dir, ids[i]));
    linkSync(l.blobs.none.path, join(dir, ids[i], 'layer.tar'));
    writeFileSync(join(dir, ids[i], 'VERSION'), '1.0');
    writeFileSync(join(dir, ids[i], 'json'), JSON.stringify({ id: ids[i] }));
  });
  writeFileSync(join(dir, `${configDigest}.json`), config);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: `${configDigest}.json`, RepoTags: [REF], Layers: ids.map((id) => `${id}/layer.tar`) }]));
  writeFileSync(join(dir, 'repositories'), JSON.stringify({ 'bench/app': { arm64: ids[ids.length - 1] } }));
  tarDir(dir, join(out, 'docker-legacy.tar'));
}
// Docker ≥ 25: an OCI layout plus manifest.json, plain layers.
{
  const dir = join(stage, 'docker-25');
  ociLayout(dir, 'none', true);
  tarDir(dir, join(out, 'docker-25.tar'));
}
for (const how of ['gzip', 'zstd']) {
  const dir = join(out, `oci-${how}`);
  rmSync(dir, { recursive: true, force: true });
  ociLayout(dir, how, false);
  tarDir(dir, join(out, `oci-${how}.tar`));
}
rmSync(stage, { recursive: true, force: true });
