// entrypoint-missing/-mismatch on a hand-made final filesystem, for the config fields the image
// builder does not write (WorkingDir, a custom PATH without the default folders).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ImageConfig, LayerEntry } from '../../src/model.js';
import { classify } from '../../src/native.js';
import { FileTree } from '../../src/overlay/file-tree.js';
import { parsePlatform } from '../../src/platform.js';
import { entrypoint } from '../../src/rules/entrypoint.js';
import { FIXTURES } from '../helpers/image-builder.js';

function file(path: string, fixture: string): LayerEntry {
  const bytes = readFileSync(`${FIXTURES}${fixture}`);
  const c = classify(bytes, bytes.length);
  return { path, type: 'file', size: bytes.length, mode: 0o755, facts: c.status === 'binary' ? c.facts : null };
}

function run(entries: LayerEntry[], config: ImageConfig['config']) {
  const tree = new FileTree();
  tree.applyLayer({ digest: null, deletions: [], entries, texts: [], bytesRead: 0 }, 0);
  const p = parsePlatform('linux/amd64');
  return entrypoint({ tree, config: { config }, declared: p, expected: p, layerDigest: () => null }).map((f) => [f.rule, f.path]);
}

describe('entrypoint with WorkingDir and PATH', () => {
  it('resolves a relative entrypoint from WorkingDir', () => {
    const entries = [file('/srv/app/bin/server', 'amd64/hello')];
    expect(run(entries, { Entrypoint: ['bin/server'], WorkingDir: '/srv/app' })).toEqual([]);
    expect(run(entries, { Entrypoint: ['bin/server'], WorkingDir: '/' })).toEqual([['entrypoint-missing', 'bin/server']]);
  });
  it('searches only the config’s PATH', () => {
    const entries = [file('/opt/tools/server', 'arm64/hello')];
    expect(run(entries, { Cmd: ['server'], Env: ['PATH=/opt/tools'] })).toEqual([['entrypoint-mismatch', '/opt/tools/server']]);
    expect(run(entries, { Cmd: ['server'], Env: ['PATH=/usr/bin'] })).toEqual([['entrypoint-missing', 'server']]);
  });
  it('prefers Entrypoint over Cmd and ignores an empty Entrypoint', () => {
    const entries = [file('/usr/bin/a', 'amd64/hello')];
    expect(run(entries, { Entrypoint: ['/usr/bin/a'], Cmd: ['/nope'] })).toEqual([]);
    expect(run(entries, { Entrypoint: [], Cmd: ['/nope'] })).toEqual([['entrypoint-missing', '/nope']]);
    expect(run(entries, {})).toEqual([]);
  });
});
