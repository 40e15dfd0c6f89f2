//! Real, full-size system binaries when the machine has them (Debian's own and its cross
//! libraries). Skipped, with a note, where a path is missing. These are the files whose
//! PT_INTERP lies far past the head (glibc's libc.so.6 puts it inside .rodata).

mod support;

use elfscan_native::{Classification, Kind};
use support::{classify_with_more, HEAD};

fn check(path: &str, platform: &str, kind: Kind, interpreter: Option<&str>) {
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("skipped: {path} is not on this machine");
        return;
    };
    let (c, asked) = classify_with_more(&bytes, HEAD);
    let Classification::Binary(f) = c else { panic!("{path}: {c}") };
    assert_eq!((f.platform.as_str(), f.kind, f.interpreter.as_deref()), (platform, kind, interpreter), "{path}");
    eprintln!("{path}: {} after asking for {asked:?}", f.platform);
}

#[test]
fn debian_x86_64_binaries() {
    check("/usr/bin/ls", "linux/amd64", Kind::Executable, Some("/lib64/ld-linux-x86-64.so.2"));
    check("/usr/lib/x86_64-linux-gnu/libc.so.6", "linux/amd64", Kind::Executable, Some("/lib64/ld-linux-x86-64.so.2"));
    check("/usr/lib/x86_64-linux-gnu/libm.so.6", "linux/amd64", Kind::SharedLibrary, None);
}

#[test]
fn debian_cross_libraries() {
    check("/usr/aarch64-linux-gnu/lib/libc.so.6", "linux/arm64", Kind::Executable, Some("/lib/ld-linux-aarch64.so.1"));
    check("/usr/aarch64-linux-gnu/lib/libm.so.6", "linux/arm64", Kind::SharedLibrary, None);
    check("/usr/arm-linux-gnueabihf/lib/libm.so.6", "linux/arm/v7", Kind::SharedLibrary, None);
    check("/usr/arm-linux-gnueabi/lib/libm.so.6", "linux/arm/v5", Kind::SharedLibrary, None);
    check("/usr/s390x-linux-gnu/lib/libm.so.6", "linux/s390x", Kind::SharedLibrary, None);
    check("/usr/powerpc64-linux-gnu/lib/libm.so.6", "linux/ppc64", Kind::SharedLibrary, None);
}
