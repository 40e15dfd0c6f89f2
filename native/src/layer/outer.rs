//! An outer archive (a docker-save or oci-archive tarball) walked for its entries only: each
//! regular file's body offset, so that its layers and documents can be read at their offsets.

use super::record::{Extra, Record};
use crate::tar::entry::TarEntry;
use crate::tar::header::EntryType;
use crate::tar::walk::EntrySink;

/// The entries of an outer archive (a docker-save or oci-archive tarball) and where each regular
/// file's body starts, so that its layers and documents can be read at their offsets. No body is
/// read here.
#[derive(Default)]
pub struct OuterScan {
    pub records: Vec<Record>,
}

impl EntrySink for OuterScan {
    fn entry(&mut self, e: TarEntry) -> bool {
        let file = e.kind == EntryType::File;
        self.records.push(Record { entry: e, extra: Extra::None });
        file
    }

    fn body(&mut self, at: u64, _stored: u64) {
        if let Some(r) = self.records.last_mut() {
            r.extra = Extra::BodyAt(at);
        }
    }

    fn data(&mut self, _chunk: &[u8]) {}

    fn end(&mut self) {}

    fn needs_bytes(&self) -> bool {
        false
    }
}
