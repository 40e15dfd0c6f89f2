//! The classifier's answer as the plain objects of src/model.ts: `Classification` with its
//! `BinaryFacts` (field for field) and, for a binary, its wanted ranges.
#![forbid(unsafe_code)]

use super::env::{Env, JsResult, Value};
use crate::common::{Classification, Facts, Inspection};

fn facts_to_js(env: Env, f: &Facts) -> JsResult<Value> {
    let o = env.object()?;
    env.set_str(o, c"format", f.format.as_str())?;
    env.set(o, c"machine", env.u32(f.machine)?)?;
    env.set_str(o, c"cpu", &f.cpu)?;
    env.set(o, c"bits", env.u32(u32::from(f.bits))?)?;
    env.set_str(o, c"endian", f.endian.as_str())?;
    env.set_str(o, c"kind", f.kind.as_str())?;
    env.set(o, c"osabi", env.u32(u32::from(f.osabi))?)?;
    env.set(o, c"flags", env.u32(f.flags)?)?;
    let eabi = match f.eabi {
        Some(v) => env.u32(u32::from(v))?,
        None => env.null()?,
    };
    env.set(o, c"eabi", eabi)?;
    env.set_opt_str(o, c"floatAbi", f.float_abi.map(|fa| fa.as_str()))?;
    env.set_opt_str(o, c"interpreter", f.interpreter.as_deref())?;
    env.set_str(o, c"platform", &f.platform)?;
    let slices = env.array(f.slices.len())?;
    for (i, s) in f.slices.iter().enumerate() {
        env.set_element(slices, i, facts_to_js(env, s)?)?;
    }
    env.set(o, c"slices", slices)?;
    if let Some(e) = &f.elf {
        let needed = match &e.needed {
            Some(names) => strings(env, names)?,
            None => env.null()?,
        };
        env.set(o, c"needed", needed)?;
        env.set_opt_str(o, c"soname", e.soname.as_deref())?;
        env.set_opt_str(o, c"rpath", e.rpath.as_deref())?;
        env.set_opt_str(o, c"runpath", e.runpath.as_deref())?;
        env.set(o, c"loadAlign", env.opt_f64(e.load_align.map(|a| a as f64))?)?;
        env.set(o, c"isaLevel", env.opt_f64(e.isa_level.map(f64::from))?)?;
        env.set(o, c"armArch", env.opt_f64(e.arm_arch.map(f64::from))?)?;
        let needs = match &e.version_needs {
            Some(needs) => {
                let a = env.array(needs.len())?;
                for (i, n) in needs.iter().enumerate() {
                    let v = env.object()?;
                    env.set_str(v, c"library", &n.library)?;
                    env.set(v, c"versions", strings(env, &n.versions)?)?;
                    env.set(v, c"weak", strings(env, &n.weak)?)?;
                    env.set_element(a, i, v)?;
                }
                a
            }
            None => env.null()?,
        };
        env.set(o, c"versionsNeeded", needs)?;
        let defs = match &e.version_defs {
            Some(d) => strings(env, d)?,
            None => env.null()?,
        };
        env.set(o, c"versionsDefined", defs)?;
    }
    Ok(o)
}

/// A JS array of strings.
fn strings(env: Env, items: &[String]) -> JsResult<Value> {
    let a = env.array(items.len())?;
    for (i, s) in items.iter().enumerate() {
        env.set_element(a, i, env.string(s)?)?;
    }
    Ok(a)
}

pub fn classification_to_js(env: Env, i: &Inspection) -> JsResult<Value> {
    let o = env.object()?;
    match &i.classification {
        Classification::Binary(facts) => {
            env.set_str(o, c"status", "binary")?;
            env.set(o, c"facts", facts_to_js(env, facts)?)?;
            let wants = env.array(i.wants.len())?;
            for (n, w) in i.wants.iter().enumerate() {
                let r = env.object()?;
                // Exact for every offset below 2^53, i.e. every real file.
                env.set(r, c"offset", env.f64(w.offset as f64)?)?;
                env.set(r, c"length", env.f64(w.length as f64)?)?;
                env.set_element(wants, n, r)?;
            }
            env.set(o, c"wants", wants)?;
        }
        Classification::Unreadable { format, reason } => {
            env.set_str(o, c"status", "unreadable")?;
            env.set_str(o, c"format", format.as_str())?;
            env.set_str(o, c"reason", &reason.to_string())?;
        }
        Classification::NeedMore(n) => {
            env.set_str(o, c"status", "need-more")?;
            // Exact for every size below 2^53, i.e. every real file.
            env.set(o, c"bytes", env.f64(*n as f64)?)?;
        }
        Classification::NotBinary => env.set_str(o, c"status", "not-binary")?,
    }
    Ok(o)
}
