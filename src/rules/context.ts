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
  /** Every text the layers kept (native/src/layer/kept_text.rs), as the final filesystem shows them. */
  texts?: KeptTexts;
}

/** The whole texts the layer scan kept — package databases, package.json files, loader configuration. */
export interface KeptTexts {
  /** The text at `path` (through symlinks) if the final filesystem still has the file a layer kept it from. */
  text(path: string): string | undefined;
  /** Real paths of the kept texts still in the final filesystem (not decoded). */
  paths(): Iterable<string>;
  /** Whether the kept bytes at a real path contain `needle` — a cheap test before decoding and parsing. */
  contains(path: string, needle: string): boolean;
  /** The index of the layer the kept text at a real path came from. */
  layer(path: string): number | undefined;
}

export type Rule = (ctx: RuleContext) => Finding[];
