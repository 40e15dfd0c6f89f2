// Re-creates sarif-schema-2.1.0.json beside this file from the npm registry. No npm package
// ships the OASIS SARIF 2.1.0 schema as a plain file; @datadog/datadog-ci-plugin-sarif bundles
// it (as a JS object literal) to validate its own uploads, so this script packs that exact
// version, cuts the literal out of the bundle and writes it as JSON. Run it only to refresh the
// test data: node test/report/schema/extract-sarif-schema.mjs

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';

const PACKAGE = '@datadog/datadog-ci-plugin-sarif@5.25.0';
const MARKER = 'var sarif_schema_2_1_0_default = ';
const out = new URL('./sarif-schema-2.1.0.json', import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'sarif-schema-'));
try {
  const tgz = execFileSync('npm', ['pack', '--silent', PACKAGE], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', tgz, 'package/dist/bundle.js'], { cwd: dir });
  const bundle = readFileSync(join(dir, 'package/dist/bundle.js'), 'utf8');
  const start = bundle.indexOf(MARKER);
  if (start < 0) throw new Error(`${PACKAGE}: the schema literal is not in dist/bundle.js any more`);
  const literal = objectLiteralAt(bundle, start + MARKER.length);
  const schema = vm.runInNewContext(`(${literal})`, Object.create(null), { timeout: 1000 });
  if (schema.title !== 'Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema') throw new Error(`unexpected title ${schema.title}`);
  writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${out.pathname} (${Object.keys(schema.definitions).length} definitions)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The text of the balanced `{…}` starting at `from`, skipping braces inside string literals. */
function objectLiteralAt(text, from) {
  let depth = 0;
  let quote = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(from, i + 1);
  }
  throw new Error('unbalanced object literal');
}
