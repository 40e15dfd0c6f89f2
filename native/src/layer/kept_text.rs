//! Which small files' text the layer walker keeps, and how much of a script's head — the policy,
//! defined here alone and exported to JavaScript as `keptTextCap()` and the limits. The rules read
//! the loader's configuration (/etc/ld.so.conf and its includes, musl's /etc/ld-musl-*.path) and
//! what the loader model needs to judge a file as its loader would: npm package roots'
//! package.json, Node's node_version.h, the dpkg and apk databases. Every kept text is a file of
//! the layer under a per-kind size cap, and a layer keeps at most TEXTS_PER_LAYER of them and
//! TEXT_BYTES_PER_LAYER in all, so memory stays bounded by the number of paths. Bytes only:
//! parsing is left to the rules, which do it lazily, when a file needs it. Of any other file that
//! is not a binary candidate, the bytes of a `#!` line are kept.

/// Loader configuration, node_version.h: a few KiB in practice.
const SMALL: u64 = 16 * 1024;
/// An npm package.json; larger ones (date-fns' export maps) are left unknown.
const PACKAGE_JSON: u64 = 64 * 1024;
/// One package's file list (dpkg info/*.list, distroless status.d/*): texlive's are ~3 MiB.
const FILE_LIST: u64 = 4 << 20;
/// A whole package database (dpkg status, apk installed): a desktop system's is ~5 MiB.
const DATABASE: u64 = 32 << 20;
/// The largest cap of all: what a reader of whole texts must be ready to read.
pub const TEXT_MAX: u64 = DATABASE;
/// At most this many texts per layer…
pub const TEXTS_PER_LAYER: u32 = 1 << 16;
/// …and this many bytes of them.
pub const TEXT_BYTES_PER_LAYER: u64 = 128 << 20;
/// A `#!` line is read from at most this many bytes plus one, which tells "no newline" apart.
pub const SHEBANG_MAX: usize = 256;

/// The size cap of a kept text at `path` (normalized, absolute), or None when it is not kept.
pub fn text_cap(path: &str) -> Option<u64> {
    if let Some(rest) = path.strip_prefix("/etc/") {
        return is_loader_config(rest).then_some(SMALL);
    }
    if let Some(rest) = path.strip_prefix("/var/lib/dpkg/") {
        if rest == "status" {
            return Some(DATABASE);
        }
        let list = rest.strip_prefix("info/").and_then(|f| f.strip_suffix(".list"));
        let distroless = rest.strip_prefix("status.d/");
        return match list.or(distroless) {
            Some(name) if !name.is_empty() && !name.contains('/') => Some(FILE_LIST),
            _ => None,
        };
    }
    if path == "/lib/apk/db/installed" {
        return Some(DATABASE);
    }
    if path.ends_with("/include/node/node_version.h") {
        return Some(SMALL);
    }
    is_package_root_json(path).then_some(PACKAGE_JSON)
}

/// Whether a file of `size` bytes at `path` is one whose whole text is kept, budget aside.
pub fn is_kept_text(path: &str, size: u64) -> bool {
    text_cap(path).is_some_and(|cap| size <= cap)
}

/// ld.so.conf, ld.so.conf.d/[^/]+\.conf and ld-musl-[a-z0-9_]+\.path under /etc/.
fn is_loader_config(rest: &str) -> bool {
    if rest == "ld.so.conf" {
        return true;
    }
    if let Some(file) = rest.strip_prefix("ld.so.conf.d/") {
        return !file.contains('/') && file.len() > ".conf".len() && file.ends_with(".conf");
    }
    if let Some(arch) = rest.strip_prefix("ld-musl-").and_then(|r| r.strip_suffix(".path")) {
        return !arch.is_empty() && arch.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    }
    false
}

/// `…/node_modules/<name>/package.json` or `…/node_modules/@<scope>/<name>/package.json`: the
/// manifest of an installed package, not one of the nested ones some packages carry.
fn is_package_root_json(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/package.json") else { return false };
    let mut parts = dir.rsplit('/');
    let (Some(name), Some(parent)) = (parts.next(), parts.next()) else { return false };
    if name.is_empty() || name.starts_with('.') {
        return false;
    }
    if parent == "node_modules" {
        return !name.starts_with('@');
    }
    parent.len() > 1 && parent.starts_with('@') && parts.next() == Some("node_modules")
}

/// The texts one layer has kept, against its caps.
#[derive(Default)]
pub struct KeptText {
    texts: u32,
    bytes: u64,
}

impl KeptText {
    fn room(&self, size: u64) -> bool {
        self.texts < TEXTS_PER_LAYER && self.bytes + size <= TEXT_BYTES_PER_LAYER
    }

    /// Whether a file's whole text is read rather than its head.
    pub fn whole(&self, path: &str, size: u64) -> bool {
        is_kept_text(path, size) && self.room(size)
    }

    /// What is kept of a file that is not a binary candidate: `head` is its first bytes (all of
    /// them when `whole` said so and the body was complete); the text, a `#!` line's bytes, or
    /// nothing.
    pub fn keep(&mut self, whole: bool, head: Vec<u8>, size: u64) -> Option<Vec<u8>> {
        if whole && head.len() as u64 == size && self.room(size) {
            self.texts += 1;
            self.bytes += size;
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
    fn loader_configuration_files() {
        assert_eq!(text_cap("/etc/ld.so.conf"), Some(SMALL));
        assert_eq!(text_cap("/etc/ld.so.conf.d/libc.conf"), Some(SMALL));
        assert_eq!(text_cap("/etc/ld.so.conf.d/.conf"), None);
        assert_eq!(text_cap("/etc/ld.so.conf.d/a/b.conf"), None);
        assert_eq!(text_cap("/etc/ld-musl-aarch64.path"), Some(SMALL));
        assert_eq!(text_cap("/etc/ld-musl-AArch64.path"), None);
        assert_eq!(text_cap("/etc/passwd"), None);
        assert!(!is_kept_text("/etc/ld.so.conf", SMALL + 1));
    }

    #[test]
    fn package_databases() {
        assert_eq!(text_cap("/var/lib/dpkg/status"), Some(DATABASE));
        assert_eq!(text_cap("/var/lib/dpkg/status-old"), None);
        assert_eq!(text_cap("/var/lib/dpkg/info/libc6:amd64.list"), Some(FILE_LIST));
        assert_eq!(text_cap("/var/lib/dpkg/info/libc6.md5sums"), None);
        assert_eq!(text_cap("/var/lib/dpkg/info/.list"), None);
        assert_eq!(text_cap("/var/lib/dpkg/status.d/base-files"), Some(FILE_LIST));
        assert_eq!(text_cap("/var/lib/dpkg/status.d/base-files.md5sums"), Some(FILE_LIST));
        assert_eq!(text_cap("/var/lib/dpkg/status.d/a/b"), None);
        assert_eq!(text_cap("/lib/apk/db/installed"), Some(DATABASE));
        assert_eq!(text_cap("/lib/apk/db/scripts.tar"), None);
    }

    #[test]
    fn npm_package_roots_only() {
        assert_eq!(text_cap("/app/node_modules/rollup/package.json"), Some(PACKAGE_JSON));
        assert_eq!(text_cap("/app/node_modules/@rollup/rollup-linux-x64-gnu/package.json"), Some(PACKAGE_JSON));
        assert_eq!(text_cap("/app/node_modules/a/node_modules/b/package.json"), Some(PACKAGE_JSON));
        assert_eq!(text_cap("/app/node_modules/rollup/dist/package.json"), None);
        assert_eq!(text_cap("/app/node_modules/@scope/package.json"), None);
        assert_eq!(text_cap("/app/node_modules/.bin/package.json"), None);
        assert_eq!(text_cap("/app/package.json"), None);
        assert_eq!(text_cap("/node_modules/x/package.json"), Some(PACKAGE_JSON));
        assert_eq!(text_cap("/usr/local/include/node/node_version.h"), Some(SMALL));
    }

    #[test]
    fn texts_are_capped_per_layer_by_count_and_bytes() {
        let mut k = KeptText::default();
        for _ in 0..TEXTS_PER_LAYER {
            assert!(k.whole("/etc/ld.so.conf", 3));
            assert_eq!(k.keep(true, b"x\n\n".to_vec(), 3), Some(b"x\n\n".to_vec()));
        }
        assert!(!k.whole("/etc/ld.so.conf", 3));
        assert_eq!(k.keep(true, b"x\n\n".to_vec(), 3), None);
        let mut b = KeptText { texts: 0, bytes: TEXT_BYTES_PER_LAYER - 10 };
        assert!(b.whole("/etc/ld.so.conf", 10));
        assert!(!b.whole("/etc/ld.so.conf", 11));
        assert_eq!(b.keep(true, vec![b'x'; 10], 10), Some(vec![b'x'; 10]));
        assert!(!b.whole("/etc/ld.so.conf", 1));
    }

    #[test]
    fn shebangs_are_kept_short_and_cut_texts_are_not_kept_whole() {
        let mut k = KeptText::default();
        let long = [b"#!/".as_slice(), &[b'x'; 400]].concat();
        assert_eq!(k.keep(false, long.clone(), 403), Some(long[..SHEBANG_MAX + 1].to_vec()));
        // A text cut short (the body ended early) is not kept whole.
        assert_eq!(k.keep(true, b"#!ab".to_vec(), 10), Some(b"#!ab".to_vec()));
        assert_eq!(k.keep(false, b"plain".to_vec(), 5), None);
    }
}
