//! Completes an ELF file's facts past its head, under one rule whether the file streams past or
//! sits on disk, so that both give the same answer: what a single forward pass could keep. The
//! classifier answered from the head and listed wanted ranges; a bounded prefix, a tail window
//! and a capped budget of captures (ranges that still lie ahead) hold what can be had, and the
//! classifier is asked again exactly when the stream reaches the end of a pending range (never
//! "after this chunk", which would make the answer depend on chunk sizes). The same rule as
//! src/layers/elf-completion.ts; docs/native.md has the protocol.
//!
//! `Streaming` keeps the bytes as they pass. `complete_at_offsets` plays the same pass without
//! the bytes: it only reads, at their offsets, the parts of wanted ranges the pass would hold.

use super::inspect;
use crate::common::{Classification, Inspection, Piece, Want};

/// Kept from the start of every ELF file that wants more than its head.
pub const PREFIX_MAX: u64 = 1024 * 1024;
/// Kept from the end of the file.
pub const TAIL_MAX: u64 = 64 * 1024;
/// Most bytes captured past the prefix and outside the tail, per file.
pub const CAPTURE_MAX: u64 = 256 * 1024;
/// Most classifier calls per file.
pub const CALLS_MAX: u32 = 16;

/// Where the pass stands and what it has decided to keep: shared by both ways of completing.
struct Plan {
    size: u64,
    prefix_len: u64,
    /// (offset, length) of the tail window, when the file extends past the prefix.
    tail: Option<(u64, u64)>,
    /// (offset, length) of each capture, in the order they were placed.
    captures: Vec<(u64, u64)>,
    /// Ends of wanted ranges the prefix or a capture will hold.
    pending: Vec<u64>,
    pos: u64,
    budget: u64,
    calls: u32,
}

impl Plan {
    fn new(head_len: u64, size: u64) -> Plan {
        let prefix_len = size.min(PREFIX_MAX).max(head_len);
        let tail_start = prefix_len.max(size.saturating_sub(TAIL_MAX));
        Plan {
            size,
            prefix_len,
            tail: (tail_start < size).then_some((tail_start, size - tail_start)),
            captures: Vec::new(),
            pending: Vec::new(),
            pos: head_len,
            budget: CAPTURE_MAX,
            calls: 1,
        }
    }

    fn prefix_filled(&self) -> u64 {
        self.pos.min(self.prefix_len)
    }

    fn plan(&mut self, i: &Inspection) {
        if !matches!(i.classification, Classification::Binary(_)) {
            return;
        }
        for w in &i.wants {
            self.place(*w);
        }
    }

    /// Decides what will hold a wanted range — or that it cannot be had.
    fn place(&mut self, w: Want) {
        let end = w.offset.saturating_add(w.length);
        if end <= self.prefix_len {
            if end > self.prefix_filled() {
                self.pending.push(end);
            }
            return;
        }
        if let Some((tail_at, _)) = self.tail {
            if w.offset >= tail_at {
                return; // served at the end
            }
        }
        if w.offset < self.pos {
            return; // already passed and not kept: the fact stays unknown
        }
        if self.captures.iter().any(|&(o, l)| o == w.offset && l >= w.length) {
            return;
        }
        if w.length > self.budget {
            return;
        }
        self.budget -= w.length;
        self.captures.push((w.offset, w.length));
        self.pending.push(end);
    }

    /// The next position at which the classifier is asked again, if any.
    fn next_stop(&self) -> Option<u64> {
        if self.calls >= CALLS_MAX {
            return None;
        }
        self.pending.iter().copied().min()
    }

    /// The pass reached `pos`: drop what it satisfied. True when that calls for an answer.
    fn reached(&mut self, pos: u64) -> bool {
        self.pos = pos;
        if self.calls >= CALLS_MAX || !self.pending.iter().any(|&e| e <= pos) {
            return false;
        }
        self.pending.retain(|&e| e > pos);
        true
    }

    /// Captures whose bytes have all passed, in placement order.
    fn filled_captures(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let pos = self.pos;
        self.captures.iter().copied().filter(move |&(o, l)| o + l <= pos)
    }

    /// The tail, once the pass reached the end of the file.
    fn filled_tail(&self) -> Option<(u64, u64)> {
        self.tail.filter(|&(o, l)| o + l <= self.pos)
    }
}

/// Completion as the body streams past: every byte after the head, in order, then `finish`.
pub struct Streaming {
    plan: Plan,
    prefix: Vec<u8>,
    tail: Vec<u8>,
    captures: Vec<Vec<u8>>,
    last: Inspection,
}

impl Streaming {
    pub fn new(head: &[u8], size: u64, first: Inspection) -> Streaming {
        let mut plan = Plan::new(head.len() as u64, size);
        let mut prefix = Vec::with_capacity(plan.prefix_len as usize);
        prefix.extend_from_slice(head);
        plan.plan(&first);
        let tail = Vec::with_capacity(plan.tail.map_or(0, |(_, l)| l as usize));
        Streaming { plan, prefix, tail, captures: Vec::new(), last: first }
    }

    pub fn data(&mut self, mut chunk: &[u8]) {
        while !chunk.is_empty() {
            // Stop exactly at the next pending end, so asks do not depend on chunk sizes.
            let take = match self.plan.next_stop() {
                Some(stop) if stop > self.plan.pos => (stop - self.plan.pos).min(chunk.len() as u64) as usize,
                Some(_) => 0,
                None => chunk.len(),
            };
            let (now, rest) = chunk.split_at(take);
            self.keep(now);
            chunk = rest;
            let pos = self.plan.pos + take as u64;
            if self.plan.reached(pos) {
                self.ask(false);
            }
        }
    }

    pub fn finish(mut self) -> Inspection {
        self.ask(true);
        self.last
    }

    fn keep(&mut self, piece: &[u8]) {
        let at = self.plan.pos;
        let end = at + piece.len() as u64;
        let copy = |buf: &mut Vec<u8>, off: u64, len: u64| {
            // Bytes arrive in order: only the next missing byte matters.
            let next = off + buf.len() as u64;
            if (buf.len() as u64) < len && at <= next && end > next {
                let upto = end.min(off + len);
                buf.extend_from_slice(&piece[(next - at) as usize..(upto - at) as usize]);
            }
        };
        copy(&mut self.prefix, 0, self.plan.prefix_len);
        if let Some((o, l)) = self.plan.tail {
            copy(&mut self.tail, o, l);
        }
        for (i, &(o, l)) in self.plan.captures.iter().enumerate() {
            if i == self.captures.len() {
                self.captures.push(Vec::with_capacity(l as usize));
            }
            copy(&mut self.captures[i], o, l);
        }
    }

    fn ask(&mut self, at_end: bool) {
        self.plan.calls += 1;
        while self.captures.len() < self.plan.captures.len() {
            self.captures.push(Vec::new());
        }
        let mut pieces: Vec<Piece<'_>> = Vec::new();
        for (i, &(o, l)) in self.plan.captures.iter().enumerate() {
            if self.captures[i].len() as u64 == l {
                pieces.push(Piece { offset: o, bytes: &self.captures[i] });
            }
        }
        if let Some((o, l)) = self.plan.tail {
            if at_end && self.tail.len() as u64 == l {
                pieces.push(Piece { offset: o, bytes: &self.tail });
            }
        }
        let answer = inspect(&self.prefix, &pieces, self.plan.size);
        if !at_end {
            self.plan.plan(&answer);
        }
        self.last = answer;
    }
}

/// Rounds of reading parts of wanted ranges within one answer before giving up on reading
/// lazily and reading the whole prefix instead (never reached by real files).
const LAZY_ROUNDS: u32 = 32;

/// The same pass over a body of `stored` bytes that can be read at offsets: `read(offset, len)`
/// returns those bytes of the body. Only the parts of wanted ranges the pass would hold are read.
pub fn complete_at_offsets<E>(
    head: &[u8],
    size: u64,
    stored: u64,
    first: Inspection,
    read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, E>,
) -> Result<Inspection, E> {
    let mut plan = Plan::new(head.len() as u64, size);
    plan.plan(&first);
    let mut lazy = Lazy { head: head.to_vec(), pieces: Vec::new() };
    while let Some(stop) = plan.next_stop() {
        if stop > stored {
            break; // the body ends first
        }
        if plan.reached(stop.max(plan.pos)) {
            plan.calls += 1;
            let answer = lazy.ask(&plan, false, read)?;
            plan.plan(&answer);
        }
    }
    plan.pos = plan.pos.max(stored);
    lazy.ask(&plan, true, read)
}

/// What has been read so far: the head (grown if a header read needs it) and parts of ranges.
struct Lazy {
    head: Vec<u8>,
    pieces: Vec<(u64, Vec<u8>)>,
}

impl Lazy {
    /// The answer the streaming pass would give at `plan.pos`: reads, until nothing new can be
    /// had, the part of every wanted range that lies in something the pass holds.
    fn ask<E>(
        &mut self,
        plan: &Plan,
        at_end: bool,
        read: &mut dyn FnMut(u64, u64) -> Result<Vec<u8>, E>,
    ) -> Result<Inspection, E> {
        let mut held: Vec<(u64, u64)> = vec![(0, plan.prefix_filled())];
        held.extend(plan.filled_captures());
        if at_end {
            held.extend(plan.filled_tail());
        }
        for _ in 0..LAZY_ROUNDS {
            let answer = self.inspect(plan.size);
            if let Classification::NeedMore(n) = answer.classification {
                // A header read past the head but inside the prefix: the pass has those bytes.
                if n > self.head.len() as u64 && n <= plan.prefix_filled() {
                    let more = read(self.head.len() as u64, n - self.head.len() as u64)?;
                    self.head.extend_from_slice(&more);
                    continue;
                }
                return Ok(answer);
            }
            let mut fresh = false;
            for w in &answer.wants {
                let (w_at, w_end) = (w.offset, w.offset.saturating_add(w.length));
                for &(h_at, h_len) in &held {
                    let (at, end) = (w_at.max(h_at), w_end.min(h_at + h_len));
                    if at >= end || self.covers(at, end) {
                        continue;
                    }
                    let bytes = read(at, end - at)?;
                    self.pieces.push((at, bytes));
                    fresh = true;
                }
            }
            if !fresh {
                return Ok(answer);
            }
        }
        // Fall back to exactly what the streaming pass holds.
        let mut pieces = Vec::new();
        let prefix = read(0, plan.prefix_filled())?;
        for &(o, l) in &held[1..] {
            pieces.push((o, read(o, l)?));
        }
        let refs: Vec<Piece<'_>> = pieces.iter().map(|(o, b)| Piece { offset: *o, bytes: b }).collect();
        Ok(inspect(&prefix, &refs, plan.size))
    }

    fn covers(&self, at: u64, end: u64) -> bool {
        (end <= self.head.len() as u64) || self.pieces.iter().any(|(o, b)| *o <= at && end <= o + b.len() as u64)
    }

    fn inspect(&self, size: u64) -> Inspection {
        let refs: Vec<Piece<'_>> = self.pieces.iter().map(|(o, b)| Piece { offset: *o, bytes: b }).collect();
        inspect(&self.head, &refs, size)
    }
}
