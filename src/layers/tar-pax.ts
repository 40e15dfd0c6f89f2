// Reads the records of a PAX extended header ("%d %s=%s\n") and keeps only what changes how the
// next entry is read: path, linkpath, size and the GNU.sparse.* keys. Everything else (mtimes,
// xattrs, uid names) is ignored without being decoded.

/** What a PAX 'x' header says about the entry that follows it. Empty values count as absent. */
export interface PaxOverrides {
  path: string | null;
  linkpath: string | null;
  /** Stored body size, or -1 when absent. */
  size: number;
  sparseMajor: string | null;
  sparseMinor: string | null;
  sparseName: string | null;
  /** GNU.sparse.size (0.x) or GNU.sparse.realsize (1.0): the logical size; -1 when absent. */
  sparseRealSize: number;
  /** GNU.sparse.map (0.1) or GNU.sparse.offset/numbytes (0.0) seen. */
  sparseMap: boolean;
}

/** Parse result: the overrides, or a short reason the records are malformed. */
export type PaxResult = PaxOverrides | string;

export function parsePax(b: Buffer, len: number): PaxResult {
  const r: PaxOverrides = {
    path: null,
    linkpath: null,
    size: -1,
    sparseMajor: null,
    sparseMinor: null,
    sparseName: null,
    sparseRealSize: -1,
    sparseMap: false,
  };
  let p = 0;
  while (p < len) {
    // Some writers pad the records with NULs; nothing follows the padding.
    if (b[p] === 0) break;
    let n = 0;
    let q = p;
    while (q < len && b[q]! >= 0x30 && b[q]! <= 0x39) {
      n = n * 10 + (b[q]! - 0x30);
      if (n > len) return 'record length beyond the header';
      q++;
    }
    if (q === p || q >= len || b[q] !== 0x20) return 'record without a length';
    const end = p + n;
    if (end > len || end < q + 4 || b[end - 1] !== 0x0a) return 'record length does not match';
    let eq = q + 1;
    while (eq < end - 1 && b[eq] !== 0x3d) eq++;
    if (eq === q + 1 || b[eq] !== 0x3d) return 'record without a key';
    const key = b.toString('latin1', q + 1, eq);
    const vs = eq + 1;
    const ve = end - 1;
    // A NUL cannot be in a file name: a reader that stops at it would see another name than one
    // that does not. Go's archive/tar refuses such records; so does native/src/tar/pax.rs.
    if ((key === 'path' || key === 'linkpath') && b.subarray(vs, ve).includes(0)) return `${key} holds a NUL byte`;
    switch (key) {
      case 'path':
        r.path = ve > vs ? b.toString('utf8', vs, ve) : null;
        break;
      case 'linkpath':
        r.linkpath = ve > vs ? b.toString('utf8', vs, ve) : null;
        break;
      case 'size':
        r.size = ve > vs ? decimal(b, vs, ve) : -1;
        if (r.size === -2) return 'size is not a number';
        if (r.size === Infinity) return 'size is larger than 2^53 bytes';
        break;
      case 'GNU.sparse.major':
        r.sparseMajor = ve > vs ? b.toString('latin1', vs, ve) : null;
        break;
      case 'GNU.sparse.minor':
        r.sparseMinor = ve > vs ? b.toString('latin1', vs, ve) : null;
        break;
      case 'GNU.sparse.name':
        r.sparseName = ve > vs ? b.toString('utf8', vs, ve) : null;
        break;
      case 'GNU.sparse.size':
      case 'GNU.sparse.realsize':
        r.sparseRealSize = decimal(b, vs, ve);
        if (r.sparseRealSize === -2) return `${key} is not a number`;
        if (r.sparseRealSize === Infinity) return `${key} is larger than 2^53 bytes`;
        break;
      case 'GNU.sparse.map':
      case 'GNU.sparse.offset':
      case 'GNU.sparse.numbytes':
        r.sparseMap = true;
        break;
    }
    p = end;
  }
  return r;
}

/** Non-empty decimal digits → value; -2 if not digits; Infinity beyond 2^53 - 1. */
export function decimal(b: Uint8Array, s: number, e: number): number {
  if (e <= s) return -2;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) return -2;
    v = v * 10 + (c - 0x30);
    if (v > Number.MAX_SAFE_INTEGER) return Infinity;
  }
  return v;
}

/** GNU sparse PAX version as Go reads it: 0 (not sparse), 1 (0.0 or 0.1) or 10 (1.0). */
export function sparseVersion(pax: PaxOverrides): number {
  const major = pax.sparseMajor;
  const minor = pax.sparseMinor;
  if (major === '0' && (minor === '0' || minor === '1')) return 1;
  if (major === '1' && minor === '0') return 10;
  if (major !== null || minor !== null) return 0; // an unknown version: read as a plain file
  return pax.sparseMap ? 1 : 0;
}
