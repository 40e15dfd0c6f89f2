// What a rule may look at: the final filesystem, the image's platforms and where each layer came
// from. Rules are pure functions of this context; they return findings and change nothing.

import type { FileTree } from '../overlay/file-tree.js';
import type { Finding, ImageConfig } from '../model.js';
import type { Platform } from '../platform.js';

export interface RuleContext {
  tree: FileTree;
  config: ImageConfig;
  declared: Platform | null;
  /** What binaries must be built for; null when neither --platform nor the image says. */
  expected: Platform | null;
  /** Digest of layer number n as the manifest names it, or null. */
  layerDigest(n: number): string | null;
  /** The kept text of a small loader configuration file in the final filesystem (see layer-entries.ts). */
  text?: (path: string) => string | undefined;
}

export type Rule = (ctx: RuleContext) => Finding[];
