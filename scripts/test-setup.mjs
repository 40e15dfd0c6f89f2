// The test set-up, run once before vitest (`npm test` does; alone: `npm run test:setup`): installs
// the Debian tools the suite uses and builds the images it reads, printing a line per step, so
// that vitest's own global set-up (test/setup/prepared.ts) only has to check they are there.
// Each step is a no-op when its output is up to date. What it installs, needs and costs: README.md
// "Run the tests".
//
// Run with Node ≥ 22.15 and type stripping (scripts/test.mjs passes --experimental-strip-types):
// the steps are the suite's own TypeScript in test/setup/, imported through scripts/ts-hooks.mjs.

import './ts-hooks.mjs';

const log = (line) => process.stderr.write(`test-setup: ${line}\n`);
const seconds = (t0) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

async function step(n, title, run) {
  const t0 = performance.now();
  log(`[${n}/5] ${title}`);
  await run();
  log(`[${n}/5] done (${seconds(t0)})`);
}

const started = performance.now();
try {
  await step(1, 'Debian tools (docker-registry, skopeo, umoci, apache2-utils, openssl, zstd, tar, binutils-multiarch, file)', async () => {
    const { installTools, missingPackages } = await import('../test/setup/debian-tools.ts');
    const pkgs = missingPackages();
    if (pkgs.length === 0) return log('      all on PATH');
    log(`      apt-get install ${pkgs.join(' ')}`);
    installTools(pkgs);
  });
  await step(2, 'images made by umoci and skopeo (fixtures/scripts/make-real-images.sh)', async () => {
    const { buildRealImages } = await import('../test/setup/real-images.ts');
    buildRealImages();
  });
  await step(3, 'real-world corpus: Debian and npm packages, written as images (fixtures/corpus/fetch.sh, test/setup/corpus.ts)', async () => {
    const [{ buildCorpus }, { corpusReady, CORPUS_DIR }] = await Promise.all([import('../test/setup/corpus.ts'), import('../test/setup/corpus-cache.ts')]);
    if (corpusReady()) return log(`      ${CORPUS_DIR} is up to date`);
    buildCorpus((line) => log(`      ${line}`));
  });
  await step(4, 'symbol-version files: Debian bullseye/bookworm/trixie runtimes, npm addons, gcc 12 builds (fixtures/symbol-versions/)', async () => {
    const { ensureSymbolVersionImages } = await import('../test/setup/symbol-versions.ts');
    ensureSymbolVersionImages();
  });
  await step(5, 'real trees: npm installs of 42 native packages for 5 targets, dpkg-installed Debian roots, 11 images (fixtures/real-trees/)', async () => {
    const { ensureRealTrees } = await import('../test/setup/real-trees.ts');
    ensureRealTrees();
  });
  log(`ready (${seconds(started)})`);
} catch (e) {
  log(`failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
