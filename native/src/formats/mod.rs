//! The binary formats: the first bytes choose one (sniff), and its parser turns headers into facts.

pub mod elf;
pub mod macho;
pub mod pe;
pub mod sniff;
