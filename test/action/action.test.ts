// The GitHub Action's logic (action.yml → scripts/action-*.sh, action-report.mjs) run in a fake
// runner: inputs → elfscan command line, exit codes → step outcome per fail-on, SARIF path and
// counts as outputs, and the install step's two ways to get an elfscan.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Finding, Report } from '../../src/model.js';
import { formatSarif } from '../../src/report/sarif.js';
import { writeArchive } from '../helpers/image-builder.js';
import { FakeRunner, SCRIPTS } from './fake-runner.js';

const ROOT = new URL('../../', import.meta.url).pathname;

const ELFSCAN_STUB = `
out=""; prev=""
for a in "$@"; do [[ "$prev" == -o ]] && out=$a; prev=$a; done
[[ -n "\${STUB_SARIF:-}" && -n "$out" ]] && cp "$STUB_SARIF" "$out"
[[ -n "\${STUB_STDERR:-}" ]] && printf '%s\\n' "$STUB_STDERR" >&2
exit "\${STUB_EXIT:-0}"`;

function sarifWith(findings: Partial<Finding>[], dir: string): string {
  const full: Finding[] = findings.map((f) => ({
    severity: 'error',
    rule: 'arch-mismatch',
    path: '/app/x.node',
    layer: null,
    found: 'linux/amd64',
    expected: 'linux/arm64',
    message: 'x86-64 shared library in a linux/arm64 image',
    ...f,
  }));
  const count = (s: Finding['severity']) => full.filter((f) => f.severity === s).length;
  const report: Report = {
    schemaVersion: 1,
    tool: { name: 'elfscan', version: '0.1.0' },
    source: 'app.tar',
    images: [
      { ref: 'app:1', manifestDigest: null, platform: { declared: 'linux/arm64', expected: 'linux/arm64' }, stats: { layers: 1, files: 3, binaries: 2, bytesRead: 1 }, findings: full },
    ],
    summary: { images: 1, errors: count('error'), warnings: count('warning'), infos: count('info') },
  };
  const path = join(dir, `fixture-${findings.length}.sarif`);
  writeFileSync(path, formatSarif(report));
  return path;
}

describe('action-run.sh: inputs become one elfscan command line', () => {
  it('needs only the image: fail-on error, no progress, SARIF to a temporary file, sources after --', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', STUB_SARIF: sarifWith([], runner.dir) });
    expect(r.code).toBe(0);
    const [call] = runner.callsOf('elfscan');
    expect(call!.args).toEqual(['--fail-on', 'error', '--no-progress', '--format', 'sarif', '-o', expect.stringMatching(new RegExp(`^${runner.temp}/elfscan-\\d+\\.sarif$`)), '--', 'app.tar']);
    expect(r.outputs['exit-code']).toBe('0');
    // Not asked for: the report is only read for the summary, not handed on.
    expect(r.outputs).not.toHaveProperty('sarif-file');
    expect(r.outputs).toMatchObject({ errors: '0', warnings: '0', infos: '0' });
  });

  it('maps every input, trimming blanks, splitting lines, keeping spaces inside a value', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const sarif = join(runner.dir, 'out', '..', 'report.sarif');
    const r = runner.run('action-run.sh', {
      INPUT_IMAGE: '  ghcr.io/acme/api:1.4.0 \n\n./build/my image.tar\n',
      INPUT_PLATFORM: 'linux/amd64, linux/arm64\nlinux/arm/v7',
      INPUT_REQUIRE_PLATFORMS: 'linux/amd64,linux/arm64',
      INPUT_FAIL_ON: ' warning ',
      INPUT_IGNORE: '/opt/my tools/**\n\n  *.wasm  \n',
      INPUT_CONFIG: 'ci/elfscan.json',
      INPUT_INSECURE_REGISTRY: 'true',
      INPUT_SARIF_FILE: sarif,
      INPUT_UPLOAD_SARIF: 'false',
      STUB_SARIF: sarifWith([], runner.dir),
    });
    expect(r.stdout).not.toMatch(/::error/);
    expect(r.code).toBe(0);
    expect(runner.callsOf('elfscan')[0]!.args).toEqual([
      '--fail-on', 'warning', '--no-progress',
      '--platform', 'linux/amd64,linux/arm64,linux/arm/v7',
      '--require-platforms', 'linux/amd64,linux/arm64',
      '--ignore', '/opt/my tools/**',
      '--ignore', '*.wasm',
      '--config', 'ci/elfscan.json',
      '--insecure-registry',
      '--format', 'sarif', '-o', sarif,
      '--', 'ghcr.io/acme/api:1.4.0', './build/my image.tar',
    ]);
    expect(r.outputs['sarif-file']).toBe(sarif);
    expect(existsSync(sarif)).toBe(true);
    // The command is echoed to the log, quoted so that it can be pasted.
    expect(r.stdout).toContain("--ignore /opt/my\\ tools/\\*\\* --ignore \\*.wasm");
  });

  it('passes globs in inputs through untouched, not expanded against the working directory', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    runner.run('action-run.sh', { INPUT_IMAGE: '*', INPUT_PLATFORM: '*', INPUT_IGNORE: '*', STUB_SARIF: sarifWith([], runner.dir) });
    const args = runner.callsOf('elfscan')[0]!.args;
    expect(args.slice(2, 7)).toEqual(['--no-progress', '--platform', '*', '--ignore', '*']);
    expect(args.at(-1)).toBe('*');
  });

  it('hands the temporary SARIF path on when upload-sarif is true and no sarif-file is given', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', INPUT_UPLOAD_SARIF: 'true', STUB_SARIF: sarifWith([{}], runner.dir), STUB_EXIT: '1' });
    const o = runner.callsOf('elfscan')[0]!.args;
    expect(r.outputs['sarif-file']).toBe(o[o.indexOf('-o') + 1]);
    expect(r.outputs['sarif-file']!.startsWith(runner.temp)).toBe(true);
    expect(JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8')).version).toBe('2.1.0');
  });

  it('runs a .js bin through node (the build-from-checkout case)', () => {
    const runner = new FakeRunner();
    const js = join(runner.dir, 'elfscan.js');
    writeFileSync(js, `require('node:fs').writeFileSync(process.argv[process.argv.indexOf('-o') + 1], require('node:fs').readFileSync(process.env.STUB_SARIF)); process.exitCode = 0;`);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', ELFSCAN_BIN: js, STUB_SARIF: sarifWith([], runner.dir) });
    expect(r.code).toBe(0);
    expect(r.outputs['exit-code']).toBe('0');
  });

  it.each([
    [{ INPUT_FAIL_ON: 'critical' }, /fail-on must be error, warning or none, not 'critical'/],
    [{ INPUT_IMAGE: ' \n ' }, /the image input is empty/],
    [{ INPUT_INSECURE_REGISTRY: 'yes' }, /insecure-registry must be true or false/],
    [{ INPUT_UPLOAD_SARIF: 'TRUE' }, /upload-sarif must be true or false/],
  ])('refuses a bad input %j with exit 2 before running elfscan', (env, message) => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', ...env });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`::error title=elfscan::.*${message.source}`));
    expect(runner.callsOf('elfscan')).toEqual([]);
  });
});

describe('action-run.sh and action-gate.sh: exit codes per fail-on', () => {
  it('findings (exit 1) pass the scan step, with counts, log lines and annotations, then fail the gate', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const sarif = sarifWith(
      [{}, { severity: 'warning', rule: 'compat-32bit', path: '/usr/lib32/x.so', message: 'i386 shared library: 50%\nof hosts' }, { severity: 'info', rule: 'by-design', path: '/lib/firmware/a b.bin' }],
      runner.dir,
    );
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', INPUT_FAIL_ON: 'warning', STUB_SARIF: sarif, STUB_EXIT: '1' });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ 'exit-code': '1', errors: '1', warnings: '1', infos: '1' });
    expect(r.stdout).toContain('error   arch-mismatch: /app/x.node  [app:1 (linux/arm64)]');
    expect(r.stdout).toContain('note    by-design: /lib/firmware/a b.bin');
    expect(r.stdout).toContain('1 image(s): 1 error(s), 1 warning(s), 1 info(s)');
    expect(r.stdout).toContain('::error title=elfscan arch-mismatch::/app/x.node: x86-64 shared library in a linux/arm64 image (app:1 (linux/arm64))\n');
    // Workflow-command escaping keeps a multi-line message on one annotation.
    expect(r.stdout).toContain('::warning title=elfscan compat-32bit::/usr/lib32/x.so: i386 shared library: 50%25%0Aof hosts (app:1 (linux/arm64))\n');
    expect(r.stdout).not.toMatch(/::notice|::\w+ title=elfscan by-design/);
    expect(r.summary).toContain('### elfscan: 1 error(s), 1 warning(s), 1 info(s) in 1 image(s)');
    expect(r.summary).toContain('| error | `arch-mismatch` | app:1 (linux/arm64) | `/app/x.node` | x86-64 shared library in a linux/arm64 image |');

    const gate = runner.run('action-gate.sh', { EXIT_CODE: r.outputs['exit-code']!, FAIL_ON: 'warning', ERRORS: r.outputs.errors!, WARNINGS: r.outputs.warnings! });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toBe('::error title=elfscan::findings at or above fail-on warning: 1 error(s), 1 warning(s)\n');
  });

  it('a clean scan (exit 0) passes both steps', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', STUB_SARIF: sarifWith([], runner.dir), STUB_EXIT: '0' });
    expect([r.code, r.outputs['exit-code']]).toEqual([0, '0']);
    expect(runner.run('action-gate.sh', { EXIT_CODE: '0' }).code).toBe(0);
  });

  it('a scan that could not run (exit 2) fails the scan step at once, keeping elfscan’s sentence', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'missing.tar', STUB_EXIT: '2', STUB_STDERR: 'elfscan: missing.tar: no such file' });
    expect(r.code).toBe(2);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stderr).toContain('elfscan: missing.tar: no such file');
    expect(r.stdout).toContain('::error title=elfscan::the scan could not run (exit 2)');
    expect(runner.run('action-gate.sh', { EXIT_CODE: '2' }).code).toBe(2);
  });

  it('exit 0 or 1 without a report is a failure, not a silent pass', () => {
    const runner = new FakeRunner();
    runner.recordingStub('elfscan', ELFSCAN_STUB);
    const r = runner.run('action-run.sh', { INPUT_IMAGE: 'app.tar', STUB_EXIT: '1' });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/elfscan exited 1 but wrote no report/);
  });

  it('the gate refuses a missing exit code (the scan step never ran)', () => {
    const runner = new FakeRunner();
    expect(runner.run('action-gate.sh', {}).code).toBe(2);
  });
});

describe('action-install.sh', () => {
  it('with a version, installs that release from npm globally and runs the elfscan command', () => {
    const runner = new FakeRunner();
    // A global install puts an elfscan command on PATH.
    runner.recordingStub('npm', `printf 'exit 0\\n' > "${runner.bin}/elfscan"; chmod +x "${runner.bin}/elfscan"`);
    const r = runner.run('action-install.sh', { ELFSCAN_VERSION: '1.2.3' });
    expect(r.stdout + r.stderr).not.toMatch(/::error/);
    expect(r.code).toBe(0);
    expect(runner.callsOf('npm').map((c) => c.args)).toEqual([['install', '--global', '--no-audit', '--no-fund', 'elfscan@1.2.3']]);
    expect(r.outputs.bin).toBe('elfscan');
  });

  it.each(['file:../evil', 'git+https://x/y.git', '../x', '1.0.0 --registry=x', '-g'])('refuses %j as a version', (version) => {
    const runner = new FakeRunner();
    runner.recordingStub('npm');
    const r = runner.run('action-install.sh', { ELFSCAN_VERSION: version });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error title=elfscan::version .* is not an npm version or dist-tag/);
    expect(runner.callsOf('npm')).toEqual([]);
  });

  it('without a version, builds the action checkout (npm ci, npm run build) and runs its bin', () => {
    const runner = new FakeRunner();
    runner.recordingStub('npm');
    runner.stub('cargo', 'exit 0');
    const r = runner.run('action-install.sh');
    expect(r.code).toBe(0);
    expect(runner.callsOf('npm')).toEqual([
      { args: ['ci', '--no-audit', '--no-fund'], cwd: runner.actionPath },
      { args: ['run', 'build'], cwd: runner.actionPath },
    ]);
    expect(r.outputs.bin).toBe(join(runner.actionPath, 'bin/elfscan.js'));
  });

  it('without a version and without Rust, says to install Rust or give a version', () => {
    const runner = new FakeRunner();
    runner.recordingStub('npm');
    const r = runner.run('action-install.sh');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/needs Rust \(cargo\); set the action's version input/);
    expect(runner.callsOf('npm')).toEqual([]);
  });

  it('a failing build fails the step', () => {
    const runner = new FakeRunner();
    runner.recordingStub('npm', 'exit 3');
    runner.stub('cargo', 'exit 0');
    expect(runner.run('action-install.sh').code).not.toBe(0);
  });
});

describe('action.yml', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean; default?: string; description: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; if?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }[] };
  };
  const steps = action.runs.steps;
  const scanStep = steps.find((s) => s.id === 'scan')!;

  it('is a composite action whose shell steps only call the tested scripts, with inputs through env', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of steps.filter((s) => s.run)) {
      expect(step.run).toMatch(/^bash "\$GITHUB_ACTION_PATH\/scripts\/action-[a-z]+\.sh"$/);
      expect(existsSync(join(SCRIPTS, step.run!.match(/scripts\/(.+)"/)![1]!))).toBe(true);
      // Never `${{ … }}` inside run: an input pasted into a script is a script injection.
      expect(step.run).not.toContain('${{');
    }
  });

  it('passes every scan input to action-run.sh under the name the script reads', () => {
    const script = readFileSync(join(SCRIPTS, 'action-run.sh'), 'utf8');
    const read = new Set([...script.matchAll(/\bINPUT_[A-Z_]+/g)].map((m) => m[0]));
    const passed = Object.keys(scanStep.env!).filter((k) => k.startsWith('INPUT_'));
    expect(new Set(passed)).toEqual(read);
    for (const name of passed) {
      const input = name.slice('INPUT_'.length).toLowerCase().replace(/_/g, '-');
      expect(action.inputs, name).toHaveProperty(input);
      expect(scanStep.env![name]).toBe(`\${{ inputs.${input} }}`);
    }
    expect(action.inputs.image!.required).toBe(true);
    expect(action.inputs['fail-on']!.default).toBe('error');
  });

  it('runs elfscan on a Node it supports: 24 by default, and says which ones it takes', () => {
    expect(action.inputs['node-version']!.default).toBe('24');
    expect(action.inputs['node-version']!.description).toContain('22 or 24 (elfscan supports Node 22.15 and newer');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with).toEqual({ 'node-version': '${{ inputs.node-version }}' });
  });

  it('uploads SARIF only when asked, before the gate, and gates on the scan step’s exit code', () => {
    const upload = steps.findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    const gate = steps.findIndex((s) => s.run?.includes('action-gate.sh'));
    expect(upload).toBeGreaterThan(steps.indexOf(scanStep));
    expect(gate).toBeGreaterThan(upload);
    expect(steps[upload]!.if).toBe("inputs.upload-sarif == 'true'");
    expect(steps[upload]!.with).toEqual({ sarif_file: '${{ steps.scan.outputs.sarif-file }}', category: '${{ inputs.category }}' });
    expect(steps[gate]!.if).toBe("steps.scan.outputs.exit-code != '0'");
    expect(steps[gate]!.env!.EXIT_CODE).toBe('${{ steps.scan.outputs.exit-code }}');
    for (const [name, o] of Object.entries(action.outputs)) expect(o.value, name).toBe(`\${{ steps.scan.outputs.${name} }}`);
  });
});

describe('the action script with the real elfscan', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  it('scans a real image through bin/elfscan.js and reports its finding', () => {
    const runner = new FakeRunner();
    const image = writeArchive(
      { platform: 'linux/arm64', ref: 'app:1', layers: [[{ path: '/app/x.node', fixture: 'amd64/libhello.so' }]] },
      'docker-25',
    );
    const r = runner.run('action-run.sh', { INPUT_IMAGE: image, INPUT_UPLOAD_SARIF: 'true', ELFSCAN_BIN: join(ROOT, 'bin/elfscan.js') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs['exit-code']).toBe('1');
    expect(Number(r.outputs.errors)).toBeGreaterThanOrEqual(1);
    const log = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8'));
    expect(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('arch-mismatch');
    expect(r.stdout).toContain('error   arch-mismatch: /app/x.node  [app:1 (linux/arm64)]');
  });
});
