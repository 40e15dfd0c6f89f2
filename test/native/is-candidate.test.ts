// isCandidate(): the magic check that decides whether a file's head crosses into native — by the
// addon's own table (native/src/formats/sniff.rs MAGICS), read once.

import { describe, expect, it } from 'vitest';

import { classify, isCandidate } from '../../src/native.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('isCandidate', () => {
  it.each([
    ['ELF', bytes(0x7f, 0x45, 0x4c, 0x46, 2)],
    ['Mach-O 64 little-endian', bytes(0xcf, 0xfa, 0xed, 0xfe)],
    ['Mach-O 64 big-endian', bytes(0xfe, 0xed, 0xfa, 0xcf)],
    ['Mach-O 32 little-endian', bytes(0xce, 0xfa, 0xed, 0xfe)],
    ['Mach-O 32 big-endian', bytes(0xfe, 0xed, 0xfa, 0xce)],
    ['fat Mach-O (or Java class)', bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2)],
    ['fat Mach-O, 64-bit offsets', bytes(0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 2)],
    ['MZ', bytes(0x4d, 0x5a)],
  ])('accepts %s', (_name, head) => {
    expect(isCandidate(head)).toBe(true);
  });

  it.each([
    ['empty', bytes()],
    ['one byte', bytes(0x7f)],
    ['three bytes of ELF magic', bytes(0x7f, 0x45, 0x4c)],
    ['a script', new TextEncoder().encode('#!/bin/sh\n')],
    ['gzip', bytes(0x1f, 0x8b, 8, 0)],
    ['ELF magic one byte off', bytes(0x7f, 0x45, 0x4c, 0x47)],
  ])('rejects %s', (_name, head) => {
    expect(isCandidate(head)).toBe(false);
  });

  it('lets Java class files through, and native says they are not binaries', () => {
    const klass = bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 10);
    expect(isCandidate(klass)).toBe(true);
    expect(classify(klass, klass.length)).toEqual({ status: 'not-binary' });
  });
});
