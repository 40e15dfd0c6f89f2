//! A root filesystem directory read as a layer gives the records its tar gives: every fixture
//! binary classified (wanted ranges read at offsets, as from a tar read in place), scripts' `#!`
//! bytes, the loader's configuration text, symbolic links with their text, empty files — and the
//! host's libc.so.6, whose PT_INTERP string lies far past its head. Links are never followed.

mod support;

use std::path::Path;
use std::process::Command;

use elfscan_native::layer::dir::{list_dir, walk_dir};
use elfscan_native::layer::fail::WalkFail;
use elfscan_native::layer::file::{no_progress, walk_file};
use elfscan_native::layer::record::Extra;
use support::fixtures_dir;
use support::records::{summary, Row};

fn tree() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("elfscan-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for d in ["usr/bin", "usr/lib", "etc/ld.so.conf.d", "opt/empty"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    for arch in ["amd64", "arm64", "armhf", "i386"] {
        let from = fixtures_dir().join(arch);
        for f in std::fs::read_dir(&from).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), root.join("usr/lib").join(format!("{arch}-{}", f.file_name().to_string_lossy()))).unwrap();
        }
    }
    let libc = Path::new("/lib/x86_64-linux-gnu/libc.so.6");
    if libc.exists() {
        std::fs::copy(libc, root.join("usr/lib/libc.so.6")).unwrap();
    }
    std::fs::write(root.join("usr/bin/run"), "#!/bin/sh\nexec hello\n").unwrap();
    std::fs::write(root.join("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n").unwrap();
    std::fs::write(root.join("etc/ld.so.conf.d/opt.conf"), "/opt/lib\n").unwrap();
    std::fs::write(root.join("usr/lib/empty"), "").unwrap();
    std::os::unix::fs::symlink("amd64-libhello.so", root.join("usr/lib/libhello.so.1")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("opt/outside")).unwrap();
    root
}

#[test]
fn a_directory_gives_the_records_of_its_tar() {
    let root = tree();
    let (entries, total) = list_dir(&root).unwrap();
    let seen = std::cell::RefCell::new(Vec::new());
    let got = walk_dir(entries, &|n| seen.borrow_mut().push(n)).unwrap();
    let seen = seen.into_inner();
    assert_eq!(seen.last().copied(), Some(total));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");

    let tar = root.with_extension("tar");
    let ok = Command::new("tar").arg("-C").arg(&root).args(["--sort=name", "-cf"]).arg(&tar).arg(".").status().unwrap();
    assert!(ok.success());
    let f = std::fs::File::open(&tar).unwrap();
    let want = walk_file(&f, 0, f.metadata().unwrap().len(), &no_progress).unwrap();
    // tar keeps the directories' own modes; a directory walk calls them 0755, as a layer's are.
    let fix = |mut s: Vec<Row>| {
        s.retain(|e| e.0 != "/");
        s.sort();
        for e in &mut s {
            if e.1 == "Directory" {
                e.3 = 0o755;
            }
        }
        s
    };
    assert_eq!(fix(summary(&got)), fix(summary(&want)));
    let names: Vec<String> = got.iter().map(|r| r.entry.name.clone()).collect();
    assert!(names.contains(&"/opt/outside".to_string()) && !names.iter().any(|n| n.starts_with("/opt/outside/")));
    if let Some(libc) = got.iter().find(|r| r.entry.name == "/usr/lib/libc.so.6") {
        let Extra::Class(i) = &libc.extra else { panic!("libc.so.6 not classified: {:?}", libc.extra) };
        assert!(format!("{:?}", i.classification).contains("ld-linux-x86-64.so.2"), "{:?}", i.classification);
    }
    std::fs::remove_dir_all(&root).ok();
    std::fs::remove_file(&tar).ok();
}

#[test]
fn an_unreadable_directory_names_the_path() {
    let e = list_dir(Path::new("/nonexistent/elfscan")).map(|_| ()).unwrap_err();
    assert!(matches!(e, WalkFail::Io(ref m) if m.starts_with("/nonexistent/elfscan: ")), "{e:?}");
}
