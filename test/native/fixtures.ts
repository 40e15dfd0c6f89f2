// The binary fixtures and their expected.json (fixtures/binaries/README.md), and the read loop
// the pipeline runs: a 4 KiB head, then exactly the bytes classify() asks for.

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { classify, inspect, type Piece } from '../../src/native.js';
import type { Classification, WantedRange } from '../../src/model.js';

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

/**
 * Classifies a file the way a root filesystem scan does: a head, exactly the bytes need-more asks
 * for, then the wanted ranges read at their offsets until nothing new is wanted. `asked` lists
 * every need-more request, `served` every wanted range read.
 */
export function classifyFile(path: string, first = HEAD): { result: Classification; asked: number[]; served: WantedRange[] } {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  const readAt = (offset: number, length: number) => {
    const b = Buffer.alloc(length);
    return b.subarray(0, readSync(fd, b, 0, length, offset));
  };
  try {
    let want = Math.min(first, size);
    const asked: number[] = [];
    for (;;) {
      const head = readAt(0, want);
      let result = classify(head, size);
      if (result.status === 'binary') {
        const served: WantedRange[] = [];
        const pieces: Piece[] = [];
        for (let round = 0; result.status === 'binary'; round++) {
          const fresh = (result.wants ?? []).filter((w) => !served.some((s) => s.offset === w.offset && s.length === w.length));
          if (fresh.length === 0) break;
          if (round > 8) throw new Error(`${path}: wants loop does not end`);
          for (const w of fresh) {
            if (w.length <= 0 || w.offset + w.length > size) throw new Error(`${path}: bad want ${JSON.stringify(w)}`);
            served.push(w);
            pieces.push({ offset: w.offset, bytes: readAt(w.offset, w.length) });
          }
          result = inspect(head, size, pieces);
        }
        return { result, asked, served };
      }
      if (result.status !== 'need-more') return { result, asked, served: [] };
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
