// missing-native-build (spec §5): a package that ships prebuilds/ for other platforms, none of
// which node-gyp-build would load on the target, and no build/Release: `require()` throws "No
// native build was found" there (some packages catch it and fall back to JavaScript). A warning
// on the package folder; its prebuilds are by-design (the loader model).

import type { Finding } from '../model.js';
import { formatPlatform } from '../platform.js';
import type { RuleContext } from './context.js';
import { loaderModel } from './model/loader-model.js';
import { npmLabel, npmRef } from './model/npm-packages.js';

export function missingNativeBuild(ctx: RuleContext): Finding[] {
  const expected = ctx.expected;
  if (!expected || expected.os !== 'linux') return [];
  const model = loaderModel(ctx, expected);
  const findings: Finding[] = [];
  for (const dir of model.prebuilds.packagesWithPrebuilds()) {
    if (model.ngbChoice(dir).length > 0) continue;
    const pkg = model.npm.packageOf(`${dir}/package.json`);
    const t = model.runtime.ngb;
    const shipped = model.prebuilds.list(`${dir}/prebuilds`).join(', ');
    const name = pkg ? npmLabel(pkg) : dir.slice(dir.lastIndexOf('/') + 1);
    const wants = `platform=${t.platform} arch=${t.arch} libc=${t.libc}${t.armv ? ` armv=${t.armv}` : ''}${t.abi ? ` abi=${t.abi}` : ''}`;
    findings.push({
      severity: 'warning',
      rule: 'missing-native-build',
      path: dir,
      layer: null,
      found: null,
      expected: formatPlatform(expected),
      message: `${name} ships prebuilds for ${shipped} but none that ${model.loaderOf(dir)} loads on ${formatPlatform(expected)} (${wants}), and no build/Release: loading it throws ("No native build was found", "Cannot find addon") unless the package falls back to JavaScript; build it from source in the ${formatPlatform(expected)} build stage (npm rebuild${pkg?.manifest ? ` ${pkg.manifest.name}` : ''}, with a compiler) or use a version that ships prebuilds/${t.platform}-${t.arch}/`,
      ...(pkg ? { package: npmRef(pkg) } : {}),
    });
  }
  return findings;
}
