// Runs the CLI's main() in-process with captured output, as the bin script would.

import { main } from '../../src/cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: AsyncIterable<Buffer>;
  env?: NodeJS.ProcessEnv;
  /** stdout is a terminal. */
  tty?: boolean;
  /** stderr is a terminal this many columns wide (where the progress bar shows). */
  stderrColumns?: number;
}

export async function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.stderrColumns !== undefined, ...(opts.stderrColumns !== undefined ? { columns: opts.stderrColumns } : {}) },
    env: opts.env ?? {},
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
  });
  return { code, stdout, stderr };
}
