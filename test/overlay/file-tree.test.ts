// The final filesystem of spec §4: replacement, deletion, directories against files, hard links,
// symlink resolution, listing and counting. The spec §9 hazards have their own files under
// test/hazards/overlay-*.test.ts.

import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../src/model.js';
import { FileTree } from '../../src/overlay/file-tree.js';
import { ARM64, X86, bin, dir, file, hardlink, layer, layerOf, opaque, overlay, paths, symlink, whiteout } from './build-layer.js';

describe('replacement', () => {
  it('a later layer replaces an earlier file at the same path', () => {
    const t = overlay(layer(bin('/app/run', X86)), layer(bin('/app/run', ARM64)));
    expect(t.get('/app/run')).toMatchObject({ facts: ARM64, layer: 1, type: 'file' });
  });

  it('a later entry in the same layer replaces an earlier one', () => {
    const t = overlay(layer(bin('/app/run', X86), bin('/app/run', ARM64, { size: 7 })));
    expect(t.get('/app/run')).toMatchObject({ facts: ARM64, size: 7, layer: 0 });
    expect(t.fileCount).toBe(1);
  });

  it('a file that no later layer touches keeps its own layer number', () => {
    const t = overlay(layer(file('/a')), layer(file('/b')), layer(file('/c')));
    expect(['/a', '/b', '/c'].map((p) => t.get(p)?.layer)).toEqual([0, 1, 2]);
  });

  it('a non-directory replacing a directory removes its whole subtree', () => {
    const t = overlay(layer(dir('/opt'), file('/opt/a'), file('/opt/sub/b')), layer(file('/opt')));
    expect(paths(t)).toEqual(['/opt']);
    expect(t.get('/opt/sub/b')).toBeUndefined();
    expect(t.get('/opt/sub')).toBeUndefined();
  });

  it('a symlink replacing a directory also removes the subtree', () => {
    const t = overlay(layer(file('/lib/x.so')), layer(symlink('/lib', 'usr/lib')));
    expect(paths(t)).toEqual(['/lib']);
  });

  it('a directory over a directory merges: the lower children stay', () => {
    const t = overlay(layer(dir('/opt'), file('/opt/a')), layer(dir('/opt'), file('/opt/b')));
    expect(paths(t)).toEqual(['/opt/a', '/opt/b']);
    expect(t.get('/opt')).toMatchObject({ type: 'directory', layer: 1 });
  });

  it('a directory over a file replaces it with an empty directory', () => {
    const t = overlay(layer(file('/opt')), layer(dir('/opt')));
    expect(paths(t)).toEqual([]);
    expect(t.get('/opt')?.type).toBe('directory');
  });

  it('a path under a lower file makes that file a directory', () => {
    const t = overlay(layer(bin('/tool', X86)), layer(file('/tool/readme')));
    expect(t.get('/tool')?.type).toBe('directory');
    expect(paths(t)).toEqual(['/tool/readme']);
  });

  it('a path under a lower symlink makes it a directory and writes nothing through it', () => {
    const t = overlay(layer(dir('/real'), file('/real/keep'), symlink('/link', '/real')), layer(file('/link/new')));
    expect(t.get('/link')?.type).toBe('directory');
    expect(paths(t)).toEqual(['/link/new', '/real/keep']);
  });

  // Consecutive entries of one directory reuse the directory they went into (apply-layer.ts
  // ParentDirs): a non-directory over that directory, or over one of its parents, must not leave
  // later entries in the directory it removed.
  it('within one layer, entries after a file replaced their directory go into a new one', () => {
    const t = overlay(layer(file('/a/b'), file('/a'), file('/a/c')));
    expect(paths(t)).toEqual(['/a/c']);
    expect(t.get('/a')?.type).toBe('directory');
    const u = overlay(layer(file('/x/y/z'), symlink('/x', 'elsewhere'), file('/x/y/w')));
    expect(paths(u)).toEqual(['/x/y/w']);
    expect(u.get('/x')?.type).toBe('directory');
  });

  it('keeps paths written with empty components, as their normalized form', () => {
    const t = overlay(layer(file('/usr//lib/x'), file('/usr/lib/y/')));
    expect(paths(t)).toEqual(['/usr/lib/x', '/usr/lib/y']);
  });
});

describe('entries the tree refuses', () => {
  it('ignores paths that still hold "." or ".." and counts them', () => {
    const t = overlay(layer(file('/etc/passwd')), layer(file('/a/../etc/passwd', { size: 1 }), file('/./x'), file('rel')));
    expect(t.get('/etc/passwd')?.size).toBe(100);
    expect(paths(t)).toEqual(['/etc/passwd']);
    expect(t.ignoredEntries).toBe(3);
  });

  it('takes only directory metadata for "/", never a file', () => {
    const t = overlay(layer(file('/a')), layer({ ...dir('/'), mode: 0o700 }, file('/')));
    expect(t.get('/')).toMatchObject({ type: 'directory', mode: 0o700 });
    expect(paths(t)).toEqual(['/a']);
    expect(t.ignoredEntries).toBe(1);
  });

  it('accepts redundant slashes and reports the normalized path', () => {
    const t = overlay(layer(file('//usr//lib/x.so/')));
    expect(paths(t)).toEqual(['/usr/lib/x.so']);
  });

  it('keeps facts only on regular files', () => {
    const t = overlay(layer({ ...symlink('/s', '/t'), facts: X86 }, { path: '/dev/null', type: 'other', size: 0, mode: 0o666, facts: X86 }));
    expect(t.get('/s')?.facts).toBeNull();
    expect(t.get('/dev/null')).toMatchObject({ type: 'other', facts: null });
  });
});

describe('deletion basics', () => {
  it('a whiteout deletes a lower file; the look-alike sibling stays', () => {
    const t = overlay(layer(file('/a/x'), file('/a/xy')), layer(whiteout('/a/x')));
    expect(paths(t)).toEqual(['/a/xy']);
  });

  it('a whiteout of a directory deletes its subtree', () => {
    const t = overlay(layer(file('/a/b/c'), file('/a/b/d/e'), file('/a/bb')), layer(whiteout('/a/b')));
    expect(paths(t)).toEqual(['/a/bb']);
  });

  it('a whiteout of something that never existed does nothing', () => {
    const t = overlay(layer(file('/a/x')), layer(whiteout('/a/nope'), whiteout('/nowhere/x')));
    expect(paths(t)).toEqual(['/a/x']);
    expect(t.get('/nowhere')).toBeUndefined();
  });

  it('an opaque marker hides the lower contents of its directory only', () => {
    const t = overlay(
      layer(file('/d/old'), file('/d/sub/old'), file('/dd/keep'), file('/keep')),
      layer(opaque('/d'), file('/d/new')),
    );
    expect(paths(t)).toEqual(['/d/new', '/dd/keep', '/keep']);
  });

  it('an opaque marker at the root hides every lower layer', () => {
    const t = overlay(layer(file('/a'), file('/b/c')), layer(opaque('/'), file('/new')));
    expect(paths(t)).toEqual(['/new']);
  });

  it('an opaque marker makes its directory a directory even over a lower symlink', () => {
    const t = overlay(layer(file('/real/x'), symlink('/d', '/real')), layer(opaque('/d')));
    expect(t.get('/d')?.type).toBe('directory');
    expect(paths(t)).toEqual(['/real/x']);
  });
});

describe('hard links', () => {
  it('a link to a lower-layer file is that file, with the link’s own layer', () => {
    const t = overlay(layer(bin('/usr/bin/a', X86, { size: 4242, mode: 0o750 })), layer(hardlink('/usr/bin/b', '/usr/bin/a')));
    expect(t.get('/usr/bin/b')).toEqual({
      path: '/usr/bin/b', type: 'file', size: 4242, mode: 0o750, facts: X86, unreadable: null, layer: 1,
    });
    expect(t.fileCount).toBe(2);
  });

  it('a link to a target earlier in the same layer takes that layer’s version', () => {
    const t = overlay(layer(bin('/a', X86)), layer(bin('/a', ARM64), hardlink('/b', '/a')));
    expect(t.get('/b')?.facts).toBe(ARM64);
  });

  it('a link listed before its target in the same layer sees the lower version', () => {
    const t = overlay(layer(bin('/a', X86)), layer(hardlink('/b', '/a'), bin('/a', ARM64)));
    expect(t.get('/b')?.facts).toBe(X86);
    expect(t.get('/a')?.facts).toBe(ARM64);
  });

  it('a link to a missing target is kept as "other", not a binary', () => {
    const t = overlay(layer(hardlink('/b', '/missing')));
    expect(t.get('/b')).toMatchObject({ type: 'other', facts: null, target: '/missing' });
    expect(t.fileCount).toBe(0);
  });

  it('a link to a target the same layer whites out is dangling', () => {
    const t = overlay(layer(bin('/a', X86)), layer(whiteout('/a'), hardlink('/b', '/a')));
    expect(t.get('/b')?.type).toBe('other');
  });

  it('a link to a directory is dangling', () => {
    const t = overlay(layer(dir('/d'), hardlink('/b', '/d')));
    expect(t.get('/b')?.type).toBe('other');
  });

  it('a link to a symlink is that symlink (link(2) does not follow the last component)', () => {
    const t = overlay(layer(bin('/real', X86), symlink('/s', '/real'), hardlink('/h', '/s')));
    expect(t.get('/h')).toMatchObject({ type: 'symlink', target: '/real' });
  });

  it('a link target is reached through symlinked directories, as link(2) does', () => {
    const t = overlay(layer(bin('/usr/lib/x.so', X86), symlink('/lib', 'usr/lib')), layer(hardlink('/y.so', '/lib/x.so')));
    expect(t.get('/y.so')).toMatchObject({ type: 'file', facts: X86 });
  });

  it('a link to a link is the first target', () => {
    const t = overlay(layer(bin('/a', X86), hardlink('/b', '/a'), hardlink('/c', '/b')));
    expect(t.get('/c')?.facts).toBe(X86);
  });
});

describe('get and resolve', () => {
  const t = overlay(
    layer(
      dir('/usr'), dir('/usr/lib'), bin('/usr/lib/ld-linux-aarch64.so.1', ARM64),
      symlink('/lib', 'usr/lib'),
      symlink('/usr/lib/ld.so', 'ld-linux-aarch64.so.1'),
      symlink('/usr/lib/abs', '/usr/lib/ld.so'),
      symlink('/usr/lib/up', '../lib/./ld.so'),
      symlink('/loop1', '/loop2'), symlink('/loop2', '/loop1'),
      symlink('/dangling', '/nowhere'),
      file('/etc/hosts'),
      symlink('/etc/through-file', '/etc/hosts/x'),
      symlink('/empty', ''),
    ),
  );

  it('get is literal: no symlink followed, at the end or on the way', () => {
    expect(t.get('/lib')).toMatchObject({ type: 'symlink', target: 'usr/lib' });
    expect(t.get('/lib/ld.so')).toBeUndefined();
    expect(t.get('/usr/lib/ld.so')?.type).toBe('symlink');
    expect(t.get('/')?.type).toBe('directory');
  });

  it('resolve follows relative and absolute symlinks at every component', () => {
    const ld = '/usr/lib/ld-linux-aarch64.so.1';
    for (const p of ['/lib/ld-linux-aarch64.so.1', '/lib/ld.so', '/lib/abs', '/lib/up', '/usr/lib/abs', '/lib/../lib/ld.so']) {
      expect(t.resolve(p), p).toMatchObject({ path: ld, facts: ARM64 });
    }
  });

  it('resolve takes ".." from the real directory, not the symlink’s', () => {
    // /lib → /usr/lib, so /lib/.. is /usr and /lib/../lib is /usr/lib.
    expect(t.resolve('/lib/..')?.path).toBe('/usr');
    expect(t.resolve('/../../lib/ld.so')?.path).toBe('/usr/lib/ld-linux-aarch64.so.1');
  });

  it('resolve gives up on loops, dangling links, files used as directories and empty targets', () => {
    expect(t.resolve('/loop1')).toBeUndefined();
    expect(t.resolve('/dangling')).toBeUndefined();
    expect(t.resolve('/etc/through-file')).toBeUndefined();
    expect(t.resolve('/etc/hosts/x')).toBeUndefined();
    expect(t.resolve('/empty')).toBeUndefined();
    expect(t.resolve('/etc/hosts')?.path).toBe('/etc/hosts');
  });

  it('resolve follows up to 40 symlinks and no more', () => {
    const chain = (n: number) => {
      const entries = [file('/end')];
      for (let i = 0; i < n; i++) entries.push(symlink(`/s${i}`, i === n - 1 ? '/end' : `/s${i + 1}`));
      return overlay(layerOf(entries));
    };
    expect(chain(40).resolve('/s0')?.path).toBe('/end');
    expect(chain(41).resolve('/s0')).toBeUndefined();
    expect(chain(5).resolve('/s0', 4)).toBeUndefined();
    expect(chain(5).resolve('/s0', 5)?.path).toBe('/end');
  });
});

describe('files and fileCount', () => {
  it('lists every non-directory depth first in name order, "/a/b" before "/a-b"', () => {
    const t = overlay(layer(file('/b'), file('/a-b'), file('/a/z'), file('/a/b/c'), symlink('/A', '/b'), { path: '/dev/x', type: 'other', size: 0, mode: 0 }));
    expect(paths(t)).toEqual(['/A', '/a/b/c', '/a/z', '/a-b', '/b', '/dev/x']);
  });

  it('counts regular files and resolved hard links, not symlinks, devices or dangling links', () => {
    const t = overlay(layer(file('/a'), hardlink('/b', '/a'), symlink('/c', '/a'), hardlink('/d', '/gone'), { path: '/e', type: 'other', size: 0, mode: 0 }, dir('/f')));
    expect(t.fileCount).toBe(2);
    expect(paths(t)).toEqual(['/a', '/b', '/c', '/d', '/e']);
  });

  it('recounts after each layer', () => {
    const t = new FileTree();
    t.applyLayer(layer(file('/a'), file('/b')), 0);
    expect(t.fileCount).toBe(2);
    t.applyLayer(layer(whiteout('/a')), 1);
    expect(t.fileCount).toBe(1);
  });

  it('walks a tree thousands of directories deep without recursion', () => {
    const deep = '/d'.repeat(3000) + '/bin';
    const t = overlay(layer(bin(deep, X86)));
    expect(paths(t)).toEqual([deep]);
    expect(t.resolve(deep)?.facts).toBe(X86);
  });

  it('keeps a path nested deeper than PATH_MAX could hold: depth hides nothing from the rules', () => {
    const deep = '/d'.repeat(5000) + '/x';
    const t = overlay(layer(file(deep)));
    expect(t.fileCount).toBe(1);
    expect(paths(t)).toEqual([deep]);
    expect(t.ignoredEntries).toBe(0);
  });
});

describe('large trees', () => {
  it('applies 20,250 whiteouts over 200,000 files, deleting exactly the whited-out subtrees', () => {
    const entries: LayerEntry[] = [];
    for (let i = 0; i < 200_000; i++) entries.push(file(`/big/d${i % 500}/f${i}`));
    const t = overlay(layerOf(entries));
    const deletes: LayerEntry[] = [];
    for (let i = 0; i < 20_000; i++) deletes.push(whiteout(`/big/d${i % 500}/missing${i}`));
    for (let i = 0; i < 250; i++) deletes.push(whiteout(`/big/d${i}`));
    t.applyLayer(layerOf(deletes), 1);
    expect(t.fileCount).toBe(100_000);
    expect(t.get('/big/d0/f0')).toBeUndefined();
    expect(t.get('/big/d499/f499')?.path).toBe('/big/d499/f499');
  });
});
