// The progress meter's arithmetic, on a clock the test moves: what a progress bar shows must add
// up (no double counting of a layer read twice at once, no total counted twice for a shared layer).

import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '../../src/progress.js';

function clocked(): { meter: ProgressMeter; advance: (ms: number) => void; layers: () => number } {
  let t = 1000;
  let told = 0;
  const meter = new ProgressMeter(() => told++, () => t);
  return { meter, advance: (ms) => (t += ms), layers: () => told };
}

describe('ProgressMeter', () => {
  it('starts with nothing known', () => {
    const { meter } = clocked();
    expect(meter.snapshot()).toEqual({ layersDone: 0, layersTotal: null, bytes: 0, bytesTotal: null, bytesPerSecond: 0 });
  });

  it('counts a layer shared by two images once, in layers and in bytes', () => {
    const { meter } = clocked();
    meter.expect([
      { key: 'sha256:a', size: 100 },
      { key: 'sha256:b', size: 50 },
    ]);
    meter.expect([
      { key: 'sha256:a', size: 100 },
      { key: 'sha256:c', size: 25 },
    ]);
    expect(meter.snapshot()).toMatchObject({ layersTotal: 3, bytesTotal: 175 });
  });

  it('leaves the byte total unknown when one layer has no size, but still counts layers', () => {
    const { meter } = clocked();
    meter.expect([
      { key: 'a', size: 100 },
      { key: 'b', size: null },
    ]);
    expect(meter.snapshot()).toMatchObject({ layersTotal: 2, bytesTotal: null });
  });

  it('a stretch read by two readers at once has got as far as the slower one, capped at its size', () => {
    const { meter } = clocked();
    const reading = meter.read(100);
    const walk = reading.counted();
    let hashed = 0;
    reading.watch(() => hashed);
    walk(80);
    hashed = 30;
    expect(meter.snapshot().bytes).toBe(30);
    hashed = 95;
    expect(meter.snapshot().bytes).toBe(80);
    walk(500); // a reader that overshoots (padding past the end) still counts no more than the size
    hashed = 1000;
    expect(meter.snapshot().bytes).toBe(100);
  });

  it('an ended stretch counts its whole size once, however often end() is called', () => {
    const { meter } = clocked();
    const reading = meter.read(100);
    reading.counted()(10);
    reading.end();
    reading.end();
    expect(meter.snapshot().bytes).toBe(100);
  });

  it('a stretch of unknown size counts what its readers got through', () => {
    const { meter } = clocked();
    const reading = meter.read(null);
    reading.counted()(42);
    expect(meter.snapshot().bytes).toBe(42);
    reading.end();
    expect(meter.snapshot().bytes).toBe(42);
  });

  it('layer() counts the layer done, with all its bytes, only when its scan resolves', async () => {
    const { meter, layers } = clocked();
    let resolve!: (v: string) => void;
    const done = meter.layer(200, (reading) => {
      reading.counted()(50);
      return new Promise<string>((r) => (resolve = r));
    });
    await Promise.resolve();
    expect(meter.snapshot()).toMatchObject({ layersDone: 0, bytes: 50 });
    resolve('records');
    expect(await done).toBe('records');
    expect(meter.snapshot()).toMatchObject({ layersDone: 1, bytes: 200 });
    expect(layers()).toBe(1); // the display was told at once
  });

  it('a failed layer is not counted done, and its bytes stop being asked for', async () => {
    const { meter } = clocked();
    let asked = 0;
    await expect(
      meter.layer(200, async (reading) => {
        reading.watch(() => ++asked);
        throw new Error('bad layer');
      }),
    ).rejects.toThrow('bad layer');
    expect(meter.snapshot().layersDone).toBe(0);
    const before = asked;
    meter.snapshot();
    expect(asked).toBe(before);
  });

  it('a source read while it opens sets the totals; images picked later add none', () => {
    const { meter } = clocked();
    meter.opening(1000, null);
    meter.expect([{ key: 'sha256:a', size: 400 }]);
    expect(meter.snapshot()).toMatchObject({ layersTotal: null, bytesTotal: 1000 });
    const root = clocked().meter;
    root.opening(300, 1);
    expect(root.snapshot()).toMatchObject({ layersTotal: 1, bytesTotal: 300 });
    const stdin = clocked().meter;
    stdin.opening(null, null);
    expect(stdin.snapshot()).toMatchObject({ layersTotal: null, bytesTotal: null });
  });

  it('the rate is over the last few seconds, so it follows a change of pace', () => {
    const { meter, advance } = clocked();
    const count = meter.read(null).counted();
    for (let s = 0; s < 5; s++) {
      advance(1000);
      count(10_000_000); // 10 MB/s for five seconds
      meter.snapshot();
    }
    expect(meter.snapshot().bytesPerSecond).toBeCloseTo(10_000_000, -3);
    for (let s = 0; s < 5; s++) {
      advance(1000);
      count(1_000_000); // then 1 MB/s
      meter.snapshot();
    }
    const slow = meter.snapshot().bytesPerSecond;
    expect(slow).toBeGreaterThan(900_000);
    expect(slow).toBeLessThan(1_500_000); // an average since the start would still say ~5.5 MB/s
  });
});
