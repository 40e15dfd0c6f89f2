// platform-mismatch: the image says it is for one platform, the user expects another (spec §5).

import { formatPlatform } from '../platform.js';
import type { Finding } from '../model.js';
import type { RuleContext } from './context.js';

export function platformMismatch(ctx: RuleContext): Finding[] {
  const { declared, expected } = ctx;
  if (!declared || !expected) return [];
  const d = formatPlatform(declared);
  const e = formatPlatform(expected);
  if (d === e) return [];
  return [
    {
      severity: 'error',
      rule: 'platform-mismatch',
      path: null,
      layer: null,
      found: d,
      expected: e,
      message: `the image is declared ${d}, but ${e} was expected; build it with --platform ${e}`,
    },
  ];
}
