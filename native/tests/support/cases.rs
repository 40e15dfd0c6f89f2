//! The machinery of the named tar cases (tests/tar_cases.rs): what an entry must look like,
//! a case (an archive and its expected entries or error), and the check of one walk against it.
#![allow(dead_code)]

use elfscan_native::tar::header::EntryType;

use super::collect::Seen;

/// What one entry must look like.
#[derive(Clone, Debug)]
pub struct Expect {
    pub path: String,
    pub kind: EntryType,
    pub size: u64,
    pub mode: u32,
    pub link: String,
    pub body: Option<Vec<u8>>,
}

pub fn e(path: &str, kind: EntryType, size: u64) -> Expect {
    let mode = if kind == EntryType::Directory { 0o755 } else { 0o644 };
    Expect { path: path.into(), kind, size, mode, link: String::new(), body: None }
}

impl Expect {
    pub fn link(mut self, l: &str) -> Expect {
        self.link = l.into();
        self
    }
    pub fn mode(mut self, m: u32) -> Expect {
        self.mode = m;
        self
    }
    pub fn body(mut self, b: &[u8]) -> Expect {
        self.body = Some(b.to_vec());
        self
    }
}

pub struct Case {
    pub name: &'static str,
    pub tar: Vec<u8>,
    pub entries: Vec<Expect>,
    /// None: the archive is read to its end without error.
    pub error: Option<&'static str>,
}

pub fn ok(name: &'static str, tar: Vec<u8>, entries: Vec<Expect>) -> Case {
    Case { name, tar, entries, error: None }
}

pub fn fails(name: &'static str, tar: Vec<u8>, entries: Vec<Expect>, error: &'static str) -> Case {
    Case { name, tar, entries, error: Some(error) }
}

pub trait Edit {
    fn replace(self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl Edit for Vec<u8> {
    fn replace(mut self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = self.windows(from.len()).position(|w| w == from).expect("pattern in the archive");
        self[at..at + to.len()].copy_from_slice(to);
        self
    }
}

pub trait Truncated {
    /// The same entries, for an archive whose last body never ends: bodies not compared.
    fn truncate_bodies(self) -> Vec<Expect>;
}

impl Truncated for Vec<Expect> {
    fn truncate_bodies(self) -> Vec<Expect> {
        self.into_iter()
            .map(|mut e| {
                e.body = None;
                e
            })
            .collect()
    }
}

impl Case {
    /// The archive stops inside the entry's (huge) body.
    pub fn truncated(mut self) -> Case {
        self.error = Some("archive is truncated");
        self
    }
}

pub fn check(case: &Case, how: &str, seen: &[Seen], error: &Option<String>, bodies: bool) {
    let got: Vec<_> = seen
        .iter()
        .map(|s| (s.entry.name.as_str(), s.entry.kind, s.entry.size, s.entry.mode, s.entry.linkname.as_str()))
        .collect();
    let want: Vec<_> =
        case.entries.iter().map(|e| (e.path.as_str(), e.kind, e.size, e.mode, e.link.as_str())).collect();
    assert_eq!(got, want, "{}: {how}: entries", case.name);
    assert_eq!(error.as_deref(), case.error, "{}: {how}: error", case.name);
    if bodies {
        for (s, e) in seen.iter().zip(&case.entries) {
            if let Some(b) = &e.body {
                assert!(s.body == *b && s.ended, "{}: {how}: body of {}", case.name, e.path);
            }
        }
    }
}
