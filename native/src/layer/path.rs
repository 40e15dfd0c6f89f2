//! Entry names as the TypeScript side keys its file table: lexically normalized absolute paths,
//! the same rule as src/layers/layer-entries.ts normalizePath.

/// Lexically normalized absolute path, as layer-entries.ts normalizePath: "./usr//lib/" → "/usr/lib".
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
    fn paths_normalize_as_the_typescript_side_does() {
        assert_eq!(normalize_path("./usr//lib/"), "/usr/lib");
        assert_eq!(normalize_path("../../etc/x"), "/etc/x");
        assert_eq!(normalize_path("./"), "/");
        assert_eq!(normalize_path("a/./b/../c"), "/a/c");
    }
}
