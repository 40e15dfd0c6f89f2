// Hazard (spec §9): invalid whiteout names. `.wh.` (empty), `.wh..` (".") and `.wh...` ("..")
// name the directory holding them or its parent; joined naively they delete that directory, its
// parent, or the root. containerd refuses such a layer ("invalid whiteout name"); elfscan skips
// the entry, counts it, and applies the rest of the layer.

import { describe, expect, it } from 'vitest';
import { X86, bin, layer, overlay, paths, whiteout } from '../overlay/build-layer.js';

describe('overlay hazard: invalid whiteout names', () => {
  const lower = layer(bin('/srv/app/bin/run', X86), bin('/srv/other', X86), bin('/top', X86));

  it.each([
    ['.wh. in /srv/app', '/srv/app/'],
    ['.wh.. in /srv/app', '/srv/app/.'],
    ['.wh... in /srv/app', '/srv/app/..'],
    ['.wh... at the root', '/..'],
    ['.wh.. at the root', '/.'],
    ['the root itself', '/'],
    ['a climbing path', '/srv/app/../../top'],
  ])('%s deletes nothing', (_name, path) => {
    const t = overlay(lower, layer(whiteout(path)));
    expect(paths(t)).toEqual(['/srv/app/bin/run', '/srv/other', '/top']);
    expect(t.ignoredEntries).toBe(1);
  });

  it('the rest of the layer still applies', () => {
    const t = overlay(lower, layer(whiteout('/srv/app/..'), whiteout('/srv/other'), bin('/srv/new', X86)));
    expect(paths(t)).toEqual(['/srv/app/bin/run', '/srv/new', '/top']);
  });

  it('names made of more dots are ordinary names and are deleted', () => {
    const t = overlay(
      layer(bin('/srv/...', X86), bin('/srv/..x', X86), bin('/srv/.hidden', X86), bin('/srv/keep', X86)),
      layer(whiteout('/srv/...'), whiteout('/srv/..x'), whiteout('/srv/.hidden')),
    );
    expect(paths(t)).toEqual(['/srv/keep']);
    expect(t.ignoredEntries).toBe(0);
  });
});
