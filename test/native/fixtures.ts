// The binary fixtures and their expected.json (fixtures/binaries/README.md), and the read loop
// the pipeline runs: a 4 KiB head, then exactly the bytes classify() asks for.

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { classify } from '../../src/native.js';
import type { Classification } from '../../src/model.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/binaries/', import.meta.url));

export interface Expected {
  file: string;
  format: 'elf' | 'macho' | 'pe' | null;
  platform: string | null;
  machine: number | null;
  bits: 32 | 64 | null;
  endian: 'little' | 'big' | null;
  kind: string | null;
  interpreter: string | null;
  floatAbi: 'hard' | 'soft' | 'unknown' | null;
  armArch?: number | null;
  slices?: string[];
}

export function expectedFixtures(): Expected[] {
  return JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8')) as Expected[];
}

export const HEAD = 4096;

/** Classifies a file the way the pipeline does; `asked` lists every need-more request. */
export function classifyFile(path: string, first = HEAD): { result: Classification; asked: number[] } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    let want = Math.min(first, size);
    const asked: number[] = [];
    for (;;) {
      const head = Buffer.alloc(want);
      const got = readSync(fd, head, 0, want, 0);
      const result = classify(head.subarray(0, got), size);
      if (result.status !== 'need-more') return { result, asked };
      if (result.bytes <= want || result.bytes > size || asked.length > 8) {
        throw new Error(`${path}: bad need-more ${result.bytes} after ${want} of ${size} bytes`);
      }
      asked.push(result.bytes);
      want = result.bytes;
    }
  } finally {
    closeSync(fd);
  }
}
