// A GitHub runner as the action's scripts see it: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP,
// GITHUB_ACTION_PATH, inputs as env, and a PATH that holds only stubs and the few real tools the
// scripts use — so that a test decides whether `cargo`, `npm` or `elfscan` exist and what they do.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/image-builder.js';

export const SCRIPTS = new URL('../../scripts/', import.meta.url).pathname;

const REAL_TOOLS = ['bash', 'dirname', 'cp', 'cat', 'ls', 'wc', 'chmod'];

export interface Step {
  code: number;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT parsed (name=value lines). */
  outputs: Record<string, string>;
  summary: string;
}

export class FakeRunner {
  readonly dir = tempDir();
  readonly bin = join(this.dir, 'bin');
  readonly temp = join(this.dir, 'runner-temp');
  readonly actionPath = join(this.dir, 'action');
  readonly calls = join(this.dir, 'calls');
  private readonly output = join(this.dir, 'github-output');
  private readonly summaryFile = join(this.dir, 'step-summary');

  constructor() {
    for (const d of [this.bin, this.temp, this.actionPath, this.calls]) mkdirSync(d, { recursive: true });
    symlinkSync(process.execPath, join(this.bin, 'node'));
    for (const tool of REAL_TOOLS) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (!found) throw new Error(`the action tests need ${tool} on PATH`);
      symlinkSync(found, join(this.bin, tool));
    }
    writeFileSync(this.output, '');
    writeFileSync(this.summaryFile, '');
  }

  /** Puts an executable bash script on PATH. */
  stub(name: string, body: string): string {
    const path = join(this.bin, name);
    writeFileSync(path, `#!${join(this.bin, 'bash')}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  /** A stub that records its arguments (NUL-separated) and working directory per call, then runs `then`. */
  recordingStub(name: string, then = 'exit 0'): string {
    return this.stub(
      name,
      `n=$(( $(ls "${this.calls}" 2>/dev/null | wc -l) ))\n` +
        `printf '%s\\0' "$@" > "${this.calls}/$n-${name}.args"\npwd > "${this.calls}/$n-${name}.cwd"\n${then}`,
    );
  }

  /** Calls of a recording stub, in order: its argv and working directory. */
  callsOf(name: string): { args: string[]; cwd: string }[] {
    const files = spawnSync('ls', [this.calls], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((f) => f.endsWith(`-${name}.args`))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    return files.map((f) => ({
      args: readFileSync(join(this.calls, f), 'utf8').split('\0').slice(0, -1),
      cwd: readFileSync(join(this.calls, f.replace(/\.args$/, '.cwd')), 'utf8').trim(),
    }));
  }

  run(script: string, env: Record<string, string> = {}): Step {
    writeFileSync(this.output, '');
    writeFileSync(this.summaryFile, '');
    const r = spawnSync(join(this.bin, 'bash'), [join(SCRIPTS, script)], {
      encoding: 'utf8',
      cwd: this.dir,
      env: {
        PATH: this.bin,
        HOME: this.dir,
        GITHUB_OUTPUT: this.output,
        GITHUB_STEP_SUMMARY: this.summaryFile,
        GITHUB_ACTION_PATH: this.actionPath,
        RUNNER_TEMP: this.temp,
        ...env,
      },
    });
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(this.output, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, outputs, summary: existsSync(this.summaryFile) ? readFileSync(this.summaryFile, 'utf8') : '' };
  }
}
