//! A layer's tar in, one flat list of records out: the per-entry rules and the drivers.
#![forbid(unsafe_code)]

pub mod scan;
pub mod walk;
