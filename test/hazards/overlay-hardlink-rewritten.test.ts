// Hazard (spec §9): a hard-link pair rewritten in a later layer. A hard link stands for its
// target's content when its layer is applied; rewriting the target later does not reach the
// link (overlayfs copies the file up and the pair is broken), and rewriting the link does not
// reach the target. A tool that resolves links at the end reports the wrong binary for one of them.

import { describe, expect, it } from 'vitest';
import { ARM64, X86, bin, hardlink, layer, overlay, whiteout } from '../overlay/build-layer.js';

describe('overlay hazard: hard-link pair rewritten in a later layer', () => {
  const pair = layer(bin('/usr/bin/python3.11', X86, { size: 1111 }), hardlink('/usr/bin/python3', '/usr/bin/python3.11'));

  it('a link is its target’s content, under its own path', () => {
    const t = overlay(pair);
    expect(t.get('/usr/bin/python3')).toMatchObject({ type: 'file', facts: X86, size: 1111, layer: 0, path: '/usr/bin/python3' });
  });

  it('rewriting the target in layer 1 leaves the layer-0 link with the old content', () => {
    const t = overlay(pair, layer(bin('/usr/bin/python3.11', ARM64, { size: 2222 })));
    expect(t.get('/usr/bin/python3.11')).toMatchObject({ facts: ARM64, size: 2222, layer: 1 });
    expect(t.get('/usr/bin/python3')).toMatchObject({ facts: X86, size: 1111, layer: 0 });
  });

  it('rewriting the link in layer 1 leaves the target alone', () => {
    const t = overlay(pair, layer(bin('/usr/bin/python3', ARM64)));
    expect(t.get('/usr/bin/python3.11')?.facts).toBe(X86);
    expect(t.get('/usr/bin/python3')?.facts).toBe(ARM64);
  });

  it('deleting the target keeps the link’s content', () => {
    const t = overlay(pair, layer(whiteout('/usr/bin/python3.11')));
    expect(t.get('/usr/bin/python3')).toMatchObject({ type: 'file', facts: X86 });
    expect(t.fileCount).toBe(1);
  });

  it('a pair re-linked in layer 1 follows layer 1’s target', () => {
    const t = overlay(pair, layer(bin('/usr/bin/python3.11', ARM64), hardlink('/usr/bin/python3', '/usr/bin/python3.11')));
    expect(t.get('/usr/bin/python3')).toMatchObject({ facts: ARM64, layer: 1 });
  });
});
