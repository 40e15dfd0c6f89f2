// The one error type for what a user can cause (bad input, bad options, unreachable sources).
// main() turns it into exit 2 and prints its message as is; anything else is an internal error.

export class ElfscanError extends Error {
  override readonly name = 'ElfscanError';
  /** `where` names the source ("image.tar", "image.tar: layer sha256:…"); `what` is the sentence. */
  constructor(readonly where: string, readonly what: string) {
    super(`${where}: ${what}`);
  }
}

export function isElfscanError(e: unknown): e is ElfscanError {
  return e instanceof ElfscanError;
}

/** A failed read (EIO, a dropped connection) as one sentence naming the source. */
export function asReadError(e: unknown, where: string): ElfscanError {
  if (e instanceof ElfscanError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return new ElfscanError(where, `read failed${code ? ` (${code})` : ''}: ${(e as Error)?.message ?? String(e)}`);
}
