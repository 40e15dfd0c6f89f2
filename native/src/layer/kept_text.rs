//! Which small files' text the layer walker keeps, and how much of a script's head: the whole
//! text of the loader's configuration (/etc/ld.so.conf and its includes, musl's
//! /etc/ld-musl-*.path), which the missing-library rule reads, and the bytes of a `#!` line from
//! any other file that is not a binary candidate. The policy lives here alone
//! (src/layers/layer-entries.ts still repeats the path rule for its own collector).

/// Loader configuration kept as text: files this small…
pub const TEXT_MAX: u64 = 16 * 1024;
/// …and at most this many per layer.
pub const TEXTS_PER_LAYER: u32 = 256;
/// A `#!` line is read from at most this many bytes plus one, which tells "no newline" apart.
pub const SHEBANG_MAX: usize = 256;

/// /etc/ld.so.conf, /etc/ld.so.conf.d/*.conf and /etc/ld-musl-*.path at most TEXT_MAX bytes
/// (`path` normalized; layer-entries.ts LOADER_CONFIG).
pub fn is_loader_config(path: &str, size: u64) -> bool {
    if size > TEXT_MAX {
        return false;
    }
    let Some(rest) = path.strip_prefix("/etc/") else { return false };
    if rest == "ld.so.conf" {
        return true;
    }
    if let Some(file) = rest.strip_prefix("ld.so.conf.d/") {
        // [^/]+\.conf
        return !file.contains('/') && file.len() > ".conf".len() && file.ends_with(".conf");
    }
    if let Some(arch) = rest.strip_prefix("ld-musl-").and_then(|r| r.strip_suffix(".path")) {
        return !arch.is_empty() && arch.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    }
    false
}

/// The texts one layer has kept, against its cap.
#[derive(Default)]
pub struct KeptText {
    texts: u32,
}

impl KeptText {
    /// Whether a file's whole text is read rather than its head.
    pub fn whole(&self, path: &str, size: u64) -> bool {
        self.texts < TEXTS_PER_LAYER && is_loader_config(path, size)
    }

    /// What is kept of a file that is not a binary candidate: `head` is its first bytes (all of
    /// them when `whole` said so and the body was complete); the text, a `#!` line's bytes, or
    /// nothing.
    pub fn keep(&mut self, whole: bool, head: Vec<u8>, size: u64) -> Option<Vec<u8>> {
        if whole && head.len() as u64 == size && self.texts < TEXTS_PER_LAYER {
            self.texts += 1;
            return Some(head);
        }
        // A copy of exactly the line's bytes: the record outlives the head buffer.
        head.starts_with(b"#!").then(|| head[..head.len().min(SHEBANG_MAX + 1)].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loader_configuration_files_by_path() {
        assert!(is_loader_config("/etc/ld.so.conf", 10));
        assert!(is_loader_config("/etc/ld.so.conf.d/libc.conf", 10));
        assert!(!is_loader_config("/etc/ld.so.conf.d/.conf", 10));
        assert!(!is_loader_config("/etc/ld.so.conf.d/a/b.conf", 10));
        assert!(is_loader_config("/etc/ld-musl-aarch64.path", 10));
        assert!(!is_loader_config("/etc/ld-musl-AArch64.path", 10));
        assert!(!is_loader_config("/etc/ld.so.conf", TEXT_MAX + 1));
    }

    #[test]
    fn texts_are_capped_per_layer_and_shebangs_kept_short() {
        let mut k = KeptText::default();
        for _ in 0..TEXTS_PER_LAYER {
            assert!(k.whole("/etc/ld.so.conf", 3));
            assert_eq!(k.keep(true, b"x\n\n".to_vec(), 3), Some(b"x\n\n".to_vec()));
        }
        assert!(!k.whole("/etc/ld.so.conf", 3));
        assert_eq!(k.keep(true, b"x\n\n".to_vec(), 3), None);
        let long = [b"#!/".as_slice(), &[b'x'; 400]].concat();
        assert_eq!(k.keep(false, long.clone(), 403), Some(long[..SHEBANG_MAX + 1].to_vec()));
        // A text cut short (the body ended early) is not kept whole.
        assert_eq!(KeptText::default().keep(true, b"#!ab".to_vec(), 10), Some(b"#!ab".to_vec()));
    }
}
