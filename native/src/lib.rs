//! elfscan's native classifier: a file's first bytes (and, for ELF files, pieces from further
//! in) in, what kind of binary it is out.
//! Everything but the last two modules is plain Rust that knows nothing of Node and is tested
//! with `cargo test`; napi.rs and glue.rs are the only files with `unsafe`.

// Bytes in, plain data out — never a panic.
pub mod bytes; //      bounds-checked, endian-aware reader every parser uses
pub mod error; //      ParseError (what + offset) and Fail (need more bytes / malformed)
pub mod sniff; //      first bytes → ELF / Mach-O / fat Mach-O / Java class / MZ / other
pub mod classify; //   the answer (Classification, Facts) and the dispatch to a parser
pub mod elf; //        ELF file and program headers, PT_INTERP
pub mod elf_dynamic; // PT_DYNAMIC: DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH
pub mod elf_notes; //  GNU property notes: the x86-64 ISA level
pub mod elf_machine; // the e_machine table: names and spec §3 platforms
pub mod arm; //        ARM EABI version and float ABI fallback chain
pub mod arm_attributes; // .ARM.attributes: Tag_CPU_arch, Tag_ABI_VFP_args
pub mod macho; //      thin and fat Mach-O
pub mod pe; //         PE/COFF

// The layer walker: a layer's tar in, one flat list of records out — streamed or read at offsets.
pub mod tar_header; //  one 512-byte header block: checksum, numbers, names (tar-header.ts twin)
pub mod tar_pax; //     PAX records that change how the next entry is read (tar-pax.ts twin)
pub mod tar_walk; //    the push parser that can also skip bodies (tar-reader.ts twin)
pub mod elf_complete; // an ELF file's wanted ranges, kept as one forward pass would keep them
pub mod layer_scan; //  per-entry rules: heads, classification, #! lines, kept texts
pub mod kept_text; //   which files' whole text the rules read (package databases, loader config)
pub mod layer_walk; //  the drivers: chunks pushed, or a file range read in windows

#[cfg(test)]
mod testutil;

// The addon: Node-API declarations and the JS ⇄ Rust glue, and Node's own zlib.
mod glue;
mod napi;
pub mod zlib; //       gzip layers inflated by the zlib Node exports (the one node:zlib wraps)

pub use bytes::Piece;
pub use classify::{classify, inspect, Classification, ElfExtra, Facts, Format, Kind, Want};

/// Node looks this symbol up when it loads the addon.
///
/// # Safety
/// Called by Node only, with the env and exports object of the loading context.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi::napi_env, exports: napi::napi_value) -> napi::napi_value {
    glue::register(env, exports)
}
