// Layers are scanned as many at once as there are cores, largest first, and merged in manifest
// order. Largest first because the scan of an image lasts as long as its busiest core: started in
// manifest order, a large layer that comes late runs alone at the end while the other cores idle.

import { mapLimit } from '../map-limit.js';

/** `fn` over `items` with at most `limit` in flight, started in decreasing `size` (unknown: 0); results in input order. */
export async function largestFirst<T, R>(
  items: readonly T[],
  limit: number,
  size: (item: T) => number | undefined,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const order = items.map((_, i) => i).sort((a, b) => (size(items[b]!) ?? 0) - (size(items[a]!) ?? 0) || a - b);
  const done = await mapLimit(order, limit, (i) => fn(items[i]!, i));
  const out = new Array<R>(items.length);
  order.forEach((i, k) => (out[i] = done[k]!));
  return out;
}
