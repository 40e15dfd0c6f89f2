// The CI examples in docs/ci.md and the README are YAML people paste: they must parse, use only
// inputs the action has, and the docs' input table must match action.yml.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
};

const yamlBlocks = (file: string) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** Every step of a workflow, a GitLab file (no steps) or a bare list of steps. */
function steps(doc: unknown): Step[] {
  if (Array.isArray(doc)) return doc as Step[];
  const jobs = (doc as { jobs?: Record<string, { steps?: Step[] }> }).jobs ?? {};
  return Object.values(jobs).flatMap((j) => j.steps ?? []);
}

describe('CI examples', () => {
  const blocks = [...yamlBlocks('docs/ci.md').map((y) => ['docs/ci.md', y] as const), ...yamlBlocks('README.md').map((y) => ['README.md', y] as const)];

  it('are there: a GitHub workflow, a GitLab job and the README snippet', () => {
    expect(blocks.filter(([f]) => f === 'docs/ci.md')).toHaveLength(2);
    expect(blocks.filter(([f]) => f === 'README.md')).toHaveLength(1);
  });

  it('parse as YAML and call the action with its own inputs only, image included', () => {
    let calls = 0;
    for (const [file, text] of blocks) {
      const doc = parse(text) as unknown;
      for (const step of steps(doc).filter((s) => /\/elfscan@/.test(s.uses ?? ''))) {
        calls++;
        const keys = Object.keys(step.with ?? {});
        expect(keys, file).toContain('image');
        for (const k of keys) expect(action.inputs, `${file}: ${k}`).toHaveProperty(k);
      }
    }
    expect(calls).toBe(2);
  });

  it('gate the GitLab job on elfscan’s exit code and keep the reports', () => {
    const gitlab = parse(yamlBlocks('docs/ci.md')[1]!) as Record<string, { script?: string[]; artifacts?: { when?: string; paths?: string[] } }>;
    expect(gitlab.elfscan!.script!.at(-1)).toBe('exit ${status:-0}');
    expect(gitlab.elfscan!.artifacts).toEqual({ when: 'always', paths: ['elfscan.json', 'elfscan.sarif'] });
    expect(gitlab['build-image']!.script!.join('\n')).toContain('--output type=oci,dest=image.tar');
  });
});

describe('docs/ci.md input table', () => {
  it('lists exactly the inputs of action.yml, with their defaults', () => {
    const text = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
    const lines = text.split('\n');
    const header = lines.indexOf('| input | default | meaning |');
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, lines.indexOf('', header)).map((l) => l.split('|').map((c) => c.trim()));
    const documented = Object.fromEntries(rows.map((cells) => [cells[1]!.replace(/`/g, ''), cells[2]!]));
    expect(Object.keys(documented).sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      const shown = documented[name]!;
      if (input.required) expect(shown, name).toBe('(required)');
      else if (input.default) expect(shown.replace(/`/g, ''), name).toBe(input.default);
    }
    for (const output of Object.keys(action.outputs)) expect(text, output).toContain(`\`${output}\``);
  });
});
