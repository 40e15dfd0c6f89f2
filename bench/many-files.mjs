// Peak RSS against the number of paths (issue 14: memory must grow with paths, not bytes): writes
// a root filesystem tar of N small files (1,000 directories, 64-byte bodies; nothing committed,
// written under bench/out/), scans it with `--platform linux/amd64` and prints wall time and peak
// RSS (GNU time) for each N.
// Usage: node bench/many-files.mjs [--against DIR] [N…]   (default 10000 100000 1000000)

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const against = args.includes('--against') ? args.splice(args.indexOf('--against'), 2)[1] : null;
const counts = (args.length ? args : ['10000', '100000', '1000000']).map(Number);
const out = join(root, 'bench', 'out', 'many-files');
mkdirSync(out, { recursive: true });

/** A ustar header block for a regular file (type '0') or a directory ('5'). */
function header(name, size, type) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('14712345670\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function writeTar(n, path) {
  const fd = openSync(path, 'w');
  const parts = [];
  const flush = () => {
    writeSync(fd, Buffer.concat(parts));
    parts.length = 0;
  };
  const dirs = 1000;
  for (let d = 0; d < dirs; d++) parts.push(header(`srv/d${d}/`, 0, '5'));
  const body = Buffer.alloc(512);
  body.write('some text that is not a binary, of a file among many\n');
  for (let i = 0; i < n; i++) {
    parts.push(header(`srv/d${i % dirs}/file-${i}.txt`, 64, '0'), body);
    if (parts.length > 4096) flush();
  }
  parts.push(Buffer.alloc(1024));
  flush();
  closeSync(fd);
}

const builds = [['this build', root], ...(against ? [[against, against]] : [])];
console.log(`${availableParallelism()} cores, Node ${process.version}`);
console.log('| files | tar MB | build | wall s | peak RSS MB |');
console.log('|---|---|---|---|---|');
for (const n of counts) {
  const tar = join(out, `files-${n}.tar`);
  if (!existsSync(tar)) writeTar(n, tar);
  for (const [name, dir] of builds) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(dir, 'bin', 'elfscan.js'), '--platform', 'linux/amd64', '--fail-on', 'none', '-f', 'json', '-o', '/dev/null', tar], { encoding: 'utf8' });
    const [secs, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    if (r.status !== 0) throw new Error(`elfscan failed on ${tar}: ${r.stderr}`);
    console.log(`| ${n.toLocaleString('en')} | ${((n * 1024) / 1e6).toFixed(0)} | ${name} | ${secs.toFixed(2)} | ${(kb / 1024).toFixed(0)} |`);
  }
}
