// The command line of spec §6, a thin shell over scan(): parse options, scan, format, and turn
// the outcome into an exit code. main() returns 0/1/2 and never exits the process itself.

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { helpAfterOptions } from './cli-help.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from './config/load-config.js';
import { ElfscanError, isElfscanError } from './errors.js';
import { forTerminal } from './escape.js';
import type { Report } from './model.js';
import { scan, summarize, type ScanOptions } from './scan.js';
import { fitSentence, MAX_SENTENCE } from './sentence.js';
import { VERSION } from './version.js';

export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  stdin?: AsyncIterable<Buffer>;
  /** Where a default .elfscan.json is looked for (process.cwd() when absent). */
  cwd?: string;
}

const FORMATS = ['human', 'json', 'sarif'] as const;

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
const repeat = (v: string, prev: string[] = []) => [...prev, v];
const seconds = (v: string) => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n > 0)) throw new InvalidArgumentError('expects a number of seconds above 0');
  return n;
};

function program(io: CliIo): Command {
  return new Command('elfscan')
    .description('Find binaries built for the wrong CPU or ABI in a container image.')
    .version(VERSION)
    .argument('<source...>', 'image tarball, OCI layout directory, root filesystem, - for stdin, or a registry reference')
    .option('--platform <p[,p…]>', 'platform(s) expected; for an index, which children to scan', list)
    .option('--require-platforms <p[,p…]>', 'an image index must contain each of these', list)
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('human'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(['error', 'warning', 'none']).default('error'))
    .option('--ignore <glob>', 'accept findings on matching paths as by-design (repeatable)', repeat, [])
    .option('--config <file>', `ignores, severities and required platforms (default ${DEFAULT_CONFIG_FILE} if present)`)
    .option('--all', 'also list every binary found')
    .option('--insecure-registry', 'allow plain HTTP and unverified TLS to the registry')
    .option('--registry-timeout <seconds>', 'how long one registry request may take, plus the time its size takes at 16 KiB/s (default 60)', seconds)
    .option('--quiet', 'print only findings')
    .option('--verbose', 'print how long each stage took, on stderr')
    .option('--no-progress', 'never show progress')
    .option('--no-color', 'never colour the output')
    .addHelpText('after', () => helpAfterOptions())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined, outputError: () => undefined });
}

interface Opts {
  platform?: string[];
  requirePlatforms?: string[];
  format: (typeof FORMATS)[number];
  output?: string;
  failOn: 'error' | 'warning' | 'none';
  ignore: string[];
  config?: string;
  all?: boolean;
  insecureRegistry?: boolean;
  registryTimeout?: number;
  verbose?: boolean;
  quiet?: boolean;
  progress: boolean;
  color: boolean;
}

/** The real process as a CliIo (only the bin script and tests that want the real thing use it). */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const cmd = program(io);
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      io.stderr.write(`elfscan: ${forTerminal(e.message.replace(/^error: /, ''))}\n${usageHint}\n`);
      return 2;
    }
    throw e;
  }
  const opts = cmd.opts<Opts>();
  // grype and syft take `-o json` for the format: here it would write a file named json.
  if (opts.output !== undefined && (FORMATS as readonly string[]).includes(opts.output)) {
    io.stderr.write(`elfscan: -o/--output takes a file to write the report to, not a format: for a ${opts.output} report use -f ${opts.output} (--format ${opts.output})\n${usageHint}\n`);
    return 2;
  }
  const sources = cmd.args;
  const started = performance.now();
  // Progress only for a person watching: a terminal, not CI, not --quiet/--no-progress.
  // Loaded only then, as the report formats below: start-up is part of every CI run (bench/startup.mjs).
  const progress = opts.progress && !opts.quiet && io.stderr.isTTY && !io.env.CI ? (await import('./progress-line.js')).progressLine(io.stderr) : null;
  // The bar is erased first, or the line would be written after it; it redraws at its next tick.
  const verboseLine = (text: string) => {
    progress?.clear();
    io.stderr.write(`elfscan: ${text}\n`);
  };
  try {
    const configPath = opts.config ?? defaultConfig(io.cwd ?? process.cwd());
    const config = configPath ? loadConfig(configPath) : undefined;
    const report = await scanAll(sources, {
      ...(config ? { config } : {}),
      ...(opts.platform ? { platforms: opts.platform } : {}),
      ...(opts.requirePlatforms ? { requirePlatforms: opts.requirePlatforms } : {}),
      ignore: opts.ignore,
      all: Boolean(opts.all),
      insecureRegistry: Boolean(opts.insecureRegistry),
      ...(opts.registryTimeout ? { registryTimeoutMs: opts.registryTimeout * 1000 } : {}),
      env: io.env,
      ...(io.stdin ? { stdin: io.stdin } : {}),
      ...(progress ? { progress: progress.update } : {}),
      ...(opts.verbose ? { onStage: (stage: string, ms: number) => verboseLine(`${stage}: ${ms.toFixed(0)} ms`) } : {}),
    }).finally(() => progress?.clear());
    const seconds = (performance.now() - started) / 1000;
    const color = opts.color && !opts.output && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    const text =
      opts.format === 'json'
        ? (await import('./report/json.js')).formatJson(report)
        : opts.format === 'sarif'
          ? (await import('./report/sarif.js')).formatSarif(report)
          : (await import('./report/human.js')).formatHuman(report, { color, quiet: Boolean(opts.quiet), seconds });
    if (opts.output) await writeOutput(opts.output, text);
    else io.stdout.write(text);
    return exitCode(report, opts.failOn);
  } catch (e) {
    if (isElfscanError(e)) {
      io.stderr.write(`${userSentence(e)}\n`);
      return 2;
    }
    // Its text may quote the input too: escaped like any sentence, the stack line by line.
    const stack = (e as Error)?.stack ?? String(e);
    const detail = io.env.ELFSCAN_DEBUG ? `\n${stack.split('\n').map(forTerminal).join('\n')}` : '; rerun with ELFSCAN_DEBUG=1 for details';
    const sentence = fitSentence(`elfscan: internal error: ${(e as Error)?.message ?? String(e)}`, MAX_SENTENCE - (io.env.ELFSCAN_DEBUG ? 0 : detail.length));
    io.stderr.write(`${sentence}${detail}\n`);
    return 2;
  }
}

const usageHint = "Run 'elfscan --help' for usage.";

/** The line for a user error: "elfscan: image.tar: …"; one about elfscan itself (the addon) names it once. */
function userSentence(e: ElfscanError): string {
  const sentence = e.where === 'elfscan' ? e.message : `elfscan: ${e.message}`;
  return e.choices ? `${sentence}\n  ${e.choices}` : sentence;
}

function defaultConfig(cwd: string): string | undefined {
  const path = join(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(path) ? path : undefined;
}

/** Several sources make one report: their images in order, the sources joined. */
async function scanAll(sources: string[], options: ScanOptions): Promise<Report> {
  const reports: Report[] = [];
  for (const source of sources) reports.push(await scan(source, options));
  if (reports.length === 1) return reports[0]!;
  const images = reports.flatMap((r) => r.images);
  return { ...reports[0]!, source: sources.join(' '), images, summary: summarize(images) };
}

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (e) {
    throw new ElfscanError(path, `cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export function exitCode(report: Report, failOn: Opts['failOn']): number {
  const s = report.summary;
  if (failOn === 'error') return s.errors > 0 ? 1 : 0;
  if (failOn === 'warning') return s.errors + s.warnings > 0 ? 1 : 0;
  return 0;
}
