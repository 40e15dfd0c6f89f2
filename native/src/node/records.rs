//! A layer's records as one flat object (src/native.ts `LayerRecords`): numbers in one
//! Float64Array, names and links as string arrays, and an object only for the few files that
//! carry something — never an object per entry, which would cost more than the walk.
#![forbid(unsafe_code)]

use super::env::{Env, JsResult, Value};
use super::values::classification_to_js;
use crate::layer::outer::OuterEntry;
use crate::layer::record::{Extra, Record};
use crate::tar::entry::TarEntry;
use crate::tar::header::EntryType;

/// Fields per record in `meta`: type, mode, size, extra (0: none, else 1 + index into `extras`).
const META_FIELDS: usize = 4;

/// `{ count, meta: Float64Array, names: string[], links: string[], extras: (Buffer | string |
/// Classification)[] }`: `links` holds the link text of hard and symbolic links only, in order;
/// `extras` a Buffer of a `#!` line's head bytes, a loader configuration file's text, or the
/// classifier's answer (a binary candidate).
pub fn records_to_js(env: Env, records: &[Record]) -> JsResult<Value> {
    let mut meta = Vec::with_capacity(records.len() * META_FIELDS);
    let names = env.array(records.len())?;
    let links = links_to_js(env, records.iter().map(|r| &r.entry))?;
    let extras_count = records.iter().filter(|r| !matches!(r.extra, Extra::None)).count();
    let extras = env.array(extras_count)?;
    let mut ne = 0;
    for (i, r) in records.iter().enumerate() {
        env.set_element(names, i, env.string(&r.entry.name)?)?;
        let extra = match &r.extra {
            Extra::None => 0.0,
            Extra::Head(h) => {
                env.set_element(extras, ne, env.buffer(h)?)?;
                ne += 1;
                ne as f64
            }
            Extra::Text(t) => {
                env.set_element(extras, ne, env.string(&String::from_utf8_lossy(t))?)?;
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

/// The link texts of the hard and symbolic links among `entries`, in order.
fn links_to_js<'a>(env: Env, entries: impl Iterator<Item = &'a TarEntry> + Clone) -> JsResult<Value> {
    let is_link = |e: &&TarEntry| matches!(e.kind, EntryType::Hardlink | EntryType::Symlink);
    let links = env.array(entries.clone().filter(is_link).count())?;
    for (i, e) in entries.filter(is_link).enumerate() {
        env.set_element(links, i, env.string(&e.linkname)?)?;
    }
    Ok(links)
}

/// An outer archive's entries (src/native.ts `OuterRecords`): `meta` holds four numbers per
/// entry — type, size, body offset (regular files; else 0), and what it is (0 neither, 1 a
/// document, 2 a layer); names are archive paths.
pub fn outer_to_js(env: Env, entries: &[OuterEntry]) -> JsResult<Value> {
    let mut meta = Vec::with_capacity(entries.len() * META_FIELDS);
    let names = env.array(entries.len())?;
    for (i, e) in entries.iter().enumerate() {
        env.set_element(names, i, env.string(&e.entry.name)?)?;
        meta.extend_from_slice(&[e.entry.kind as u8 as f64, e.entry.size as f64, e.body_at as f64, e.kind as u8 as f64]);
    }
    let o = env.object()?;
    env.set(o, c"count", env.f64(entries.len() as f64)?)?;
    env.set(o, c"meta", env.float64_array(&meta)?)?;
    env.set(o, c"names", names)?;
    env.set(o, c"links", links_to_js(env, entries.iter().map(|e| &e.entry))?)?;
    Ok(o)
}
