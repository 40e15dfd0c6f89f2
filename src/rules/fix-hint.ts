// The "what to do about it" tail of a finding's message (style convention 8): a wrong-arch
// Node addon means node_modules was installed on another machine; anything else was built or
// downloaded for the wrong CPU.

import type { BinaryFacts, FinalFile } from '../model.js';
import { formatPlatform, type Platform } from '../platform.js';

export function fixHint(file: FinalFile, facts: BinaryFacts, expected: Platform): string {
  const target = formatPlatform(expected);
  if (file.path.endsWith('.node') || file.path.includes('/node_modules/')) {
    return `; node_modules was installed for ${facts.platform}: run npm ci inside the ${target} build stage instead of copying node_modules in`;
  }
  if (/\.(cpython|abi3|pypy)[^/]*\.so$/.test(file.path) || file.path.includes('/site-packages/')) {
    return `; install the ${target} wheel inside the image build instead of copying site-packages in`;
  }
  return `; build or download it for ${target}`;
}
