// An exit-2 sentence as a person reads it: one line, escaped for the terminal (src/escape.ts),
// and short. A 5,000-deep path or a registry's whole error page quoted into a sentence buries its
// cause; cutting the long words in their middle keeps where the source starts and ends, and the
// words around them that say what went wrong.

import { escapeChar } from './escape.js';

/** The longest line `elfscan: ` + a sentence may make, in characters (code points). */
export const MAX_SENTENCE = 200;
/** Words are shortened no further than this: "sha256:1234567…89abcdef" still tells layers apart. */
const WORD_MIN = 24;
const ELLIPSIS = '…';

/** `text` escaped and fitted into `max` characters: longest words cut in the middle first, then the end. */
export function fitSentence(text: string, max: number): string {
  // Each word as its escaped characters; a word far longer than the line is cut before it is
  // escaped, so that a megabyte-long name costs no more than a short one.
  const words = text.split(' ').map((w) => escaped(w.length > 2 * max ? preCut(w, max) : w));
  const spaces = words.length - 1;
  const total = (cap: number) => words.reduce((n, w) => n + Math.min(w.length, cap), spaces);
  const longest = words.reduce((n, w) => Math.max(n, w.length), 0);
  if (total(longest) <= max) return words.map((w) => w.join('')).join(' ');
  // The largest per-word length that fits (words at or under it are kept whole).
  let lo = WORD_MIN;
  let hi = longest;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= max) lo = mid;
    else hi = mid - 1;
  }
  const cut = words.map((w) => (w.length > lo ? cutMiddle(w, lo) : w));
  if (total(lo) <= max) return cut.map((w) => w.join('')).join(' ');
  // Too many words even when each is short: keep the start of the sentence.
  const chars = cut.flatMap((w, i) => (i === 0 ? w : [' ', ...w]));
  return `${chars.slice(0, max - 1).join('')}${ELLIPSIS}`;
}

/** The escaped form of each code point: an escape is never split by a cut. */
function escaped(s: string): string[] {
  return Array.from(s, escapeChar);
}

/** The first and last `n` UTF-16 units of `w`, never half a surrogate pair. */
function preCut(w: string, n: number): string {
  const high = (c: number) => c >= 0xd800 && c <= 0xdbff;
  const low = (c: number) => c >= 0xdc00 && c <= 0xdfff;
  const head = high(w.charCodeAt(n - 1)) ? n - 1 : n;
  const tail = low(w.charCodeAt(w.length - n)) ? n - 1 : n;
  return `${w.slice(0, head)}${ELLIPSIS}${w.slice(w.length - tail)}`;
}

function cutMiddle(w: string[], n: number): string[] {
  const head = Math.floor((n - 1) / 2);
  return [...w.slice(0, head), ELLIPSIS, ...w.slice(w.length - (n - 1 - head))];
}
