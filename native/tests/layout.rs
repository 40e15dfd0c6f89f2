//! The layout of native/src as docs/native.md states it, checked on the source text: no module
//! imports another that imports it back (file by file, test code included), the top-level
//! subtrees depend on one another one way only (node/ on layer/, layer/ never on node/), every
//! file opens with a sentence on why it exists and stays under 400 lines, and `unsafe` lives
//! only where lib.rs allows it — counted, against the number the documentation gives.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;
/// The only files with `unsafe` code: the Node-API wrapper, Node's zlib, libzstd and libcrypto, one fcntl, one malloc_trim, the entry point.
const UNSAFE_FILES: [&str; 11] = [
    "node/env/mod.rs",
    "node/env/create.rs",
    "node/env/read.rs",
    "node/env/external.rs",
    "node/env/work.rs",
    "node/zlib.rs",
    "node/zstd.rs",
    "node/sha.rs",
    "node/pipe.rs",
    "node/memory.rs",
    "node/mod.rs",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// "formats/elf/mod.rs" → ["formats", "elf"]; "lib.rs" → [].
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.trim_end_matches(".rs").split('/').map(String::from).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The code with comments and string contents blanked out (so that neither is read as a path).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = text[i..].find("*/").map_or(b.len(), |n| i + n + 2);
            i = end;
        } else if b[i] == b'"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push('"');
            i += 1;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Every path in `code` that starts with `crate`, `super`, `self` or a lower-case identifier and
/// has at least one `::`, brace groups expanded: `a::{b, c::d}` → `a::b`, `a::c::d`.
fn paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = is_ident(b[i]) && (i == 0 || !(is_ident(b[i - 1]) || b[i - 1] == b':'));
        if starts && b[i].is_ascii_lowercase() {
            let (prefix, end) = segments(b, i);
            if prefix.len() > 1 || b[end..].starts_with(b"::{") {
                if b[end..].starts_with(b"::{") {
                    expand(b, end + 3, &prefix, &mut |p| out.push((i, p)));
                } else {
                    out.push((i, prefix));
                }
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// `a::b::c` from `at`: its segments and where it ends.
fn segments(b: &[u8], mut at: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    loop {
        let start = at;
        while at < b.len() && is_ident(b[at]) {
            at += 1;
        }
        segs.push(String::from_utf8_lossy(&b[start..at]).into_owned());
        if b[at..].starts_with(b"::") && at + 2 < b.len() && is_ident(b[at + 2]) {
            at += 2;
        } else {
            return (segs, at);
        }
    }
}

/// The items of a brace group opened just before `at`, each with `prefix` in front.
fn expand(b: &[u8], mut at: usize, prefix: &[String], emit: &mut dyn FnMut(Vec<String>)) -> usize {
    loop {
        while at < b.len() && (b[at].is_ascii_whitespace() || b[at] == b',') {
            at += 1;
        }
        if at >= b.len() || b[at] == b'}' {
            return at + 1;
        }
        if !is_ident(b[at]) {
            at += 1;
            continue;
        }
        let (segs, end) = segments(b, at);
        let full: Vec<String> = prefix.iter().cloned().chain(segs).collect();
        if b[end..].starts_with(b"::{") {
            at = expand(b, end + 3, &full, emit);
        } else {
            emit(full);
            at = end;
            // `x as y`, `*`: skip to the next item.
            while at < b.len() && b[at] != b',' && b[at] != b'}' {
                at += 1;
            }
        }
    }
}

struct Edge {
    to: Vec<String>,
    test: bool,
}

/// What each module imports: resolved against the known modules (longest prefix wins).
fn graph(files: &BTreeMap<Vec<String>, String>) -> BTreeMap<Vec<String>, Vec<Edge>> {
    let mut g = BTreeMap::new();
    for (m, text) in files {
        let code = code_only(text);
        // The crate's convention: a file's inline test module comes last.
        let tests_at = code.find("#[cfg(test)]\nmod ").or_else(|| code.find("mod tests {")).unwrap_or(code.len());
        let mut edges = Vec::new();
        for (at, p) in paths(&code) {
            let test = at >= tests_at;
            // Inside the inline test module, `super` is the file's own module.
            let mut base: Vec<String> = m.clone();
            if test {
                base.push("tests".into());
            }
            let abs: Vec<String> = match p[0].as_str() {
                "crate" => p[1..].to_vec(),
                "self" => base.iter().chain(&p[1..]).cloned().collect(),
                "super" => {
                    let ups = p.iter().take_while(|s| *s == "super").count();
                    let keep = base.len().saturating_sub(ups);
                    base[..keep].iter().chain(&p[ups..]).cloned().collect()
                }
                child => {
                    let mut c = m.clone();
                    c.push(child.to_string());
                    if !files.contains_key(&c) {
                        continue;
                    }
                    m.iter().chain(&p).cloned().collect()
                }
            };
            let to = (0..=abs.len()).rev().map(|n| abs[..n].to_vec()).find(|c| files.contains_key(c)).unwrap();
            if &to != m {
                edges.push(Edge { to, test });
            }
        }
        g.insert(m.clone(), edges);
    }
    g
}

/// A cycle in `g`, if there is one, as the modules along it.
fn cycle<N: Ord + Clone>(g: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        n: &N,
        g: &BTreeMap<N, BTreeSet<N>>,
        state: &mut BTreeMap<N, u8>,
        stack: &mut Vec<N>,
    ) -> Option<Vec<N>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|s| s == n).unwrap_or(0);
                return Some(stack[from..].to_vec());
            }
            _ => {}
        }
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for next in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, g, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if let Some(c) = visit(n, g, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn sources() -> (BTreeMap<Vec<String>, String>, BTreeMap<Vec<String>, String>) {
    let src = root().join("src");
    let mut list = Vec::new();
    rust_files(&src, &mut list);
    let mut by_module = BTreeMap::new();
    let mut by_file = BTreeMap::new();
    for p in list {
        let rel = p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&p).unwrap();
        by_module.insert(module_of(&rel), text.clone());
        by_file.insert(vec![rel], text);
    }
    (by_module, by_file)
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let (files, _) = sources();
    let g = graph(&files);
    assert!(g[&vec!["classify".to_string()]].iter().any(|e| e.to == ["formats", "elf"]), "the reader sees imports");
    let all: BTreeMap<_, BTreeSet<_>> =
        g.iter().map(|(m, es)| (m.clone(), es.iter().map(|e| e.to.clone()).collect())).collect();
    if let Some(c) = cycle(&all) {
        panic!("import cycle: {}", c.iter().map(|m| name(m)).collect::<Vec<_>>().join(" → "));
    }
}

#[test]
fn the_subtrees_depend_on_one_another_one_way() {
    let (files, _) = sources();
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, edges) in graph(&files) {
        // lib.rs is the table of contents; test code may use the real inflater of node/.
        let Some(from) = m.first() else { continue };
        for e in edges.iter().filter(|e| !e.test) {
            let Some(to) = e.to.first() else { panic!("{} imports from the crate root", name(&m)) };
            if to != from {
                top.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    assert!(top["node"].contains("layer") && !top.get("layer").is_some_and(|t| t.contains("node")), "{top:?}");
    if let Some(c) = cycle(&top) {
        panic!("the subtrees depend on one another in a circle: {}", c.join(" → "));
    }
}

#[test]
fn every_file_opens_with_why_it_exists_and_stays_small() {
    let mut list = Vec::new();
    rust_files(&root().join("src"), &mut list);
    rust_files(&root().join("tests"), &mut list);
    for p in list {
        let text = std::fs::read_to_string(&p).unwrap();
        let first = text.lines().next().unwrap_or("");
        assert!(first.starts_with("//!") && first.len() > 20, "{} does not open with a sentence", p.display());
        let n = text.lines().count();
        assert!(n <= MAX_LINES, "{} has {n} lines (at most {MAX_LINES})", p.display());
    }
}

#[test]
fn unsafe_code_lives_only_in_node_and_every_other_subtree_forbids_it() {
    let (_, files) = sources();
    let mut blocks = 0;
    for (rel, text) in &files {
        let rel = &rel[0];
        let code = code_only(text);
        // Function pointer types (`unsafe extern "C" fn(…)`, a callback's type) are not unsafe code.
        let code = code.replace("unsafe extern \"\" fn(", "");
        let has_unsafe = code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == "unsafe");
        let allowed = UNSAFE_FILES.contains(&rel.as_str());
        assert!(!has_unsafe || allowed, "{rel} has unsafe code");
        if rel.starts_with("node/") && !allowed {
            assert!(text.contains("#![forbid(unsafe_code)]"), "{rel} does not forbid unsafe code");
        }
        blocks += code.matches("unsafe {").count();
        // Every block says why it is sound.
        let safety = text.matches("// Safety:").count();
        assert!(safety >= code.matches("unsafe {").count(), "{rel}: an unsafe block without a Safety line");
    }
    // lib.rs forbids it on every subtree but node/.
    let lib = &files[&vec!["lib.rs".to_string()]];
    for (i, line) in lib.lines().enumerate() {
        let t = line.trim_start();
        if (t.starts_with("pub mod ") || t.starts_with("mod ")) && !t.starts_with("pub mod node;") {
            let before: Vec<&str> = lib.lines().take(i).collect();
            let attrs: Vec<&&str> = before.iter().rev().take_while(|l| l.trim_start().starts_with("#[")).collect();
            assert!(
                attrs.iter().any(|a| a.contains("#[forbid(unsafe_code)]")),
                "lib.rs: {t} is not forbidden unsafe code"
            );
        }
    }
    let doc = std::fs::read_to_string(root().join("../docs/native.md")).unwrap();
    let said = doc
        .split("unsafe` blocks")
        .next()
        .and_then(|before| before.rsplit(|c: char| !c.is_ascii_digit()).find(|w| !w.is_empty()))
        .and_then(|n| n.parse::<usize>().ok());
    assert_eq!(said, Some(blocks), "docs/native.md must say \"{blocks} `unsafe` blocks\"");
}
