// `docker-daemon:IMAGE`: the image as the local Docker daemon has it, streamed from
// `docker save IMAGE` straight into the archive reader — nothing is written to disk. A bare name
// is never sent to the daemon implicitly: it means a registry reference (as in Docker itself),
// and guessing between the two would make the same command scan different images on different
// machines.

import { ElfscanError } from '../errors.js';

export const DAEMON_PREFIX = 'docker-daemon:';

/** How much of docker's stderr is kept: its end, where the error is. */
const STDERR_TAIL = 8192;

/** The bytes of `docker save IMAGE`; fails with one sentence when docker or its daemon is missing. */
export async function* dockerSave(image: string, env: NodeJS.ProcessEnv): AsyncGenerator<Buffer> {
  const where = `${DAEMON_PREFIX}${image}`;
  if (!image || image.startsWith('-')) throw new ElfscanError(where, 'names no image (use docker-daemon:NAME[:TAG])');
  // Loaded here, not at the top: only this source runs a process (start-up, bench/startup.mjs).
  const { spawn } = await import('node:child_process');
  const child = spawn('docker', ['save', image], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_TAIL);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new ElfscanError(where, 'docker is not installed (no docker command on PATH)') : new ElfscanError(where, `cannot run docker (${e.code ?? e.message})`)),
    );
    child.on('close', resolve);
  });
  exited.catch(() => undefined); // observed below; never an unhandled rejection
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
  } finally {
    // A consumer that stopped early (bad archive) must not leave docker running.
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0) {
    const line = meaningfulLine(stderr);
    throw new ElfscanError(where, `docker save failed${line ? `: ${line}` : ` (exit ${code})`}`);
  }
}

/**
 * The line of docker's stderr that says what failed: its last error line, else its last line
 * that is not a hint ("See 'docker save --help'.") or usage text. ElfscanError shortens it.
 */
export function meaningfulLine(stderr: string): string {
  const lines = stderr.split(/\r?\n|\r/).map((l) => l.trim()).filter((l) => l !== '' && !/^(See '.*--help'\.?|Usage:.*)$/.test(l));
  const errors = lines.filter((l) => /^(Error\b|error\b)/.test(l));
  const line = errors.length > 0 ? errors[errors.length - 1]! : (lines[lines.length - 1] ?? '');
  return line.replace(/^Error( response from daemon)?:\s*/i, '');
}
