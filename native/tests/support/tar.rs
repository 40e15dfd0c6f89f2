//! A raw tar writer for the tests: every archive, well formed or not, is built in code from
//! header blocks, so a malformed case reads as the bytes it contains (the Rust counterpart of
//! test/helpers/tar-builder.ts).
#![allow(dead_code)]

pub const BLOCK: usize = 512;

/// One 512-byte header block, written field by field; `block()` adds the checksum.
#[derive(Clone)]
pub struct Header {
    b: Vec<u8>,
    checksum_delta: i64,
}

/// A header for `name` with typeflag `flag` and size field `size` (octal), ustar, mode 0644.
pub fn header(name: &str, flag: u8, size: u64) -> Header {
    let mut h = Header { b: vec![0u8; BLOCK], checksum_delta: 0 };
    h.put(0, name.as_bytes());
    h.octal(100, 8, 0o644);
    h.octal(108, 8, 0);
    h.octal(116, 8, 0);
    h.octal(124, 12, size);
    h.octal(136, 12, 1_700_000_000);
    h.b[156] = flag;
    h.put(257, b"ustar\x0000");
    h.put(265, b"root");
    h.put(297, b"root");
    h
}

impl Header {
    pub fn put(&mut self, off: usize, bytes: &[u8]) {
        self.b[off..off + bytes.len()].copy_from_slice(bytes);
    }

    /// Octal with a NUL terminator, as wide as the field allows.
    pub fn octal(&mut self, off: usize, len: usize, v: u64) {
        let s = format!("{v:0w$o}", w = len - 1);
        assert!(s.len() < len, "{v} does not fit {len} octal bytes");
        self.put(off, s.as_bytes());
        self.b[off + len - 1] = 0;
    }

    pub fn mode(mut self, m: u32) -> Header {
        self.octal(100, 8, u64::from(m));
        self
    }

    pub fn link(mut self, l: &str) -> Header {
        self.put(157, l.as_bytes());
        self
    }

    pub fn prefix(mut self, p: &str) -> Header {
        self.put(345, p.as_bytes());
        self
    }

    /// GNU magic ("ustar  \0"): no prefix field.
    pub fn gnu(mut self) -> Header {
        self.put(257, b"ustar  \0");
        self
    }

    /// No magic at all: a pre-POSIX header.
    pub fn v7(mut self) -> Header {
        self.b[257..265].fill(0);
        self
    }

    /// The size field in GNU base-256: 0x80, then the value big-endian.
    pub fn base256(mut self, size: u64) -> Header {
        self.b[124] = 0x80;
        self.b[125..128].fill(0);
        self.put(128, &size.to_be_bytes());
        self
    }

    pub fn bad_checksum(mut self) -> Header {
        self.checksum_delta = 1;
        self
    }

    /// With the checksum written "%06o\0 " as GNU tar writes it.
    pub fn block(&self) -> Vec<u8> {
        let mut b = self.b.clone();
        b[148..156].fill(b' ');
        let sum = b.iter().map(|&c| i64::from(c)).sum::<i64>() + self.checksum_delta;
        b[148..154].copy_from_slice(format!("{sum:06o}").as_bytes());
        b[154] = 0;
        b[155] = b' ';
        b
    }
}

/// `bytes` padded with zeros to whole blocks.
pub fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v.resize(bytes.len().div_ceil(BLOCK) * BLOCK, 0);
    v
}

/// A regular file: its header, then its body padded.
pub fn file(name: &str, body: &[u8]) -> Vec<u8> {
    [header(name, b'0', body.len() as u64).block(), padded(body)].concat()
}

/// "%d key=value\n" records, each length counting itself.
pub fn pax(records: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in records {
        let rest = format!(" {k}={v}\n");
        let mut n = rest.len() + 1;
        while n.to_string().len() + rest.len() != n {
            n = n.to_string().len() + rest.len();
        }
        out.extend_from_slice(format!("{n}{rest}").as_bytes());
    }
    out
}

/// A meta entry (PAX 'x'/'g', GNU 'L'/'K') holding `body`.
pub fn meta(flag: u8, body: &[u8]) -> Vec<u8> {
    let name = if matches!(flag, b'L' | b'K') { "././@LongLink" } else { "PaxHeaders.0/x" };
    let h = header(name, flag, body.len() as u64);
    let h = if matches!(flag, b'L' | b'K') { h.gnu() } else { h };
    [h.block(), padded(body)].concat()
}

/// The parts one after another, then two zero blocks.
pub fn archive(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = parts.concat();
    out.extend_from_slice(&[0u8; 2 * BLOCK]);
    out
}

/// Deterministic bytes, different at each offset so misplaced data shows.
pub fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u32).wrapping_mul(31).wrapping_add(u32::from(seed) * 7).wrapping_add(i as u32 >> 8) as u8)
        .collect()
}

/// An old GNU sparse entry ('S'): up to 4 segments in the header, the rest in extension blocks
/// of 21; its body is the stored data (`stored`, the segments' lengths summed).
pub fn old_gnu_sparse(name: &str, real_size: u64, map: &[(u64, u64)], stored: &[u8]) -> Vec<u8> {
    let mut h = header(name, b'S', stored.len() as u64).gnu();
    for (i, &(o, n)) in map.iter().take(4).enumerate() {
        h.octal(386 + i * 24, 12, o);
        h.octal(386 + i * 24 + 12, 12, n);
    }
    let rest = &map[map.len().min(4)..];
    h.b[482] = u8::from(!rest.is_empty());
    h.octal(483, 12, real_size);
    let mut out = h.block();
    for (k, chunk) in rest.chunks(21).enumerate() {
        let mut ext = Header { b: vec![0u8; BLOCK], checksum_delta: 0 };
        for (j, &(o, n)) in chunk.iter().enumerate() {
            ext.octal(j * 24, 12, o);
            ext.octal(j * 24 + 12, 12, n);
        }
        ext.b[504] = u8::from((k + 1) * 21 < rest.len());
        out.extend_from_slice(&ext.b);
    }
    out.extend_from_slice(&padded(stored));
    out
}

/// A PAX sparse entry: "0.0" and "0.1" keep the map in the records, "1.0" opens the body with it.
pub fn pax_sparse(version: &str, name: &str, real_size: u64, map: &[(u64, u64)], stored: &[u8]) -> Vec<u8> {
    let size = real_size.to_string();
    let count = map.len().to_string();
    let flat: Vec<String> = map.iter().flat_map(|&(o, n)| [o.to_string(), n.to_string()]).collect();
    let sparse_name = format!("./GNUSparseFile.0/{}", name.rsplit('/').next().unwrap_or(name));
    let (records, entry_name, body) = match version {
        "0.0" => {
            let mut r = pax(&[("GNU.sparse.size", &size), ("GNU.sparse.numblocks", &count)]);
            for pair in flat.chunks(2) {
                r.extend(pax(&[("GNU.sparse.offset", &pair[0]), ("GNU.sparse.numbytes", &pair[1])]));
            }
            (r, name.to_string(), stored.to_vec())
        }
        "0.1" => {
            let joined = flat.join(",");
            let r = pax(&[
                ("GNU.sparse.size", &size),
                ("GNU.sparse.numblocks", &count),
                ("GNU.sparse.map", &joined),
                ("GNU.sparse.name", name),
            ]);
            (r, sparse_name, stored.to_vec())
        }
        _ => {
            let r = pax(&[
                ("GNU.sparse.major", "1"),
                ("GNU.sparse.minor", "0"),
                ("GNU.sparse.name", name),
                ("GNU.sparse.realsize", &size),
            ]);
            let map_text = padded(format!("{count}\n{}\n", flat.join("\n")).as_bytes());
            (r, sparse_name, [map_text, stored.to_vec()].concat())
        }
    };
    [meta(b'x', &records), header(&entry_name, b'0', body.len() as u64).block(), padded(&body)].concat()
}
