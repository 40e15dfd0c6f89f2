// A root filesystem directory as one layer: every regular file's head is read (never written
// anywhere), symlinks keep their text, and nothing outside the directory is followed.

import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { HEAD_BYTES, LayerEntryCollector } from '../layers/layer-entries.js';
import { asReadError } from '../layers/layer-scanner.js';
import type { TarHeader } from '../layers/tar-reader.js';
import type { LayerIndex } from '../model.js';

/** Heads read at once: enough to hide file-open latency without hoarding descriptors. */
const CONCURRENCY = 16;

export async function scanRootfsDir(dir: string, where: string): Promise<LayerIndex> {
  const collector = new LayerEntryCollector(null);
  const pending: Promise<void>[] = [];
  const heads = new Map<string, Buffer>();

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
    let next = 0;
    const worker = async () => {
      while (next < order.length) {
        const item = order[next++]!;
        if (item.header.type === 'file' && item.header.size > 0) heads.set(item.abs, await readHead(item.abs, item.header.size));
      }
    };
    for (let i = 0; i < CONCURRENCY; i++) pending.push(worker());
    await Promise.all(pending);
  } catch (e) {
    throw asReadError(e, where);
  }
  for (const { header: h, abs } of order) {
    const sink = collector.onEntry(h);
    const head = heads.get(abs);
    if (sink && head) sink.data(head);
    sink?.end();
  }
  return collector.finish(0);
}

function header(name: string, type: TarHeader['type'], size: number, mode: number): TarHeader {
  return { name, type, size, mode, linkname: '' };
}

/** The head the classifier may ask for; a larger read happens only when it asks (rare). */
async function readHead(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const want = Math.min(size, HEAD_BYTES * 4);
    const buf = Buffer.allocUnsafe(want);
    const { bytesRead } = await fh.read(buf, 0, want, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
