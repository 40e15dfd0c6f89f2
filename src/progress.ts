// How far a scan has got, for a progress bar: layers finished of the layers expected, and bytes
// of the image as stored (compressed, as shipped) got through of the bytes expected, with the
// recent rate. Sources report as they read — JavaScript readers add what passes, native walks on
// the thread pool are polled through their counters — and scan() hands snapshots to its caller.

export interface Progress {
  layersDone: number;
  /** Layers of the images to scan; null while unknown (a stream: its manifest comes last). */
  layersTotal: number | null;
  /** Stored bytes got through: downloaded, streamed, or walked past at offsets. */
  bytes: number;
  /** The bytes there are to get through; null while unknown (stdin, docker save). */
  bytesTotal: number | null;
  /** Bytes per second over the last few seconds. */
  bytesPerSecond: number;
}

/** A stretch of stored bytes being read: a layer blob, or a whole streamed archive. */
export interface Reading {
  /** A reader whose bytes are counted as they pass; returns the function to count them with. */
  counted(): (n: number) => void;
  /** A reader whose position (bytes from the stretch's start) is asked for at each snapshot. */
  watch(position: () => number): void;
  /** Read to the end: the whole size counts from now on. */
  end(): void;
}

/** The rate is over this much of the recent past: long enough to be steady, short enough to follow a change. */
const RATE_WINDOW_MS = 3000;

export class ProgressMeter {
  private layersDone = 0;
  private layersTotal: number | null = null;
  private bytesTotal: number | null = null;
  private bytesUnknown = false;
  private readWhileOpening = false;
  private ended = 0;
  private readonly reading = new Set<() => number>();
  private readonly expected = new Set<string>();
  private readonly samples: { at: number; bytes: number }[];

  /**
   * `onLayer`: told when a layer is done, so a display can move at once instead of at its next
   * tick. `now`: the clock (milliseconds), replaceable in tests.
   */
  constructor(
    private readonly onLayer: () => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.samples = [{ at: now(), bytes: 0 }];
  }

  /**
   * Layers about to be scanned, each counted once by its key (digest or path) however many
   * images share it, with its stored size (null: unknown, and so is the total).
   */
  expect(layers: { key: string; size: number | null }[]): void {
    // The source was read whole while it was opened, before its images were known: see opening().
    if (this.readWhileOpening) return;
    for (const { key, size } of layers) {
      if (this.expected.has(key)) continue;
      this.expected.add(key);
      this.layersTotal = (this.layersTotal ?? 0) + 1;
      if (size === null) this.bytesUnknown = true;
      else this.bytesTotal = (this.bytesTotal ?? 0) + size;
    }
  }

  /**
   * The source is read whole while it is opened — a stream front to back, or a root filesystem —
   * so its own `size` (null: unknown) and `layers` (null: unknown until its manifest, which a
   * stream may hold last) are the totals, and the images picked afterwards expect nothing more.
   */
  opening(size: number | null, layers: number | null): void {
    this.readWhileOpening = true;
    if (size === null) this.bytesUnknown = true;
    else this.bytesTotal = (this.bytesTotal ?? 0) + size;
    if (layers !== null) this.layersTotal = (this.layersTotal ?? 0) + layers;
  }

  /**
   * A stretch of `size` stored bytes (null: unknown) being read by one or more readers at once
   * (a walk and a hash): it has got as far as its slowest reader, and counts whole only at end().
   */
  read(size: number | null): Reading {
    const positions: (() => number)[] = [];
    const cap = (n: number) => (size === null ? n : Math.min(n, size));
    const at = () => (positions.length === 0 ? 0 : cap(Math.min(...positions.map((p) => p()))));
    this.reading.add(at);
    let open = true;
    return {
      counted: () => {
        let n = 0;
        positions.push(() => n);
        return (more) => {
          n += more;
        };
      },
      watch: (position) => {
        positions.push(position);
      },
      end: () => {
        if (!open) return;
        open = false;
        this.ended += size ?? at();
        this.reading.delete(at);
      },
    };
  }

  /** Scans one layer of `size` stored bytes: `scan` reports its readers to the reading it is given; done when it resolves. */
  async layer<T>(size: number | null, scan: (reading: Reading) => Promise<T>): Promise<T> {
    const reading = this.read(size);
    try {
      const result = await scan(reading);
      reading.end();
      this.layerDone();
      return result;
    } finally {
      reading.end();
    }
  }

  layerDone(): void {
    this.layersDone++;
    this.onLayer();
  }

  snapshot(): Progress {
    let bytes = this.ended;
    for (const at of this.reading) bytes += at();
    const now = this.now();
    // The oldest sample still inside the window is the rate's base; older ones are dropped.
    while (this.samples.length > 1 && this.samples[1]!.at <= now - RATE_WINDOW_MS) this.samples.shift();
    const base = this.samples[0]!;
    const seconds = (now - base.at) / 1000;
    this.samples.push({ at: now, bytes });
    return {
      layersDone: this.layersDone,
      layersTotal: this.layersTotal,
      bytes,
      bytesTotal: this.bytesUnknown ? null : this.bytesTotal,
      bytesPerSecond: seconds > 0 ? Math.max(0, bytes - base.bytes) / seconds : 0,
    };
  }
}

/**
 * A meter whose snapshots go to `callback` every `tickMs` and whenever a layer is done — polled,
 * not pushed, because native walks on the thread pool only keep a counter. Without a callback
 * no timer runs; the timer never keeps the process alive, and stop() ends it.
 */
export function meterFor(callback: ((p: Progress) => void) | undefined, tickMs: number): { meter: ProgressMeter; tell: () => void; stop: () => void } {
  const meter: ProgressMeter = new ProgressMeter(() => tell());
  const tell = (): void => callback?.(meter.snapshot());
  const ticker = callback ? setInterval(tell, tickMs).unref() : null;
  const stop = (): void => {
    if (ticker) clearInterval(ticker);
  };
  return { meter, tell, stop };
}
