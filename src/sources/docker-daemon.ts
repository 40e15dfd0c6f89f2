// `docker-daemon:IMAGE`: the image as the local Docker daemon has it, streamed from
// `docker save IMAGE` straight into the archive reader — nothing is written to disk. A bare name
// is never sent to the daemon implicitly: it means a registry reference (as in Docker itself),
// and guessing between the two would make the same command scan different images on different
// machines.

import { ElfscanError } from '../errors.js';

export const DAEMON_PREFIX = 'docker-daemon:';

/** The bytes of `docker save IMAGE`; fails with one sentence when docker or its daemon is missing. */
export async function* dockerSave(image: string, env: NodeJS.ProcessEnv): AsyncGenerator<Buffer> {
  const where = `${DAEMON_PREFIX}${image}`;
  if (!image || image.startsWith('-')) throw new ElfscanError(where, 'names no image (use docker-daemon:NAME[:TAG])');
  // Loaded here, not at the top: only this source runs a process (start-up, bench/startup.mjs).
  const { spawn } = await import('node:child_process');
  const child = spawn('docker', ['save', image], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    if (stderr.length < 4096) stderr += s;
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
    const line = stderr.trim().split('\n').pop()?.replace(/^Error( response from daemon)?:\s*/i, '') ?? '';
    throw new ElfscanError(where, `docker save failed${line ? `: ${line}` : ` (exit ${code})`}`);
  }
}
