//! For the unit tests: hand-built headers, small enough to read and exact enough to hit each
//! check; the real gzip and zstd programs; a decoder driven over a whole input.

use crate::common::Endian;

pub struct Writer {
    pub buf: Vec<u8>,
    endian: Endian,
}

impl Writer {
    pub fn new(endian: Endian) -> Self {
        Writer { buf: Vec::new(), endian }
    }
    fn at(&mut self, off: usize, bytes: &[u8]) {
        if self.buf.len() < off + bytes.len() {
            self.buf.resize(off + bytes.len(), 0);
        }
        self.buf[off..off + bytes.len()].copy_from_slice(bytes);
    }
    pub fn u8(&mut self, off: usize, v: u8) {
        self.at(off, &[v]);
    }
    pub fn u16(&mut self, off: usize, v: u16) {
        let b = match self.endian {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        };
        self.at(off, &b);
    }
    pub fn u32(&mut self, off: usize, v: u32) {
        let b = match self.endian {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        };
        self.at(off, &b);
    }
    pub fn u64(&mut self, off: usize, v: u64) {
        let b = match self.endian {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        };
        self.at(off, &b);
    }
    pub fn bytes(&mut self, off: usize, b: &[u8]) {
        self.at(off, b);
    }
}

pub struct ElfBuilder {
    bits: u8,
    endian: Endian,
    machine: u16,
    e_type: u16,
    osabi: u8,
    flags: u32,
    interp: Option<Vec<u8>>,
    loads: Vec<(u64, u64)>,
    phnum_override: Option<u16>,
}

impl ElfBuilder {
    pub fn new(bits: u8, endian: Endian, machine: u16) -> Self {
        ElfBuilder {
            bits,
            endian,
            machine,
            e_type: 2,
            osabi: 0,
            flags: 0,
            interp: None,
            loads: Vec::new(),
            phnum_override: None,
        }
    }
    pub fn et(mut self, t: u16) -> Self {
        self.e_type = t;
        self
    }
    pub fn osabi(mut self, v: u8) -> Self {
        self.osabi = v;
        self
    }
    pub fn flags(mut self, v: u32) -> Self {
        self.flags = v;
        self
    }
    /// PT_INTERP with this path and its NUL.
    pub fn interp(mut self, path: &str) -> Self {
        let mut b = path.as_bytes().to_vec();
        b.push(0);
        self.interp = Some(b);
        self
    }
    pub fn load(mut self, offset: u64, filesz: u64) -> Self {
        self.loads.push((offset, filesz));
        self
    }
    pub fn phnum_override(mut self, n: u16) -> Self {
        self.phnum_override = Some(n);
        self
    }

    /// Header, then the program header table (PT_INTERP first, then PT_LOADs), then the
    /// interpreter string.
    pub fn build(self) -> Vec<u8> {
        let wide = self.bits == 64;
        let (ehsize, phentsize) = if wide { (64usize, 56usize) } else { (52, 32) };
        let phnum = usize::from(self.interp.is_some()) + self.loads.len();
        let data_at = ehsize + phnum * phentsize;
        let mut w = Writer::new(self.endian);
        w.bytes(0, b"\x7fELF");
        w.u8(4, if wide { 2 } else { 1 });
        w.u8(5, if self.endian == Endian::Little { 1 } else { 2 });
        w.u8(6, 1);
        w.u8(7, self.osabi);
        w.u16(16, self.e_type);
        w.u16(18, self.machine);
        w.u32(20, 1);
        let phnum_field = self.phnum_override.unwrap_or(phnum as u16);
        if wide {
            w.u64(32, if phnum > 0 { ehsize as u64 } else { 0 });
            w.u32(48, self.flags);
            w.u16(52, ehsize as u16);
            w.u16(54, phentsize as u16);
            w.u16(56, phnum_field);
            w.u16(58, 64);
        } else {
            w.u32(28, if phnum > 0 { ehsize as u32 } else { 0 });
            w.u32(36, self.flags);
            w.u16(40, ehsize as u16);
            w.u16(42, phentsize as u16);
            w.u16(44, phnum_field);
            w.u16(46, 40);
        }
        w.bytes(ehsize, &vec![0; phnum * phentsize]);
        let mut entries: Vec<(u32, u64, u64)> = Vec::new();
        if let Some(interp) = &self.interp {
            entries.push((3, data_at as u64, interp.len() as u64));
        }
        entries.extend(self.loads.iter().map(|&(o, s)| (1, o, s)));
        for (i, (p_type, off, size)) in entries.into_iter().enumerate() {
            let at = ehsize + i * phentsize;
            w.u32(at, p_type);
            if wide {
                w.u64(at + 8, off);
                w.u64(at + 32, size);
            } else {
                w.u32(at + 4, off as u32);
                w.u32(at + 16, size as u32);
            }
        }
        if let Some(interp) = &self.interp {
            w.bytes(data_at, interp);
        }
        w.buf
    }
}

/// `tool -c ARGS` (gzip, zstd) of `data`, by the real program.
pub fn compress(tool: &str, args: &[&str], data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(tool).args(args).arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{tool} failed");
    out.stdout
}

/// `data` through `d` in `chunk`-byte pieces: the plain bytes, or the sentence it failed with.
pub fn decode_all(d: &mut dyn crate::layer::decode::Decode, data: &[u8], chunk: usize) -> Result<Vec<u8>, String> {
    use crate::layer::fail::WalkFail;
    let mut buf = vec![0u8; 1000];
    let mut out = Vec::new();
    let sentence = |e: WalkFail| match e {
        WalkFail::Data(s) => s,
        other => panic!("{other:?}"),
    };
    for c in data.chunks(chunk) {
        d.write(c, &mut buf, &mut |b: &[u8]| {
            out.extend_from_slice(b);
            Ok(())
        })
        .map_err(sentence)?;
    }
    d.end().map_err(sentence)?;
    Ok(out)
}
