// Cost of one classify() call on a 4 KiB head, in ns/call, for the answers the pipeline sees:
// an ELF binary (full facts object), a fat Mach-O (facts + slices), a Java class (not-binary),
// and a 64-byte head that must ask for more. Not a test: run it by hand after building.
//
//   npm run build:native && node bench/native-classify.mjs
//
// Uses dist/native.js (the real wrapper) when `npm run build:ts` has run, else loads the addon
// file directly; the wrapper adds one JS call.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';

const root = new URL('../', import.meta.url);

async function loadClassify() {
  const dist = new URL('dist/native.js', root);
  if (existsSync(dist)) {
    const m = await import(dist.href);
    return { classify: m.classify, via: `dist/native.js (${m.nativeInfo.path})` };
  }
  const glibc = typeof process.report?.getReport().header?.glibcVersionRuntime === 'string';
  const abi = process.platform === 'linux' ? (glibc ? '-gnu' : '-musl') : process.platform === 'win32' ? '-msvc' : '';
  const file = new URL(`native/elfscan.${process.platform}-${process.arch}${abi}.node`, root);
  const addon = createRequire(import.meta.url)(file.pathname);
  return { classify: addon.classify, via: file.pathname };
}

const { classify, via } = await loadClassify();
const fixture = (f) => readFileSync(new URL(`fixtures/binaries/${f}`, root));
const head = (buf, n = 4096) => new Uint8Array(buf.subarray(0, Math.min(n, buf.length)));

const hello = fixture('amd64/hello');
const cases = [
  ['ELF executable (amd64/hello)', head(hello), hello.length],
  ['fat Mach-O, 2 slices (macho/fat)', head(fixture('macho/fat')), fixture('macho/fat').length],
  ['Java class (not-binary)', head(fixture('java/Hello.class')), fixture('java/Hello.class').length],
  ['64-byte head → need-more', head(hello, 64), hello.length],
];

function timeIt(h, size, n) {
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += classify(h, size).status.length;
  const t1 = process.hrtime.bigint();
  if (sink === 0) throw new Error('unreachable');
  return Number(t1 - t0) / n;
}

console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), addon: ${via}`);
const N = 200_000;
for (const [name, h, size] of cases) {
  timeIt(h, size, 20_000); // warm-up
  const runs = Array.from({ length: 5 }, () => timeIt(h, size, N)).sort((a, b) => a - b);
  console.log(`${name.padEnd(36)} ${runs[2].toFixed(0).padStart(6)} ns/call  (median of 5 × ${N}; min ${runs[0].toFixed(0)})`);
}
