// The rule table: every rule that runs on an image, in report order.

import type { Finding } from '../model.js';
import { binaryPlatform } from './binary-platform.js';
import type { Rule, RuleContext } from './context.js';
import { entrypoint } from './entrypoint.js';
import { applyIgnores, applySeverities, type Accept } from './ignore.js';
import { mislabeledImage } from './mislabeled-image.js';
import { missingInterpreter } from './missing-interpreter.js';
import { missingLibrary } from './missing-library.js';
import { missingNativeBuild } from './missing-native-build.js';
import { missingPlatformPackage } from './missing-platform-package.js';
import { missingSymbolVersion } from './missing-symbol-version.js';
import { oneCause } from './one-cause.js';
import { pageSize } from './page-size.js';
import { platformMismatch } from './platform-mismatch.js';

export const RULES: Rule[] = [
  platformMismatch,
  mislabeledImage,
  binaryPlatform,
  missingInterpreter,
  missingLibrary,
  missingSymbolVersion,
  pageSize,
  missingPlatformPackage,
  missingNativeBuild,
  entrypoint,
];

export function runRules(ctx: RuleContext, ignore: (string | Accept)[], severity: Parameters<typeof applySeverities>[1] = {}): Finding[] {
  return applySeverities(applyIgnores(oneCause(ctx, RULES.flatMap((rule) => rule(ctx))), ignore), severity);
}

export type { KeptTexts, RuleContext } from './context.js';
