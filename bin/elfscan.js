#!/usr/bin/env node
// The only file that touches the process's exit status (style convention 7).
import('../dist/cli.js').then(
  async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  },
  (e) => {
    // The addon failed to load, or dist/ is missing: one sentence, exit 2.
    const msg = e && e.name === 'ElfscanError' ? e.message : `cannot start (${e && e.message}); run npm run build`;
    process.stderr.write(`elfscan: ${msg}\n`);
    process.exitCode = 2;
  },
);
