//! The tar reader: one header block's rules, PAX records, and the push parser that can skip bodies.
#![forbid(unsafe_code)]

pub mod header;
pub mod pax;
pub mod walk;
