// Start-up cost (issue 14): `elfscan` on a tiny image against bare `node -e 0`, run by run
// interleaved (the difference is what loading elfscan costs), optionally with another build
// (--against DIR) in the same rounds. Wall time of a spawned process, median of RUNS.
// Usage: node bench/startup.mjs [--runs N] [--against DIR] [IMAGE]
//        (default image: fixtures/images/example-arm64.tar, 2.8 MB, 2 layers)

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args.splice(args.indexOf(name), 2)[1] : undefined);
const RUNS = Number(opt('--runs') ?? 30);
const against = opt('--against');
const image = args[0] ?? join(root, 'fixtures', 'images', 'example-arm64.tar');

const elfscan = (dir) => [join(dir, 'bin', 'elfscan.js'), '--fail-on', 'none', '--platform', 'linux/arm64', '-f', 'json', '-o', '/dev/null', image];
const cases = [
  ['node -e 0', ['-e', '0']],
  ['elfscan (this build)', elfscan(root)],
  ...(against ? [[`elfscan (${against})`, elfscan(against)]] : []),
];

const times = cases.map(() => []);
for (let i = 0; i < RUNS; i++) {
  cases.forEach(([, argv], c) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
    times[c].push(Number(process.hrtime.bigint() - t) / 1e6);
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times[0]);
console.log(`${availableParallelism()} cores, Node ${process.version}, ${RUNS} rounds, interleaved; ${image}`);
console.log('| what | median ms | min ms | over node -e 0 ms |');
console.log('|---|---|---|---|');
cases.forEach(([what], c) => {
  const m = median(times[c]);
  console.log(`| ${what} | ${m.toFixed(0)} | ${Math.min(...times[c]).toFixed(0)} | ${(m - base).toFixed(0)} |`);
});
