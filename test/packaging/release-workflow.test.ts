// The release workflow cannot run here (no GitHub), so its promises are checked against the
// package it releases: a build for every napi target, a test of every platform package on each
// supported Node, the whole suite once, and a publish with provenance only after all of them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SUPPORTED_MAJORS } from '../../scripts/node.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { napi: { triples: { additional: string[] } } };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include?: Record<string, unknown>[]; node?: number[]; target?: string[] } };
  container?: string;
  steps: Step[];
}

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8')) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
const { build, test, suite, publish } = workflow.jobs as Record<'build' | 'test' | 'suite' | 'publish', Job>;
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run] : [])).join('\n');

describe('.github/workflows/release.yml', () => {
  it('builds the addon for every target in napi.triples, each with the napi CLI for that target, and uploads it', () => {
    const include = build.strategy!.matrix.include! as { target: string; build: string }[];
    expect(include.map((m) => m.target).sort()).toEqual([...pkg.napi.triples.additional].sort());
    for (const m of include) expect(m.build, m.target).toContain(`napi build --platform --release --cargo-cwd native --js false --target ${m.target} native`);
    expect(build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({ name: 'bindings-${{ matrix.target }}', path: 'native/elfscan.*.node' });
  });

  it('tests every platform package on every supported Node, installed from its tarballs', () => {
    const { node, target, include } = test.strategy!.matrix;
    expect(node).toEqual(SUPPORTED_MAJORS);
    expect([...target!].sort()).toEqual([...pkg.napi.triples.additional].sort());
    expect(include!.map((m) => m.target).sort()).toEqual([...pkg.napi.triples.additional].sort());
    expect(test.needs).toBe('build');
    expect(runs(test)).toMatch(/pack-release\.mjs pack .*\n.*pack-release\.mjs check /);
    // The download lands where scripts/pack-release.mjs looks for the addons.
    expect(test.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))?.with).toEqual({ name: 'bindings-${{ matrix.target }}', path: 'native' });
  });

  it('runs the whole suite once, as .ci/run does, on Debian as root with an older Node on PATH', () => {
    expect(suite.container).toMatch(/bookworm/);
    expect(runs(suite)).toBe('.ci/run');
    expect(suite.steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with).toEqual({ 'node-version': 20 });
  });

  it('publishes only after every build and test, with provenance, platform packages first', () => {
    expect(publish.needs).toEqual(['build', 'test', 'suite']);
    expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const script = runs(publish);
    const order = ['napi artifacts -d artifacts --dist npm', 'napi prepublish -t npm --skip-gh-release', 'npm publish --provenance --access public'].map((cmd) => script.indexOf(cmd));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(publish.if).toContain("startsWith(github.ref, 'refs/tags/v')");
  });
});
