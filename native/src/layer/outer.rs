//! An outer archive (a docker-save or oci-archive tarball) read at offsets for its entries only:
//! each entry's archive path, and for a regular file where its body starts and what it is
//! (archive.rs: a document, a layer, or neither — its first bytes read at the body's offset), so
//! that its layers and documents can be read where they lie. No other body is read.

use super::archive::{archive_path, kind, may_matter, Kind, SNIFF};
use super::fail::WalkFail;
use crate::tar::entry::TarEntry;
use crate::tar::header::EntryType;
use crate::tar::walk::EntrySink;

/// One entry of an outer archive.
#[derive(Debug)]
pub struct OuterEntry {
    /// Its name as an archive path (archive.rs `archive_path`).
    pub entry: TarEntry,
    /// A regular file's body offset in the archive (0 for other types).
    pub body_at: u64,
    pub kind: Kind,
}

impl OuterEntry {
    /// `e` with its name made an archive path.
    pub fn new(mut e: TarEntry) -> OuterEntry {
        e.name = archive_path(&e.name);
        OuterEntry { entry: e, body_at: 0, kind: Kind::Other }
    }

    /// A regular file whose first bytes can make it a document or a layer.
    pub fn sniffed(&self) -> bool {
        self.entry.kind == EntryType::File && self.entry.size > 0 && may_matter(&self.entry.name)
    }
}

#[derive(Default)]
pub struct OuterScan {
    pub entries: Vec<OuterEntry>,
    /// Files whose first bytes are still to be read (see `sniff_pending`).
    sniff: Vec<usize>,
}

impl OuterScan {
    /// Reads the first bytes of the files that wait for them; `read(offset, len)` reads the
    /// archive at its own offsets.
    pub fn sniff_pending(&mut self, read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, WalkFail>) -> Result<(), WalkFail> {
        for i in std::mem::take(&mut self.sniff) {
            let e = &mut self.entries[i];
            let head = read(e.body_at, e.entry.size.min(SNIFF))?;
            e.kind = kind(&e.entry.name, e.entry.size, &head);
        }
        Ok(())
    }
}

impl EntrySink for OuterScan {
    fn entry(&mut self, e: TarEntry) -> bool {
        let file = e.kind == EntryType::File;
        self.entries.push(OuterEntry::new(e));
        file
    }

    fn body(&mut self, at: u64, _stored: u64) {
        let i = self.entries.len() - 1;
        self.entries[i].body_at = at;
        if self.entries[i].sniffed() {
            self.sniff.push(i);
        }
    }

    fn data(&mut self, _chunk: &[u8]) {}

    fn end(&mut self) {}

    fn needs_bytes(&self) -> bool {
        false
    }
}
