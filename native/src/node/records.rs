//! A layer's records as one flat object (src/native.ts `LayerRecords`): numbers in one
//! Float64Array, names and links as string arrays, and an object only for the few files that
//! carry something — never an object per entry, which would cost more than the walk.
#![forbid(unsafe_code)]

use super::env::{Env, JsResult, Value};
use super::values::classification_to_js;
use crate::layer::record::{Extra, Record};
use crate::tar::header::EntryType;

/// Fields per record in `meta`: type, mode, size, extra (0: none, else 1 + index into `extras`).
const META_FIELDS: usize = 4;

/// `{ count, meta: Float64Array, names: string[], links: string[], extras: (Buffer | Classification)[] }`:
/// `links` holds the link text of hard and symbolic links only, in order; `extras` a Buffer of head
/// bytes (not a binary candidate) or the classifier's answer (a candidate).
pub fn records_to_js(env: Env, records: &[Record]) -> JsResult<Value> {
    let mut meta = Vec::with_capacity(records.len() * META_FIELDS);
    let names = env.array(records.len())?;
    let links_count =
        records.iter().filter(|r| matches!(r.entry.kind, EntryType::Hardlink | EntryType::Symlink)).count();
    let links = env.array(links_count)?;
    let extras_count = records.iter().filter(|r| !matches!(r.extra, Extra::None)).count();
    let extras = env.array(extras_count)?;
    let (mut nl, mut ne) = (0, 0);
    for (i, r) in records.iter().enumerate() {
        env.set_element(names, i, env.string(&r.entry.name)?)?;
        if matches!(r.entry.kind, EntryType::Hardlink | EntryType::Symlink) {
            env.set_element(links, nl, env.string(&r.entry.linkname)?)?;
            nl += 1;
        }
        let extra = match &r.extra {
            Extra::None => 0.0,
            Extra::BodyAt(at) => *at as f64,
            Extra::Head(h) => {
                env.set_element(extras, ne, env.buffer(h)?)?;
                ne += 1;
                ne as f64
            }
            Extra::Class(c) => {
                env.set_element(extras, ne, classification_to_js(env, c)?)?;
                ne += 1;
                ne as f64
            }
        };
        // Sizes are below 2^53 (the parser refuses larger), so a double holds them exactly.
        meta.extend_from_slice(&[r.entry.kind as u8 as f64, f64::from(r.entry.mode), r.entry.size as f64, extra]);
    }
    let o = env.object()?;
    env.set(o, c"count", env.f64(records.len() as f64)?)?;
    env.set(o, c"meta", env.float64_array(&meta)?)?;
    env.set(o, c"names", names)?;
    env.set(o, c"links", links)?;
    env.set(o, c"extras", extras)?;
    Ok(o)
}
