// Every outside tool the suite uses, from Debian: real registries and pushes (docker-registry,
// skopeo, htpasswd from apache2-utils, openssl), real image builds (umoci), zstd for compressed
// fixtures, GNU tar for interop, readelf for every machine (binutils-multiarch). This global setup
// checks they are on PATH (milliseconds) and installs the missing ones with apt, so no test ever
// skips for want of a tool; servers are started and stopped by each test file.

import { spawnSync } from 'node:child_process';

const TOOLS: [command: string, pkg: string][] = [
  ['docker-registry', 'docker-registry'],
  ['skopeo', 'skopeo'],
  ['umoci', 'umoci'],
  ['htpasswd', 'apache2-utils'],
  ['openssl', 'openssl'],
  ['zstd', 'zstd'],
  ['tar', 'tar'],
  ['readelf', 'binutils-multiarch'],
];

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export default function setup(): void {
  const missing = TOOLS.filter(([command]) => !onPath(command));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
  if (process.getuid?.() !== 0) throw new Error(`the tests need ${pkgs.join(', ')}: run 'apt-get install ${pkgs.join(' ')}' as root`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const update = run(['update', '-qq']);
  if (update.status !== 0) throw new Error(`apt-get update failed: ${update.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const install = run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
  if (install.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed: ${install.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const still = TOOLS.filter(([command]) => !onPath(command)).map(([command]) => command);
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
}
