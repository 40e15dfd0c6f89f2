// Issue 6's benchmark, one command: builds the corpus if needed (bench/corpus.sh), then times on
// the same content elfscan (from a file and from stdin, every format), extraction + scanelf -R,
// extraction + file, and the limits — cat, gzip -dc / zstd -dc of the layers (one after the
// other and spread over the cores), Node's own zlib inflating the layers in one process
// (bench/inflate.mjs) — RUNS times each (median wall time, largest peak RSS), and prints a
// markdown table with the ratios the targets are stated in. Also written to
// bench/out/results.md and results.json. With --against DIR (another checkout, built: a baseline
// such as main), every elfscan case also runs DIR's build, interleaved run by run with this one
// so that both see the same machine, and a before/after table of the ratios is added.
// Usage: node bench/compare.mjs [--runs N] [--quick] [--against DIR]   (--quick skips extraction + file)

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
const corpus = join(out, 'corpus');
const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5;
const QUICK = args.includes('--quick');
const AGAINST = args.includes('--against') ? args[args.indexOf('--against') + 1] : null;

const sh = (cmd) => execFileSync('bash', ['-c', cmd], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }).toString();
if (!existsSync(join(corpus, 'STAMP'))) sh(`bash ${join(root, 'bench', 'corpus.sh')} ${corpus} >&2`);
if (!existsSync(join(root, 'dist', 'cli.js')) || process.env.BENCH_BUILD !== '0') sh(`cd ${root} && npm run build >&2`);

const elfscanOf = (dir) => `node ${join(dir, 'bin', 'elfscan.js')} --fail-on none --format json -o /dev/null`;
const elfscan = elfscanOf(root);
const C = (f) => join(corpus, f);
const layers = readdirSync(C('layers'))
  .filter((f) => f.endsWith('.tar'))
  .sort()
  .map((f) => C(`layers/${f}`));
const cores = availableParallelism();
const gz = layers.map((l) => l.replace(/\.tar$/, '.tar.gz'));
const zst = layers.map((l) => l.replace(/\.tar$/, '.tar.zst'));
const list = (files) => files.map((f) => `'${f}'`).join(' ');

/** The archive members that are layers, in archive order, for `tar -xO`. */
function legacyLayerMembers() {
  return JSON.parse(sh(`tar -xOf ${C('docker-legacy.tar')} manifest.json`))[0].Layers;
}
function ociLayerMembers(dir) {
  const index = JSON.parse(readFileSync(join(C(dir), 'index.json'), 'utf8'));
  const blob = (d) => join(C(dir), 'blobs', 'sha256', d.slice(7));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
  return manifest.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`);
}

const tmp = join(out, 'extract');
const extract = `rm -rf ${tmp} && mkdir -p ${tmp} && for l in ${legacyLayerMembers().join(' ')}; do tar -xOf ${C('docker-legacy.tar')} "$l" | tar -x -C ${tmp} 2>/dev/null || true; done`;

/** [key, what, command] — every command is run RUNS times. */
const cases = [
  ['cat', 'cat docker-legacy.tar > /dev/null', `cat ${C('docker-legacy.tar')} > /dev/null`],
  ['cat-pipe', 'cat docker-legacy.tar | cat > /dev/null', `cat ${C('docker-legacy.tar')} | cat > /dev/null`],
  ['legacy-file', 'elfscan docker-legacy.tar (plain layers)', `${elfscan} ${C('docker-legacy.tar')}`],
  ['d25-file', 'elfscan docker-25.tar (plain layers, digests checked)', `${elfscan} ${C('docker-25.tar')}`],
  ['gzip-dir', 'elfscan oci-gzip/ (OCI layout, gzip layers)', `${elfscan} ${C('oci-gzip')}`],
  ['zstd-dir', 'elfscan oci-zstd/ (OCI layout, zstd layers)', `${elfscan} ${C('oci-zstd')}`],
  ['legacy-stdin', 'cat docker-legacy.tar | elfscan -', `cat ${C('docker-legacy.tar')} | ${elfscan} -`],
  ['d25-stdin', 'cat docker-25.tar | elfscan -', `cat ${C('docker-25.tar')} | ${elfscan} -`],
  ['gzip-stdin', 'cat oci-gzip.tar | elfscan -', `cat ${C('oci-gzip.tar')} | ${elfscan} -`],
  ['zstd-stdin', 'cat oci-zstd.tar | elfscan -', `cat ${C('oci-zstd.tar')} | ${elfscan} -`],
  ['legacy-stdin-floor', 'cat docker-legacy.tar | tar -xO (layers) > /dev/null', `cat ${C('docker-legacy.tar')} | tar -xO ${legacyLayerMembers().join(' ')} > /dev/null`],
  ['gzip-stdin-floor', 'cat oci-gzip.tar | tar -xO (layers) | gzip -dc', `cat ${C('oci-gzip.tar')} | tar -xO ${ociLayerMembers('oci-gzip').join(' ')} | gzip -dc > /dev/null`],
  ['zstd-stdin-floor', 'cat oci-zstd.tar | tar -xO (layers) | zstd -dc', `cat ${C('oci-zstd.tar')} | tar -xO ${ociLayerMembers('oci-zstd').join(' ')} | zstd -dc > /dev/null`],
  ['gzip-cli', 'gzip -dc of the layers, one after the other', `for l in ${list(gz)}; do gzip -dc "$l" > /dev/null; done`],
  ['gzip-cli-par', `gzip -dc of the layers, ${cores} at a time`, `printf '%s\\n' ${list(gz)} | xargs -P${cores} -I{} sh -c 'gzip -dc "{}" > /dev/null'`],
  ['zlib-seq', 'Node zlib inflate of the layers, one process, one at a time', `node ${join(root, 'bench', 'inflate.mjs')} --concurrency 1 ${list(gz)} > /dev/null`],
  ['zlib-par', `Node zlib inflate of the layers, one process, ${cores} at a time`, `node ${join(root, 'bench', 'inflate.mjs')} --concurrency ${cores} ${list(gz)} > /dev/null`],
  ['zlib-par-1m', `… the same with 1 MiB zlib chunks`, `node ${join(root, 'bench', 'inflate.mjs')} --concurrency ${cores} --chunk 1048576 ${list(gz)} > /dev/null`],
  ['zstd-cli', 'zstd -dc of the layers, one after the other', `for l in ${list(zst)}; do zstd -dc -q "$l" > /dev/null; done`],
  ['zstd-cli-par', `zstd -dc of the layers, ${cores} at a time`, `printf '%s\\n' ${list(zst)} | xargs -P${cores} -I{} sh -c 'zstd -dc -q "{}" > /dev/null'`],
  ['extract', 'extraction of the layers (tar -xO | tar -x)', extract],
  ['extract-scanelf', 'extraction + scanelf -R', `${extract} && scanelf -R ${tmp} > /dev/null`],
];
if (!QUICK) cases.push(['extract-file', 'extraction + file (every regular file)', `${extract} && find ${tmp} -type f -print0 | xargs -0 -P1 file > /dev/null`]);

// With --against, each elfscan case gets a twin running the other build ("key@before").
if (AGAINST) {
  for (const c of cases.filter(([, , cmd]) => cmd.includes(elfscan))) {
    cases.push([`${c[0]}@before`, `${c[1]} — ${AGAINST}`, c[2].replaceAll(elfscan, elfscanOf(AGAINST))]);
  }
}

function run(cmd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, kb] = last.split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(secs)) throw new Error(`failed (${r.status}): ${cmd}\n${r.stderr.slice(-500)}`);
  return { secs, rss: kb / 1024 };
}

// Warm the page cache: every number below is with the corpus in memory, as cat's is.
sh(`cat ${C('docker-legacy.tar')} ${C('docker-25.tar')} ${C('oci-gzip.tar')} ${C('oci-zstd.tar')} ${C('layers')}/* > /dev/null`);
const results = {};
for (const [key, what, cmd] of cases.filter(([k]) => !k.endsWith('@before'))) {
  const twin = cases.find(([k]) => k === `${key}@before`);
  const runs = { [key]: [], ...(twin ? { [twin[0]]: [] } : {}) };
  for (let i = 0; i < RUNS; i++) {
    runs[key].push(run(cmd));
    if (twin) runs[twin[0]].push(run(twin[2])); // interleaved: both builds see the same moment of the machine
  }
  for (const [k, rs] of Object.entries(runs)) {
    const times = rs.map((r) => r.secs).sort((a, b) => a - b);
    const label = k === key ? what : twin[1];
    results[k] = { what: label, median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1], rss: Math.max(...rs.map((r) => r.rss)) };
    process.stderr.write(`${k}: ${results[k].median} s (${times.join(' ')}), ${results[k].rss.toFixed(0)} MB\n`);
  }
}
rmSync(tmp, { recursive: true, force: true });

const m = (k) => results[k].median;
const zlibFloor = Math.min(m('zlib-par'), m('zlib-par-1m'));
const ratio = (a, b) => (m(a) / m(b)).toFixed(2);
const files = layers.reduce((n, l) => n + Number(sh(`tar -tvf '${l}' | grep -c '^-' || true`).trim()), 0);
const targets = [
  ['plain docker-archive from a file: faster than cat', `elfscan / cat = ${ratio('legacy-file', 'cat')}`, m('legacy-file') < m('cat')],
  ['… and ≥ 10× faster than extraction + scanelf', `extraction + scanelf / elfscan = ${ratio('extract-scanelf', 'legacy-file')}`, m('extract-scanelf') / m('legacy-file') >= 10],
  ['OCI gzip: ≤ 1.2× Node zlib inflate spread over the cores', `elfscan / zlib (${cores} at a time, the faster chunk size) = ${(m('gzip-dir') / zlibFloor).toFixed(2)}`, m('gzip-dir') / zlibFloor <= 1.2],
  ['zstd: ≤ 1.2× zstd -dc of all layers', `elfscan / zstd -dc = ${ratio('zstd-dir', 'zstd-cli')}`, m('zstd-dir') / m('zstd-cli') <= 1.2],
  ['… and below it with layers spread over the cores', `elfscan / zstd -dc = ${ratio('zstd-dir', 'zstd-cli')}; / zstd -dc ${cores} at a time = ${ratio('zstd-dir', 'zstd-cli-par')}`, m('zstd-dir') < m('zstd-cli')],
  ['stdin: ≤ 1.2× cat | (gzip -dc-equivalent reading)', `plain ${ratio('legacy-stdin', 'cat-pipe')} (vs cat | cat), gzip ${ratio('gzip-stdin', 'gzip-stdin-floor')}, zstd ${ratio('zstd-stdin', 'zstd-stdin-floor')}`, m('legacy-stdin') / m('cat-pipe') <= 1.2 && ['gzip', 'zstd'].every((k) => m(`${k}-stdin`) / m(`${k}-stdin-floor`) <= 1.2)],
  ['peak RSS ≤ 150 MB on every format', ['legacy-file', 'd25-file', 'gzip-dir', 'zstd-dir', 'legacy-stdin', 'd25-stdin', 'gzip-stdin', 'zstd-stdin'].map((k) => `${k} ${results[k].rss.toFixed(0)}`).join(', '), ['legacy-file', 'd25-file', 'gzip-dir', 'zstd-dir', 'legacy-stdin', 'd25-stdin', 'gzip-stdin', 'zstd-stdin'].every((k) => results[k].rss <= 150)],
];

const size = (f) => (statSync(C(f)).size / 1e6).toFixed(0);
/** A markdown table cell: pipes escaped. */
const cell = (s) => s.replaceAll('|', '\\|');
const lines = [
  `Machine: ${cores} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; files in the page cache; ${RUNS} runs each.`,
  `Corpus: ${files} regular files in ${layers.length} layers; docker-legacy.tar ${size('docker-legacy.tar')} MB, oci-gzip.tar ${size('oci-gzip.tar')} MB, oci-zstd.tar ${size('oci-zstd.tar')} MB.`,
  '',
  '| what | median s | min–max s | peak RSS MB |',
  '|---|---|---|---|',
  ...Object.values(results).map((r) => `| ${cell(r.what)} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)}–${r.max.toFixed(2)} | ${r.rss.toFixed(0)} |`),
  '',
  '| target | measured | met |',
  '|---|---|---|',
  ...targets.map(([t, v, ok]) => `| ${cell(t)} | ${cell(v)} | ${ok ? 'yes' : 'no'} |`),
];
if (AGAINST) {
  // The targets' ratios for both builds, each over the floor measured in the same session.
  const m2 = (k, before) => results[before ? `${k}@before` : k].median;
  const rows = [
    ['docker-legacy.tar / cat', (b) => m2('legacy-file', b) / m('cat')],
    ['docker-25.tar / cat', (b) => m2('d25-file', b) / m('cat')],
    ['oci-gzip/ / Node zlib on the cores', (b) => m2('gzip-dir', b) / zlibFloor],
    ['oci-zstd/ / zstd -dc of the layers', (b) => m2('zstd-dir', b) / m('zstd-cli')],
    ['oci-zstd/ / zstd -dc, cores at a time', (b) => m2('zstd-dir', b) / m('zstd-cli-par')],
    ['stdin docker-legacy.tar / cat | cat', (b) => m2('legacy-stdin', b) / m('cat-pipe')],
    ['stdin docker-25.tar / cat | cat', (b) => m2('d25-stdin', b) / m('cat-pipe')],
    ['stdin oci-gzip.tar / cat | tar -xO | gzip -dc', (b) => m2('gzip-stdin', b) / m('gzip-stdin-floor')],
    ['stdin oci-zstd.tar / cat | tar -xO | zstd -dc', (b) => m2('zstd-stdin', b) / m('zstd-stdin-floor')],
  ];
  lines.push('', `| ratio (lower is better) | before (${AGAINST}) | after (this build) |`, '|---|---|---|');
  for (const [name, f] of rows) lines.push(`| ${cell(name)} | ${f(true).toFixed(2)} | ${f(false).toFixed(2)} |`);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.md'), `${lines.join('\n')}\n`);
writeFileSync(join(out, 'results.json'), JSON.stringify({ results, targets }, null, 2));
console.log(lines.join('\n'));
