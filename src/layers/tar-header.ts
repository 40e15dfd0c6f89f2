// Byte-level rules for one 512-byte tar header block: checksum, numeric fields, strings, format.
// Kept apart from the reader's state machine so the rules (where Go's archive/tar and GNU tar
// agree) can be read on their own; every function reads in place from the caller's buffer.

export const BLOCK = 512;

/** What a block is, judged before any field is trusted. */
export const ZERO_BLOCK = 0;
export const GOOD_BLOCK = 1;
export const BAD_BLOCK = 2;

/** Header dialects that change where fields live (Go's getFormat). */
export const V7 = 0;
export const USTAR = 1; // "ustar\0": POSIX ustar and pax; has the 155-byte name prefix
export const STAR = 2; // ustar magic plus "tar\0" at 508: the prefix is only 131 bytes
export const GNU = 3; // "ustar  \0": no prefix; those bytes hold atime/ctime/sparse fields

/**
 * Zero block, or whether the stored checksum matches the unsigned or the signed byte sum with
 * the checksum field counted as eight spaces (old Sun tars summed signed bytes; both occur).
 */
export function blockStatus(b: Uint8Array, o: number): number {
  let u = 0;
  let s = 0;
  for (let i = o, end = o + BLOCK; i < end; i++) {
    const c = b[i]!;
    u += c;
    s += (c << 24) >> 24;
  }
  if (u === 0) return ZERO_BLOCK;
  for (let i = o + 148; i < o + 156; i++) {
    const c = b[i]!;
    u -= c;
    s -= (c << 24) >> 24;
  }
  u += 8 * 0x20;
  s += 8 * 0x20;
  const stored = parseOctal(b, o + 148, 8);
  return stored >= 0 && (stored === u || stored === s) ? GOOD_BLOCK : BAD_BLOCK;
}

/**
 * An octal field: leading spaces/NULs skipped, digits up to a space, a NUL or the field's end.
 * Returns -1 when anything else appears before the terminator.
 */
export function parseOctal(b: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x37) v = v * 8 + (c - 0x30);
    else if (c === 0x20 || c === 0) break;
    else return -1;
  }
  return v;
}

/** Largest value a numeric field may hold here: JS numbers are exact up to 2^53 - 1. */
export const MAX_NUMERIC = Number.MAX_SAFE_INTEGER;

/**
 * A numeric field, octal or GNU base-256 (high bit of the first byte set; the next bit is the
 * sign). Returns -1 for malformed or negative values, Infinity beyond 2^53 - 1.
 */
export function parseNumeric(b: Uint8Array, off: number, len: number): number {
  const first = b[off]!;
  if ((first & 0x80) === 0) return parseOctal(b, off, len);
  if ((first & 0x40) !== 0) return -1;
  let v = first & 0x3f;
  const limit = (MAX_NUMERIC - 255) / 256;
  for (let i = off + 1, end = off + len; i < end; i++) {
    if (v > limit) return Infinity;
    v = v * 256 + b[i]!;
  }
  return v;
}

/** A NUL-terminated (or field-filling) string, decoded as UTF-8. */
export function cString(b: Buffer, off: number, len: number): string {
  const end = off + len;
  let e = off;
  while (e < end && b[e] !== 0) e++;
  return e === off ? '' : b.toString('utf8', off, e);
}

export function headerFormat(b: Uint8Array, o: number): number {
  // "ustar" is common to both magics; byte 262 tells POSIX ("\0") from GNU (" ").
  if (b[o + 257] !== 0x75 || b[o + 258] !== 0x73 || b[o + 259] !== 0x74 || b[o + 260] !== 0x61 || b[o + 261] !== 0x72) {
    return V7;
  }
  if (b[o + 262] === 0x20) return GNU;
  if (b[o + 262] !== 0) return V7;
  if (b[o + 508] === 0x74 && b[o + 509] === 0x61 && b[o + 510] === 0x72 && b[o + 511] === 0) return STAR;
  return USTAR;
}

/** True when the block carries the "ustar" magic: a damaged tar header rather than some other file. */
export function hasUstarMagic(b: Uint8Array, o: number): boolean {
  return headerFormat(b, o) !== V7;
}

/** Name field joined with the ustar prefix where the format has one. */
export function headerName(b: Buffer, o: number, format: number): string {
  const name = cString(b, o, 100);
  if (format !== USTAR && format !== STAR) return name;
  const prefix = cString(b, o + 345, format === STAR ? 131 : 155);
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** The reader's entry type for a typeflag (the flags of PAX/GNU meta entries never get here). */
export function entryType(flag: number, name: string): 'file' | 'hardlink' | 'symlink' | 'directory' | 'other' {
  switch (flag) {
    case 0x30: // '0'
    case 0x37: // '7' contiguous file
    case 0x53: // 'S' old GNU sparse file
      return 'file';
    case 0: // pre-POSIX: directories are marked by a trailing slash
      return name.endsWith('/') ? 'directory' : 'file';
    case 0x31:
      return 'hardlink';
    case 0x32:
      return 'symlink';
    case 0x35:
      return 'directory';
    default:
      return 'other'; // devices, fifos, GNU 'D'/'M'/'N'/'V', vendor types
  }
}

/** Types whose size field never announces a body (Go's isHeaderOnlyType): 1–6. */
export function isHeaderOnly(flag: number): boolean {
  return flag >= 0x31 && flag <= 0x36;
}

/** Old GNU sparse header: realsize field and "more sparse entries follow" flag. */
export const GNU_REALSIZE = 483;
export const GNU_ISEXTENDED = 482;
/** In a sparse extension block, the flag after its 21 (offset, numbytes) pairs. */
export const EXT_ISEXTENDED = 504;
