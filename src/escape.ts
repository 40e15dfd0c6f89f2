// Text from an image (file names, link targets, refs, registry messages) on its way to a terminal:
// a hostile name must not be able to retitle, clear or rewrite the user's screen, nor forge a
// line of the report. Every place where text meets a person goes through here; JSON and SARIF
// keep the exact strings. The scheme is docs/hostile-input.md's.

/**
 * Code points shown as \uXXXX: C1 controls, those that reorder or break what a line shows, and
 * U+FFFD — what the walker decodes a byte that is not UTF-8 to (JSON keeps valid strings), so a
 * name that held invalid bytes is visibly marked instead of passing for one that did not.
 */
const UNICODE_ESCAPED = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffd]/;
/** Everything that is escaped; the fast test for the common case of a clean name. */
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffd]/;

/**
 * `s` with nothing a terminal would act on: C0 controls and DEL as `\xHH` (`\x1b`, `\x00`); C1
 * controls, bidirectional overrides, line separators, U+FFFD and lone surrogates (a registry's
 * JSON may hold one) as `\uXXXX`. Everything else (printable text) is unchanged.
 */
export function forTerminal(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  for (const ch of s) out += escapeChar(ch);
  return out;
}

/** The escaped form of one code point (a string of one or two UTF-16 units). */
export function escapeChar(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || c === 0x7f) return `\\x${hex(c, 2)}`;
  if ((c >= 0xd800 && c <= 0xdfff) || UNICODE_ESCAPED.test(ch)) return `\\u${hex(c, 4)}`;
  return ch;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
