//! The Rust side of bench/native-classify.mjs: what classify() costs without Node-API, so the
//! two numbers together say where a call's time goes. Run by hand:
//!
//!     cargo run --release --example parse_cost

use std::hint::black_box;
use std::time::Instant;

use elfscan_native::classify;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/binaries");
    for (name, file, head) in [
        ("ELF executable (amd64/hello)", "amd64/hello", 4096),
        ("fat Mach-O, 2 slices (macho/fat)", "macho/fat", 4096),
        ("Java class (not-binary)", "java/Hello.class", 4096),
        ("64-byte head -> need-more", "amd64/hello", 64),
    ] {
        let bytes = std::fs::read(dir.join(file)).expect("fixture");
        let h = &bytes[..head.min(bytes.len())];
        let n = 1_000_000u32;
        let t = Instant::now();
        for _ in 0..n {
            black_box(classify(black_box(h), bytes.len() as u64));
        }
        println!("{name:<36} {:>6.0} ns/call", t.elapsed().as_nanos() as f64 / f64::from(n));
    }
}
