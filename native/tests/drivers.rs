//! The layer walker's drivers agree with one another — chunks pushed in any sizes, a file range
//! read at offsets, a gzip or zstd range decoded as it is read — and each reports how far it has
//! got, never going back and ending exactly at the range's length; failing walks say why, never
//! claim the end, and never panic.

mod support;

use std::fs::File;
use std::io::Write;

use elfscan_native::layer::fail::WalkFail;
use elfscan_native::layer::file::{no_progress, walk_file, walk_layer_file, walk_outer, MAX_WINDOW};
use elfscan_native::layer::push::{LayerPush, PlainPush};
use elfscan_native::layer::read::READ_CHUNK;
use elfscan_native::layer::record::Record;
use elfscan_native::layer::unpack::PlainSink;
use elfscan_native::node::codecs::decoders;
use elfscan_native::tar::error::WalkError;
use support::records::{compress, summary};
use support::tar::{archive, file};

/// `(name, body)` pairs as one archive of regular files.
fn tar(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    archive(&entries.iter().map(|(n, b)| file(n, b)).collect::<Vec<_>>())
}

#[test]
fn pushing_in_any_chunks_and_walking_a_file_give_the_same_records() {
    let mut big = b"\x7fELF".to_vec();
    big.resize(300_000, 7);
    let t = tar(&[
        ("a.sh", b"#!/bin/sh\necho hi\n".to_vec()),
        ("big.bin", vec![1u8; 400_000]),
        ("etc/ld.so.conf", b"include /etc/ld.so.conf.d/*.conf\n".to_vec()),
        ("bad.elf", big),
        ("empty", Vec::new()),
    ]);
    let mut whole = PlainPush::default();
    whole.push(&t).unwrap();
    let want = summary(&whole.finish().unwrap());
    for chunk in [1, 7, 512, 4096, 100_000] {
        let mut s = PlainPush::default();
        for c in t.chunks(chunk) {
            s.push(c).unwrap();
        }
        assert_eq!(summary(&s.finish().unwrap()), want, "chunks of {chunk}");
    }
    let dir = std::env::temp_dir().join(format!("elfscan-walk-{}", std::process::id()));
    let mut f = File::create(&dir).unwrap();
    f.write_all(b"prefix--").unwrap();
    f.write_all(&t).unwrap();
    drop(f);
    let f = File::open(&dir).unwrap();
    let got = walk_file(&f, 8, t.len() as u64, &no_progress).unwrap();
    std::fs::remove_file(&dir).ok();
    assert_eq!(summary(&got), want);
    assert_eq!(want[0].5, "head #!/bin/sh\necho hi\n");
    assert_eq!(want[2].5, "text include /etc/ld.so.conf.d/*.conf\n");
}

/// A temp file holding `bytes`, removed when dropped.
struct Temp(std::path::PathBuf);

impl Temp {
    fn new(tag: &str, bytes: &[u8]) -> Temp {
        let path = std::env::temp_dir().join(format!("elfscan-progress-{tag}-{}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        Temp(path)
    }
    fn open(&self) -> File {
        File::open(&self.0).unwrap()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        std::fs::remove_file(&self.0).ok();
    }
}

/// Every value a walk reports, in order.
struct Seen(std::cell::RefCell<Vec<u64>>);

impl Seen {
    fn new() -> Seen {
        Seen(std::cell::RefCell::new(Vec::new()))
    }
    fn report(&self) -> impl Fn(u64) + '_ {
        |n| self.0.borrow_mut().push(n)
    }
    fn values(&self) -> Vec<u64> {
        self.0.borrow().clone()
    }
}

/// Never goes back, ends at `end`, and was seen somewhere strictly between 0 and `end`.
fn assert_progressed(seen: &[u64], end: u64) {
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "went back: {seen:?}");
    assert_eq!(seen.last().copied(), Some(end), "{seen:?}");
    assert!(seen.iter().any(|&n| n > 0 && n < end), "no value between 0 and {end}: {seen:?}");
}

/// Bytes gzip cannot shrink, so that the compressed layer spans several reads.
fn noise(n: usize, mut x: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Many small files (their headers and bodies over several MAX_WINDOW reads), a large body
/// between them that the walk skips, and more small files after it.
fn many_files() -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>)> =
        (0..600).map(|i| (format!("small/{i}"), noise(300 + i % 700, i as u64 + 1))).collect();
    entries.insert(300, ("big.bin".into(), noise(2_000_000, 99)));
    let refs: Vec<(&str, Vec<u8>)> = entries.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let t = tar(&refs);
    assert!(t.len() > 4 * MAX_WINDOW);
    t
}

#[test]
fn a_file_walk_reports_its_position_and_ends_at_the_length() {
    let t = many_files();
    let want = summary(&pushed_whole(&t));
    // Eight bytes before the range, and zero padding after its end blocks that is still in it,
    // more than one window of it, so that the walk stops short of the range's end.
    let pad = 2 * MAX_WINDOW;
    let mut file = b"prefix--".to_vec();
    file.extend(&t);
    file.extend(vec![0u8; pad]);
    let tmp = Temp::new("plain", &file);
    let len = (t.len() + pad) as u64;
    let seen = Seen::new();
    let got = walk_file(&tmp.open(), 8, len, &seen.report()).unwrap();
    assert_eq!(summary(&got), want);
    let seen = seen.values();
    assert_progressed(&seen, len);
    // Windows of at most MAX_WINDOW, and one skip of the big body: many reports.
    assert!(seen.len() > t.len() / MAX_WINDOW, "{} reports", seen.len());
    // The walk stopped at the end blocks, before the padding: only the final report says `len`.
    assert!(seen[seen.len() - 2] < len - MAX_WINDOW as u64, "{seen:?}");

    let seen = Seen::new();
    let outer = walk_outer(&tmp.open(), 8, len, &seen.report()).unwrap().unwrap();
    assert_eq!(outer.len(), 601);
    assert_progressed(&seen.values(), len);
}

#[test]
fn a_compressed_walk_reports_stored_bytes_and_ends_at_the_length() {
    let t = many_files();
    let want = summary(&pushed_whole(&t));
    for tool in ["gzip", "zstd"] {
        let z = compress(tool, &t);
        assert!(z.len() > 2 * READ_CHUNK, "{tool}: compressed to {} bytes", z.len());
        let mut file = b"pre".to_vec();
        file.extend(&z);
        file.extend(b"after the range");
        let tmp = Temp::new(tool, &file);
        let seen = Seen::new();
        let got = walk_layer_file(&tmp.open(), 3, z.len() as u64, decoders, &seen.report()).unwrap();
        assert_eq!(summary(&got), want, "{tool}");
        let seen = seen.values();
        assert_progressed(&seen, z.len() as u64);
        assert_eq!(seen[0], READ_CHUNK as u64, "{tool}: one report per read: {seen:?}");

        // A range that runs past the end of the file: the data is whole, so the walk succeeds
        // without reading all of the range, and still ends at its length.
        let only = Temp::new(&format!("{tool}-only"), &z);
        let seen = Seen::new();
        walk_layer_file(&only.open(), 0, z.len() as u64 + 1000, decoders, &seen.report()).unwrap();
        let seen = seen.values();
        assert_eq!(seen[seen.len() - 2], z.len() as u64, "{tool}: {seen:?}");
        assert_progressed(&seen, z.len() as u64 + 1000);

        // Pushed in chunks, the same records.
        for chunk in [1000, 65536] {
            let mut p = LayerPush::new(decoders);
            for c in z.chunks(chunk) {
                p.push(c).unwrap();
            }
            assert_eq!(summary(&p.finish().unwrap()), want, "{tool} pushed in chunks of {chunk}");
        }
    }
}

#[test]
fn a_plain_range_is_walked_at_offsets_whatever_the_driver() {
    // walk_layer_file sniffs the range and walks a plain one at offsets: it skips the big body.
    let t = many_files();
    let tmp = Temp::new("sniffed", &t);
    let seen = Seen::new();
    let got = walk_layer_file(&tmp.open(), 0, t.len() as u64, decoders, &seen.report()).unwrap();
    assert_eq!(summary(&got), summary(&pushed_whole(&t)));
    assert!(seen.values().windows(2).any(|w| w[1] - w[0] >= 1_000_000), "no skip: {:?}", seen.values());
}

#[test]
fn failing_walks_report_short_of_the_end_and_do_not_panic() {
    let t = many_files();
    let len = t.len() as u64;
    let cut = Temp::new("cut", &t[..100_000]);
    let seen = Seen::new();
    let e = walk_file(&cut.open(), 0, len, &seen.report()).unwrap_err();
    assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
    assert!(seen.values().iter().all(|&n| n <= 100_000), "{:?}", seen.values());

    for (tool, sentence) in [("gzip", "gzip data is truncated"), ("zstd", "zstd data is truncated")] {
        let z = compress(tool, &t);
        let cut = Temp::new(&format!("{tool}cut"), &z[..z.len() / 2]);
        let seen = Seen::new();
        let e = walk_layer_file(&cut.open(), 0, z.len() as u64, decoders, &seen.report()).unwrap_err();
        assert_eq!(e, WalkFail::Data(sentence.into()), "{tool}");
        assert!(seen.values().iter().all(|&n| n <= z.len() as u64 / 2), "{:?}", seen.values());
    }

    // Not a tar, behind a valid zstd frame: the walk says so, and the counter never claims the end.
    let junk = compress("zstd", &noise(3 << 20, 5));
    let tmp = Temp::new("junk", &junk);
    let seen = Seen::new();
    let e = walk_layer_file(&tmp.open(), 0, junk.len() as u64, decoders, &seen.report()).unwrap_err();
    assert!(matches!(e, WalkFail::Tar(_)), "{e:?}");
    assert!(!seen.values().contains(&(junk.len() as u64)), "{:?}", seen.values());
}

/// The records of `t` pushed whole: what every driver must agree with.
fn pushed_whole(t: &[u8]) -> Vec<Record> {
    let mut s = PlainPush::default();
    PlainSink::push(&mut s, t).unwrap();
    s.finish().unwrap()
}

#[test]
fn a_truncated_layer_says_so_from_a_file_too() {
    let t = tar(&[("a", vec![1u8; 2000])]);
    let dir = std::env::temp_dir().join(format!("elfscan-walk-t-{}", std::process::id()));
    std::fs::write(&dir, &t[..1000]).unwrap();
    let f = File::open(&dir).unwrap();
    let e = walk_file(&f, 0, t.len() as u64, &no_progress).unwrap_err();
    std::fs::remove_file(&dir).ok();
    assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
}

#[test]
fn a_file_cut_inside_a_skipped_body_is_truncated_not_a_shorter_layer() {
    // The cut falls inside "big", which the walk skips without reading: it lands between
    // entries with nothing left to read, and "after" must not silently go missing.
    let t = tar(&[("a", b"x".to_vec()), ("big", vec![0u8; 3_000_000]), ("after", b"y".to_vec())]);
    let tmp = Temp::new("cut", &t[..100_000]);
    for e in [
        walk_file(&tmp.open(), 0, t.len() as u64, &no_progress).map(|_| ()).unwrap_err(),
        walk_outer(&tmp.open(), 0, t.len() as u64, &no_progress).map(|_| ()).unwrap_err(),
    ] {
        assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
    }
}
