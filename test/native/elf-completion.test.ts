// The streaming side of the wants protocol: an ELF file fed once, forward, in chunks of any size,
// must end with the same facts as reading the wanted ranges at their offsets — or with unknown
// facts where the caps leave a range out, never different ones.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ElfCompletion, PREFIX_MAX } from '../../src/layers/elf-completion.js';
import type { BinaryFacts, Classification } from '../../src/model.js';
import { classify } from '../../src/native.js';
import { FIXTURES, classifyFile, expectedFixtures } from './fixtures.js';

function stream(file: Buffer, chunk: number, headLen = 4096): Classification {
  let len = Math.min(headLen, file.length);
  let c = classify(file.subarray(0, len), file.length);
  while (c.status === 'need-more') c = classify(file.subarray(0, (len = c.bytes)), file.length);
  if (c.status !== 'binary' || !c.wants?.length) return c;
  const done = new ElfCompletion(Buffer.from(file.subarray(0, len)), file.length, c);
  for (let at = len; at < file.length; at += chunk) done.data(file.subarray(at, Math.min(at + chunk, file.length)));
  return done.finish();
}

const facts = (c: Classification): BinaryFacts => {
  if (c.status !== 'binary') throw new Error(JSON.stringify(c));
  return c.facts;
};

const hostLibc = ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/aarch64-linux-gnu/libc.so.6'].find(existsSync);

describe('ElfCompletion', () => {
  it.each([1, 7, 512, 65536])('gives every fixture its full facts in %i-byte chunks', (chunk) => {
    for (const e of expectedFixtures().filter((x) => x.format === 'elf')) {
      const file = readFileSync(`${FIXTURES}${e.file}`);
      expect(facts(stream(file, chunk)), e.file).toEqual(facts(classifyFile(`${FIXTURES}${e.file}`).result));
    }
  });

  it.skipIf(!hostLibc)("reads glibc's libc.so.6 interpreter 1.4–1.7 MB into the file, and its needs", () => {
    const file = readFileSync(hostLibc!);
    const f = facts(stream(file, 64 * 1024));
    expect(f.kind).toBe('executable');
    expect(f.interpreter).toMatch(/^\/lib.*\/ld-linux-.*\.so\.[12]$/);
    expect(f.needed).toEqual([expect.stringMatching(/^ld-linux-/)]);
    expect(f).toEqual(facts(classifyFile(hostLibc!).result));
  });

  it('completes the same when the head is only 64 bytes and every want arrives later', () => {
    // Push the dynamic string table past the kept prefix: a file whose .dynstr lies beyond
    // PREFIX_MAX and before .dynamic cannot be completed in one pass.
    const lib = readFileSync(`${FIXTURES}amd64/libhello.so`);
    const whole = facts(classifyFile(`${FIXTURES}amd64/libhello.so`).result);
    expect(whole.needed).toEqual(['libc.so.6']);
    // The same answer when the stream starts with only 64 bytes of head (wants arrive later).
    expect(facts(stream(lib, 100, 64))).toEqual(whole);
    expect(PREFIX_MAX).toBe(256 * 1024);
  });
});
