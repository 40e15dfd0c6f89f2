//! Which files' whole text a layer scan keeps for the rules, and how much of it at most
//! (src/layers/kept-text.ts is the TypeScript twin; the two must answer alike). The rules read
//! the loader's configuration (ld.so.conf, ld-musl-*.path), what the loader model needs to judge
//! a file as its loader would — npm package roots' package.json, Node's node_version.h, the dpkg
//! and apk databases — and nothing else. Every kept text is a file of the layer under a per-kind
//! size cap, and a layer keeps at most TEXTS_PER_LAYER of them and TEXT_BYTES_PER_LAYER in all, so
//! memory stays bounded by the number of paths. Bytes only: parsing is left to the rules, which
//! do it lazily, when a file needs it.
#![forbid(unsafe_code)]

/// Loader configuration, node_version.h: a few KiB in practice.
const SMALL: u64 = 16 * 1024;
/// An npm package.json; larger ones (date-fns' export maps) are left unknown.
const PACKAGE_JSON: u64 = 64 * 1024;
/// One package's file list (dpkg info/*.list, distroless status.d/*): texlive's are ~3 MiB.
const FILE_LIST: u64 = 4 << 20;
/// A whole package database (dpkg status, apk installed): a desktop system's is ~5 MiB.
const DATABASE: u64 = 32 << 20;
pub const TEXTS_PER_LAYER: u32 = 1 << 16;
pub const TEXT_BYTES_PER_LAYER: u64 = 128 << 20;

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

/// A layer's running count of kept texts.
#[derive(Default)]
pub struct TextBudget {
    count: u32,
    bytes: u64,
}

impl TextBudget {
    /// Whether a file of `size` bytes at `path` is kept whole (the budget permitting).
    pub fn wants(&self, path: &str, size: u64) -> bool {
        match text_cap(path) {
            Some(cap) => size <= cap && self.count < TEXTS_PER_LAYER && self.bytes + size <= TEXT_BYTES_PER_LAYER,
            None => false,
        }
    }

    pub fn spend(&mut self, size: u64) {
        self.count += 1;
        self.bytes += size;
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
    fn the_budget_caps_count_and_bytes() {
        let mut b = TextBudget::default();
        assert!(b.wants("/etc/ld.so.conf", SMALL));
        assert!(!b.wants("/etc/ld.so.conf", SMALL + 1));
        b.spend(TEXT_BYTES_PER_LAYER - 10);
        assert!(b.wants("/etc/ld.so.conf", 10));
        assert!(!b.wants("/etc/ld.so.conf", 11));
        let mut c = TextBudget { count: TEXTS_PER_LAYER - 1, bytes: 0 };
        assert!(c.wants("/etc/ld.so.conf", 1));
        c.spend(1);
        assert!(!c.wants("/etc/ld.so.conf", 1));
    }
}
