// The installed command as a shell runs it (bin/elfscan.js in a real process): what it says on a
// Node it does not support, a reader that stops early (`elfscan … | head -1`), a relative path
// decided against the working directory, and the young generation it keeps small.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeArchive, type FileSpec } from '../helpers/image-builder.js';
import { buildTar } from '../helpers/tar-builder.js';
import { olderNode, versionOf } from '../packaging/older-node.js';

const BIN = new URL('../../bin/elfscan.js', import.meta.url).pathname;

describe('on a Node it does not support', () => {
  it('says which Node it needs in one sentence and exits 2, before loading anything', () => {
    const node = olderNode();
    const version = versionOf(node);
    // A scan would load the addon; the sentence must come first, whatever the arguments.
    for (const args of [['--version'], [join(tempDir(), 'image.tar')]]) {
      const r = spawnSync(node, [BIN, ...args], { encoding: 'utf8' });
      expect(r.stderr).toBe(`elfscan: needs Node.js 22.15 or newer (this is ${version})\n`);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(2);
    }
  }, 120_000);

  it('runs on this one (the suite runs on each supported Node)', () => {
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('a reader that stops early', () => {
  // Enough binaries that the --all report (~1 MB of JSON) outlasts the pipe's buffer, so elfscan
  // is still writing when head has gone.
  const many = (fixture: string): FileSpec[] => Array.from({ length: 3000 }, (_, i) => ({ path: `/opt/bin/tool${i}`, fixture }));
  /** `elfscan --all -f json IMAGE | head -1` in bash: what head printed, elfscan's status and its stderr. */
  const pipeToHead = (image: string) => {
    const stderr = join(tempDir(), 'stderr');
    const r = spawnSync('bash', ['-c', '"$0" "$1" --all -f json "$2" 2>"$3" | head -1; echo "status ${PIPESTATUS[0]}"', process.execPath, BIN, image, stderr], { encoding: 'utf8' });
    return { stdout: r.stdout, stderr: readFileSync(stderr, 'utf8') };
  };

  it('is a quiet exit with the status the findings decide: 1 for an image with errors', () => {
    const r = pipeToHead(writeArchive({ platform: 'linux/arm64', layers: [many('amd64/hello')] }, 'docker-25'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('{\nstatus 1\n');
  }, 60_000);

  it('and 0 for a clean image: under `set -o pipefail` a pipeline fails on findings only', () => {
    // The libraries' own C library and loader, so that the clean image is clean for the loader rules too.
    const libc: FileSpec[] = ['/lib/ld-linux-aarch64.so.1', '/lib/libc.so.6'].map((path) => ({ path, fixture: 'arm64/libhello.so' }));
    const r = pipeToHead(writeArchive({ platform: 'linux/arm64', layers: [[...many('arm64/libhello.so'), ...libc]] }, 'docker-25'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('{\nstatus 0\n');
  }, 60_000);
});

describe('a relative path, judged in the working directory', () => {
  it('a Docker Hub-looking name whose first folder exists here is a mistyped path: the sentence says how to mean the image', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'build'));
    const r = spawnSync(process.execPath, [BIN, 'build/app'], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('elfscan: build/app: no such file or directory (read as a path because ./build is a folder here; for the Docker Hub image write docker.io/build/app)\n');
    expect(r.status).toBe(2);
  });
});

describe('the young generation', () => {
  // Every path's node and file lives to the end of a scan; left to itself V8 doubles the young
  // space on that survival rate (16 MB semi-spaces at 10k paths) for no gain. The largest size
  // the young space reaches is read by a module the process loads first, when it exits.
  const image = (): { tar: string; probe: string } => {
    const dir = tempDir();
    const tar = join(dir, 'rootfs.tar');
    writeFileSync(tar, buildTar(Array.from({ length: 10_000 }, (_, i) => ({ name: `d${i % 100}/f${i}`, body: 'x' }))));
    const probe = join(dir, 'probe.mjs');
    writeFileSync(probe, `import v8 from 'node:v8';
const size = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let max = size();
setInterval(() => { max = Math.max(max, size()); }, 1).unref();
process.on('exit', () => process.stderr.write('new space ' + Math.max(max, size()) + '\\n'));
`);
    return { tar, probe };
  };
  const newSpace = ({ tar, probe }: { tar: string; probe: string }, env: NodeJS.ProcessEnv = {}): number => {
    const r = spawnSync(process.execPath, ['--import', probe, BIN, '--platform', 'linux/amd64', '-f', 'json', tar], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).images[0].stats.files).toBe(10_000);
    return Number(/^new space (\d+)$/m.exec(r.stderr)![1]);
  };

  it('stays at its starting size through a scan of 10,000 files', () => {
    expect(newSpace(image())).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it("is the user's to size: NODE_OPTIONS' --max-semi-space-size is left to work", () => {
    expect(newSpace(image(), { NODE_OPTIONS: '--max-semi-space-size=16' })).toBeGreaterThan(4 * 1024 * 1024);
  });
});
