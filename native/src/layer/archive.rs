//! Which entries of an image archive (docker save in both formats, oci-archive) matter, and what
//! each is — a small JSON document, a layer, or neither — decided by its path and its first
//! bytes, the same way whether the archive streams past (outer.rs `OuterPush`) or is read at
//! offsets (file.rs `walk_outer`). Paths are archive paths: normalized, without the leading "/".

use super::decode::{compression_of, Compression};
use super::path::normalize_path;

/// Bytes of an entry looked at to decide what it is.
pub const SNIFF: u64 = 512;
/// Files at or under this size can be documents; anything bigger is never kept whole.
pub const DOCUMENT_MAX: u64 = 16 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Not looked at, or neither of the others.
    Other = 0,
    Document = 1,
    Layer = 2,
}

/// "./a//b" → "a/b": how manifests name entries.
pub fn archive_path(name: &str) -> String {
    normalize_path(name)[1..].to_string()
}

/// "blobs/<alg>/<hex>": an OCI blob, named by its digest.
fn is_blob(p: &str) -> bool {
    let mut parts = p.split('/');
    let (Some("blobs"), Some(alg), Some(hex), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let alg_ok = !alg.is_empty() && alg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    alg_ok && !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A top-level name `<something>` + `suffix`.
fn top_level_with(p: &str, suffix: &str) -> bool {
    !p.contains('/') && p.len() > suffix.len() && p.ends_with(suffix)
}

/// Where image archives keep layers: OCI blobs, legacy "<id>/layer.tar", skopeo's "<hex>.tar".
pub fn is_layer_path(p: &str) -> bool {
    is_blob(p)
        || p.split_once('/').is_some_and(|(id, rest)| !id.is_empty() && rest == "layer.tar")
        || [".tar", ".tar.gz", ".tar.zst"].iter().any(|s| top_level_with(p, s))
}

/// Small top-level files that describe the archive, and blobs (manifests, configs, indexes).
pub fn is_document_path(p: &str) -> bool {
    top_level_with(p, ".json") || p == "oci-layout" || p == "repositories" || is_blob(p)
}

/// Whether an entry's first bytes matter at all: only these paths can be documents or layers.
pub fn may_matter(p: &str) -> bool {
    is_layer_path(p) || is_document_path(p)
}

/// `head`: the entry's first SNIFF bytes (fewer only when it is shorter).
pub fn kind(path: &str, size: u64, head: &[u8]) -> Kind {
    let first = head.iter().copied().find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'));
    // '{', '[' or 'null' (Docker 25 may write index.json as null).
    if is_document_path(path) && size <= DOCUMENT_MAX && matches!(first, Some(b'{' | b'[' | b'n')) {
        return Kind::Document;
    }
    if is_layer_path(path) && looks_like_layer(head) {
        return Kind::Layer;
    }
    Kind::Other
}

/// gzip, zstd, a tar header, or an empty tar (just its end blocks).
fn looks_like_layer(head: &[u8]) -> bool {
    (head.len() >= 4 && compression_of(head) != Compression::None)
        || (head.len() >= 262 && &head[257..262] == b"ustar")
        || (head.len() >= SNIFF as usize && head.iter().all(|&b| b == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_can_be_layers_or_documents() {
        let hex = "a".repeat(64);
        for p in [format!("blobs/sha256/{hex}"), "abc/layer.tar".into(), "x.tar".into(), "x.tar.gz".into(), "x.tar.zst".into()] {
            assert!(is_layer_path(&p), "{p}");
        }
        for p in ["a/b/layer.tar", "/layer.tar", ".tar", "d/x.tar", "blobs/sha256/XYZ", "blobs/sha256/a/b", "layer.tgz"] {
            assert!(!is_layer_path(p), "{p}");
        }
        for p in ["manifest.json", "index.json", "oci-layout", "repositories", &format!("blobs/sha512/{hex}")] {
            assert!(is_document_path(p), "{p}");
        }
        for p in [".json", "a/manifest.json", "oci-layout/x", "blobs/sha256/"] {
            assert!(!is_document_path(p), "{p}");
        }
        assert_eq!(archive_path("./blobs//sha256/../sha256/ab"), "blobs/sha256/ab");
    }

    #[test]
    fn what_an_entry_is_by_its_first_bytes() {
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        let blob = format!("blobs/sha256/{}", "b".repeat(64));
        assert_eq!(kind("manifest.json", 10, b"  \n[{}]"), Kind::Document);
        assert_eq!(kind("index.json", 4, b"null"), Kind::Document);
        assert_eq!(kind(&blob, 2, b"{}"), Kind::Document);
        assert_eq!(kind("manifest.json", DOCUMENT_MAX + 1, b"[]"), Kind::Other);
        assert_eq!(kind(&blob, 1000, &tar), Kind::Layer);
        assert_eq!(kind(&blob, 1000, &[0x1f, 0x8b, 8, 0]), Kind::Layer);
        assert_eq!(kind(&blob, 1000, &[0x5a, 0x2a, 0x4d, 0x18]), Kind::Layer);
        assert_eq!(kind("abc/layer.tar", 1024, &[0u8; 512]), Kind::Layer);
        assert_eq!(kind("abc/layer.tar", 100, &[0u8; 100]), Kind::Other);
        assert_eq!(kind("abc/layer.tar", 2, &[0x1f, 0x8b]), Kind::Other);
        assert_eq!(kind("abc/layer.tar", 5000, &[b'x'; 512]), Kind::Other);
        assert_eq!(kind("config.yaml", 2, b"{}"), Kind::Other);
    }
}
