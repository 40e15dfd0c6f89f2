//! Entry names as the file table keys them: lexically normalized absolute paths. The one rule,
//! for tar names here and for the paths manifests name (src/native.ts normalizePath calls it).

/// Lexically normalized absolute path: "./usr//lib/" → "/usr/lib"; ".." clamps at "/".
pub fn normalize_path(name: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    let mut s = String::with_capacity(name.len() + 1);
    for p in &out {
        s.push('/');
        s.push_str(p);
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}

/// The last component: where whiteout markers (`.wh.`) are recognized.
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(normalize_path("./usr//lib/"), "/usr/lib");
        assert_eq!(normalize_path("../../etc/x"), "/etc/x");
        assert_eq!(normalize_path("./"), "/");
        assert_eq!(normalize_path("a/./b/../c"), "/a/c");
    }
}
