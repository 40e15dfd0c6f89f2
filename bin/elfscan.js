#!/usr/bin/env node
// The only file that touches the process's exit status (style convention 7).

// Checked before anything else is imported: the addon links Node's own zstd (Node ≥ 22.15), so
// an older Node would fail to load it with a linker message instead of saying what to upgrade.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(`elfscan: needs Node.js 22.15 or newer (this is ${process.version})\n`);
  process.exit(2);
}

// The young generation stays at its starting size (1 MB semi-spaces). Almost every object a scan
// makes — a path's node and file in the final filesystem — lives to the end of the scan; V8 reads
// that survival rate as a reason to double the young space up to 16 MB semi-spaces, which only
// copies the same objects between larger spaces: 30–58 MB of peak RSS and 8–20 % of the time on
// the bench corpus (docs/performance.md). The flag is read each time V8 would grow the space, so
// setting it here takes effect; the library leaves its host's settings alone. A user who tunes
// the young generation (NODE_OPTIONS, node's flags) is left to it.
if (!/semi-space/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`)) {
  (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
}

// A reader that stops early (`elfscan … | head -1`) closes the pipe: the rest of the report has
// nowhere to go, which is no error of the scan. Stop writing and keep the exit status the scan
// decided, so a pipeline under `set -o pipefail` still fails on findings.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') return;
    throw e;
  });
}

import('../dist/cli.js').then(
  async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  },
  (e) => {
    // dist/ is missing or broken: one sentence, exit 2 (an addon that fails to load is main()'s to report).
    process.stderr.write(`elfscan: cannot start (${e && e.message}); run npm run build\n`);
    process.exitCode = 2;
  },
);
