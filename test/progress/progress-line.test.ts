// What the progress line looks like, and how it redraws: one line, overwritten in place, never
// wider than the terminal, at most ten times a second unless a layer finished.

import { describe, expect, it } from 'vitest';
import type { Progress } from '../../src/progress.js';
import { formatBytes, progressLine, renderProgress } from '../../src/progress-line.js';

const p = (over: Partial<Progress>): Progress => ({ layersDone: 0, layersTotal: null, bytes: 0, bytesTotal: null, bytesPerSecond: 0, ...over });

describe('renderProgress', () => {
  it('shows a bar, the share, layers, bytes of the total and the rate when the totals are known', () => {
    expect(renderProgress(p({ layersDone: 2, layersTotal: 7, bytes: 412e6, bytesTotal: 1.33e9, bytesPerSecond: 96.1e6 }))).toBe(
      'elfscan [======>             ]  30% 2/7 layers, 412.0 MB of 1.33 GB, 96.1 MB/s',
    );
  });

  it('a finished scan fills the bar', () => {
    expect(renderProgress(p({ layersDone: 3, layersTotal: 3, bytes: 5000, bytesTotal: 5000, bytesPerSecond: 1e6 }))).toBe(
      'elfscan [====================] 100% 3/3 layers, 5.0 kB of 5.0 kB, 1.0 MB/s',
    );
  });

  it('a stream of unknown length shows no bar, the layers seen so far and the bytes read', () => {
    expect(renderProgress(p({ layersDone: 1, bytes: 12_345_678, bytesPerSecond: 2.5e6 }))).toBe('elfscan 1 layer, 12.3 MB, 2.5 MB/s');
    expect(renderProgress(p({ layersDone: 4, bytes: 999 }))).toBe('elfscan 4 layers, 999 B, 0 B/s');
  });

  it('a file streamed whole has a byte total before its layer count is known', () => {
    expect(renderProgress(p({ layersDone: 1, bytes: 250e6, bytesTotal: 1e9, bytesPerSecond: 50e6 }))).toBe(
      'elfscan [=====>              ]  25% 1 layer, 250.0 MB of 1.00 GB, 50.0 MB/s',
    );
  });

  it('with layers known but not their sizes, the bar follows the layers', () => {
    expect(renderProgress(p({ layersDone: 1, layersTotal: 4, bytes: 10, bytesPerSecond: 0 }))).toMatch(/^elfscan \[=====>\s+\]\s+25% 1\/4 layers, 10 B, 0 B\/s$/);
  });

  it('never shows more layers done than expected (a stream may scan a layer no image uses)', () => {
    expect(renderProgress(p({ layersDone: 5, layersTotal: 4 }))).toContain('4/4 layers');
  });

  it('formats sizes in decimal units', () => {
    expect([0, 999, 1000, 1_500_000, 2_340_000_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '1.5 MB', '2.34 GB']);
  });
});

describe('progressLine', () => {
  function terminal(columns?: number) {
    const writes: string[] = [];
    let t = 0;
    const line = progressLine({ write: (s: string) => writes.push(s), ...(columns ? { columns } : {}) }, () => t);
    return { writes, line, advance: (ms: number) => (t += ms) };
  }

  it('overwrites itself in place and is erased at the end', () => {
    const { writes, line, advance } = terminal();
    line.update(p({ bytes: 1000 }));
    advance(150);
    line.update(p({ bytes: 2000 }));
    line.clear();
    expect(writes).toEqual(['\r\x1b[Kelfscan 0 layers, 1.0 kB, 0 B/s', '\r\x1b[Kelfscan 0 layers, 2.0 kB, 0 B/s', '\r\x1b[K']);
  });

  it('redraws at most every 100 ms, except when a layer finishes or the last byte came', () => {
    const { writes, line, advance } = terminal();
    line.update(p({ bytes: 1000 }));
    advance(10);
    line.update(p({ bytes: 2000 })); // too soon: skipped
    advance(10);
    line.update(p({ layersDone: 1, bytes: 3000 })); // a layer finished: drawn
    advance(10);
    line.update(p({ layersDone: 1, bytes: 3500, bytesTotal: 4000 })); // too soon: skipped
    advance(10);
    line.update(p({ layersDone: 1, bytes: 4000, bytesTotal: 4000 })); // complete: drawn
    expect(writes).toHaveLength(3);
    expect(writes[1]).toContain('1 layer, 3.0 kB');
    expect(writes[2]).toContain('1 layer, 4.0 kB of 4.0 kB');
  });

  it('never writes a line wider than the terminal, which would wrap and break the redraw', () => {
    const { writes, line } = terminal(30);
    line.update(p({ layersDone: 2, layersTotal: 7, bytes: 412e6, bytesTotal: 1.33e9, bytesPerSecond: 96.1e6 }));
    expect(writes[0]!.replace('\r\x1b[K', '')).toHaveLength(29);
  });

  it('erases nothing when it never drew', () => {
    const { writes, line } = terminal();
    line.clear();
    expect(writes).toEqual([]);
  });
});
