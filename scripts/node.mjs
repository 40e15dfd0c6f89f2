#!/usr/bin/env node
// Runs a script with a Node.js that elfscan supports (22 and 24, from 22.15.0: package.json
// engines), fetching one from the npm registry when the machine has none: CI machines and fresh
// checkouts often have an older Node on PATH, and the README's commands must work there. Plain
// JavaScript with no dependencies, so that it runs under any Node that can run npm.
//
//   node scripts/node.mjs [--major 22|24] SCRIPT [ARGS…]
//
// The Node comes from the `node` package (`npm install --prefix DIR node@22`) and is kept in
// $ELFSCAN_CACHE/node/<major> (default ~/.cache/elfscan/node/<major>), outside the checkout, so a
// fresh clone on the same machine reuses it. Without --major the running Node is used when it is
// supported, else Node 24. The child gets the chosen Node's folder first on PATH, so that `node`
// and `npm` started by the script run on it too.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUPPORTED_MAJORS = [22, 24];
export const MINIMUM = [22, 15, 0];
const DEFAULT_MAJOR = 24;

export function cacheDir(env = process.env) {
  return env.ELFSCAN_CACHE || join(homedir(), '.cache', 'elfscan');
}

function versionOf(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const m = r.status === 0 ? /^v(\d+)\.(\d+)\.(\d+)/.exec(r.stdout.trim()) : null;
  return m ? m.slice(1).map(Number) : null;
}

export function isSupported([major, minor, patch]) {
  const [a, b, c] = MINIMUM;
  return major > a || (major === a && (minor > b || (minor === b && patch >= c)));
}

const current = process.versions.node.split('.').map(Number);

/**
 * The path of a Node of `major` (the running one when it fits, else the cached one, fetched first
 * when missing); for a supported major, one at or above MINIMUM. Other majors are for tests that
 * need an unsupported Node. `log` hears one line before a download.
 */
export function nodeFor(major, { env = process.env, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const fits = (v) => v !== null && v[0] === major && (!SUPPORTED_MAJORS.includes(major) || isSupported(v));
  if (fits(current)) return process.execPath;
  const dir = join(cacheDir(env), 'node', String(major));
  const bin = join(dir, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(bin) && fits(versionOf(bin))) return bin;

  log(`node.mjs: fetching Node.js ${major} from the npm registry into ${dir} (once per machine; ~50 MB)`);
  mkdirSync(dirname(dir), { recursive: true });
  // Installed beside its final place and renamed into it: an interrupted download or a second
  // checkout fetching at the same time never leaves a half-installed Node where this looks.
  const staging = mkdtempSync(`${dir}.partial-`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefix', staging, '--no-audit', '--no-fund', '--ignore-scripts=false', '--loglevel=error', `node@${major}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install node@${major} failed (exit ${r.status ?? r.signal}); is the npm registry reachable?`);
  }
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch (e) {
    // Another checkout finished first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(bin)) throw e;
  }
  const got = versionOf(bin);
  if (!fits(got)) throw new Error(`${bin} is not a usable Node.js ${major} (${got ? got.join('.') : 'it does not run'})`);
  return bin;
}

/** The environment a child on `bin` should get: its folder first on PATH. */
export function envFor(bin, env = process.env) {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  return { ...env, [key]: `${dirname(bin)}${delimiter}${env[key] ?? ''}` };
}

function main(argv) {
  let major = null;
  if (argv[0] === '--major') {
    major = Number(argv[1]);
    argv = argv.slice(2);
    if (!SUPPORTED_MAJORS.includes(major)) {
      process.stderr.write(`node.mjs: --major must be one of ${SUPPORTED_MAJORS.join(', ')}\n`);
      return 2;
    }
  }
  if (argv.length === 0) {
    process.stderr.write('usage: node scripts/node.mjs [--major 22|24] SCRIPT [ARGS…]\n');
    return 2;
  }
  let bin;
  try {
    bin = major === null && isSupported(current) ? process.execPath : nodeFor(major ?? DEFAULT_MAJOR);
  } catch (e) {
    process.stderr.write(`node.mjs: ${e.message}\n`);
    return 2;
  }
  const r = spawnSync(bin, argv, { stdio: 'inherit', env: envFor(bin) });
  if (r.signal) process.kill(process.pid, r.signal);
  return r.status ?? 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
