// The real floor for gzip layers: Node's own zlib inflating the given files in one process, read
// in 1 MiB chunks with a zlib chunk size of CHUNK (default 256 KiB), at most CONCURRENCY files at
// once (default: the core count), largest first (the best schedule; elfscan uses it too) —
// nothing else done with the bytes. Prints the bytes inflated.
// Usage: node bench/inflate.mjs [--concurrency N] [--chunk BYTES] FILE…

import { createReadStream, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createGunzip } from 'node:zlib';

const args = process.argv.slice(2);
let concurrency = availableParallelism();
let chunkSize = 256 * 1024;
while (args[0]?.startsWith('--')) {
  if (args[0] === '--concurrency') concurrency = Number(args[1]);
  else if (args[0] === '--chunk') chunkSize = Number(args[1]);
  else throw new Error(`unknown option ${args[0]}`);
  args.splice(0, 2);
}
args.sort((a, b) => statSync(b).size - statSync(a).size);

function inflate(file) {
  return new Promise((resolve, reject) => {
    let n = 0;
    const z = createGunzip({ chunkSize });
    z.on('data', (b) => (n += b.length));
    z.on('end', () => resolve(n));
    z.on('error', reject);
    createReadStream(file, { highWaterMark: 1 << 20 }).on('error', reject).pipe(z);
  });
}

let next = 0;
let total = 0;
await Promise.all(
  Array.from({ length: Math.min(concurrency, args.length) }, async () => {
    while (next < args.length) {
      const n = await inflate(args[next++]);
      total += n;
    }
  }),
);
console.log(total);
