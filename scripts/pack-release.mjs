#!/usr/bin/env node
// Packs what a release publishes, without publishing: the main package with the optionalDependencies
// `napi prepublish` writes (every napi target, pinned to the version) and one platform package per
// built addon, laid out by `napi artifacts` — the steps of .github/workflows/release.yml, in a copy
// of the package so the checkout is left as it is. Then, as a user gets them: the tarballs
// installed into an empty prefix and the installed bin scanning the example image.
// test/packaging/npm-pack.test.ts uses both halves; the release workflow's test jobs run them on
// every platform.
//
//   node scripts/pack-release.mjs pack OUTDIR [ADDONS]   ADDONS: a folder of elfscan.<triple>.node (default native/)
//   node scripts/pack-release.mjs check OUTDIR           install OUTDIR/*.tgz (deps from the registry) and scan
//
// pack needs dist/ built (npm run build:ts) and prints the tarballs as JSON: { main, addons: { triple: path } }.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const win = process.platform === 'win32';
const NAPI = join(ROOT, 'node_modules', '.bin', win ? 'napi.cmd' : 'napi');
const NPM = win ? 'npm.cmd' : 'npm';

export function packRelease(outDir, addonDir = join(ROOT, 'native')) {
  const stage = mkdtempSync(join(tmpdir(), 'elfscan-release-'));
  try {
    for (const f of ['package.json', 'README.md', 'bin', 'dist', 'npm']) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
    const artifacts = join(stage, 'artifacts');
    mkdirSync(artifacts);
    const addons = readdirSync(addonDir).filter((f) => /^elfscan\..+\.node$/.test(f));
    if (addons.length === 0) throw new Error(`no elfscan.<triple>.node in ${addonDir} (npm run build:native)`);
    for (const f of addons) cpSync(join(addonDir, f), join(artifacts, f));
    // prepublish writes optionalDependencies, then runs npm publish in each npm/<triple> that holds
    // an addon; none does yet (artifacts come next), and any publish would be a dry run to an
    // unreachable registry besides, so nothing leaves the machine.
    const noPublish = { ...process.env, npm_config_dry_run: 'true', npm_config_registry: 'http://127.0.0.1:9/' };
    // Quiet unless it fails: prepublish warns about every npm/<triple> without an addon, as expected here.
    const run = (cmd, args, env = process.env) => {
      const r = spawnSync(cmd, args, { cwd: stage, env, encoding: 'utf8', shell: win });
      if (r.status !== 0) throw new Error(`napi ${args[0]} failed (exit ${r.status ?? r.signal}): ${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-5).join(' ')}`);
    };
    run(NAPI, ['prepublish', '-t', 'npm', '--skip-gh-release'], noPublish);
    run(NAPI, ['artifacts', '-d', 'artifacts', '--dist', 'npm']);
    mkdirSync(outDir, { recursive: true });
    const pack = (dir, ...flags) => join(outDir, execFileSync(NPM, ['pack', '--silent', ...flags, '--pack-destination', outDir, dir], { encoding: 'utf8', shell: win }).trim().split('\n').pop());
    // dist/ is built already; prepack would rebuild it from sources the copy does not have.
    const main = pack(stage, '--ignore-scripts');
    const packed = Object.fromEntries(addons.map((f) => f.slice('elfscan.'.length, -'.node'.length)).map((triple) => [triple, pack(join(stage, 'npm', triple))]));
    return { main, addons: packed };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** `npm install --prefix <new empty folder>` of the tarballs (`offline`: from them and the npm cache only); the installed bin. */
export function installTarballs(tgzs, { offline = false, prefix = mkdtempSync(join(tmpdir(), 'elfscan-prefix-')) } = {}) {
  const r = spawnSync(NPM, ['install', '--prefix', prefix, ...(offline ? ['--offline'] : []), '--no-audit', '--no-fund', '--loglevel=error', ...tgzs], { encoding: 'utf8', shell: win });
  if (r.status !== 0) throw new Error(`npm install of ${tgzs.length} tarballs failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-5).join(' ')}`);
  const bin = join(prefix, 'node_modules', 'elfscan', 'bin', 'elfscan.js');
  if (!existsSync(bin)) throw new Error(`npm install left no ${bin}`);
  return { prefix, bin };
}

/** The installed bin scans the example image: exit 1, the one arch-mismatch error of the README. */
export function checkInstalled(bin, node = process.execPath) {
  const r = spawnSync(node, [bin, '-f', 'json', join(ROOT, 'fixtures', 'images', 'example-arm64.tar')], { encoding: 'utf8' });
  const summary = r.status === 1 ? JSON.parse(r.stdout).summary : null;
  if (r.stderr !== '' || summary?.errors !== 1 || summary.warnings !== 0) {
    throw new Error(`the installed elfscan did not report the example's one error (exit ${r.status}): ${r.stderr.trim() || JSON.stringify(summary)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [command, out, addons] = process.argv.slice(2);
  if (command === 'pack' && out) {
    process.stdout.write(`${JSON.stringify(packRelease(resolve(out), addons ? resolve(addons) : undefined), null, 2)}\n`);
  } else if (command === 'check' && out) {
    const tgzs = readdirSync(out).filter((f) => f.endsWith('.tgz')).map((f) => join(resolve(out), f));
    const { bin } = installTarballs(tgzs);
    checkInstalled(bin);
    process.stdout.write(`pack-release.mjs: ${tgzs.length} tarballs installed; the installed elfscan scanned the example image on Node ${process.version} (${process.platform}-${process.arch})\n`);
  } else {
    process.stderr.write('usage: node scripts/pack-release.mjs pack OUTDIR [ADDONS] | check OUTDIR\n');
    process.exit(2);
  }
}
