// --format sarif against the official SARIF 2.1.0 schema and against what code scanning needs:
// one run, a rule per catalog entry, a result per finding at a relative path, stable fingerprints.

import { describe, expect, it } from 'vitest';
import type { Finding, ImageReport, Report } from '../../src/model.js';
import { formatJson } from '../../src/report/json.js';
import { FINGERPRINT_KEY, IMAGE_ROOT, formatSarif, sarifLog, uriPath, type SarifLog } from '../../src/report/sarif.js';
import { RULE_CATALOG } from '../../src/rules/catalog.js';
import { runCli } from '../cli/run-cli.js';
import { writeArchive, type ImageSpec } from '../helpers/image-builder.js';
import { SARIF_SCHEMA, sarifErrors } from './sarif-schema.js';

const finding = (over: Partial<Finding>): Finding => ({
  severity: 'error',
  rule: 'arch-mismatch',
  path: '/app/x.node',
  layer: 'sha256:' + 'a'.repeat(64),
  found: 'linux/amd64',
  expected: 'linux/arm64',
  message: 'x86-64 shared library in a linux/arm64 image',
  ...over,
});

const image = (over: Partial<ImageReport>): ImageReport => ({
  ref: 'registry.example/app:1.4.0',
  manifestDigest: 'sha256:' + 'b'.repeat(64),
  platform: { declared: 'linux/arm64', expected: 'linux/arm64' },
  stats: { layers: 2, files: 10, binaries: 3, bytesRead: 1000 },
  findings: [],
  ...over,
});

const report = (images: ImageReport[], source = 'image.tar'): Report => ({
  schemaVersion: 1,
  tool: { name: 'elfscan', version: '0.1.0' },
  source,
  images,
  summary: { images: images.length, errors: 0, warnings: 0, infos: 0 },
});

const parse = (r: Report): SarifLog => JSON.parse(formatSarif(r)) as SarifLog;

describe('the schema the tests validate against', () => {
  it('is the official SARIF 2.1.0 schema, draft-07', () => {
    expect(SARIF_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(SARIF_SCHEMA.$id).toBe('https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json');
    expect(SARIF_SCHEMA.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  });
  it('rejects what SARIF forbids, so a passing log means something', () => {
    const log = parse(report([image({ findings: [finding({})] })]));
    expect(sarifErrors(log)).toEqual([]);
    const badLevel = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    badLevel.runs[0]!.results[0]!.level = 'info';
    expect(sarifErrors(badLevel).join('\n')).toMatch(/\/runs\/0\/results\/0\/level must be equal to one of the allowed values/);
    const badUri = structuredClone(log) as unknown as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    badUri.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'app/a b.node';
    expect(sarifErrors(badUri).join('\n')).toMatch(/artifactLocation\/uri must match format "uri-reference"/);
    expect(sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, extra: 1 }] })).not.toEqual([]);
  });
});

describe('the SARIF log', () => {
  it('is one run whose driver lists every catalog rule with help and a default level', () => {
    const log = parse(report([image({})]));
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'elfscan', version: '0.1.0', semanticVersion: '0.1.0' });
    expect(driver.rules.map((r) => r.id)).toEqual(RULE_CATALOG.map((r) => r.id));
    expect(new Set(driver.rules.map((r) => r.id)).size).toBe(driver.rules.length);
    const arch = driver.rules.find((r) => r.id === 'arch-mismatch')!;
    expect(arch.name).toBe('ArchMismatch');
    expect(arch.shortDescription.text).toMatch(/CPU/);
    expect(arch.help.text).toMatch(/\$TARGETPLATFORM/);
    expect(arch.defaultConfiguration.level).toBe('error');
    expect(driver.rules.find((r) => r.id === 'compat-32bit')!.defaultConfiguration.level).toBe('warning');
    expect(driver.rules.find((r) => r.id === 'by-design')!.defaultConfiguration.level).toBe('note');
    for (const rule of driver.rules) expect(rule.help.text.length, rule.id).toBeGreaterThan(80);
  });

  it('maps severities to levels and locates a file at its path under IMAGE_ROOT, the image as the logical location', () => {
    const findings = [
      finding({}),
      finding({ severity: 'warning', rule: 'compat-32bit', path: '/usr/lib32/libx.so', found: 'linux/386', expected: 'linux/amd64' }),
      finding({ severity: 'info', rule: 'by-design', path: '/lib/firmware/x.bin', found: 'elf/arc', expected: 'linux/arm64' }),
    ];
    const log = parse(report([image({ findings })]));
    expect(sarifErrors(log)).toEqual([]);
    const [run] = log.runs;
    expect(run.originalUriBaseIds[IMAGE_ROOT]!.uri).toBe('file:///');
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
      ['arch-mismatch', 'error', 'app/x.node'],
      ['compat-32bit', 'warning', 'usr/lib32/libx.so'],
      ['by-design', 'note', 'lib/firmware/x.bin'],
    ]);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe(IMAGE_ROOT);
      expect(r.locations[0]!.logicalLocations).toEqual([
        { name: 'registry.example/app:1.4.0', fullyQualifiedName: 'registry.example/app:1.4.0 (linux/arm64)', kind: 'module' },
      ]);
    }
    expect(run.results[0]!.message.text).toBe('x86-64 shared library in a linux/arm64 image');
    expect(run.results[0]!.properties).toEqual({
      image: 'registry.example/app:1.4.0',
      platform: 'linux/arm64',
      layer: 'sha256:' + 'a'.repeat(64),
      found: 'linux/amd64',
      expected: 'linux/arm64',
    });
  });

  it('locates a finding about a whole image at the image name, encoded so that a tag is no URI scheme', () => {
    const log = parse(
      report([
        image({
          ref: 'my-api:1.4.0',
          platform: { declared: 'linux/amd64', expected: 'linux/arm64' },
          findings: [finding({ rule: 'platform-mismatch', path: null, layer: null, found: 'linux/amd64', message: 'declared linux/amd64' })],
        }),
        image({ ref: null, manifestDigest: null, findings: [finding({ rule: 'missing-platform', path: null, layer: null, found: null })] }),
      ], 'out/my api.tar'),
    );
    expect(sarifErrors(log)).toEqual([]);
    const [a, b] = log.runs[0].results;
    expect(a!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'my-api%3A1.4.0' });
    expect(a!.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('my-api:1.4.0 (linux/arm64)');
    // No ref and no digest (a root filesystem): the source given names it.
    expect(b!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'out/my%20api.tar' });
    expect(b!.properties.image).toBe('out/my api.tar');
  });

  it('percent-encodes what a URI reference cannot hold, keeping the path readable', () => {
    expect(uriPath('/app/node_modules/x/build/Release/x.node')).toBe('app/node_modules/x/build/Release/x.node');
    expect(uriPath('/opt/a b/#1/50%/q?.so')).toBe('opt/a%20b/%231/50%25/q%3F.so');
    expect(uriPath('/usr/lib/ünï.so')).toBe('usr/lib/%C3%BCn%C3%AF.so');
    const log = parse(report([image({ findings: [finding({ path: '/opt/a b/#1/50%/q?[x].so' }), finding({ path: '/usr/lib/ünï:1.so' })] })]));
    expect(sarifErrors(log)).toEqual([]);
  });

  it('gives each result a fingerprint that survives a rebuild but tells findings apart', () => {
    const fp = (r: Report, i = 0) => parse(r).runs[0].results[i]!.partialFingerprints[FINGERPRINT_KEY];
    const base = fp(report([image({ findings: [finding({})] })]));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    // A rebuild: new layer digest, new manifest digest, new tag — the same problem.
    expect(fp(report([image({ ref: 'registry.example/app:1.5.0', manifestDigest: 'sha256:' + 'c'.repeat(64), findings: [finding({ layer: 'sha256:' + 'd'.repeat(64) })] })]))).toBe(base);
    expect(fp(report([image({ findings: [finding({ path: '/app/y.node' })] })]))).not.toBe(base);
    expect(fp(report([image({ findings: [finding({ found: 'linux/386' })] })]))).not.toBe(base);
    // The same path in the amd64 child of an index is another alert.
    const both = report([image({ findings: [finding({})] }), image({ platform: { declared: 'linux/amd64', expected: 'linux/amd64' }, findings: [finding({ found: 'linux/arm64', expected: 'linux/amd64' })] })]);
    expect(fp(both, 0)).not.toBe(fp(both, 1));
  });

  it('keeps the images and the summary of the JSON report as run properties', () => {
    const r = report([image({ findings: [finding({})] })]);
    r.summary.errors = 1;
    const props = sarifLog(r).runs[0].properties;
    expect(props.source).toBe('image.tar');
    expect(props.summary).toEqual({ images: 1, errors: 1, warnings: 0, infos: 0 });
    expect(props.images).toEqual([
      { ref: 'registry.example/app:1.4.0', manifestDigest: 'sha256:' + 'b'.repeat(64), platform: { declared: 'linux/arm64', expected: 'linux/arm64' }, stats: r.images[0]!.stats },
    ]);
  });

  it('is valid and has no results for a clean scan', () => {
    const log = parse(report([image({})]));
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
  });
});

describe('elfscan --format sarif on real images', () => {
  const amd64Addon = { path: '/app/node_modules/fast hash/build/Release/fast#hash.node', fixture: 'amd64/libhello.so' };
  const arm64: ImageSpec = {
    platform: 'linux/arm64',
    ref: 'example/app:1',
    layers: [
      [{ path: '/bin/hello', fixture: 'arm64/hello' }, amd64Addon, { path: '/opt/tools/x86/hello', fixture: 'amd64/hello' }],
      [{ path: '/usr/lib/compat/libhello.so', fixture: 'armhf/libhello.so' }],
    ],
  };
  const amd64: ImageSpec = { platform: 'linux/amd64', ref: 'example/app:1', layers: [[{ path: '/bin/hello', fixture: 'amd64/hello' }, { path: '/usr/lib32/libhello.so', fixture: 'i386/libhello.so' }]] };

  it('reports every finding of the JSON report, schema-valid, at the same paths and levels', async () => {
    const index = writeArchive([arm64, amd64], 'oci-archive');
    const args = ['--require-platforms', 'linux/arm64,linux/amd64,linux/riscv64', '--ignore', '/opt/tools/**', index];
    const sarif = await runCli(['--format', 'sarif', ...args]);
    const json = await runCli(['--format', 'json', ...args]);
    expect(sarif.code).toBe(1);
    expect(sarif.code).toBe(json.code);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    expect(sarifErrors(log)).toEqual([]);
    const rep = JSON.parse(json.stdout) as Report;
    const expected = rep.images.flatMap((img) =>
      img.findings.map((f) => [f.rule, { error: 'error', warning: 'warning', info: 'note' }[f.severity], f.path === null ? null : uriPath(f.path), f.message]),
    );
    const got = log.runs[0].results.map((r) => [
      r.ruleId,
      r.level,
      r.locations[0]!.physicalLocation.artifactLocation.uriBaseId === IMAGE_ROOT ? r.locations[0]!.physicalLocation.artifactLocation.uri : null,
      r.message.text,
    ]);
    expect(got).toEqual(expected);
    // The rules this image was built to trip, each at least once.
    const rules = new Set(log.runs[0].results.map((r) => r.ruleId));
    for (const rule of ['arch-mismatch', 'missing-platform', 'by-design']) expect(rules, rule).toContain(rule);
    expect(got).toContainEqual(['arch-mismatch', 'error', 'app/node_modules/fast%20hash/build/Release/fast%23hash.node', expect.any(String)]);
    expect(got).toContainEqual(['by-design', 'note', 'opt/tools/x86/hello', expect.any(String)]);
    // The platform of each child tells the two images' results apart.
    const names = new Set(log.runs[0].results.map((r) => r.locations[0]!.logicalLocations[0]!.fullyQualifiedName));
    expect(names).toContain('example/app:1 (linux/arm64)');
  });

  it('matches the JSON report for the bundled example image and is byte-identical on a rerun', async () => {
    const path = new URL('../../fixtures/images/example-arm64.tar', import.meta.url).pathname;
    const first = await runCli(['--format', 'sarif', path]);
    const again = await runCli(['--format', 'sarif', path]);
    expect(first.stdout).toBe(again.stdout);
    const log = JSON.parse(first.stdout) as SarifLog;
    expect(sarifErrors(log)).toEqual([]);
    const json = JSON.parse((await runCli(['--format', 'json', path])).stdout) as Report;
    expect(log.runs[0].results).toHaveLength(json.images[0]!.findings.length);
    expect(log.runs[0].results[0]).toMatchObject({
      ruleId: 'arch-mismatch',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'app/node_modules/fast-hash/build/Release/fast_hash.node', uriBaseId: IMAGE_ROOT } } }],
    });
    expect(formatJson(json)).toContain('"schemaVersion": 1');
  });
});
