// The rule table: every rule that runs on an image, in report order.

import type { Finding } from '../model.js';
import { binaryPlatform } from './binary-platform.js';
import type { Rule, RuleContext } from './context.js';
import { applyIgnores } from './ignore.js';
import { platformMismatch } from './platform-mismatch.js';

export const RULES: Rule[] = [platformMismatch, binaryPlatform];

export function runRules(ctx: RuleContext, ignore: string[]): Finding[] {
  return applyIgnores(RULES.flatMap((rule) => rule(ctx)), ignore);
}

export type { RuleContext } from './context.js';
