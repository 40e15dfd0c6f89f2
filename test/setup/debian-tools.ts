// Every outside tool the suite uses, from Debian: real registries and pushes (docker-registry,
// skopeo, htpasswd from apache2-utils, openssl), real image builds (umoci), zstd for compressed
// fixtures, GNU tar for interop, readelf for every machine (binutils-multiarch), file(1) for the
// real-image script's own checks. The test set-up (scripts/test-setup.mjs) installs the missing
// ones with apt; the suite's global set-up only checks they are on PATH (milliseconds), so no test
// ever skips for want of a tool. Servers are started and stopped by each test file.

import { spawnSync } from 'node:child_process';

export const TOOLS: [command: string, pkg: string][] = [
  ['docker-registry', 'docker-registry'],
  ['skopeo', 'skopeo'],
  ['umoci', 'umoci'],
  ['htpasswd', 'apache2-utils'],
  ['openssl', 'openssl'],
  ['zstd', 'zstd'],
  ['tar', 'tar'],
  ['readelf', 'binutils-multiarch'],
  ['file', 'file'],
  ['/usr/bin/time', 'time'],
];

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** The Debian packages of the tools not on PATH. */
export function missingPackages(): string[] {
  return [...new Set(TOOLS.filter(([command]) => !onPath(command)).map(([, pkg]) => pkg))];
}

/** Installs the missing tools with apt-get (needs root); throws one sentence when it cannot. */
export function installTools(pkgs: string[]): void {
  if (process.getuid?.() !== 0) throw new Error(`the tests need ${pkgs.join(', ')}: run 'apt-get install ${pkgs.join(' ')}' as root`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const update = run(['update', '-qq']);
  if (update.status !== 0) throw new Error(`apt-get update failed: ${update.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const install = run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
  if (install.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed: ${install.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const still = missingPackages();
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
}

/** A global set-up that checks only the tools (bench/vitest.bench.config.ts uses it). */
export default function setup(): void {
  const pkgs = missingPackages();
  if (pkgs.length > 0) throw new Error(`the Debian packages ${pkgs.join(', ')} are missing: run 'npm run test:setup' (or apt-get install them as root)`);
}
