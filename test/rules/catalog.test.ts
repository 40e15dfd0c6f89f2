// The catalog lists every rule the model names, once, and every rule a scan can emit is in it.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG } from '../../src/rules/catalog.js';

describe('rule catalog', () => {
  it('has every RuleId of src/model.ts exactly once, and docs/rules.md names each', () => {
    const model = readFileSync(new URL('../../src/model.ts', import.meta.url), 'utf8');
    const ids = [...model.slice(model.indexOf('export type RuleId')).split(';')[0]!.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]);
    expect(RULE_CATALOG.map((r) => r.id).sort()).toEqual([...ids].sort());
    const docs = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    for (const r of RULE_CATALOG) expect(docs, r.id).toContain(`\`${r.id}\``);
  });
});
