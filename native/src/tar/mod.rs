//! The tar reader: the rules of one header block, PAX records, how an entry's header resolves
//! (long names, PAX, sparse forms), and the push parser that can also skip bodies.

pub mod entry;
pub mod error;
pub mod header;
pub mod pax;
pub mod sparse;
pub mod walk;
