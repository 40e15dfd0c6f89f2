// What `elfscan --help` prints after the options: the kinds of source, examples, the platforms,
// exit codes and the environment variables elfscan reads — the parts of spec §6 a user looks up
// without opening the README.

import { knownPlatformList, PLATFORM_ALIASES } from './platform.js';

/** Every environment variable the code reads, and what it does (test/cli/help.test.ts checks the list against src/). */
export const ENVIRONMENT: readonly (readonly [name: string, meaning: string])[] = [
  ['NO_COLOR', 'set: no colour (as --no-color)'],
  ['CI', 'set: no progress bar (as --no-progress)'],
  ['DOCKER_CONFIG', 'the folder of the Docker config.json with registry credentials (default ~/.docker)'],
  ['HOME', 'where ~/.docker/config.json is looked for'],
  ['PATH', 'where docker (for docker-daemon:), and docker-credential-* helpers are found'],
  ['ELFSCAN_DEBUG', 'set: an internal error prints its stack trace'],
];

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

const WIDTH = 80;

/** Two columns, the second wrapped to WIDTH and indented under itself. */
function table(rows: readonly (readonly [string, string])[]): string {
  const first = Math.max(...rows.map(([a]) => a.length));
  const indent = ' '.repeat(2 + first + 2);
  return rows
    .map(([a, b]) =>
      wrap(b, WIDTH - indent.length)
        .map((l, i) => (i === 0 ? `  ${a.padEnd(first)}  ${l}` : `${indent}${l}`))
        .join('\n'),
    )
    .join('\n');
}

const paragraph = (text: string) => wrap(text, WIDTH - 2).join('\n  ');

export function helpAfterOptions(): string {
  return `
Sources:
${table([
  ['image.tar', 'a docker save tarball (Docker >= 25 or legacy) or an oci-archive; plain, gzip or zstd'],
  ['DIR', 'an OCI image layout (a folder with an oci-layout file), or an unpacked docker save (a folder with manifest.json)'],
  ['-', 'one of those tarballs on stdin (docker save my-api | elfscan -); a pipe or device named as a path, <(docker save my-api), streams the same way'],
  ['REGISTRY/REPO:TAG', 'an image in a registry: ghcr.io/acme/api:1.4, node:22 (Docker Hub), repo@sha256:…; docker://… always means a registry, and a local path that exists always wins'],
  ['docker-daemon:IMAGE', 'an image of the local Docker daemon (runs docker save IMAGE)'],
  ['rootfs/, rootfs.tar', 'a root filesystem: a folder, or a tar without image metadata (needs --platform)'],
])}

Examples:
  elfscan --platform linux/arm64 image.tar
  docker save my-api:1.4.0 | elfscan -
  elfscan ghcr.io/acme/api:1.4.0 --require-platforms linux/amd64,linux/arm64
  elfscan -f sarif -o elfscan.sarif image.tar     # for code scanning
  elfscan --all -f json oci-dir/ > inventory.json # every binary found

Platforms:
  ${paragraph(`${knownPlatformList()}; the aliases ${PLATFORM_ALIASES.map(([alias, means]) => `${alias} (${means})`).join(', ')}.`)}

Exit status:
${table([
  ['0', 'nothing at or above --fail-on (default error)'],
  ['1', 'a finding at or above --fail-on'],
  ['2', 'a usage or input error: one sentence on stderr says what and where'],
])}

Environment:
${table(ENVIRONMENT)}
`;
}
