#!/usr/bin/env node
// The only file that touches the process's exit status (style convention 7).

// Checked before anything else is imported: the addon links Node's own zstd (Node ≥ 22.15), so
// an older Node would fail to load it with a linker message instead of saying what to upgrade.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(`elfscan: needs Node.js 22.15 or newer (this is ${process.version})\n`);
  process.exit(2);
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
