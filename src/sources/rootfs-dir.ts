// A root filesystem directory as one layer: every regular file's head is read (never written
// anywhere), an ELF file's wanted ranges are read at their offsets, symlinks keep their text, and
// nothing outside the directory is followed.

import { lstat, open, opendir, readlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { completeAtOffsets } from '../layers/elf-completion.js';
import { LayerEntryCollector, keepsWholeText } from '../layers/layer-entries.js';
import { asReadError } from '../layers/layer-scanner.js';
import type { TarHeader } from '../layers/tar-reader.js';
import type { Classification, LayerIndex } from '../model.js';
import { classify, isCandidate, limits } from '../native.js';
import type { ProgressMeter } from '../progress.js';

/** Heads read at once: enough to hide file-open latency without hoarding descriptors. */
const CONCURRENCY = 16;

/** `meter` learns the directory's size once it is walked, then counts each file's size as its head is read. */
export async function scanRootfsDir(dir: string, where: string, meter: ProgressMeter): Promise<LayerIndex> {
  const collector = new LayerEntryCollector(null);
  const pending: Promise<void>[] = [];
  const heads = new Map<string, { head: Buffer; c: Classification | null }>();

  // Walk first (cheap), read heads concurrently, then feed the collector in walk order so the
  // result does not depend on I/O timing.
  const order: { header: TarHeader; abs: string }[] = [];
  const walk = async (rel: string): Promise<void> => {
    const d = await opendir(join(dir, rel));
    for await (const e of d) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const abs = join(dir, childRel);
      if (e.isDirectory()) {
        order.push({ header: header(childRel, 'directory', 0, 0o755), abs });
        await walk(childRel);
      } else if (e.isSymbolicLink()) {
        order.push({ header: { ...header(childRel, 'symlink', 0, 0o777), linkname: await readlink(abs) }, abs });
      } else if (e.isFile()) {
        const st = await lstat(abs);
        order.push({ header: header(childRel, 'file', st.size, st.mode & 0o7777), abs });
      }
    }
  };
  try {
    await walk('');
    const total = order.reduce((sum, { header: h }) => sum + h.size, 0);
    meter.opening(total, 1);
    await meter.layer(total, async (reading) => {
      const count = reading.counted();
      let next = 0;
      const worker = async () => {
        while (next < order.length) {
          const item = order[next++]!;
          if (item.header.type === 'file' && item.header.size > 0) heads.set(item.abs, await readFile(item.abs, item.header));
          count(item.header.size);
        }
      };
      for (let i = 0; i < CONCURRENCY; i++) pending.push(worker());
      await Promise.all(pending);
    });
  } catch (e) {
    throw asReadError(e, where);
  }
  for (const { header: h, abs } of order) {
    const got = heads.get(abs);
    if (got) collector.addFile(h, got.head, got.c);
    else collector.onEntry(h)?.end();
  }
  return collector.finish(0);
}

function header(name: string, type: TarHeader['type'], size: number, mode: number): TarHeader {
  return { name, type, size, mode, linkname: '' };
}

/** A file's head and, for candidates, its final classification (null: not a binary candidate). */
async function readFile(path: string, h: TarHeader): Promise<{ head: Buffer; c: Classification | null }> {
  const fh = await open(path, 'r');
  try {
    const size = h.size;
    const first = keepsWholeText(h.name.startsWith('/') ? h.name : `/${h.name}`, size) ? limits().textMax : limits().headBytes * 4;
    let head = await readAt(fh, 0, Math.min(size, first));
    if (!isCandidate(head)) return { head, c: null };
    let c = classify(head, size);
    while (c.status === 'need-more' && c.bytes > head.length && c.bytes <= Math.min(limits().maxHeadBytes, size)) {
      head = await readAt(fh, 0, c.bytes);
      c = classify(head, size);
    }
    if (c.status === 'binary' && (c.wants?.length ?? 0) > 0) c = await completeAtOffsets(head, size, c, (o, n) => readAt(fh, o, n));
    return { head, c };
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}
