//! Untrusted input: every truncation of every fixture and thousands of seeded mutations of their
//! headers must come back with an answer — never a panic, never a request for bytes the file
//! does not have, never an endless need-more loop.

mod support;

use elfscan_native::{classify, Classification};
use support::{classify_with_more, fixtures, Rng, HEAD};

/// A fat file's kinds depend on how much of it the head holds; everything else must not.
fn without_fat_kinds(c: Classification) -> Classification {
    match c {
        Classification::Binary(mut f) if !f.slices.is_empty() => {
            f.kind = elfscan_native::Kind::Other;
            for s in &mut f.slices {
                s.kind = elfscan_native::Kind::Other;
            }
            Classification::Binary(f)
        }
        other => other,
    }
}

#[test]
fn every_truncated_file_gets_an_answer_without_asking_for_more() {
    for fx in fixtures() {
        for n in 0..=fx.bytes.len() {
            let c = classify(&fx.bytes[..n], n as u64);
            assert!(!matches!(c, Classification::NeedMore(_)), "{} cut at {n}: {c}", fx.file);
        }
    }
}

#[test]
fn every_head_length_reaches_the_whole_file_answer() {
    for fx in fixtures() {
        let whole = without_fat_kinds(classify(&fx.bytes, fx.bytes.len() as u64));
        for n in 0..=fx.bytes.len() {
            let (c, _) = classify_with_more(&fx.bytes, n);
            assert_eq!(without_fat_kinds(c), whole, "{} from a {n}-byte head", fx.file);
        }
    }
}

/// Values that sit on the edges parsers get wrong.
fn interesting(len: u64, rng: &mut Rng) -> u64 {
    let pick = [
        0,
        1,
        2,
        0x7f,
        0x80,
        0xff,
        0xfffe,
        0xffff,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        u64::MAX,
        u64::MAX - 1,
        len,
        len.wrapping_sub(1),
        len + 1,
        4095,
        4096,
        0x1_0000,
    ];
    pick[rng.below(pick.len() as u64) as usize]
}

/// One mutation: a random byte, or a 2/4/8-byte field (either byte order) set to an edge value,
/// mostly in the first 64 bytes (file headers), else anywhere in the first 1 KiB (program
/// headers, fat tables, PE headers).
fn mutate(b: &mut [u8], rng: &mut Rng, len: u64) {
    if b.is_empty() {
        return;
    }
    let span = if rng.below(2) == 0 { 64 } else { 1024 };
    let at = rng.below(span.min(b.len()) as u64) as usize;
    match rng.below(3) {
        0 => b[at] = rng.next() as u8,
        _ => {
            let width = [2usize, 4, 8][rng.below(3) as usize];
            let v = interesting(len, rng);
            let bytes = if rng.below(2) == 0 { v.to_le_bytes() } else { v.to_be_bytes() };
            let src = if bytes[0] == 0 && rng.below(2) == 0 { &bytes[8 - width..] } else { &bytes[..width] };
            for (i, &x) in src.iter().enumerate() {
                if let Some(slot) = b.get_mut(at + i) {
                    *slot = x;
                }
            }
        }
    }
}

#[test]
fn thousands_of_header_mutations_get_answers() {
    const PER_FIXTURE: usize = 400;
    let mut rng = Rng::new(0x5eed_e1f5);
    let mut total = 0;
    let mut seen = [0usize; 4];
    for fx in fixtures() {
        let len = fx.bytes.len() as u64;
        for _ in 0..PER_FIXTURE {
            let mut m = fx.bytes.clone();
            for _ in 0..=rng.below(4) {
                mutate(&mut m, &mut rng, len);
            }
            // The pipeline's way (4 KiB, then what is asked), a random head length, a random
            // claimed file size, and the whole file.
            let (c, _) = classify_with_more(&m, HEAD);
            let whole = classify(&m, len);
            assert_eq!(without_fat_kinds(c.clone()), without_fat_kinds(whole), "{} mutated: {m:02x?}", fx.file);
            let (c2, _) = classify_with_more(&m, rng.below(len + 1) as usize);
            assert_eq!(without_fat_kinds(c2), without_fat_kinds(c.clone()), "{}", fx.file);
            let claimed = interesting(len, &mut rng);
            let cut = (rng.below(len + 1) as usize).min(m.len());
            if let Classification::NeedMore(n) = classify(&m[..cut], claimed) {
                assert!(n > cut as u64 && n <= claimed.max(cut as u64), "{}: asked {n} of {claimed}", fx.file);
            }
            seen[match c {
                Classification::Binary(_) => 0,
                Classification::Unreadable { .. } => 1,
                Classification::NeedMore(_) => 2,
                Classification::NotBinary => 3,
            }] += 1;
            total += 1;
        }
    }
    eprintln!(
        "{total} mutations: {} binary, {} unreadable, {} need-more, {} not-binary",
        seen[0], seen[1], seen[2], seen[3]
    );
    assert!(total >= 20_000, "{total} mutations");
    // The mutations must reach the error paths, not only flip bytes no parser reads.
    assert!(seen[1] > total / 20, "only {} of {total} mutations were unreadable", seen[1]);
    assert!(seen[0] > total / 5, "only {} of {total} mutations still parsed", seen[0]);
}

/// Headers written to hit one overflow or allocation hazard each.
#[test]
fn hostile_headers() {
    let elf64 = |phoff: u64, phentsize: u16, phnum: u16| {
        let mut b = vec![0u8; 64];
        b[..8].copy_from_slice(b"\x7fELF\x02\x01\x01\x00");
        b[16] = 2;
        b[18] = 62;
        b[32..40].copy_from_slice(&phoff.to_le_bytes());
        b[54..56].copy_from_slice(&phentsize.to_le_bytes());
        b[56..58].copy_from_slice(&phnum.to_le_bytes());
        b
    };
    let cases: Vec<(&str, Vec<u8>, u64)> = vec![
        ("phoff near u64::MAX", elf64(u64::MAX - 10, 56, 2), 64),
        ("phoff near u64::MAX, huge file", elf64(u64::MAX - 10, 56, 2), u64::MAX),
        ("65535 program headers of 65535 bytes", elf64(64, 0xffff, 0xfffe), 1 << 40),
        ("65534 program headers: over the kernel's 64 KiB", elf64(64, 56, 0xfffe), 1 << 40),
        ("PN_XNUM without sections", elf64(64, 56, 0xffff), 1 << 20),
        ("tiny phentsize", elf64(64, 1, 10), 1 << 20),
        (
            "fat with 19 slices at u32::MAX",
            {
                let mut b = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 19];
                for _ in 0..19 {
                    b.extend_from_slice(&[
                        1, 0, 0, 7, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 12,
                    ]);
                }
                b
            },
            1 << 20,
        ),
        (
            "fat64 slice offset overflow",
            {
                let mut b = vec![0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 1];
                b.extend_from_slice(&[1, 0, 0, 7, 0, 0, 0, 3]);
                b.extend_from_slice(&u64::MAX.to_be_bytes());
                b.extend_from_slice(&2u64.to_be_bytes());
                b.extend_from_slice(&[0; 8]);
                b
            },
            1 << 20,
        ),
        (
            "Mach-O sizeofcmds u32::MAX",
            {
                let mut b = vec![0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0, 2, 0, 0, 0];
                b.extend_from_slice(&[0xff; 8]);
                b.extend_from_slice(&[0; 8]);
                b
            },
            1 << 20,
        ),
        (
            "PE e_lfanew u32::MAX",
            {
                let mut b = vec![0u8; 64];
                b[..2].copy_from_slice(b"MZ");
                b[0x3c..0x40].copy_from_slice(&[0xff; 4]);
                b
            },
            u64::MAX,
        ),
    ];
    for (name, bytes, size) in cases {
        let c = classify(&bytes, size);
        if let Classification::NeedMore(n) = c {
            // Never more than a 64 KiB program header table or a 4 KiB interpreter path away.
            assert!(n > bytes.len() as u64 && n <= size && n <= 1 << 20, "{name}: asked for {n}");
        }
        // And with the head as the whole file.
        let c = classify(&bytes, bytes.len() as u64);
        assert!(!matches!(c, Classification::NeedMore(_)), "{name}: {c}");
    }
}

/// With only some of the wanted ranges served (the streaming side's caps), every fact is either
/// the whole-file fact or unknown — never a different value — and the answer is still a binary.
#[test]
fn partial_pieces_give_unknown_facts_never_wrong_ones() {
    use elfscan_native::FloatAbi;
    let mut rng = Rng::new(0x0dd_f00d);
    let mut checked = 0;
    for fx in fixtures() {
        let Classification::Binary(whole) = classify(&fx.bytes, fx.bytes.len() as u64) else { continue };
        let Some(we) = whole.elf.clone() else { continue };
        for _ in 0..20 {
            // The head the pipeline would have: grown past need-more, then random wants refused.
            let mut len = support::HEAD.min(fx.bytes.len());
            while let Classification::NeedMore(n) = classify(&fx.bytes[..len], fx.bytes.len() as u64) {
                len = n as usize;
            }
            let coin = rng.next();
            let mut k = 0u32;
            let (c, _) = support::complete(&fx.bytes, &fx.bytes[..len], |_| {
                k += 1;
                coin >> (k % 64) & 1 == 1
            });
            let Classification::Binary(f) = c else { panic!("{}: {c}", fx.file) };
            let e = f.elf.clone().unwrap();
            let ok = |a: bool| assert!(a, "{}: partial {f} vs whole {whole}", fx.file);
            ok(f.interpreter.is_none() || f.interpreter == whole.interpreter);
            ok(f.float_abi == Some(FloatAbi::Unknown) || f.float_abi == whole.float_abi);
            ok(e.needed.is_none() || e.needed == we.needed);
            ok(e.soname.is_none() || e.soname == we.soname);
            ok(e.runpath.is_none() || e.runpath == we.runpath);
            ok(e.isa_level.is_none() || e.isa_level == we.isa_level);
            ok(e.arm_arch.is_none() || e.arm_arch == we.arm_arch);
            ok(e.version_needs.is_none() || e.version_needs == we.version_needs);
            ok(e.version_defs.is_none() || e.version_defs == we.version_defs);
            ok(e.load_align == we.load_align && f.kind == whole.kind && f.machine == whole.machine);
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked}");
}

/// Mutations anywhere in the file — where the dynamic section, notes, string table and
/// `.ARM.attributes` live — served through the wants loop, against the whole-file answer.
#[test]
fn mutations_past_the_headers_get_answers() {
    let mut rng = Rng::new(0xfee1_900d);
    let mut total = 0;
    for fx in fixtures().into_iter().filter(|f| f.bytes.starts_with(b"\x7fELF")) {
        let len = fx.bytes.len() as u64;
        for _ in 0..300 {
            let mut m = fx.bytes.clone();
            for _ in 0..=rng.below(6) {
                let at = rng.below(len) as usize;
                if rng.below(2) == 0 {
                    m[at] = rng.next() as u8;
                } else {
                    let v = interesting(len, &mut rng).to_le_bytes();
                    for (i, &x) in v.iter().take(4).enumerate() {
                        if let Some(s) = m.get_mut(at + i) {
                            *s = x;
                        }
                    }
                }
            }
            let (c, _) = classify_with_more(&m, HEAD);
            let whole = classify(&m, len);
            assert_eq!(without_fat_kinds(c), without_fat_kinds(whole), "{} mutated", fx.file);
            total += 1;
        }
    }
    assert!(total >= 10_000, "{total}");
}

/// The file ranges of the sections of type `sh_type`, from the section header table (the test's
/// own reading, independent of the parser's route through PT_DYNAMIC).
fn sections_of_type(b: &[u8], sh_type: u32) -> Vec<(usize, usize)> {
    let wide = b[4] == 2;
    let big = b[5] == 2;
    let num = |at: usize, n: usize| -> u64 {
        let s = &b[at..at + n];
        s.iter().enumerate().fold(0u64, |v, (i, &x)| v | u64::from(x) << (8 * if big { n - 1 - i } else { i }))
    };
    let (shoff, shentsize, shnum) =
        if wide { (num(40, 8), num(58, 2), num(60, 2)) } else { (num(32, 4), num(46, 2), num(48, 2)) };
    let mut out = Vec::new();
    for i in 0..shnum {
        let at = (shoff + i * shentsize) as usize;
        if at + shentsize as usize > b.len() || num(at + 4, 4) != u64::from(sh_type) {
            continue;
        }
        let (off, size) = if wide { (num(at + 24, 8), num(at + 32, 8)) } else { (num(at + 16, 4), num(at + 20, 4)) };
        out.push((off as usize, size as usize));
    }
    out
}

/// `.gnu.version_r` and `.gnu.version_d` of every fixture mutated — random bytes, edge values in
/// their 16- and 32-bit fields, records cut off by zeros from a random point (a truncated
/// table) — and served through the wants loop: an answer without a panic, the same from a 4 KiB
/// head as from the whole file, and both known and unknown version lists reached.
#[test]
fn version_tables_mutated_and_truncated_get_answers() {
    const SHT_GNU_VERDEF: u32 = 0x6fff_fffd;
    const SHT_GNU_VERNEED: u32 = 0x6fff_fffe;
    let mut rng = Rng::new(0x7e25_10f5);
    let (mut total, mut known, mut unknown) = (0, 0, 0);
    for fx in fixtures().into_iter().filter(|f| f.bytes.starts_with(b"\x7fELF")) {
        let len = fx.bytes.len() as u64;
        let mut tables = sections_of_type(&fx.bytes, SHT_GNU_VERNEED);
        tables.extend(sections_of_type(&fx.bytes, SHT_GNU_VERDEF));
        for &(off, size) in tables.iter().filter(|&&(o, s)| s > 0 && o + s <= fx.bytes.len()) {
            for _ in 0..200 {
                let mut m = fx.bytes.clone();
                match rng.below(3) {
                    0 => {
                        let cut = off + rng.below(size as u64) as usize;
                        m[cut..off + size].fill(0);
                    }
                    _ => {
                        for _ in 0..=rng.below(3) {
                            let at = off + rng.below(size as u64) as usize & !1;
                            let v = interesting(len, &mut rng);
                            let width = if rng.below(2) == 0 { 2 } else { 4 };
                            for (i, &x) in v.to_le_bytes().iter().take(width).enumerate() {
                                if let Some(s) = m.get_mut(at + i) {
                                    *s = if rng.below(8) == 0 { rng.next() as u8 } else { x };
                                }
                            }
                        }
                    }
                }
                let (c, _) = classify_with_more(&m, HEAD);
                let whole = classify(&m, len);
                assert_eq!(c, whole, "{} mutated at {off:#x}+{size}", fx.file);
                if let Classification::Binary(f) = &c {
                    let e = f.elf.as_ref().unwrap();
                    if e.version_needs.is_some() && e.version_defs.is_some() {
                        known += 1;
                    } else {
                        unknown += 1;
                    }
                }
                total += 1;
            }
        }
    }
    assert!(total >= 5_000, "{total} mutations");
    assert!(known > total / 10 && unknown > total / 10, "{known} known, {unknown} unknown of {total}");
}
