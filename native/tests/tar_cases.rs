//! Named tar cases with the headers they must give: each archive built in code, then the entries
//! the walker must report (path, type, size, mode, link, and the body where it matters) or the
//! one sentence it must fail with — the same for every chunking of the pushed bytes, and the same
//! when the bodies are skipped as a file driver skips them.

mod support;

use elfscan_native::tar::header::EntryType::{Directory, File, Hardlink, Other, Symlink};
use support::cases::{check, e, fails, ok, Case, Edit, Truncated};
use support::collect::{pushed, skipped, CHUNKINGS};
use support::tar::{archive, file, header, meta, old_gnu_sparse, padded, pattern, pax, pax_sparse, BLOCK};

const GIB: u64 = 1 << 30;
const MIB: usize = 1 << 20;

/// A PAX body of exactly `n` bytes: a path record, then a comment filling the rest.
fn pax_of_size(n: usize, path: &str) -> Vec<u8> {
    let head = pax(&[("path", path)]);
    let len = n - head.len();
    let value = "c".repeat(len - len.to_string().len() - " comment=\n".len());
    let b = [head, format!("{len} comment={value}\n").into_bytes()].concat();
    assert_eq!(b.len(), n);
    b
}

/// A GNU long name body of `n` bytes, NUL included.
fn long_name(n: usize) -> Vec<u8> {
    let mut b = vec![b'n'; n];
    b[n - 1] = 0;
    b
}

fn two_files() -> Vec<u8> {
    // bin/app: header 0, body 512–1212, padding to 1536; etc/conf: header 1536, body 2048–2052,
    // padding to 2560; end blocks 2560–3584.
    archive(&[file("bin/app", &pattern(700, 1)), file("etc/conf", b"k=v\n")])
}

fn cases() -> Vec<Case> {
    let body3000 = pattern(3000, 2);
    let long = format!("{}build/Release/addon.node", "usr/lib/node_modules/some-package/".repeat(5));
    let long_nul = format!("{long}\0");
    let size_pax = pax(&[("size", "3000"), ("mtime", "1700000000")]);
    let after = file("etc/after", b"after");
    let after_e = || e("etc/after", File, 5).body(b"after");
    let looks_like_tar = [archive(&[file("not-an-entry", b"x")]), vec![0u8; 3 * MIB]].concat();
    let small: Vec<(u64, u64)> = vec![(0, 1000), (8192, 512), (65536, 3)];
    let many: Vec<(u64, u64)> = (0..30).map(|i| (i * 4096, 100 + i)).collect();
    let stored = |map: &[(u64, u64)]| pattern(map.iter().map(|&(_, n)| n as usize).sum(), 5);
    let two = two_files();
    let two_e = || vec![e("bin/app", File, 700).body(&pattern(700, 1)), e("etc/conf", File, 4).body(b"k=v\n")];
    vec![
        ok(
            "ustar prefix joined to the name",
            archive(&[[header("file.txt", b'0', 2).prefix("some/deep/dir").block(), padded(b"hi")].concat()]),
            vec![e("some/deep/dir/file.txt", File, 2).body(b"hi")],
        ),
        ok(
            "GNU headers have no prefix field",
            archive(&[[header("file.txt", b'0', 0).gnu().prefix("not/a/prefix").block()].concat()]),
            vec![e("file.txt", File, 0)],
        ),
        ok(
            "GNU long name and long link name",
            archive(&[
                meta(b'L', format!("{long}\0").as_bytes()),
                meta(b'K', b"../target/of/a/very/long/link\0"),
                header(&long[..99], b'2', 0).gnu().link("short").block(),
            ]),
            vec![e(&long, Symlink, 0).link("../target/of/a/very/long/link")],
        ),
        ok(
            "PAX path, linkpath and size",
            archive(&[
                meta(b'x', &pax(&[("path", "opt/pax/path"), ("mtime", "1.5")])),
                file("ignored", b"x"),
                meta(b'x', &pax(&[("linkpath", "/pax/link/target")])),
                header("lnk", b'2', 0).link("x").block(),
                meta(b'x', &pax(&[("size", "3000")])),
                [header("sized", b'0', 0).block(), padded(&body3000)].concat(),
            ]),
            vec![
                e("opt/pax/path", File, 1).body(b"x"),
                e("lnk", Symlink, 0).link("/pax/link/target"),
                e("sized", File, 3000).body(&body3000),
            ],
        ),
        ok(
            "PAX size then GNU long name: the size goes to the real entry (no desync)",
            archive(&[
                meta(b'x', &size_pax),
                meta(b'L', long_nul.as_bytes()),
                [header(&long[..99], b'0', 0).block(), padded(&body3000)].concat(),
                after.clone(),
            ]),
            vec![e(&long, File, 3000).body(&body3000), after_e()],
        ),
        ok(
            "GNU long name then PAX size",
            archive(&[
                meta(b'L', long_nul.as_bytes()),
                meta(b'x', &size_pax),
                [header(&long[..99], b'0', 0).block(), padded(&body3000)].concat(),
                after.clone(),
            ]),
            vec![e(&long, File, 3000).body(&body3000), after_e()],
        ),
        ok(
            "a PAX size applies to one entry only",
            archive(&[
                meta(b'x', &size_pax),
                [header("a", b'0', 0).block(), padded(&body3000)].concat(),
                file("b", b"bb"),
            ]),
            vec![e("a", File, 3000).body(&body3000), e("b", File, 2).body(b"bb")],
        ),
        fails(
            "base-256 size over 8 GiB: what follows is body, not headers",
            [header("var/lib/big.img", b'0', 0).gnu().base256(9 * GIB).block(), looks_like_tar.clone()].concat(),
            vec![e("var/lib/big.img", File, 9 * GIB)],
            "archive is truncated",
        ),
        fails(
            "PAX size over 8 GiB",
            [meta(b'x', &pax(&[("size", &(9 * GIB).to_string())])), header("big", b'0', 0).block(), looks_like_tar]
                .concat(),
            vec![e("big", File, 9 * GIB)],
            "archive is truncated",
        ),
        fails(
            "PAX path with a NUL byte, refused as Go refuses it",
            archive(&[meta(b'x', &pax(&[("path", "usr/lib/nul\0evil.so")])), file("x.so", b"x"), file("next", b"n")]),
            vec![],
            "corrupt PAX header at offset 0 (path holds a NUL byte)",
        ),
        fails(
            "PAX linkpath with a NUL byte",
            archive(&[meta(b'x', &pax(&[("linkpath", "/lib/a\0b")])), header("lnk", b'2', 0).link("x").block()]),
            vec![],
            "corrupt PAX header at offset 0 (linkpath holds a NUL byte)",
        ),
        ok(
            "PAX path with a NUL in another record's value is fine",
            archive(&[meta(b'x', &pax(&[("path", "usr/lib/ok.so"), ("comment", "a\0b")])), file("x", b"x")]),
            vec![e("usr/lib/ok.so", File, 1).body(b"x")],
        ),
        ok(
            "base-256 size of an entry with its body",
            archive(&[
                [header("small", b'0', 0).gnu().base256(12).block(), padded(b"twelve bytes")].concat(),
                file("next", b"n"),
            ]),
            vec![e("small", File, 12).body(b"twelve bytes"), e("next", File, 1).body(b"n")],
        ),
        ok(
            "base-256 size of exactly 2^53 - 1",
            header("m", b'0', 0).gnu().base256((1 << 53) - 1).block(),
            vec![e("m", File, (1 << 53) - 1)],
        )
        .truncated(),
        fails(
            "base-256 size of 2^56",
            header("o", b'0', 0).gnu().base256(1 << 56).block(),
            vec![],
            "tar entry at offset 0 declares a size of 2^53 bytes or more",
        ),
        ok(
            "old GNU sparse, map in the header",
            archive(&[
                file("before", b"b"),
                old_gnu_sparse("usr/lib/libsparse.so", 70000, &small, &stored(&small)),
                after.clone(),
            ]),
            vec![e("before", File, 1), e("usr/lib/libsparse.so", File, 70000).body(&stored(&small)), after_e()],
        ),
        ok(
            "old GNU sparse, map in extension blocks",
            archive(&[old_gnu_sparse("s", 30 * 4096, &many, &stored(&many)), after.clone()]),
            vec![e("s", File, 30 * 4096).body(&stored(&many)), after_e()],
        ),
        ok(
            "old GNU sparse ending in a hole",
            archive(&[old_gnu_sparse("s", GIB, &[(0, 10)], &stored(&[(0, 10)])), after.clone()]),
            vec![e("s", File, GIB).body(&stored(&[(0, 10)])), after_e()],
        ),
        ok(
            "PAX 0.0 sparse",
            archive(&[pax_sparse("0.0", "usr/lib/s0", 70000, &small, &stored(&small)), after.clone()]),
            vec![e("usr/lib/s0", File, 70000).body(&stored(&small)), after_e()],
        ),
        ok(
            "PAX 0.1 sparse: GNU.sparse.name wins",
            archive(&[pax_sparse("0.1", "usr/lib/s1", 70000, &small, &stored(&small)), after.clone()]),
            vec![e("usr/lib/s1", File, 70000).body(&stored(&small)), after_e()],
        ),
        ok(
            "PAX 1.0 sparse: the map opens the body",
            archive(&[pax_sparse("1.0", "usr/lib/s10", 70000, &small, &stored(&small)), after.clone()]),
            vec![e("usr/lib/s10", File, 70000).body(&stored(&small)), after_e()],
        ),
        ok(
            "PAX 1.0 sparse with a map longer than one block",
            archive(&[pax_sparse("1.0", "s", 300_000, &big_map(), &stored(&big_map())), after.clone()]),
            vec![e("s", File, 300_000).body(&stored(&big_map())), after_e()],
        ),
        fails(
            "PAX 1.0 sparse map that is not numbers",
            archive(&[pax_sparse("1.0", "s", 70000, &small, &stored(&small))])
                .replace(b"3\n0\n1000\n", b"x\n0\n1000\n"),
            vec![e("s", File, 70000)],
            "corrupt sparse map in tar entry at offset 1024",
        ),
        fails(
            "old GNU sparse with its extension block cut",
            archive(&[file("before", b"b"), old_gnu_sparse("s", 30 * 4096, &many, &stored(&many))])[..1800].to_vec(),
            vec![e("before", File, 1), e("s", File, 30 * 4096)],
            "archive is truncated",
        ),
        ok("both end blocks", two.clone(), two_e()),
        ok("missing end blocks", two[..2560].to_vec(), two_e()),
        ok("a single end block", two[..3072].to_vec(), two_e()),
        ok("an end block cut short", two[..2660].to_vec(), two_e()),
        ok("the second end block cut short", two[..3372].to_vec(), two_e()),
        ok("truncated final block: the last body's padding cut short (umoci insert)", two[..2100].to_vec(), two_e()),
        ok("the last body with no padding at all", two[..2052].to_vec(), two_e()),
        fails(
            "data stops inside a header",
            two[..1836].to_vec(),
            vec![e("bin/app", File, 700)],
            "archive is truncated",
        ),
        fails("data stops inside a body", two[..2050].to_vec(), two_e().truncate_bodies(), "archive is truncated"),
        fails("data stops inside the first header", two[..400].to_vec(), vec![], "archive is truncated"),
        ok(
            "anything after the end blocks is ignored",
            [two.clone(), b"\0\0junk that is not a header".to_vec(), vec![7u8; 700]].concat(),
            two_e(),
        ),
        ok(
            "a lone zero block between entries is skipped",
            [file("a", b"1"), vec![0u8; BLOCK], archive(&[file("b", b"2")])].concat(),
            vec![e("a", File, 1), e("b", File, 1)],
        ),
        fails(
            "bad checksum on a later header",
            archive(&[file("a", b"1"), header("b", b'0', 0).bad_checksum().block()]),
            vec![e("a", File, 1)],
            "corrupt tar header at offset 1024",
        ),
        fails(
            "bad checksum on the first header (ustar magic)",
            archive(&[header("a", b'0', 0).bad_checksum().block()]),
            vec![],
            "corrupt tar header at offset 0",
        ),
        fails("not a tar archive", pattern(5000, 9), vec![], "not a tar archive"),
        ok(
            "PAX header of exactly 1 MiB",
            archive(&[meta(b'x', &pax_of_size(MIB, "the/long/path")), file("x", b"!")]),
            vec![e("the/long/path", File, 1).body(b"!")],
        ),
        fails(
            "PAX header of 1 MiB + 1",
            archive(&[meta(b'x', &pax_of_size(MIB + 1, "p"))]),
            vec![],
            "tar entry header larger than 1 MiB",
        ),
        fails(
            "a 4 GiB PAX header, refused from its header block alone",
            header("PaxHeaders/x", b'x', 4 * GIB).block(),
            vec![],
            "tar entry header larger than 1 MiB",
        ),
        fails(
            "PAX global header over 1 MiB (contents ignored, still capped)",
            archive(&[header("global", b'g', MIB as u64 + 1).block()]),
            vec![],
            "tar entry header larger than 1 MiB",
        ),
        ok(
            "GNU long name of exactly 1 MiB",
            archive(&[meta(b'L', &long_name(MIB)), header("short", b'0', 0).gnu().block()]),
            vec![e(&"n".repeat(MIB - 1), File, 0)],
        ),
        fails(
            "GNU long name of 1 MiB + 1",
            archive(&[meta(b'L', &long_name(MIB + 1)), header("short", b'0', 0).gnu().block()]),
            vec![],
            "tar entry header larger than 1 MiB",
        ),
        fails(
            "GNU long link name of 1 MiB + 1",
            archive(&[meta(b'K', &long_name(MIB + 1)), header("short", b'2', 0).gnu().link("t").block()]),
            vec![],
            "tar entry header larger than 1 MiB",
        ),
        fails(
            "a 10 GiB GNU long name, refused from its header block alone",
            header("././@LongLink", b'L', 0).gnu().base256(10 * GIB).block(),
            vec![],
            "tar entry header larger than 1 MiB",
        ),
        fails(
            "a PAX 1.0 sparse map past 1 MiB",
            archive(&[
                meta(
                    b'x',
                    &pax(&[("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.realsize", "10")]),
                ),
                [header("GNUSparseFile.0/s", b'0', (MIB + 4096) as u64).block(), padded(&endless_map())].concat(),
            ]),
            vec![e("GNUSparseFile.0/s", File, 10)],
            "tar entry header larger than 1 MiB",
        ),
        fails(
            "a PAX record without a length",
            archive(&[meta(b'x', b"x path=x\n"), file("a", b"1")]),
            vec![],
            "corrupt PAX header at offset 0 (record without a length)",
        ),
        ok(
            "types, modes and links",
            archive(&[
                header("d/", b'5', 0).mode(0o755).block(),
                header("old-style-dir/", 0, 0).v7().block(),
                header("h", b'1', 0).link("./d/f").block(),
                header("fifo", b'6', 0).block(),
                header("setuid", b'0', 0).mode(0o4755).block(),
                // Header-only types declare a size but carry no body.
                header("l", b'2', 99).link("t").block(),
                file("after-link", b"z"),
            ]),
            vec![
                e("d/", Directory, 0),
                e("old-style-dir/", Directory, 0).mode(0o644),
                e("h", Hardlink, 0).link("./d/f"),
                e("fifo", Other, 0),
                e("setuid", File, 0).mode(0o4755),
                e("l", Symlink, 99).link("t"),
                e("after-link", File, 1).body(b"z"),
            ],
        ),
    ]
}

/// 30 segments plus 60 one-byte ones: a map text longer than one block.
fn big_map() -> Vec<(u64, u64)> {
    (0..30).map(|i| (i * 4096, 100 + i)).chain((0..60).map(|i| (200_000 + i * 10, 1))).collect()
}

/// A map that says a million segments follow, then only padding.
fn endless_map() -> Vec<u8> {
    let mut m = vec![0u8; MIB + 4096];
    m[..8].copy_from_slice(b"1000000\n");
    m
}

#[test]
fn every_case_gives_its_headers_in_every_chunking_and_when_bodies_are_skipped() {
    for case in cases() {
        for chunk in CHUNKINGS {
            let (seen, error) = pushed(&case.tar, chunk);
            check(&case, &format!("pushed in chunks of {chunk}"), &seen, &error, true);
        }
        for window in [512, 16 * 1024] {
            let (seen, error, _) = skipped(&case.tar, window);
            check(&case, &format!("skipping, windows of {window}"), &seen, &error, false);
        }
    }
}

#[test]
fn a_skipping_walk_reads_headers_not_bodies() {
    let tar = archive(&[file("big", &vec![1u8; 10 * MIB]), file("small", b"s")]);
    let (seen, error, pushed_bytes) = skipped(&tar, 512);
    assert_eq!((seen.len(), error), (2, None));
    // The two headers and the two end blocks: neither body is read.
    assert_eq!(pushed_bytes, 4 * BLOCK as u64);
}
