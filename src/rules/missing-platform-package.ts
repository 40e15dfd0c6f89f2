// missing-platform-package (spec §5): a package whose loader picks a per-platform package at run
// time (rollup, esbuild, swc, sharp, lightningcss, biome, turbo, @napi-rs/*: its
// optionalDependencies are per-platform packages) with none of them installed — npm's
// optional-dependency lockfile bug (npm/cli#4828) or --omit=optional — so that it throws
// "Cannot find module '@rollup/rollup-linux-arm64-gnu'". When another platform's package is
// installed instead, its files carry the finding (binary-platform.ts); when the family has no
// package for the target at all, an install on the target would fail alike, and nothing is said;
// nor when napi-rs' WebAssembly fallback (`…-wasm32-wasi`) is installed and loads instead.

import type { Finding } from '../model.js';
import { formatPlatform } from '../platform.js';
import type { RuleContext } from './context.js';
import { loaderModel } from './model/loader-model.js';
import { isPlatformPackage, npmLabel, npmRef } from './model/npm-packages.js';

export function missingPlatformPackage(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  if (!expected) return [];
  const model = loaderModel(ctx, expected);
  const findings: Finding[] = [];
  for (const parent of model.npm.withOptionalDependencies()) {
    // A per-platform package's own optional dependencies (sharp's libvips) are its parent's concern.
    const m = parent.manifest;
    if (!m || isPlatformPackage(m)) continue;
    const fam = model.family(parent);
    // With its WebAssembly build installed, the loader falls back to it and works.
    if (!fam || fam.installed.length > 0 || !fam.needed || fam.wasm) continue;
    const spec = m.optionalDependencies[fam.needed];
    const exact = spec && /^[0-9]/.test(spec) ? `${fam.needed}@${spec}` : fam.needed;
    findings.push({
      severity: 'error',
      rule: 'missing-platform-package',
      path: parent.dir,
      layer: null,
      found: null,
      expected: formatPlatform(expected),
      message: `${npmLabel(parent)} loads its native code from a per-platform package, and none is installed: ${model.targetWords()} needs ${exact}, so it throws "Cannot find module '${fam.needed}'" (npm's optional-dependency bug npm/cli#4828, or an install with --omit=optional); run npm ci inside the ${formatPlatform(expected)} build stage without --omit=optional, or ${model.npmInstall()} ${exact}`,
      package: npmRef(parent),
    });
  }
  return findings;
}
