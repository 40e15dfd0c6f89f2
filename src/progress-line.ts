// The progress bar of the command line: one self-overwriting line on stderr, for a person
// watching a terminal. What it shows comes from ProgressMeter snapshots (src/progress.ts).

import type { Progress } from './progress.js';

const BAR_WIDTH = 20;
/** Redraws this close together only flicker, unless a layer finished or the last byte came. */
const MIN_REDRAW_MS = 100;

/** "elfscan [=====>    ]  31% 2/7 layers, 412.0 MB of 1.33 GB, 96.1 MB/s" — parts unknown so far are left out. */
export function renderProgress(p: Progress): string {
  const fraction =
    p.bytesTotal !== null && p.bytesTotal > 0
      ? p.bytes / p.bytesTotal
      : p.layersTotal !== null && p.layersTotal > 0
        ? p.layersDone / p.layersTotal
        : null;
  const parts: string[] = ['elfscan'];
  if (fraction !== null) {
    const f = Math.min(1, Math.max(0, fraction));
    const filled = Math.floor(f * BAR_WIDTH);
    const bar = filled >= BAR_WIDTH ? '='.repeat(BAR_WIDTH) : `${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled - 1)}`;
    parts.push(`[${bar}] ${String(Math.floor(f * 100)).padStart(3)}%`);
  }
  const layers = p.layersTotal !== null ? `${Math.min(p.layersDone, p.layersTotal)}/${p.layersTotal} layers` : `${p.layersDone} ${p.layersDone === 1 ? 'layer' : 'layers'}`;
  const bytes = p.bytesTotal !== null ? `${formatBytes(p.bytes)} of ${formatBytes(p.bytesTotal)}` : formatBytes(p.bytes);
  return `${parts.join(' ')} ${layers}, ${bytes}, ${formatBytes(p.bytesPerSecond)}/s`;
}

/** Decimal units, as download tools and docker show sizes. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}

export interface ProgressTerminal {
  write(s: string): unknown;
  /** The terminal's width: a longer line would wrap, and \r would then redraw only its last row. */
  columns?: number;
}

/** A line that redraws itself in place and is erased before the report is printed. */
export function progressLine(term: ProgressTerminal, now: () => number = () => performance.now()): { update: (p: Progress) => void; clear: () => void } {
  let lastAt = -Infinity;
  let lastLayers = -1;
  let lastText = '';
  return {
    update(p) {
      const at = now();
      const complete = p.bytesTotal !== null && p.bytes >= p.bytesTotal;
      if (at - lastAt < MIN_REDRAW_MS && p.layersDone === lastLayers && !complete) return;
      const width = term.columns && term.columns > 1 ? term.columns - 1 : Infinity;
      const text = renderProgress(p).slice(0, width);
      if (text === lastText) return;
      lastAt = at;
      lastLayers = p.layersDone;
      lastText = text;
      term.write(`\r\x1b[K${text}`);
    },
    clear() {
      if (lastText) term.write('\r\x1b[K');
      lastText = '';
    },
  };
}
