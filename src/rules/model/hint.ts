// The fix a loader rule's message ends with when the loader model knows better than "rebuild
// it": the per-platform package the target needs, the npm command that installs it.

import type { FinalFile } from '../../model.js';
import type { RuleContext } from '../context.js';
import { loaderModel } from './loader-model.js';

/** The model's "; …" fix for a file of another platform's npm package, or null. */
export function hintOf(ctx: RuleContext, file: FinalFile): string | null {
  if (!ctx.expected) return null;
  const role = loaderModel(ctx, ctx.expected).role(file);
  return role.loaded && role.wrongPackage ? role.hint : null;
}
