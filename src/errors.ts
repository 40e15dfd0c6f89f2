// The one error type for what a user can cause (bad input, bad options, unreachable sources).
// main() turns it into exit 2 and prints its message as is; anything else is an internal error.

import { fitSentence, MAX_SENTENCE } from './sentence.js';

/** The "elfscan: " the command line puts before a sentence counts against MAX_SENTENCE. */
const MAX_MESSAGE = MAX_SENTENCE - 'elfscan: '.length;

export class ElfscanError extends Error {
  override readonly name = 'ElfscanError';
  /**
   * `where` names the source ("image.tar", "image.tar: layer sha256:…"); `what` is the sentence.
   * Both are kept as given; the message is them as one short line, safe to print (src/sentence.ts).
   */
  /**
   * `choices` is the tool's own list of what would have been accepted (the known platforms): it
   * quotes nothing from the input, so it goes on a second line as it is, however long.
   */
  constructor(readonly where: string, readonly what: string, readonly choices?: string) {
    super(fitSentence(`${where}: ${what}`, MAX_MESSAGE));
  }
}

export function isElfscanError(e: unknown): e is ElfscanError {
  return e instanceof ElfscanError;
}

/**
 * A size limit as every sentence states it: "too large (17.5 MB, limit 16 MB)", in MB of 2^20
 * bytes; `atLeast` when only the part read so far is known.
 */
export function tooLarge(bytes: number, limit: number, atLeast = false): string {
  const mb = (n: number) => {
    const v = n / 2 ** 20;
    return `${v >= 100 || Number.isInteger(v) ? Math.ceil(v) : Math.ceil(v * 10) / 10} MB`;
  };
  return `too large (${atLeast ? 'over ' : ''}${mb(bytes)}, limit ${mb(limit)})`;
}

/** A failed read (EIO, a dropped connection) as one sentence naming the source. */
export function asReadError(e: unknown, where: string): ElfscanError {
  if (e instanceof ElfscanError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return new ElfscanError(where, `read failed${code ? ` (${code})` : ''}: ${(e as Error)?.message ?? String(e)}`);
}
