// The seam of style convention 1, checked on the source text: a source hands out layer blobs and
// never reads a layer itself, so nothing under src/sources/ imports src/layers/ (how a layer is
// read is src/layers/scan-layer.ts's decision alone).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Every module a file imports (static imports and re-exports), as a path under src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(SRC, resolve(dirname(file), s)));
}

describe('src/sources/', () => {
  const files = tsFiles(join(SRC, 'sources'));

  it('holds the sources (the check reads real files)', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(imports(join(SRC, 'sources', 'open-source.ts'))).toContain('sources/archive-file.js');
  });

  it('imports nothing from src/layers/', () => {
    const crossing = files.flatMap((f) => imports(f).filter((i) => i.startsWith('layers/')).map((i) => `${relative(SRC, f)} → ${i}`));
    expect(crossing).toEqual([]);
  });
});
