#!/usr/bin/env node
// `npm test`: everything a change must pass, in one command that works on a fresh machine whose
// own Node is too old (scripts/node.mjs fetches the supported ones):
//   1. the build (addon and TypeScript) and `cargo test`, once;
//   2. the test set-up (scripts/test-setup.mjs: Debian tools and the test images);
//   3. the whole vitest suite on Node 22, then again on Node 24 (both run even when one fails).
//
//   npm test [-- [--node 22|24]… [vitest arguments…]]    e.g. npm test -- --node 24 test/cli
//
// Plain JavaScript with no dependencies, so that it runs under the machine's Node whatever it is.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_MAJORS, envFor, nodeFor } from './node.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

let majors = [];
const vitestArgs = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--node') majors.push(Number(argv[++i]));
  else vitestArgs.push(argv[i]);
}
if (majors.some((m) => !SUPPORTED_MAJORS.includes(m))) {
  process.stderr.write(`test: --node takes ${SUPPORTED_MAJORS.join(' or ')}\n`);
  process.exit(2);
}
if (majors.length === 0) majors = SUPPORTED_MAJORS;

const log = (line) => process.stderr.write(`test: ${line}\n`);
const timings = [];

/** Runs a command in the checkout with the terminal; returns whether it succeeded. */
function run(title, cmd, args, env = process.env) {
  log(`${title}: ${[cmd, ...args].join(' ')}`);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env });
  const ok = r.status === 0;
  timings.push(`${title} ${ok ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return ok;
}

function finish(code) {
  log(`summary:\n${timings.map((t) => `  ${t}`).join('\n')}`);
  process.exit(code);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!run('build', npm, ['run', '--silent', 'build'])) finish(1);
if (!run('cargo test', 'cargo', ['test', '--release', '--quiet'])) finish(1);

let nodes;
try {
  nodes = majors.map((major) => nodeFor(major, { log }));
} catch (e) {
  log(e.message);
  finish(2);
}
// Type stripping is on by default from Node 22.18 and behind this flag before; the set-up imports
// the suite's TypeScript (scripts/ts-hooks.mjs).
const ts = ['--experimental-strip-types', '--disable-warning=ExperimentalWarning'];
if (!run('test set-up', nodes[0], [...ts, 'scripts/test-setup.mjs'], envFor(nodes[0]))) finish(1);

let failed = false;
for (const node of nodes) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!run(`vitest on Node ${version}`, node, [VITEST, 'run', ...vitestArgs], envFor(node))) failed = true;
}
finish(failed ? 1 : 0);
