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
