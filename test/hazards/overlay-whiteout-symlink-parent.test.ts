// Hazard (spec §9): a whiteout under a symlinked parent. Whiteout paths are literal, as in
// overlayfs: `/a/.wh.x` with /a a lower symlink to /b deletes nothing under /b. Following the
// symlink would let one layer delete another layer's files anywhere in the image (and hide a
// foreign binary from the scan while it is still there at run time).

import { describe, expect, it } from 'vitest';
import { ARM64, X86, bin, dir, layer, overlay, paths, symlink, whiteout } from '../overlay/build-layer.js';

describe('overlay hazard: whiteout under a symlinked parent', () => {
  const lower = layer(dir('/b'), bin('/b/x', X86), symlink('/a', '/b'), symlink('/rel', 'b'));

  it('does not delete through an absolute symlink', () => {
    const t = overlay(lower, layer(whiteout('/a/x')));
    expect(t.get('/b/x')?.facts).toBe(X86);
    expect(t.get('/a')).toMatchObject({ type: 'symlink', target: '/b' });
  });

  it('does not delete through a relative symlink', () => {
    const t = overlay(lower, layer(whiteout('/rel/x')));
    expect(paths(t)).toEqual(['/a', '/b/x', '/rel']);
  });

  it('does delete at the real path', () => {
    const t = overlay(lower, layer(whiteout('/b/x')));
    expect(t.get('/b/x')).toBeUndefined();
    expect(t.resolve('/a/x')).toBeUndefined();
  });

  it('deletes the symlink itself when it is the whiteout’s target', () => {
    const t = overlay(lower, layer(whiteout('/a')));
    expect(paths(t)).toEqual(['/b/x', '/rel']);
  });

  it('a layer that makes /a a real directory still leaves /b alone', () => {
    const t = overlay(lower, layer(dir('/a'), whiteout('/a/x'), bin('/a/y', ARM64)));
    expect(paths(t)).toEqual(['/a/y', '/b/x', '/rel']);
  });
});
