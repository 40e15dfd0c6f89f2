// Hazard (spec §9): whiteouts affect lower layers only. A `.wh.NAME` applied in tar order after
// the same layer's NAME deletes a file the layer itself adds — a binary the scan then misses.

import { describe, expect, it } from 'vitest';
import { ARM64, X86, bin, layer, overlay, paths, whiteout } from '../overlay/build-layer.js';

describe('overlay hazard: whiteouts affect lower layers only', () => {
  it('deletes the lower layer’s file', () => {
    const t = overlay(layer(bin('/usr/bin/tool', ARM64)), layer(whiteout('/usr/bin/tool')));
    expect(t.get('/usr/bin/tool')).toBeUndefined();
    expect(t.fileCount).toBe(0);
  });

  it('keeps the file its own layer adds, whiteout after the file in tar order', () => {
    const t = overlay(layer(bin('/usr/bin/tool', ARM64)), layer(bin('/usr/bin/tool', X86), whiteout('/usr/bin/tool')));
    expect(t.get('/usr/bin/tool')).toMatchObject({ facts: X86, layer: 1 });
  });

  it('keeps the file its own layer adds, whiteout before the file in tar order', () => {
    const t = overlay(layer(bin('/usr/bin/tool', ARM64)), layer(whiteout('/usr/bin/tool'), bin('/usr/bin/tool', X86)));
    expect(t.get('/usr/bin/tool')).toMatchObject({ facts: X86, layer: 1 });
  });

  it('keeps a directory its own layer fills, and drops only the lower contents', () => {
    const t = overlay(
      layer(bin('/opt/x/lower', ARM64)),
      layer(bin('/opt/x/mine', X86), whiteout('/opt/x')),
    );
    expect(paths(t)).toEqual(['/opt/x/mine']);
  });

  it('in the first layer deletes nothing the layer has', () => {
    const t = overlay(layer(bin('/a', X86), whiteout('/a')));
    expect(paths(t)).toEqual(['/a']);
  });
});
