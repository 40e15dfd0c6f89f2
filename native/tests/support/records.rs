//! What the tests compare walks by: each record as plain data (its path, type, size, mode, link
//! and what the walker kept of it), and the real gzip and zstd programs to compress layers with.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

use elfscan_native::layer::record::{Extra, Record};

/// `(path, type, size, mode, link, kept)`: kept is "-", "head <bytes>", "text <text>" or the answer.
pub type Row = (String, String, u64, u32, String, String);

pub fn summary(records: &[Record]) -> Vec<Row> {
    records
        .iter()
        .map(|r| {
            let extra = match &r.extra {
                Extra::None => "-".to_string(),
                Extra::Head(h) => format!("head {}", String::from_utf8_lossy(h)),
                Extra::Text(t) => format!("text {}", String::from_utf8_lossy(t)),
                Extra::Class(i) => format!("{:?}", i.classification),
            };
            let e = &r.entry;
            (e.name.clone(), format!("{:?}", e.kind), e.size, e.mode, e.linkname.clone(), extra)
        })
        .collect()
}

/// `tool -c` (gzip, zstd) of `data`, by the real program.
pub fn compress(tool: &str, data: &[u8]) -> Vec<u8> {
    let mut child = Command::new(tool).arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "{tool} failed");
    out.stdout
}
