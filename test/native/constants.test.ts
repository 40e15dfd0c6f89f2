// The limits TypeScript reads from the addon (limits()) are the ones the native walker works
// within: each shown at its edge through the walker itself, so a limit exported under the wrong
// name, or a value TypeScript kept a copy of, fails here. (An addon from before constants() has an
// older interfaceVersion and is refused with the rebuild sentence: loader.test.ts.)

import { describe, expect, it } from 'vitest';
import { layerScan, limits, type LayerRecords } from '../../src/native.js';
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
  it('a loader configuration file of exactly 16 KiB is kept whole, one byte more is not', () => {
    const cap = 16 * 1024;
    const got = extras([
      { name: 'etc/ld.so.conf', body: 'x'.repeat(cap) },
      { name: 'etc/ld.so.conf.d/big.conf', body: 'x'.repeat(cap + 1) },
    ]);
    expect(got.get('/etc/ld.so.conf')).toBe(cap);
    expect(got.get('/etc/ld.so.conf.d/big.conf')).toBeNull();
  });

  it('textMax: the largest cap, a package database\'s', () => {
    const { textMax } = limits();
    expect(textMax).toBe(32 << 20);
    const got = extras([{ name: 'var/lib/dpkg/status', body: 'x'.repeat(2 << 20) }]);
    expect(got.get('/var/lib/dpkg/status')).toBe(2 << 20);
  });

  it('textsPerLayer: texts past the cap are not kept', () => {
    const { textsPerLayer } = limits();
    const confs = Array.from({ length: textsPerLayer + 1 }, (_, i) => ({ name: `etc/ld.so.conf.d/${i}.conf`, body: '/opt\n' }));
    const got = extras(confs);
    expect(got.get(`/etc/ld.so.conf.d/${textsPerLayer - 1}.conf`)).toBe(5);
    expect(got.get(`/etc/ld.so.conf.d/${textsPerLayer}.conf`)).toBeNull();
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
