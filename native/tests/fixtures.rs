//! Every file of fixtures/binaries, classified as the pipeline does it (4 KiB head, then exactly
//! the bytes asked for), against expected.json — which was read back from the files with
//! readelf, not written by hand — and against a golden file per fixture.

mod support;

use elfscan_native::FloatAbi;
use elfscan_native::{classify, Classification, Facts, Kind};
use support::{classify_with_more, fixtures, Fixture, Json, HEAD};

fn float_str(f: Option<FloatAbi>) -> Option<&'static str> {
    f.map(FloatAbi::as_str)
}

/// Differences between `f` and expected.json, as sentences. expected.json was read back with
/// readelf, including what lies past the headers (`.ARM.attributes`, GNU property notes,
/// DT_NEEDED), so once the wanted ranges are served every fact must agree. A fat Mach-O's kind is
/// read from slice headers inside the head only (`whole` says whether the head held the file).
fn differences(fx: &Fixture, f: &Facts, whole: bool) -> Vec<String> {
    let e = &fx.expected;
    let mut d = Vec::new();
    let mut same = |what: &str, ours: String, theirs: String| {
        if ours != theirs {
            d.push(format!("{}: {what} is {ours}, expected {theirs}", fx.file));
        }
    };
    let js = |v: &Json| match v {
        Json::Null => "null".to_owned(),
        Json::Str(s) => s.clone(),
        Json::Num(n) => format!("{n}"),
        Json::Arr(a) => format!("{:?}", a.iter().map(|x| x.str().unwrap_or("?").to_owned()).collect::<Vec<_>>()),
        other => format!("{other:?}"),
    };
    let opt = |v: Option<String>| v.unwrap_or_else(|| "null".to_owned());
    same("format", f.format.as_str().into(), js(e.get("format")));
    same("machine", format!("{}", f.machine), js(e.get("machine")));
    if e.get("bits") != &Json::Null {
        same("bits", format!("{}", f.bits), js(e.get("bits")));
        same("endian", f.endian.as_str().into(), js(e.get("endian")));
    }
    same("interpreter", opt(f.interpreter.clone()), js(e.get("interpreter")));
    let expected_slices: Vec<String> = e.get("slices").arr().iter().map(js).collect();
    let slices: Vec<String> = f.slices.iter().map(|s| s.platform.clone()).collect();
    same("slices", format!("{slices:?}"), format!("{expected_slices:?}"));

    let fat_kind_unread = !f.slices.is_empty() && !whole && f.kind == Kind::Other;
    if !fat_kind_unread {
        same("kind", f.kind.as_str().into(), js(e.get("kind")));
    }
    same("floatAbi", float_str(f.float_abi).unwrap_or("null").into(), js(e.get("floatAbi")));
    same("platform", f.platform.clone(), js(e.get("platform")));
    if let Some(x) = &f.elf {
        same("armArch", opt(x.arm_arch.map(|a| a.to_string())), js(e.get("armArch")));
        // build-binaries.sh records only levels above the baseline (its readelf pattern is v2–v4);
        // a note that names only x86-64-baseline is level 1 here.
        same("isaLevel", opt(x.isa_level.filter(|&l| l > 1).map(|a| a.to_string())), js(e.get("isaLevel")));
        // Relocatable objects have no dynamic section; expected.json lists [] for them.
        same("needed", format!("{:?}", x.needed.clone().unwrap_or_default()), js(e.get("needed")));
        if f.kind != Kind::Relocatable {
            same("needed known", format!("{}", x.needed.is_some()), "true".into());
        }
    }
    d
}

#[test]
fn every_fixture_matches_expected_json() {
    let all = fixtures();
    assert!(all.len() >= 50, "only {} fixtures listed", all.len());
    let mut problems = Vec::new();
    for fx in &all {
        let wants_binary = fx.expected.get("format") != &Json::Null;
        // As the pipeline does it, and with the whole file in hand.
        for (label, c, whole) in [
            ("4 KiB head", classify_with_more(&fx.bytes, HEAD).0, fx.bytes.len() <= HEAD),
            ("whole file", classify(&fx.bytes, fx.bytes.len() as u64), true),
        ] {
            match (&c, wants_binary) {
                (Classification::Binary(f), true) => {
                    problems.extend(differences(fx, f, whole).into_iter().map(|p| format!("{label}: {p}")))
                }
                (Classification::NotBinary, false) => {}
                (other, _) => problems.push(format!("{label}: {}: got {other}", fx.file)),
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The full answer for each fixture, the exact need-more requests that lead to it from a 64-byte
/// head, and the ranges then wanted and served (the 4 KiB head must reach the same answer),
/// written with
/// `UPDATE_GOLDEN=1 cargo test` and compared on every run: a change in any field of any fixture
/// shows up as a diff to review.
#[test]
fn every_fixture_matches_its_golden_file() {
    const SMALL: usize = 64;
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut problems = Vec::new();
    for fx in fixtures() {
        let (c, asked) = classify_with_more(&fx.bytes, SMALL);
        let head_len = asked.last().map_or(SMALL.min(fx.bytes.len()), |&n| n as usize);
        let served: Vec<(u64, u64)> = match classify(&fx.bytes[..head_len], fx.bytes.len() as u64) {
            Classification::Binary(_) => support::complete(&fx.bytes, &fx.bytes[..head_len], |_| true)
                .1
                .iter()
                .map(|w| (w.offset, w.length))
                .collect(),
            _ => Vec::new(),
        };
        let (c4k, _) = classify_with_more(&fx.bytes, HEAD);
        // Only a fat file's slice kinds may differ (read when their headers are in the head).
        if c4k != c && !fx.file.starts_with("macho/fat") {
            problems.push(format!("{}: 4 KiB head gives {c4k}, 64-byte head gives {c}", fx.file));
        }
        let text = format!(
            "# {} ({} bytes); from the first {} bytes, need-more asked for {:?}, then wanted (offset, length) {:?}\n{c}\n",
            fx.file,
            fx.bytes.len(),
            SMALL.min(fx.bytes.len()),
            asked,
            served
        );
        let path = golden.join(format!("{}.txt", fx.file));
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == text => {}
            Ok(want) => problems.push(format!("{}:\n  golden: {want}  now:    {text}", fx.file)),
            Err(_) => problems.push(format!("{}: no golden file (run UPDATE_GOLDEN=1 cargo test)", fx.file)),
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn java_class_and_cafebabe_junk_are_not_fat_mach_o() {
    for fx in fixtures().iter().filter(|f| f.file == "java/Hello.class" || f.file == "text/cafebabe-junk") {
        assert_eq!(&fx.bytes[..4], &[0xca, 0xfe, 0xba, 0xbe]);
        assert_eq!(classify(&fx.bytes, fx.bytes.len() as u64), Classification::NotBinary, "{}", fx.file);
    }
}
