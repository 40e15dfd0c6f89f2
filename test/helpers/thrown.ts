// The message of what `f` throws, after checking it is an instance of `kind`: for tests that
// assert the exact sentence a caller would see.

import { expect } from 'vitest';

export function thrownMessage(f: () => unknown, kind: abstract new (...args: never[]) => Error): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(kind);
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}
