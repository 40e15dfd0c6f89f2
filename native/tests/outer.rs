//! An outer archive read the two ways it can be — at offsets from a file (`walk_outer`) and pushed
//! in chunks as a stream (`OuterPush`), plain or itself compressed — gives the same entries and
//! the same verdict on each (document, layer, neither); a stream's documents are its bytes, its
//! layers the records of the same layer read from a file, its digest pieces the blobs' bytes
//! exactly once, and its root filesystem walk that of the whole archive as one layer.

mod support;

use elfscan_native::layer::archive::Kind;
use elfscan_native::layer::fail::WalkFail;
use elfscan_native::layer::file::{no_progress, walk_layer_file, walk_outer};
use elfscan_native::layer::outer_push::{Outer, OuterPush, Piece};
use elfscan_native::layer::push::PlainPush;
use elfscan_native::layer::unpack::PlainSink;
use elfscan_native::node::codecs::decoders;
use elfscan_native::tar::error::WalkError;
use elfscan_native::tar::header::EntryType;
use support::records::{compress, summary};
use support::tar::{archive, file, header, pattern};

fn blob(hex_seed: char) -> String {
    format!("blobs/sha256/{}", hex_seed.to_string().repeat(64))
}

/// A layer with a script, a large body and a loader configuration file.
fn layer(seed: u8) -> Vec<u8> {
    archive(&[
        file("usr/bin/run", b"#!/bin/sh\nexec x\n"),
        file("usr/lib/big.bin", &pattern(300_000, seed)),
        file("etc/ld.so.conf", b"/opt/lib\n"),
    ])
}

struct Image {
    bytes: Vec<u8>,
    /// (archive path, the body) of every layer, in archive order.
    layers: Vec<(String, Vec<u8>)>,
    documents: Vec<(String, Vec<u8>)>,
}

fn image() -> Image {
    let layers = vec![
        (blob('a'), layer(1)),
        (blob('b'), compress("gzip", &layer(2))),
        (blob('c'), compress("zstd", &layer(3))),
        ("abc/layer.tar".to_string(), layer(4)),
    ];
    let documents = vec![
        ("oci-layout".to_string(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
        (blob('d'), br#"{"config":{}}"#.to_vec()),
        ("index.json".to_string(), b"null".to_vec()),
        ("manifest.json".to_string(), br#"[{"Config":"x","Layers":[]}]"#.to_vec()),
    ];
    let mut parts = vec![header("blobs/", b'5', 0).block(), file("./oci-layout", &documents[0].1)];
    for (p, b) in &layers[..2] {
        parts.push(file(p, b));
    }
    parts.push(file(&documents[1].0, &documents[1].1));
    parts.push(file("blobs/sha256/not-hex-so-not-a-blob", b"{}"));
    parts.push(file(&layers[2].0, &layers[2].1));
    parts.push(file(&layers[3].0, &layers[3].1));
    parts.push(header("xyz/layer.tar", b'2', 0).link("../abc/layer.tar").block());
    parts.push(file("blobs/sha256/eeee", b"-- neither a tar nor JSON"));
    parts.push(file("index.json", &documents[2].1));
    parts.push(file("manifest.json", &documents[3].1));
    Image { bytes: archive(&parts), layers, documents }
}

/// The archive pushed in chunks of `chunk`; the finished archive and each blob's digest bytes.
fn pushed(bytes: &[u8], chunk: usize) -> Result<(Outer, Vec<(usize, String, Vec<u8>)>, Vec<usize>), WalkFail> {
    let mut p = OuterPush::new(decoders);
    let mut hashed: Vec<(usize, String, Vec<u8>)> = Vec::new();
    let mut done = Vec::new();
    let mut at = 0u64;
    for c in bytes.chunks(chunk) {
        let r = p.push(c)?;
        for (entry, path) in r.started {
            hashed.push((entry, path, Vec::new()));
        }
        for piece in r.pieces {
            let (entry, got) = match piece {
                Piece::Range { entry, from, to } => (entry, c[(from - at) as usize..(to - at) as usize].to_vec()),
                Piece::Bytes { entry, bytes } => (entry, bytes),
            };
            hashed.iter_mut().find(|h| h.0 == entry).expect("a piece of a started blob").2.extend(got);
        }
        done.extend(r.done);
        at += c.len() as u64;
    }
    Ok((p.finish()?, hashed, done))
}

fn temp(tag: &str, bytes: &[u8]) -> (std::path::PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!("elfscan-outer-{tag}-{}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let f = std::fs::File::open(&path).unwrap();
    (path, f)
}

#[test]
fn read_at_offsets_and_streamed_the_archive_says_the_same() {
    let img = image();
    let (path, f) = temp("file", &img.bytes);
    let entries = walk_outer(&f, 0, img.bytes.len() as u64, &no_progress).unwrap().expect("a plain archive");
    let kinds: Vec<(&str, Kind)> = entries.iter().map(|e| (e.entry.name.as_str(), e.kind)).collect();
    let mut want: Vec<(String, Kind)> = vec![("blobs".into(), Kind::Other), ("oci-layout".into(), Kind::Document)];
    want.extend([(blob('a'), Kind::Layer), (blob('b'), Kind::Layer), (blob('d'), Kind::Document)]);
    want.push(("blobs/sha256/not-hex-so-not-a-blob".into(), Kind::Other));
    want.extend([(blob('c'), Kind::Layer), ("abc/layer.tar".into(), Kind::Layer), ("xyz/layer.tar".into(), Kind::Other)]);
    want.push(("blobs/sha256/eeee".into(), Kind::Other));
    want.extend([("index.json".into(), Kind::Document), ("manifest.json".into(), Kind::Document)]);
    assert_eq!(kinds, want.iter().map(|(p, k)| (p.as_str(), *k)).collect::<Vec<_>>());
    // Every body offset points at its body; the link keeps its text.
    for (p, body) in img.layers.iter().chain(&img.documents) {
        let e = entries.iter().find(|e| &e.entry.name == p).unwrap();
        assert_eq!(&img.bytes[e.body_at as usize..][..body.len()], &body[..], "{p}");
    }
    assert_eq!(entries[8].entry.kind, EntryType::Symlink);
    assert_eq!(entries[8].entry.linkname, "../abc/layer.tar");

    // Each layer read where it lies: what the stream must find too.
    let at_offsets: Vec<_> = img
        .layers
        .iter()
        .map(|(p, body)| {
            let e = entries.iter().find(|e| &e.entry.name == p).unwrap();
            summary(&walk_layer_file(&f, e.body_at, body.len() as u64, decoders, &no_progress).unwrap())
        })
        .collect();
    std::fs::remove_file(path).ok();
    let mut rootfs = PlainPush::default();
    rootfs.push(&img.bytes).unwrap();
    let rootfs = summary(&rootfs.finish().unwrap());

    for (how, bytes) in [("plain", img.bytes.clone()), ("gzip", compress("gzip", &img.bytes)), ("zstd", compress("zstd", &img.bytes))] {
        for chunk in [1, 7, 512, 4096, 1 << 20] {
            let (outer, hashed, done) = pushed(&bytes, chunk).unwrap();
            let ctx = format!("{how} outer, chunks of {chunk}");
            let kinds: Vec<(&str, Kind)> = outer.entries.iter().map(|e| (e.entry.name.as_str(), e.kind)).collect();
            assert_eq!(kinds, want.iter().map(|(p, k)| (p.as_str(), *k)).collect::<Vec<_>>(), "{ctx}");
            let docs: Vec<(&str, &[u8])> = outer.documents.iter().map(|(i, b)| (outer.entries[*i].entry.name.as_str(), &b[..])).collect();
            let mut want_docs: Vec<(&str, &[u8])> = img.documents.iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
            want_docs.sort_by_key(|(p, _)| kinds.iter().position(|(q, _)| q == p));
            assert_eq!(docs, want_docs, "{ctx}");
            let layers: Vec<_> = outer.layers.iter().map(|(_, r)| summary(r.as_ref().unwrap())).collect();
            assert_eq!(layers, at_offsets, "{ctx}");
            assert_eq!(done, outer.layers.iter().map(|(i, _)| *i).collect::<Vec<_>>(), "{ctx}");
            // The blobs' bytes, each exactly once; the legacy layer.tar is named by no digest.
            let got: Vec<(&str, &[u8])> = hashed.iter().map(|(_, p, b)| (p.as_str(), &b[..])).collect();
            let blobs: Vec<(&str, &[u8])> = img.layers[..3].iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
            assert_eq!(got, blobs, "{ctx}");
            assert_eq!(summary(outer.rootfs.as_ref().unwrap()), rootfs, "{ctx}");
        }
    }
}

#[test]
fn a_compressed_archive_is_left_to_the_stream() {
    let img = image();
    let gz = compress("gzip", &img.bytes);
    let (path, f) = temp("gz", &gz);
    assert!(walk_outer(&f, 0, gz.len() as u64, &no_progress).unwrap().is_none());
    std::fs::remove_file(path).ok();
}

#[test]
fn a_bad_layer_is_its_own_failure_a_bad_archive_the_stream_s() {
    let good = layer(1);
    let bad = archive(&[file(&blob('a'), &good[..1500]), file(&blob('b'), &compress("gzip", &good)[..200]), file("m.json", b"{}")]);
    let (outer, _, done) = pushed(&bad, 4096).unwrap();
    assert_eq!(done.len(), 2);
    let errors: Vec<_> = outer.layers.iter().map(|(_, r)| r.as_ref().unwrap_err().clone()).collect();
    assert_eq!(
        errors,
        [WalkFail::Tar(WalkError("archive is truncated".into())), WalkFail::Data("gzip data is truncated".into())]
    );
    assert_eq!(outer.documents.len(), 1);

    let img = image();
    let cut = &img.bytes[..img.bytes.len() / 2 + 100];
    let e = pushed(cut, 4096).err().unwrap();
    assert_eq!(e, WalkFail::Tar(WalkError("archive is truncated".into())));
    let gz = compress("gzip", &img.bytes);
    let e = pushed(&gz[..gz.len() - 20], 4096).err().unwrap();
    assert_eq!(e, WalkFail::Data("gzip data is truncated".into()));
    let e = pushed(&[b'x'; 3000], 4096).err().unwrap();
    assert_eq!(e, WalkFail::Tar(WalkError("not a tar archive".into())));
    // A failure is said again by every later call.
    let mut p = OuterPush::new(decoders);
    assert!(p.push(&[b'x'; 1024]).is_err());
    assert_eq!(p.push(&img.bytes).err(), Some(WalkFail::Tar(WalkError("not a tar archive".into()))));
}

#[test]
fn a_plain_archive_says_when_its_end_marker_has_passed_a_compressed_one_never_early() {
    // Zeros from the first byte: two zero blocks are an empty archive's end, and the report says
    // so on the first push, so a caller reading /dev/zero stops there.
    let mut p = OuterPush::new(decoders);
    assert!(p.push(&[0u8; 1 << 20]).unwrap().ended);
    let outer = p.finish().unwrap();
    assert!(outer.entries.is_empty());

    // A real archive, pushed in chunks: `ended` is false up to the chunk that holds its marker.
    let img = image();
    let mut p = OuterPush::new(decoders);
    let chunks: Vec<&[u8]> = img.bytes.chunks(4096).collect();
    for (i, c) in chunks.iter().enumerate() {
        assert_eq!(p.push(c).unwrap().ended, i == chunks.len() - 1, "chunk {i} of {}", chunks.len());
    }

    // Compressed, the decoder's trailer still has to come: never `ended`, though the tar inside ended.
    let gz = compress("gzip", &img.bytes);
    let mut p = OuterPush::new(decoders);
    for c in gz.chunks(4096) {
        assert!(!p.push(c).unwrap().ended);
    }
    assert_eq!(p.finish().unwrap().entries.len(), pushed(&img.bytes, 4096).unwrap().0.entries.len());
}
