//! Shared by the integration tests: the fixtures of fixtures/binaries and their expected.json
//! (read with a small JSON reader, since the crate takes no dependencies), the need-more loop the
//! TypeScript pipeline runs, and a seeded PRNG for the mutation tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use elfscan_native::{classify, inspect, Classification, Piece, Want};

pub mod cases;
pub mod collect;
pub mod records;
pub mod tar;

// The addon takes zlib's and libzstd's symbols from the node binary that loads it; a test binary
// has no Node, so it links the system's runtime libraries instead (libz.so.1 and libzstd.so.1,
// as src/node/zlib.rs's and zstd.rs's own tests do).
#[cfg_attr(target_os = "linux", link(name = "libz.so.1", kind = "dylib", modifiers = "+verbatim"))]
#[cfg_attr(not(target_os = "linux"), link(name = "z"))]
extern "C" {}
#[cfg_attr(target_os = "linux", link(name = "libzstd.so.1", kind = "dylib", modifiers = "+verbatim"))]
#[cfg_attr(not(target_os = "linux"), link(name = "zstd"))]
extern "C" {}

/// The head size the pipeline reads first.
pub const HEAD: usize = 4096;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/binaries")
}

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(key).unwrap_or(&Json::Null),
            _ => &Json::Null,
        }
    }
    pub fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn num(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => &[],
        }
    }
}

pub fn parse_json(text: &str) -> Json {
    let mut p = JsonParser { b: text.as_bytes(), i: 0 };
    let v = p.value();
    p.ws();
    assert_eq!(p.i, p.b.len(), "trailing bytes in JSON");
    v
}

struct JsonParser<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.b.get(self.i), Some(&c), "JSON: expected {:?} at {}", c as char, self.i);
        self.i += 1;
    }
    fn lit(&mut self, word: &str, v: Json) -> Json {
        assert!(self.b[self.i..].starts_with(word.as_bytes()), "JSON: bad literal at {}", self.i);
        self.i += word.len();
        v
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.b[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.b[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    self.ws();
                    let k = self.string();
                    self.eat(b':');
                    m.insert(k, self.value());
                    self.ws();
                    if self.b[self.i] == b',' {
                        self.i += 1;
                    } else {
                        self.eat(b'}');
                        return Json::Obj(m);
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.b[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(a);
                }
                loop {
                    a.push(self.value());
                    self.ws();
                    if self.b[self.i] == b',' {
                        self.i += 1;
                    } else {
                        self.eat(b']');
                        return Json::Arr(a);
                    }
                }
            }
            b'"' => Json::Str(self.string()),
            b't' => self.lit("true", Json::Bool(true)),
            b'f' => self.lit("false", Json::Bool(false)),
            b'n' => self.lit("null", Json::Null),
            _ => {
                let start = self.i;
                while self.i < self.b.len() && b"+-.eE0123456789".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                let s = std::str::from_utf8(&self.b[start..self.i]).unwrap();
                Json::Num(s.parse().unwrap_or_else(|_| panic!("JSON: bad number {s:?}")))
            }
        }
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = String::new();
        loop {
            let c = self.b[self.i];
            self.i += 1;
            match c {
                b'"' => return out,
                b'\\' => {
                    let e = self.b[self.i];
                    self.i += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.b[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap_or('\u{fffd}'));
                        }
                        other => out.push(other as char),
                    }
                }
                _ => {
                    // Copy a whole UTF-8 sequence.
                    let start = self.i - 1;
                    while self.i < self.b.len() && (self.b[self.i] & 0xc0) == 0x80 {
                        self.i += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.b[start..self.i]).unwrap());
                }
            }
        }
    }
}

pub struct Fixture {
    pub file: String,
    pub bytes: Vec<u8>,
    pub expected: Json,
}

/// Every fixture listed in expected.json, with its bytes. Panics (fails the test) when the
/// fixtures are missing: they are part of the repository.
pub fn fixtures() -> Vec<Fixture> {
    let dir = fixtures_dir();
    let text = std::fs::read_to_string(dir.join("expected.json"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join("expected.json").display()));
    parse_json(&text)
        .arr()
        .iter()
        .map(|e| {
            let file = e.get("file").str().expect("file").to_owned();
            let bytes = std::fs::read(dir.join(&file)).unwrap_or_else(|err| panic!("{file}: {err}"));
            Fixture { file, bytes, expected: e.clone() }
        })
        .collect()
}

/// What the pipeline does: classify the first `first` bytes, and while the answer is
/// "need more", hand over exactly that many; then, while the answer wants ranges, hand those over
/// as pieces (read at their offsets, as for a root filesystem directory). Returns the answer and
/// the sizes asked for, and checks the contract on the way: every request is larger than what was
/// given and inside the file, every want inside the file and new, and both loops end.
pub fn classify_with_more(file: &[u8], first: usize) -> (Classification, Vec<u64>) {
    let size = file.len() as u64;
    let mut given = first.min(file.len());
    let mut asked = Vec::new();
    loop {
        match classify(&file[..given], size) {
            Classification::NeedMore(n) => {
                assert!(n > given as u64, "asked for {n} bytes after being given {given}");
                assert!(n <= size, "asked for {n} bytes of a {size}-byte file");
                assert!(asked.len() < 8, "need-more loop does not end: {asked:?}");
                asked.push(n);
                given = n as usize;
            }
            Classification::Binary(_) => break,
            done => return (done, asked),
        }
    }
    (complete(file, &file[..given], |_| true).0, asked)
}

/// The wants loop: `serve` says whether a wanted range can be had (the streaming side's caps);
/// ranges that can are read from `file`. Returns the final answer and every range served.
pub fn complete(file: &[u8], head: &[u8], mut serve: impl FnMut(&Want) -> bool) -> (Classification, Vec<Want>) {
    let size = file.len() as u64;
    let mut held: Vec<Want> = Vec::new();
    let mut refused: Vec<Want> = Vec::new();
    for round in 0.. {
        let pieces: Vec<Piece<'_>> = held
            .iter()
            .map(|w| Piece { offset: w.offset, bytes: &file[w.offset as usize..(w.offset + w.length) as usize] })
            .collect();
        let i = inspect(head, &pieces, size);
        let new: Vec<Want> = i.wants.iter().copied().filter(|w| !held.contains(w) && !refused.contains(w)).collect();
        for w in &i.wants {
            assert!(w.length > 0 && w.offset + w.length <= size, "want {w:?} outside a {size}-byte file");
        }
        if new.is_empty() {
            return (i.classification, held);
        }
        assert!(round < 8, "wants loop does not end: {new:?}");
        for w in new {
            if serve(&w) {
                held.push(w);
            } else {
                refused.push(w);
            }
        }
    }
    unreachable!()
}

/// xorshift64*: small, seeded, the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}
