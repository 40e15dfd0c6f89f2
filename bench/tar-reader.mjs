// Throughput of the layer readers: TarReader on a 100k-entry in-memory tar (MB/s, entries/s),
// gunzip with 64 KiB vs 256 KiB zlib chunks, zstd through fzstd, and gzip → TarReader end to end.
// Run: node bench/tar-reader.mjs   (transpiles the TypeScript it needs into bench/out/ first)

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
for (const file of [
  'src/errors.ts',
  'src/layers/tar-header.ts',
  'src/layers/tar-pax.ts',
  'src/layers/tar-reader.ts',
  'src/layers/xxhash64.ts',
  'src/layers/zstd-frames.ts',
  'src/layers/decompress.ts',
  'test/helpers/tar-builder.ts',
]) {
  const js = ts.transpileModule(readFileSync(join(root, file), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const dest = join(out, file.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, js);
}
const load = (p) => import(pathToFileURL(join(out, p)).href);
const { TarReader } = await load('src/layers/tar-reader.js');
const { createDecompressor } = await load('src/layers/decompress.js');
const { buildTar, zstd, hasZstdCli } = await load('test/helpers/tar-builder.js');

const MB = 1e6;
function time(fn) {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e9, r];
}
async function timeAsync(fn) {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e9, r];
}
function best(n, fn) {
  let min = Infinity;
  let r;
  for (let i = 0; i < n; i++) {
    const [s, v] = time(fn);
    if (s < min) min = s;
    r = v;
  }
  return [min, r];
}
async function bestAsync(n, fn) {
  let min = Infinity;
  let r;
  for (let i = 0; i < n; i++) {
    const [s, v] = await timeAsync(fn);
    if (s < min) min = s;
    r = v;
  }
  return [min, r];
}

// ---- 100k small files, as in a node_modules-heavy layer ----
// Bodies are slices of a text-like pool (words and numbers from a seeded generator), so gzip and
// zstd see a realistic ratio (~3:1) rather than a trivially repetitive pattern.
let seed = 42;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const words = Array.from({ length: 3000 }, () =>
  Array.from({ length: 2 + Math.floor(rnd() * 9) }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join(''),
);
const poolParts = [];
for (let n = 0; n < 8 << 20; ) {
  const w = rnd() < 0.15 ? String(Math.floor(rnd() * 1e6)) : words[Math.floor(rnd() * words.length)];
  const s = w + (rnd() < 0.1 ? ';\n' : ' ');
  poolParts.push(s);
  n += s.length;
}
const pool = Buffer.from(poolParts.join(''));
const ENTRIES = 100_000;
const entries = [];
for (let i = 0; i < ENTRIES; i++) {
  const size = 200 + ((i * 7919) % 3800);
  const at = Math.floor(rnd() * (pool.length - size));
  entries.push({ name: `usr/lib/node_modules/pkg${i % 500}/lib/file-${i}.js`, body: pool.subarray(at, at + size) });
  if (i % 10 === 0) entries.push({ name: `usr/lib/node_modules/pkg${i % 500}/dir${i}/`, type: 'directory' });
}
const tar = buildTar(entries);
const nEntries = entries.length;
console.log(`tar: ${nEntries} entries, ${(tar.length / MB).toFixed(1)} MB`);

function readAll(chunk, wantHead) {
  let count = 0;
  let heads = 0;
  const sink = {
    got: 0,
    data(c) {
      if (this.got < 64) heads += Math.min(64 - this.got, c.length);
      this.got += c.length;
    },
    end() {},
  };
  const r = new TarReader(() => {
    count++;
    if (!wantHead) return null;
    sink.got = 0;
    return sink;
  }, 'bench');
  for (let i = 0; i < tar.length; i += chunk) r.push(tar.subarray(i, i + chunk));
  r.end();
  return count + heads * 0;
}

for (const [label, chunk, head] of [
  ['skip bodies, 1 MiB pushes', 1 << 20, false],
  ['sink every body, 1 MiB pushes', 1 << 20, true],
  ['sink every body, 64 KiB pushes', 1 << 16, true],
  ['sink every body, 4 KiB pushes', 1 << 12, true],
]) {
  const [s, count] = best(5, () => readAll(chunk, head));
  if (count !== ENTRIES + ENTRIES / 10) throw new Error(`read ${count} entries`);
  console.log(
    `TarReader ${label.padEnd(32)} ${(tar.length / MB / s).toFixed(0).padStart(5)} MB/s  ${(count / s / 1000).toFixed(0).padStart(5)}k entries/s  (${(s * 1000).toFixed(0)} ms)`,
  );
}

// ---- gunzip: zlib chunkSize 64 KiB vs 256 KiB ----
const gz = gzipSync(tar, { level: 6 });
console.log(`gzip: ${(gz.length / MB).toFixed(1)} MB compressed`);
for (const chunkSize of [64 * 1024, 256 * 1024]) {
  const [s] = await bestAsync(3, () =>
    new Promise((resolve, reject) => {
      const z = createGunzip({ chunkSize });
      let n = 0;
      z.on('data', (b) => (n += b.length));
      z.on('end', () => resolve(n));
      z.on('error', reject);
      for (let i = 0; i < gz.length; i += 1 << 20) z.write(gz.subarray(i, i + (1 << 20)));
      z.end();
    }),
  );
  console.log(`gunzip chunkSize ${String(chunkSize / 1024).padStart(3)} KiB            ${(tar.length / MB / s).toFixed(0).padStart(5)} MB/s out`);
}

async function throughDecompressor(data, withTar) {
  let n = 0;
  let count = 0;
  const consumer = withTar
    ? new TarReader(() => {
        count++;
        return null;
      }, 'bench')
    : { push: (b) => (n += b.length), end() {} };
  const d = createDecompressor(consumer, 'bench');
  for (let i = 0; i < data.length; i += 1 << 20) {
    d.write(data.subarray(i, i + (1 << 20)));
    if (d.backlog > 4 << 20) await d.drain();
  }
  await d.end();
  return withTar ? count : n;
}

{
  const [s] = await bestAsync(3, () => throughDecompressor(gz, false));
  console.log(`Decompressor gzip                    ${(tar.length / MB / s).toFixed(0).padStart(5)} MB/s out`);
  const [s2, count] = await bestAsync(3, () => throughDecompressor(gz, true));
  console.log(`gzip → TarReader (end to end)        ${(tar.length / MB / s2).toFixed(0).padStart(5)} MB/s  ${(count / s2 / 1000).toFixed(0).padStart(5)}k entries/s`);
}

// ---- zstd through fzstd (+ frame walker + XXH64) ----
const zs = zstd(tar, 3);
console.log(`zstd${hasZstdCli ? '' : ' (no CLI: stored blocks)'}: ${(zs.length / MB).toFixed(1)} MB compressed`);
{
  const [s] = await bestAsync(2, () => throughDecompressor(zs, false));
  console.log(`Decompressor zstd                    ${(tar.length / MB / s).toFixed(0).padStart(5)} MB/s out`);
  const [s2, count] = await bestAsync(1, () => throughDecompressor(zs, true));
  console.log(`zstd → TarReader (end to end)        ${(tar.length / MB / s2).toFixed(0).padStart(5)} MB/s  ${(count / s2 / 1000).toFixed(0).padStart(5)}k entries/s`);
}

// The pieces of the zstd path on their own: fzstd alone and XXH64 alone.
{
  const { Decompress } = await import('fzstd');
  const [s] = best(2, () => {
    let n = 0;
    const d = new Decompress((c) => (n += c.length));
    for (let i = 0; i < zs.length; i += 1 << 20) d.push(zs.subarray(i, i + (1 << 20)));
    d.push(new Uint8Array(0), true);
    return n;
  });
  console.log(`fzstd alone                          ${(tar.length / MB / s).toFixed(0).padStart(5)} MB/s out`);
  const { Xxh64 } = await load('src/layers/xxhash64.js');
  const [s2] = best(3, () => {
    const h = new Xxh64();
    for (let i = 0; i < tar.length; i += 1 << 17) h.update(tar.subarray(i, i + (1 << 17)));
    return h.digest32();
  });
  console.log(`XXH64 alone                          ${(tar.length / MB / s2).toFixed(0).padStart(5)} MB/s`);
}

const cpu = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim();
console.log(`node ${process.version}, ${cpu} cores; transpiled sources in ${relative(root, out)}/`);
