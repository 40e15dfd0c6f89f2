//! The layer walker's drivers agree with one another — chunks pushed in any sizes, a file range
//! read at offsets, a gzip range inflated, a command's output — and each reports how far it has
//! got, never going back and ending exactly at the range's length; failing walks say why, never
//! claim the end, and never panic.

mod support;

use std::fs::File;
use std::io::Write;

use elfscan_native::layer::command::walk_command;
use elfscan_native::layer::fail::WalkFail;
use elfscan_native::layer::file::{no_progress, walk_file, walk_gzip_file, walk_outer, MAX_WINDOW};
use elfscan_native::layer::push::PushScan;
use elfscan_native::layer::read::READ_CHUNK;
use elfscan_native::layer::record::{Extra, Record};
use elfscan_native::node::zlib::Gunzip;
use elfscan_native::tar::error::WalkError;
use support::tar::{archive, file};

/// `(name, body)` pairs as one archive of regular files.
fn tar(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    archive(&entries.iter().map(|(n, b)| file(n, b)).collect::<Vec<_>>())
}

/// Node's zlib, as the addon inflates (cargo test links the system libz in its place).
fn gunzip() -> Gunzip {
    Gunzip::new().unwrap()
}

fn summary(records: &[Record]) -> Vec<(String, u64, String)> {
    records
        .iter()
        .map(|r| {
            let extra = match &r.extra {
                Extra::None => "-".to_string(),
                Extra::Head(h) => format!("head {}", h.len()),
                Extra::BodyAt(at) => format!("at {at}"),
                Extra::Class(i) => format!("{:?}", i.classification).chars().take(40).collect(),
            };
            (r.entry.name.clone(), r.entry.size, extra)
        })
        .collect()
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
    let mut whole = PushScan::default();
    whole.push(&t).unwrap();
    let want = summary(&whole.finish().unwrap());
    for chunk in [1, 7, 512, 4096, 100_000] {
        let mut s = PushScan::default();
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
    assert_eq!(want[0].2, "head 18");
    assert_eq!(want[2].2, "head 33");
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

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("gzip").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    out.stdout
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
    let outer = walk_outer(&tmp.open(), 8, len, &seen.report()).unwrap();
    assert_eq!(outer.len(), 601);
    assert_progressed(&seen.values(), len);
}

#[test]
fn a_gzip_walk_reports_compressed_bytes_and_ends_at_the_length() {
    let t = many_files();
    let want = summary(&pushed_whole(&t));
    let gz = gzip(&t);
    assert!(gz.len() > 2 * READ_CHUNK, "compressed to {} bytes", gz.len());
    let mut file = b"pre".to_vec();
    file.extend(&gz);
    file.extend(b"after the range");
    let tmp = Temp::new("gzip", &file);
    let seen = Seen::new();
    let got = walk_gzip_file(&tmp.open(), 3, gz.len() as u64, gunzip(), &seen.report()).unwrap();
    assert_eq!(summary(&got), want);
    let seen = seen.values();
    assert_progressed(&seen, gz.len() as u64);
    assert_eq!(seen[0], READ_CHUNK as u64, "one report per read: {seen:?}");

    // A range that runs past the end of the file: the gzip data is whole, so the walk
    // succeeds without reading all of the range, and still ends at its length.
    let only = Temp::new("gzip-only", &gz);
    let seen = Seen::new();
    walk_gzip_file(&only.open(), 0, gz.len() as u64 + 1000, gunzip(), &seen.report()).unwrap();
    let seen = seen.values();
    assert_eq!(seen[seen.len() - 2], gz.len() as u64, "{seen:?}");
    assert_progressed(&seen, gz.len() as u64 + 1000);
}

#[test]
fn a_command_reading_the_input_file_reports_its_read_position_and_ends_at_the_size() {
    let t = many_files();
    let want = summary(&pushed_whole(&t));
    let tmp = Temp::new("command", &t);
    let seen = Seen::new();
    let input = tmp.open();
    // `cat` with no file argument reads its stdin: the input file.
    let got = walk_command(&["cat".to_string()], Some(&input), &|_| {}, &seen.report()).unwrap();
    assert_eq!(summary(&got), want);
    // The default 64 KiB pipe keeps cat close behind the reader: it cannot be done at the first read.
    assert_progressed(&seen.values(), t.len() as u64);

    // A command that stops reading before the end of its input (here: the tar, then 1 MiB the
    // command never reads): a success still ends at the file's size.
    let mut more = t.clone();
    more.extend(vec![7u8; 1 << 20]);
    let tmp = Temp::new("command-more", &more);
    let seen = Seen::new();
    let argv = ["head".to_string(), "-c".to_string(), t.len().to_string()];
    let got = walk_command(&argv, Some(&tmp.open()), &|_| {}, &seen.report()).unwrap();
    assert_eq!(summary(&got), want);
    let seen = seen.values();
    assert!(seen[seen.len() - 2] < more.len() as u64, "{seen:?}");
    assert_progressed(&seen, more.len() as u64);
}

#[test]
fn a_command_without_input_reads_dev_null_and_reports_nothing() {
    let tmp = Temp::new("argv", &tar(&[("a", b"hello".to_vec())]));
    let seen = Seen::new();
    let argv = ["cat".to_string(), tmp.0.to_string_lossy().into_owned()];
    let got = walk_command(&argv, None, &|_| {}, &seen.report()).unwrap();
    assert_eq!(summary(&got), vec![("/a".to_string(), 5, "-".to_string())]);
    assert_eq!(seen.values(), Vec::<u64>::new());
    // And stdin really is /dev/null: `cat` with no file gives no bytes, an empty archive.
    let e = walk_command(&["cat".to_string()], None, &|_| {}, &seen.report());
    assert!(e.is_ok() || matches!(e, Err(WalkFail::Tar(_))), "{e:?}");
    assert_eq!(seen.values(), Vec::<u64>::new());
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

    let gz = gzip(&t);
    let cut = Temp::new("gzcut", &gz[..gz.len() / 2]);
    let seen = Seen::new();
    let e = walk_gzip_file(&cut.open(), 0, gz.len() as u64, gunzip(), &seen.report()).unwrap_err();
    assert!(matches!(e, WalkFail::Gzip(ref m) if m == "gzip data is truncated"), "{e:?}");
    assert!(seen.values().iter().all(|&n| n <= gz.len() as u64 / 2), "{:?}", seen.values());

    // Not a tar: the walk stops the command; the counter never claims the end.
    let junk = Temp::new("junk", &noise(3 << 20, 5));
    let seen = Seen::new();
    let e = walk_command(&["cat".to_string()], Some(&junk.open()), &|_| {}, &seen.report()).unwrap_err();
    assert!(matches!(e, WalkFail::Tar(_)), "{e:?}");
    assert!(seen.values().iter().all(|&n| n < 3 << 20), "{:?}", seen.values());

    // A command that fails, and one that does not exist.
    let tmp = Temp::new("fails", &t);
    let seen = Seen::new();
    let argv = ["sh".to_string(), "-c".to_string(), "head -c 1000 >/dev/null; echo broken >&2; exit 3".to_string()];
    let e = walk_command(&argv, Some(&tmp.open()), &|_| {}, &seen.report()).unwrap_err();
    assert!(matches!(e, WalkFail::Decoder(ref said) if said == "broken\n"), "{e:?}");
    assert!(!seen.values().contains(&len), "{:?}", seen.values());
    let e = walk_command(&["elfscan-no-such-command".to_string()], Some(&tmp.open()), &|_| {}, &seen.report());
    assert!(matches!(e, Err(WalkFail::Io(_))), "{e:?}");
}

/// The records of `t` pushed whole: what every driver must agree with.
fn pushed_whole(t: &[u8]) -> Vec<Record> {
    let mut s = PushScan::default();
    s.push(t).unwrap();
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
        walk_file(&tmp.open(), 0, t.len() as u64, &no_progress).unwrap_err(),
        walk_outer(&tmp.open(), 0, t.len() as u64, &no_progress).unwrap_err(),
    ] {
        assert!(matches!(e, WalkFail::Tar(WalkError(ref m)) if m == "archive is truncated"), "{e:?}");
    }
}
