//! The tar walker's own contract, apart from what any one archive says: where bodies start, what
//! may be skipped and when, how positions count, that a failure sticks, that end() may be called
//! again, and when the sink hears end().

mod support;

use elfscan_native::tar::walk::TarWalk;
use support::collect::Collect;
use support::tar::{archive, file, header, meta, padded, pax, BLOCK};

fn walker(receive: bool) -> TarWalk<Collect> {
    TarWalk::new(Collect { seen: Vec::new(), receive })
}

#[test]
fn bodies_are_announced_at_their_stream_offset_with_their_stored_size() {
    let tar = archive(&[
        file("a", b"hello"),
        meta(b'x', &pax(&[("path", "b")])),
        file("ignored", &[7u8; 600]),
        file("empty", b""),
    ]);
    let mut w = walker(true);
    w.push(&tar).unwrap();
    w.end().unwrap();
    let at: Vec<_> = w.sink.seen.iter().map(|s| (s.entry.name.as_str(), s.body_at, s.ended)).collect();
    // a: header 0, body 512. The PAX header and its records take 1024–2048; b's header 2048,
    // body 2560 (600 bytes, padded to 1024). empty: header 3584, body (none) 4096.
    assert_eq!(at, [("a", Some((512, 5)), true), ("b", Some((2560, 600)), true), ("empty", Some((4096, 0)), true)]);
}

#[test]
fn what_may_be_skipped() {
    // a: header 0, body 512–1512, padding to 1536; a global header at 1536, its records
    // 2048–2748, padding to 3072; the end blocks.
    let tar = archive(&[file("a", &[1u8; 1000]), [header("g", b'g', 700).block(), padded(&[0u8; 700])].concat()]);
    let mut w = walker(false);
    assert_eq!(w.skippable(), 0, "a header is never skipped");
    w.push(&tar[..BLOCK]).unwrap();
    // a body nobody receives, and its padding: 1000 + 24
    assert_eq!((w.skippable(), w.in_body()), (1024, false));
    w.skip(1000);
    assert_eq!(w.skippable(), 24, "padding alone");
    w.skip(24);
    assert_eq!(w.position(), 1536);
    w.push(&tar[1536..2048]).unwrap();
    assert_eq!(w.skippable(), 1024, "an ignored global header's records and padding");
    w.skip(1024);
    w.push(&tar[3072..]).unwrap();
    assert!(w.done());
    assert_eq!(w.skippable(), u64::MAX, "everything after the end blocks");
    assert_eq!(w.position(), tar.len() as u64);
    w.end().unwrap();
}

#[test]
fn a_received_body_is_skippable_only_once_the_sink_no_longer_needs_it() {
    let tar = archive(&[file("a", &[1u8; 1000])]);
    let mut w = walker(true);
    w.push(&tar[..BLOCK + 10]).unwrap();
    assert!(w.in_body());
    assert_eq!(w.skippable(), 0, "the sink still reads");
    w.sink.receive = false;
    assert_eq!(w.skippable(), 990 + 24);
}

#[test]
fn positions_count_pushed_and_skipped_bytes_in_any_chunking() {
    let tar = archive(&[file("a", b"x"), file("b", &[2u8; 5000])]);
    for chunk in [1, 100, 512, 4096] {
        let mut w = walker(true);
        for c in tar.chunks(chunk) {
            w.push(c).unwrap();
        }
        assert_eq!(w.position(), tar.len() as u64);
        assert_eq!(w.sink.seen[1].body.len(), 5000);
    }
}

#[test]
fn a_failure_sticks_and_end_says_it_again() {
    let bad = archive(&[file("a", b"1"), header("b", b'0', 0).bad_checksum().block()]);
    let mut w = walker(true);
    let first = w.push(&bad).unwrap_err();
    assert_eq!(first.0, "corrupt tar header at offset 1024");
    assert_eq!(w.push(&[0u8; BLOCK]).unwrap_err(), first);
    assert_eq!(w.end().unwrap_err(), first);
    assert_eq!(w.skippable(), 0, "nothing is skipped after a failure");
}

#[test]
fn end_may_be_called_again() {
    let mut w = walker(true);
    w.push(&archive(&[file("a", b"1")])).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    let mut cut = walker(true);
    cut.push(&file("a", &[1u8; 1000])[..700]).unwrap();
    assert_eq!(cut.end().unwrap_err().0, "archive is truncated");
    assert_eq!(cut.end().unwrap_err().0, "archive is truncated");
}

#[test]
fn the_sink_hears_end_only_for_bodies_that_arrived_whole() {
    let tar = archive(&[file("whole", b"abc"), file("cut", &[5u8; 2000])]);
    let mut w = walker(true);
    w.push(&tar[..1024 + 512 + 100]).unwrap();
    assert!(w.end().is_err());
    let ended: Vec<_> = w.sink.seen.iter().map(|s| (s.entry.name.as_str(), s.ended, s.body.len())).collect();
    assert_eq!(ended, [("whole", true, 3), ("cut", false, 100)]);
}

#[test]
fn an_empty_stream_and_one_of_zeros_are_empty_archives() {
    for data in [vec![], vec![0u8; 100], vec![0u8; 2 * BLOCK]] {
        let mut w = walker(true);
        w.push(&data).unwrap();
        w.end().unwrap();
        assert!(w.sink.seen.is_empty());
    }
}
