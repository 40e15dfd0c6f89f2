// The limits TypeScript reads from the addon (limits()) are the ones the native walker works
// within: each shown at its edge through the walker itself, so a limit exported under the wrong
// name, or a value TypeScript kept a copy of, fails here. (An addon from before constants() has an
// older interfaceVersion and is refused with the rebuild sentence: loader.test.ts.)

import { describe, expect, it } from 'vitest';
import { keptTextCap, layerScan, limits, type LayerRecords } from '../../src/native.js';
import { buildTar, type TarEntry } from '../helpers/tar-builder.js';

/** The walker's extra for each entry, by path: the bytes kept (a `#!` head or a text), 'class', or null. */
function extras(entries: TarEntry[]): Map<string, number | 'class' | null> {
  const h = layerScan.start();
  layerScan.push(h, buildTar(entries));
  const r: LayerRecords = layerScan.end(h);
  const out = new Map<string, number | 'class' | null>();
  for (let i = 0; i < r.count; i++) {
    const x = r.meta[i * 4 + 3]!;
    const extra = x === 0 ? null : r.extras[x - 1]!;
    const kept = typeof extra === 'string' ? Buffer.byteLength(extra) : Buffer.isBuffer(extra) ? extra.length : null;
    out.set(r.names[i]!, extra === null ? null : (kept ?? 'class'));
  }
  return out;
}

describe('limits() are the walker’s', () => {
  it('keptTextCap: a loader configuration file of exactly its cap is kept whole, one byte more is not', () => {
    const cap = keptTextCap('/etc/ld.so.conf');
    expect(keptTextCap('/etc/ld.so.conf.d/big.conf')).toBe(cap);
    const got = extras([
      { name: 'etc/ld.so.conf', body: 'x'.repeat(cap) },
      { name: 'etc/ld.so.conf.d/big.conf', body: 'x'.repeat(cap + 1) },
    ]);
    expect(got.get('/etc/ld.so.conf')).toBe(cap);
    expect(got.get('/etc/ld.so.conf.d/big.conf')).toBeNull();
  });

  it('textMax: the largest cap, a package database\'s', () => {
    expect(keptTextCap('/var/lib/dpkg/status')).toBe(limits().textMax);
    const got = extras([{ name: 'var/lib/dpkg/status', body: 'x'.repeat(2 << 20) }]);
    expect(got.get('/var/lib/dpkg/status')).toBe(2 << 20);
  });

  it('textBytesPerLayer: texts past the byte cap are not kept', () => {
    const { textBytesPerLayer } = limits();
    const each = keptTextCap('/var/lib/dpkg/info/p.list');
    const fit = Math.floor(textBytesPerLayer / each);
    const body = Buffer.alloc(each, 0x78);
    const got = extras(Array.from({ length: fit + 1 }, (_, i) => ({ name: `var/lib/dpkg/info/p${i}.list`, body })));
    expect(got.get(`/var/lib/dpkg/info/p${fit - 1}.list`)).toBe(each);
    expect(got.get(`/var/lib/dpkg/info/p${fit}.list`)).toBeNull();
  });

  it('shebangMax: a #! line is read from shebangMax + 1 bytes (the one more tells "no newline" apart)', () => {
    const { shebangMax } = limits();
    expect(extras([{ name: 'bin/s', body: `#!/${'x'.repeat(1000)}\n` }]).get('/bin/s')).toBe(shebangMax + 1);
  });

  it('headBytes: a binary candidate is classified from its head, never kept as bytes', () => {
    const elf = Buffer.alloc(limits().headBytes * 3);
    elf.write('\x7fELF', 0, 'latin1');
    expect(extras([{ name: 'bin/e', body: elf }]).get('/bin/e')).toBe('class');
  });
});
