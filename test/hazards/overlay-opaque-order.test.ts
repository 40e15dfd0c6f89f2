// Hazard (spec §9): an opaque marker applies before its siblings whatever its position in the
// layer's tar. A tool that applies `.wh..wh..opq` in tar order hides the layer's own files
// written before the marker, and the scan misses them.

import { describe, expect, it } from 'vitest';
import { ARM64, X86, bin, dir, layer, opaque, overlay, paths } from '../overlay/build-layer.js';

describe('overlay hazard: opaque marker order', () => {
  const lower = layer(dir('/app'), bin('/app/old', ARM64), bin('/app/sub/old', ARM64));

  it('hides the lower layers’ files when the marker comes first', () => {
    const t = overlay(lower, layer(dir('/app'), opaque('/app'), bin('/app/new', X86)));
    expect(paths(t)).toEqual(['/app/new']);
  });

  it('keeps the layer’s own files written before the marker in tar order', () => {
    const t = overlay(lower, layer(dir('/app'), bin('/app/new', X86), bin('/app/sub/new', X86), opaque('/app')));
    expect(paths(t)).toEqual(['/app/new', '/app/sub/new']);
    expect(t.get('/app/new')).toMatchObject({ facts: X86, layer: 1 });
  });

  it('does not hide files of the layer that carries the marker, even in layer 0', () => {
    const t = overlay(layer(bin('/app/a', X86), opaque('/app'), bin('/app/b', X86)));
    expect(paths(t)).toEqual(['/app/a', '/app/b']);
  });

  it('hides lower files again when a later layer repeats the marker', () => {
    const t = overlay(lower, layer(bin('/app/mid', X86), opaque('/app')), layer(opaque('/app'), bin('/app/top', X86)));
    expect(paths(t)).toEqual(['/app/top']);
  });
});
